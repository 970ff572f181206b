"""The one translation mechanism, and number and date formats for the chosen language.

Texts live in ui/locales/*.toml, one file per area, each key a table with fi, sv and en:

    ["overview.title"]
    fi = "Ohjelman yleiskuva"
    sv = "…"
    en = "…"
"""

from __future__ import annotations

import math
import tomllib
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, parse_pattern

LANGUAGES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
DEFAULT_LANGUAGE = "fi"
LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
DATE_FORMATS = {"fi": "d.M.yyyy", "sv": "d.M.yyyy", "en": "d MMM yyyy"}
MISSING = "–"
_CATALOG_DIR = Path(__file__).parent / "locales"


@cache
def catalog() -> dict[str, dict[str, str]]:
    """Every text by key and language, merged from all locale files."""
    texts: dict[str, dict[str, str]] = {}
    for path in sorted(_CATALOG_DIR.glob("*.toml")):
        for key, versions in tomllib.loads(path.read_text("utf-8")).items():
            if key in texts:
                raise ValueError(f"{path.name}: text {key!r} is defined twice")
            texts[key] = versions
    return texts


def current_language() -> str:
    import streamlit as st

    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def t(key: str, lang: str | None = None, **values) -> str:
    """The text for `key` in the language, with {placeholders} filled in."""
    versions = catalog()[key]
    text = versions.get(lang or current_language()) or versions[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value, decimals: int = 0, lang: str | None = None, signed: bool = False) -> str:
    """1 234,5 in Finnish and Swedish, 1,234.5 in English; '–' for a missing value."""
    if _blank(value):
        return MISSING
    text = format_decimal(
        value, format=_pattern(decimals), locale=_locale(lang or current_language())
    )
    return f"+{text}" if signed and value > 0 else text


@cache
def _pattern(decimals: int):
    """The parsed number pattern (parsing it on every call made long tables slow to write)."""
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[lang])


def percent(value, decimals: int = 0, lang: str | None = None, signed: bool = False) -> str:
    """A value already in percent (0–100), written with its sign: 33 %."""
    if _blank(value):
        return MISSING
    lang = lang or current_language()
    space = "" if lang == "en" else "\u00a0"
    return f"{number(value, decimals, lang, signed)}{space}%"


def fraction(value, decimals: int = 0, lang: str | None = None, signed: bool = False) -> str:
    """A fraction 0–1 shown as percent."""
    return percent(None if _blank(value) else 100 * value, decimals, lang, signed)


def points(value, decimals: int = 1, lang: str | None = None) -> str:
    """A change in percentage points, always signed and always saying it is points."""
    if _blank(value):
        return MISSING
    return f"{number(value, decimals, lang, signed=True)}\u00a0{t('unit.pp', lang)}"


def day(value: date | None, lang: str | None = None) -> str:
    """30.4.2019 in Finnish."""
    if value is None:
        return MISSING
    lang = lang or current_language()
    return format_date(value, format=DATE_FORMATS[lang], locale=LOCALES[lang])


# ----------------------------------------------------------------------------- figures by unit

# How a value of each catalogue unit (metrics.catalogue.UNITS) is written: the number's
# decimals, and whether it is a fraction shown as percent, a percent, or a plain number. A
# change of a share or a percent is written in percentage points.
_WRITERS = {
    "count": (0, "number"),
    "people": (0, "number"),
    "per_100_staff_year": (1, "number"),
    "share": (1, "fraction"),
    "percent": (1, "percent"),
    "pp": (1, "points"),
    "relative_percent": (0, "percent"),
    "days": (0, "number"),
    "points": (1, "number"),
    "points_per_10_staff": (2, "number"),
    "rank": (0, "number"),
    "scale": (2, "number"),
    "hours_per_year": (0, "number"),
    "eur_per_year": (0, "number"),
}


def figure(value, unit: str, lang: str | None = None) -> str:
    """A value of a catalogue unit as the pages write it: 23,8 · 5,0 % · +7,4 %-yks."""
    decimals, kind = _WRITERS[unit]
    if kind == "fraction":
        return fraction(value, decimals, lang)
    if kind == "percent":
        return percent(value, decimals, lang)
    if kind == "points":
        return points(value, decimals, lang)
    return number(value, decimals, lang)


def figure_change(change, unit: str, lang: str | None = None) -> str:
    """A change of a value of the unit, signed: shares and percents change in points."""
    decimals, kind = _WRITERS[unit]
    if kind == "fraction":
        return points(None if _blank(change) else 100 * change, decimals, lang)
    if kind in ("percent", "points"):
        return points(change, decimals, lang)
    return number(change, decimals, lang, signed=True)


def has(key: str) -> bool:
    """Whether the catalogue has a text for `key` (an optional text, such as a short label)."""
    return key in catalog()
