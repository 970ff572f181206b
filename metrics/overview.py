"""The steering group's programme overview: headline figures against the previous period."""

from __future__ import annotations

import math

import pandas as pd

from metrics import ideas, pilots, survey, units
from metrics.contract import PROGRAMME_INDICATORS
from metrics.periods import Period

# metric name → unit of its value; the page and the report label them from here.
OVERVIEW_METRICS = {
    "ideas_per_100_staff": "per 100 staff per year",
    "participation_rate": "fraction",
    "median_days_to_decision": "days",
    "implementation_rate": "fraction",
    "projects_on_track": "projects",
    **{f"{i}_favourable_pct": "percent" for i in PROGRAMME_INDICATORS},
}


COLUMNS = [
    "metric", "value", "previous", "change", "unit", "significant", "change_rel_pct",
    "ci_low_pp", "ci_high_pp", "suppressed", "from_round", "to_round",
]  # fmt: skip


def _idea_figures(con, period: Period, unit: str | None) -> dict[str, float]:
    summary = ideas.idea_summary(con, period=period, unit=unit)
    staff = units.headcount(con, on=period.end, unit=unit)
    submitted = int(summary["submitted"])
    return {
        "ideas_per_100_staff": ideas.per_100_staff_per_year(submitted, period.days, staff),
        "participation_rate": ideas.ratio(int(summary["submitters"]), staff),
        "median_days_to_decision": summary["median_days_to_decision"],
        "implementation_rate": ideas.ratio(int(summary["implemented"]), submitted),
    }


def overview(con, *, period: Period, unit: str | None = None) -> pd.DataFrame:
    """The period's headline figures beside the previous period of equal length.

    Columns: metric (a name from OVERVIEW_METRICS), value, previous, change (value − previous,
    in the value's unit: percentage points for the *_favourable_pct rows), unit, significant
    (survey rows: the 95 % interval of the change excludes 0), change_rel_pct, ci_low_pp and
    ci_high_pp (survey rows), suppressed (survey rows hidden by the anonymity rules),
    from_round and to_round (survey rows).
    Survey rows compare the two latest rounds closed by the period's end; projects_on_track is
    the current count (project statuses keep no history, so previous is empty).
    """
    now, before = _idea_figures(con, period, unit), _idea_figures(con, period.previous(), unit)
    rows = [{"metric": name, "value": now[name], "previous": before[name]} for name in now]
    statuses = pilots.project_status_counts(con, unit=unit)
    rows.append(
        {"metric": "projects_on_track", "value": statuses["on_track"], "previous": math.nan}
    )
    changes = survey.latest_change(con, unit=unit, up_to=period.end).set_index("indicator")
    for indicator in PROGRAMME_INDICATORS:
        row = changes.loc[indicator] if indicator in changes.index else None
        rows.append(_survey_row(indicator, row))
    frame = pd.DataFrame(rows).reindex(columns=COLUMNS)
    frame["value"] = frame["value"].astype(float)
    frame["previous"] = frame["previous"].astype(float)
    frame["change"] = frame["value"] - frame["previous"]
    frame["unit"] = frame["metric"].map(OVERVIEW_METRICS)
    frame["suppressed"] = frame["suppressed"].fillna(False).astype(bool)
    return frame


def _survey_row(indicator: str, row) -> dict:
    metric = f"{indicator}_favourable_pct"
    if row is None:
        return {"metric": metric, "value": math.nan, "previous": math.nan, "suppressed": False}
    return {
        "metric": metric,
        "value": row["to_pct"],
        "previous": row["from_pct"],
        "significant": row["significant"],
        "change_rel_pct": row["change_rel_pct"],
        "ci_low_pp": row["ci_low_pp"],
        "ci_high_pp": row["ci_high_pp"],
        "suppressed": bool(row["suppressed"]),
        "from_round": row["from_round"],
        "to_round": row["to_round"],
    }
