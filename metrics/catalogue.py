"""The metric catalogue: every figure Pöhinä shows, defined once (metrics/catalogue.toml).

A page formats a number from its metric's unit, colours a change arrow from higher_is_better,
and explains the figure with its definition; `python -m metrics report definitions` prints the
same catalogue. Adding a figure to a page or a report means adding it here first.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

PATH = Path(__file__).with_name("catalogue.toml")
LANGUAGES = ("fi", "sv", "en")
# How each unit is read (and, on the pages, written).
UNITS = {
    "count": "a count",
    "people": "a count of people",
    "per_100_staff_year": "per 100 staff a year",
    "share": "a share, a fraction 0-1 (shown as a percentage)",
    "percent": "a percentage 0-100",
    "pp": "percentage points",
    "relative_percent": "relative percent",
    "days": "days",
    "points": "incentive points",
    "points_per_10_staff": "incentive points per 10 staff",
    "rank": "a place, 1 the best",
    "scale": "a mean on the items' scale (1-5)",
    "hours_per_year": "hours a year",
    "eur_per_year": "euros a year",
}
FAMILIES = ("flow", "conversion", "stock", "coverage", "standings", "survey", "benchmark")
DEFINITION_COLUMNS = ("metric", "unit", "higher_is_better", "definition")


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    higher_is_better: bool
    family: str
    definitions: dict[str, str]

    @property
    def label_key(self) -> str:
        """The translation key of the metric's label on the pages (ui/locales)."""
        return f"metric.{self.name}.label"

    def definition(self, lang: str = "fi") -> str:
        return self.definitions[lang]


@cache
def metrics() -> dict[str, Metric]:
    """Every metric by name, in the catalogue's order; a malformed entry raises ValueError."""
    found = {}
    for name, entry in tomllib.loads(PATH.read_text("utf-8")).items():
        if entry.get("unit") not in UNITS or entry.get("family") not in FAMILIES:
            raise ValueError(f"{PATH}: {name} has an unknown unit or family")
        if not isinstance(entry.get("higher_is_better"), bool):
            raise ValueError(f"{PATH}: {name}.higher_is_better must be true or false")
        missing = [lang for lang in LANGUAGES if not entry.get(lang)]
        if missing:
            raise ValueError(f"{PATH}: {name} has no definition in {', '.join(missing)}")
        found[name] = Metric(
            name,
            entry["unit"],
            entry["higher_is_better"],
            entry["family"],
            {lang: entry[lang] for lang in LANGUAGES},
        )
    return found


def metric(name: str) -> Metric:
    """One metric by name; an unknown name raises KeyError naming it."""
    try:
        return metrics()[name]
    except KeyError:
        raise KeyError(f"no metric {name!r} in the catalogue ({PATH.name})") from None


def definitions(lang: str = "fi") -> pd.DataFrame:
    """`report definitions`: metric, unit, higher_is_better, definition (in `lang`), family."""
    if lang not in LANGUAGES:
        raise ValueError(f"no language {lang!r}; the languages are " + ", ".join(LANGUAGES))
    rows = [
        {
            "metric": m.name,
            "unit": m.unit,
            "higher_is_better": m.higher_is_better,
            "definition": m.definition(lang),
            "family": m.family,
        }
        for m in metrics().values()
    ]
    return pd.DataFrame(rows)
