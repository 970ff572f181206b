"""Idea metrics (definitions in DESIGN.md). An idea belongs to the period it was submitted in."""

from __future__ import annotations

from datetime import date

import pandas as pd

from metrics import store
from metrics.contract import DECIDED_STATUSES
from metrics.periods import Period
from metrics.units import SCOPE_SQL

# The decision date: decided_on, or for a decided idea without one, the day its status changed.
DECIDED_ON_SQL = "coalesce(i.decided_on, i.status_changed_on)"

COHORT_SQL = f"""
    WITH scope AS ({SCOPE_SQL})
    SELECT i.*, {DECIDED_ON_SQL} AS decision_date,
           i.status IN {tuple(DECIDED_STATUSES)} AS is_decided
    FROM ideas i JOIN scope USING (unit_id)
    WHERE i.submitted_on BETWEEN $start AND $end
"""

SUMMARY_SQL = f"""
    WITH cohort AS ({COHORT_SQL}),
    decided AS (
        SELECT date_diff('day', submitted_on, decision_date) AS days
        FROM cohort WHERE is_decided AND decision_date IS NOT NULL
    )
    SELECT
        (SELECT count(*) FROM cohort) AS submitted,
        (SELECT count(DISTINCT submitter) FROM cohort) AS submitters,
        (SELECT count(*) FROM cohort WHERE is_decided) AS decided,
        (SELECT count(*) FROM cohort WHERE status = 'implemented') AS implemented,
        (SELECT count(*) FROM cohort WHERE status IN ('new', 'in_review')) AS waiting,
        (SELECT quantile_cont(days, 0.5) FROM decided) AS median_days_to_decision,
        (SELECT quantile_cont(days, 0.8) FROM decided) AS p80_days_to_decision
"""


def idea_summary(con, *, period: Period, unit: str | None = None) -> pd.Series:
    """The period's idea cohort in one row.

    submitted, submitters (distinct pseudonyms; anonymous ideas have none), decided
    (accepted, in_trial, implemented or rejected), implemented, waiting (new or in_review),
    median_days_to_decision and p80_days_to_decision (days, decided ideas of the cohort).
    """
    params = {"unit": unit, "start": period.start, "end": period.end}
    return store.read(con, SUMMARY_SQL, params).iloc[0]


def first_submission(con) -> date | None:
    """The date of the earliest idea, or None without ideas."""
    value = store.read(con, "SELECT min(submitted_on) AS first FROM ideas").iloc[0, 0]
    return None if pd.isna(value) else pd.Timestamp(value).date()
