"""The steering group's programme overview: headline figures against the previous period."""

from __future__ import annotations

import math

import pandas as pd

from metrics import catalogue, ideas, pilots, survey
from metrics.contract import PROGRAMME_INDICATORS
from metrics.periods import Period

# The overview's figures in the order they are listed; each is defined in metrics/catalogue.toml
# (its unit, whether higher is better, its family and its definition).
IDEA_FLOW_METRICS = {
    "ideas_submitted": "submitted",
    "ideas_per_100_staff": "ideas_per_100_staff",
    "participation_rate": "participation_rate",
    "ideas_decided": "decided",
    "median_days_to_decision": "median_days_to_decision",
    "ideas_implemented": "implemented",
}
IDEA_CONVERSION_METRICS = {
    "decision_rate": "decision_rate",
    "implementation_rate": "implementation_rate",
}
OVERVIEW_METRICS = (
    *IDEA_FLOW_METRICS,
    *IDEA_CONVERSION_METRICS,
    "projects_on_track",
    *(f"{i}_favourable_pct" for i in PROGRAMME_INDICATORS),
)


COLUMNS = [
    "metric", "value", "previous", "change", "unit", "significant", "change_rel_pct",
    "ci_low_pp", "ci_high_pp", "suppressed", "from_round", "to_round",
]  # fmt: skip


def _idea_figures(con, period: Period, unit: str | None) -> dict[str, float]:
    flow = ideas.idea_flow(con, period=period, unit=unit)
    conversion = ideas.idea_conversion(con, period=period, unit=unit)
    return {
        **{metric: float(flow[column]) for metric, column in IDEA_FLOW_METRICS.items()},
        **{metric: conversion[column] for metric, column in IDEA_CONVERSION_METRICS.items()},
    }


def overview(con, *, period: Period, unit: str | None = None) -> pd.DataFrame:
    """The period's headline figures beside the previous period of equal length.

    Columns: metric (a name from OVERVIEW_METRICS), value, previous, change (value − previous,
    in the value's unit: percentage points for the *_favourable_pct rows), unit (the metric's
    unit in the catalogue), significant
    (survey rows: the 95 % interval of the change excludes 0), change_rel_pct, ci_low_pp and
    ci_high_pp (survey rows), suppressed (survey rows hidden by the anonymity rules),
    from_round and to_round (survey rows).
    Idea rows: the flow of the period (idea_flow) and the conversion of its matured cohort
    (idea_conversion; the previous period's is the cohort one period earlier). Survey rows
    compare the group's latest two rounds (survey.latest_rounds); projects_on_track is the
    current count (project statuses keep no history, so previous is empty).
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
    frame["unit"] = frame["metric"].map(lambda m: catalogue.metric(m).unit)
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
