"""Idea figures (definitions in docs/design.md). An idea belongs to the period it was submitted
in.

Reading only: the form's and the triage's writes live in metrics/idea_actions.py. Ideas one by
one (the idea list, one idea, its events) are in metrics/idea_list.py, with the rules an idea's
row is read by; they are named here too, where the pages and the registry find them.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd

from metrics import periods, store, units
from metrics.contract import IDEA_STATUSES
from metrics.idea_list import (  # noqa: F401 - the list's names, for the pages and the registry
    DECIDED_ON_SQL,
    DECIDED_SQL,
    IMPLEMENTED_ON_SQL,
    WAITING_SQL,
    WAITING_STATUSES,
    categories,
    decision_target,
    idea,
    idea_events,
    idea_list,
    ideas_report,
    overdue_ideas,
)
from metrics.periods import Period
from metrics.units import HEADCOUNT_ON_SQL, SCOPE_SQL

# Age and waiting-time bands in days, (from, to) inclusive; None = no upper end.
DAY_BANDS = ((0, 7), (8, 14), (15, 30), (31, 60), (61, 90), (91, 180), (181, None))
# The monthly flow shows at least this many months, ending with the period's last month.
FLOW_MONTHS = 12

# One rule for merged ideas, everywhere: an idea merged into another is a duplicate, not an idea
# of its own. It is left out of every idea figure (submitted, participation, decided,
# implemented, rates); the idea it was merged into carries it. Lists and the status funnel
# still show it, marked merged.
COUNTED_SQL = "i.status <> 'merged'"

# The ideas in scope with the dates their events happened on.
SCOPED_SQL = f"""
    WITH scope AS ({SCOPE_SQL})
    SELECT i.*, {DECIDED_ON_SQL} AS decision_date, {IMPLEMENTED_ON_SQL} AS done_date,
           {DECIDED_SQL} AS is_decided, i.status = 'implemented' AS is_implemented,
           {COUNTED_SQL} AS counted
    FROM ideas i JOIN scope USING (unit_id)
"""

# A cohort: the ideas submitted in a window (merged ones included: lists and the funnel show them).
COHORT_SQL = f"""
    SELECT * FROM ({SCOPED_SQL}) WHERE submitted_on BETWEEN $start AND $end
"""

# Flow: events dated in the period, whatever the idea's submission date.
# Days from submission to decision of the ideas decided in the period.
DAYS_TO_DECISION_SQL = f"""
    SELECT date_diff('day', submitted_on, decision_date) AS days FROM ({SCOPED_SQL})
    WHERE counted AND is_decided AND decision_date BETWEEN $start AND $end
"""

FLOW_SQL = f"""
    WITH scoped AS ({SCOPED_SQL}),
    decided AS ({DAYS_TO_DECISION_SQL})
    SELECT
        count(*) FILTER (WHERE counted AND submitted_on BETWEEN $start AND $end) AS submitted,
        count(DISTINCT submitter) FILTER (WHERE counted AND submitted_on BETWEEN $start AND $end)
            AS submitters,
        count(*) FILTER (WHERE counted AND is_decided AND decision_date BETWEEN $start AND $end)
            AS decided,
        count(*) FILTER (WHERE counted AND is_implemented AND done_date BETWEEN $start AND $end)
            AS implemented,
        (SELECT quantile_cont(days, 0.5) FROM decided) AS median_days_to_decision,
        (SELECT quantile_cont(days, 0.8) FROM decided) AS p80_days_to_decision
    FROM scoped
"""

# Conversion: a cohort followed to $as_of (decisions and implementations dated by then).
CONVERSION_SQL = f"""
    WITH cohort AS ({COHORT_SQL})
    SELECT count(*) FILTER (WHERE counted) AS submitted,
           count(*) FILTER (WHERE counted AND is_decided AND decision_date <= $as_of) AS decided,
           count(*) FILTER (WHERE counted AND is_implemented AND done_date <= $as_of)
               AS implemented
    FROM cohort
"""

# A cohort's conversion is shown only once it has matured: the ideas submitted in the
# COHORT_MONTHS whole months that ended MATURITY_MONTHS months before the period's end.
MATURITY_MONTHS = 3
COHORT_MONTHS = 12


def matured_cohort(period: Period) -> Period:
    """The submission window whose conversion the period shows: the 12 whole months that end
    3 months before the period's last whole month ends (for November 2026: September 2025 –
    August 2026), so every idea of it has had at least 3 months for a decision by the period's
    end. Never the current month."""
    ends_a_month = (period.end + timedelta(days=1)).day == 1
    # months counted from year 0: the period's last whole month, then 3 months before it
    last_whole = period.end.year * 12 + period.end.month - 1 - (not ends_a_month)
    last = last_whole - MATURITY_MONTHS
    first = last - COHORT_MONTHS + 1
    end = periods.month(last // 12, last % 12 + 1).end
    return Period(date(first // 12, first % 12 + 1, 1), end)


def idea_flow(con, *, period: Period, unit: str | None = None) -> pd.Series:
    """The period's idea flow in one row: events dated in the period, whenever submitted.

    submitted, decided (reached accepted, in_trial, implemented or rejected), implemented
    (counts); submitters (distinct pseudonyms of the period's ideas; anonymous ideas have
    none); headcount (staff on the period's last day); ideas_per_100_staff,
    decided_per_100_staff, implemented_per_100_staff (each count × 365 / days × 100 /
    headcount: per 100 staff a year); participation_rate (submitters / headcount, a fraction);
    median_days_to_decision and p80_days_to_decision (days from submission to decision of the
    ideas decided in the period). Merged ideas are left out (COUNTED_SQL).
    """
    params = {"unit": unit, "start": period.start, "end": period.end}
    row = store.read(con, FLOW_SQL, params).iloc[0]
    staff = units.headcount(con, on=period.end, unit=unit)
    counts = {c: int(row[c]) for c in ("submitted", "decided", "implemented", "submitters")}
    return pd.Series(
        {
            **counts,
            "headcount": staff,
            "ideas_per_100_staff": per_100_staff_per_year(counts["submitted"], period.days, staff),
            "decided_per_100_staff": per_100_staff_per_year(counts["decided"], period.days, staff),
            "implemented_per_100_staff": per_100_staff_per_year(
                counts["implemented"], period.days, staff
            ),
            "participation_rate": ratio(counts["submitters"], staff),
            "median_days_to_decision": row["median_days_to_decision"],
            "p80_days_to_decision": row["p80_days_to_decision"],
        }
    )


def idea_conversion(con, *, period: Period, unit: str | None = None) -> pd.Series:
    """What became of the period's matured cohort (matured_cohort), followed to the period's end.

    cohort_start, cohort_end (the submission window), submitted (ideas of the cohort), decided,
    implemented (of those, by the period's last day), decision_rate (decided / submitted) and
    implementation_rate (implemented / submitted): fractions, NaN without ideas.
    """
    cohort = matured_cohort(period)
    params = {"unit": unit, "start": cohort.start, "end": cohort.end, "as_of": period.end}
    row = store.read(con, CONVERSION_SQL, params).iloc[0]
    submitted, decided, implemented = (int(row[c]) for c in ("submitted", "decided", "implemented"))
    return pd.Series(
        {
            "cohort_start": cohort.start,
            "cohort_end": cohort.end,
            "submitted": submitted,
            "decided": decided,
            "implemented": implemented,
            "decision_rate": ratio(decided, submitted),
            "implementation_rate": ratio(implemented, submitted),
        }
    )


def first_submission(con) -> date | None:
    """The date of the earliest idea, or None without ideas."""
    value = store.read(con, "SELECT min(submitted_on) AS first FROM ideas").iloc[0, 0]
    return None if pd.isna(value) else pd.Timestamp(value).date()


# ----------------------------------------------------------------------------- the pipeline

STATUS_COUNTS_SQL = f"""
    WITH cohort AS ({COHORT_SQL})
    SELECT status, count(*) AS ideas FROM cohort GROUP BY status
"""


def status_funnel(con, *, period: Period, unit: str | None = None) -> pd.DataFrame:
    """The cohort by its status now, every status in pipeline order (IDEA_STATUSES).

    status, ideas (count), share (fraction 0–1 of the cohort; NaN without ideas).
    """
    params = {"unit": unit, "start": period.start, "end": period.end}
    counts = store.read(con, STATUS_COUNTS_SQL, params).set_index("status")["ideas"]
    frame = pd.DataFrame({"status": list(IDEA_STATUSES)})
    frame["ideas"] = frame["status"].map(counts).fillna(0).astype(int)
    total = int(frame["ideas"].sum())
    frame["share"] = frame["ideas"] / total if total else math.nan
    return frame


MONTHLY_FLOW_SQL = f"""
    WITH scope AS ({SCOPE_SQL}),
    scoped AS (
        SELECT i.submitted_on, {DECIDED_ON_SQL} AS decision_date, {DECIDED_SQL} AS is_decided
        FROM ideas i JOIN scope USING (unit_id) WHERE {COUNTED_SQL}
    ),
    months AS (
        SELECT unnest(generate_series($first::TIMESTAMP, $end::TIMESTAMP, INTERVAL 1 MONTH))::DATE
            AS month
    ),
    sent AS (
        SELECT date_trunc('month', submitted_on)::DATE AS month, count(*) AS submitted
        FROM scoped WHERE submitted_on BETWEEN $first AND $end GROUP BY 1
    ),
    decided AS (
        SELECT date_trunc('month', decision_date)::DATE AS month, count(*) AS decided
        FROM scoped WHERE is_decided AND decision_date BETWEEN $first AND $end GROUP BY 1
    )
    SELECT m.month, coalesce(s.submitted, 0) AS submitted, coalesce(d.decided, 0) AS decided
    FROM months m LEFT JOIN sent s USING (month) LEFT JOIN decided d USING (month)
    ORDER BY m.month
"""


def flow_start(period: Period) -> date:
    """The first month the monthly flow shows: FLOW_MONTHS back from the period's last month,
    or the period's first month if the period is longer."""
    back = period.end.year * 12 + period.end.month - FLOW_MONTHS
    start = date(back // 12, back % 12 + 1, 1)
    return min(start, period.start.replace(day=1))


def monthly_flow(con, *, period: Period, unit: str | None = None) -> pd.DataFrame:
    """Ideas submitted and decisions made per calendar month, for the FLOW_MONTHS months
    ending with the period's last month (the whole period if it is longer).

    month (the month's first day), submitted (ideas submitted in the month), decided (ideas
    whose decision — accepted, in_trial, implemented or rejected — is dated in the month,
    whenever they were submitted).
    """
    params = {"unit": unit, "first": flow_start(period), "end": period.end}
    frame = store.read(con, MONTHLY_FLOW_SQL, params)
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    return frame


def _band_sql(days: str) -> str:
    """A CASE giving the DAY_BANDS index of a day count (bands are constants, not input)."""
    cases = " ".join(
        f"WHEN {days} <= {high} THEN {n}" for n, (_, high) in enumerate(DAY_BANDS[:-1])
    )
    return f"CASE {cases} ELSE {len(DAY_BANDS) - 1} END"


def _bands(counts: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"from_days": [lo for lo, _ in DAY_BANDS], "to_days": [hi for _, hi in DAY_BANDS]}
    )
    counts = counts.set_index("band")
    for column in columns:
        frame[column] = frame.index.map(counts[column]).fillna(0).astype(int)
    frame["to_days"] = frame["to_days"].astype("Int64")
    return frame


DECISION_DAYS_BANDS_SQL = f"""
    WITH decided AS ({DAYS_TO_DECISION_SQL})
    SELECT {_band_sql("days")} AS band, count(*) AS ideas FROM decided GROUP BY band
"""


def decision_time_bands(con, *, period: Period, unit: str | None = None) -> pd.DataFrame:
    """How long the ideas decided in the period waited for their decision, in DAY_BANDS.

    from_days, to_days (days, inclusive; to_days empty for the last, open band), ideas.
    The median and the 80th percentile are in idea_flow.
    """
    params = {"unit": unit, "start": period.start, "end": period.end}
    return _bands(store.read(con, DECISION_DAYS_BANDS_SQL, params), ["ideas"])


# ----------------------------------------------------------------------------- the backlog

BACKLOG_SQL = f"""
    WITH scope AS ({SCOPE_SQL})
    SELECT i.idea_id, i.unit_id, date_diff('day', i.submitted_on, $on) AS age_days
    FROM ideas i JOIN scope USING (unit_id)
    WHERE {WAITING_SQL} AND i.submitted_on <= $on
"""

BACKLOG_BY_AGE_SQL = f"""
    WITH backlog AS ({BACKLOG_SQL})
    SELECT {_band_sql("age_days")} AS band, count(*) AS ideas,
           count(*) FILTER (WHERE age_days <= $target) AS within_target,
           count(*) FILTER (WHERE age_days > $target) AS overdue
    FROM backlog GROUP BY band
"""

BACKLOG_BY_PLACE_SQL = f"""
    WITH backlog AS ({BACKLOG_SQL})
    SELECT b.unit_id, u.name AS unit_name, u.change_agent, count(*) AS waiting,
           count(*) FILTER (WHERE b.age_days > $target) AS overdue, max(b.age_days) AS oldest_days
    FROM backlog b JOIN units u USING (unit_id)
    GROUP BY b.unit_id, u.name, u.change_agent
    ORDER BY overdue DESC, waiting DESC, oldest_days DESC, b.unit_id
"""


def backlog_by_age(
    con, *, on: date, unit: str | None = None, target_days: int | None = None
) -> pd.DataFrame:
    """Ideas waiting for a decision (new or in_review) on the day `on`, by age in DAY_BANDS.

    from_days, to_days (age in days since submission, inclusive; to_days empty for the open
    band), ideas, within_target and overdue (of those, waiting up to / longer than the decision
    target: target_days, by default the setting ideas.decision_target_days, 30 days).
    """
    params = {"unit": unit, "on": on, "target": decision_target(target_days)}
    columns = ["ideas", "within_target", "overdue"]
    return _bands(store.read(con, BACKLOG_BY_AGE_SQL, params), columns)


def backlog_totals(
    con, *, on: date, unit: str | None = None, target_days: int | None = None
) -> pd.Series:
    """The backlog on the day `on` in one row: waiting (ideas new or in_review) and overdue
    (of those, waiting longer than the decision target): backlog_by_age's totals."""
    ages = backlog_by_age(con, on=on, unit=unit, target_days=target_days)
    return pd.Series({"waiting": int(ages["ideas"].sum()), "overdue": int(ages["overdue"].sum())})


def backlog_by_place(
    con, *, on: date, unit: str | None = None, target_days: int | None = None
) -> pd.DataFrame:
    """Where the backlog waits on the day `on`: one row per unit that has waiting ideas, the
    units with most overdue ideas first.

    unit_id, unit_name, change_agent (the unit's change agent, empty if none), waiting (ideas
    new or in_review), overdue (waiting longer than the decision target), oldest_days (age of
    the oldest waiting idea, days).
    """
    params = {"unit": unit, "on": on, "target": decision_target(target_days)}
    return store.read(con, BACKLOG_BY_PLACE_SQL, params)


# ----------------------------------------------------------------------------- breakdowns

CATEGORY_SQL = f"""
    WITH scoped AS ({SCOPED_SQL})
    SELECT category,
           count(*) FILTER (WHERE submitted_on BETWEEN $start AND $end) AS submitted,
           count(*) FILTER (WHERE is_implemented AND done_date BETWEEN $start AND $end)
               AS implemented
    FROM scoped WHERE counted
    GROUP BY category HAVING submitted + implemented > 0
    ORDER BY submitted DESC, implemented DESC, category NULLS LAST
"""


def ideas_by_category(con, *, period: Period, unit: str | None = None) -> pd.DataFrame:
    """The period's flow by category, the largest first.

    category (empty for ideas without one), submitted (ideas submitted in the period),
    implemented (ideas implemented in the period, whenever submitted). Merged ideas are left out.
    """
    params = {"unit": unit, "start": period.start, "end": period.end}
    return store.read(con, CATEGORY_SQL, params)


# Each listed unit's figures over the unit and every unit below it (unit_closure): the flow of
# the period ($start..$end), the matured cohort's conversion ($cohort_start..$cohort_end,
# followed to $end) and the backlog on $backlog_on.
BY_UNIT_SQL = f"""
    WITH listed AS ({SCOPE_SQL}),
    members AS (
        SELECT c.ancestor_id AS row_unit, c.unit_id
        FROM unit_closure c JOIN listed l ON l.unit_id = c.ancestor_id
    ),
    dated AS (
        SELECT m.row_unit, i.status, i.submitter, i.submitted_on, {DECIDED_SQL} AS is_decided,
               {DECIDED_ON_SQL} AS decision_date, {IMPLEMENTED_ON_SQL} AS done_date
        FROM ideas i JOIN members m USING (unit_id) WHERE {COUNTED_SQL}
    ),
    counts AS (
        SELECT row_unit,
               count(*) FILTER (WHERE submitted_on BETWEEN $start AND $end) AS submitted,
               count(DISTINCT submitter) FILTER (WHERE submitted_on BETWEEN $start AND $end)
                   AS submitters,
               count(*) FILTER (WHERE is_decided AND decision_date BETWEEN $start AND $end)
                   AS decided,
               count(*) FILTER (WHERE status = 'implemented' AND done_date BETWEEN $start AND $end)
                   AS implemented,
               quantile_cont(date_diff('day', submitted_on, decision_date), 0.5)
                   FILTER (WHERE is_decided AND decision_date BETWEEN $start AND $end)
                   AS median_days_to_decision,
               count(*) FILTER (WHERE submitted_on BETWEEN $cohort_start AND $cohort_end)
                   AS cohort_submitted,
               count(*) FILTER (WHERE submitted_on BETWEEN $cohort_start AND $cohort_end
                                AND is_decided AND decision_date <= $end) AS cohort_decided,
               count(*) FILTER (WHERE submitted_on BETWEEN $cohort_start AND $cohort_end
                                AND status = 'implemented' AND done_date <= $end)
                   AS cohort_implemented
        FROM dated GROUP BY row_unit
    ),
    staff AS (
        SELECT m.row_unit, sum(hc.headcount)::BIGINT AS headcount
        FROM members m JOIN ({HEADCOUNT_ON_SQL}) hc USING (unit_id)
        GROUP BY m.row_unit
    ),
    overdue AS (
        SELECT m.row_unit, count(*) AS overdue
        FROM ideas i JOIN members m USING (unit_id)
        WHERE {WAITING_SQL} AND date_diff('day', i.submitted_on, $backlog_on) > $target
        GROUP BY m.row_unit
    )
    SELECT l.unit_id,
           coalesce(c.submitted, 0) AS submitted, coalesce(c.submitters, 0) AS submitters,
           coalesce(c.decided, 0) AS decided, coalesce(c.implemented, 0) AS implemented,
           coalesce(s.headcount, 0) AS headcount, c.median_days_to_decision,
           coalesce(c.cohort_submitted, 0) AS cohort_submitted,
           coalesce(c.cohort_decided, 0) AS cohort_decided,
           coalesce(c.cohort_implemented, 0) AS cohort_implemented,
           coalesce(o.overdue, 0) AS overdue
    FROM listed l
    LEFT JOIN counts c ON c.row_unit = l.unit_id
    LEFT JOIN staff s ON s.row_unit = l.unit_id
    LEFT JOIN overdue o ON o.row_unit = l.unit_id
"""


def per_100_staff_per_year(ideas, days: int, staff):
    """Ideas × 365 / days in the period × 100 / headcount (NaN without staff)."""
    return ratio(ideas * 365 / days * 100, staff)


def ratio(numerator, denominator):
    """numerator / denominator, NaN where the denominator is 0 (scalars or Series)."""
    if isinstance(denominator, pd.Series):
        return numerator / denominator.where(denominator != 0)
    return numerator / denominator if denominator else math.nan


def ideas_by_unit(
    con,
    *,
    period: Period,
    unit: str | None = None,
    on: date | None = None,
    target_days: int | None = None,
) -> pd.DataFrame:
    """Every unit (or the unit and every unit below it), each with the units below it: the
    figures of idea_flow and idea_conversion per unit, so a row agrees with the overview.

    unit_id, unit_name, depth (0 for a top unit); flow in the period: submitted, submitters,
    decided, implemented (counts), headcount (staff on the period's last day),
    ideas_per_100_staff (submitted × 365 / days × 100 / headcount), participation_rate
    (submitters / headcount), median_days_to_decision (days, ideas decided in the period);
    conversion of the matured cohort (matured_cohort, followed to the period's end):
    cohort_submitted, decision_rate, implementation_rate (fractions 0–1, NaN without a
    denominator); overdue (ideas waiting — new or in_review — on the day `on`, default today,
    for longer than the decision target, whenever submitted). Rows follow the unit tree.
    """
    cohort = matured_cohort(period)
    params = {
        "unit": unit,
        "start": period.start,
        "end": period.end,
        "on": period.end,  # headcount on the period's last day
        "cohort_start": cohort.start,
        "cohort_end": cohort.end,
        "backlog_on": on or date.today(),
        "target": decision_target(target_days),
    }
    counts = store.read(con, BY_UNIT_SQL, params)
    tree = units.units(con).rename(columns={"name": "unit_name"})
    frame = tree[["unit_id", "unit_name", "depth"]].merge(counts, on="unit_id")
    frame["ideas_per_100_staff"] = per_100_staff_per_year(
        frame["submitted"], period.days, frame["headcount"]
    )
    frame["participation_rate"] = ratio(frame["submitters"], frame["headcount"])
    frame["decision_rate"] = ratio(frame["cohort_decided"], frame["cohort_submitted"])
    frame["implementation_rate"] = ratio(frame["cohort_implemented"], frame["cohort_submitted"])
    return frame.drop(columns=["cohort_decided", "cohort_implemented"]).reset_index(drop=True)


BENEFIT_SQL = f"""
    WITH scope AS ({SCOPE_SQL}),
    done AS (
        SELECT {IMPLEMENTED_ON_SQL} AS implemented_on, i.benefit_hours_per_year,
               i.benefit_eur_per_year
        FROM ideas i JOIN scope USING (unit_id)
        WHERE i.status = 'implemented' AND {IMPLEMENTED_ON_SQL} <= $end
    )
    SELECT
        count(*) FILTER (WHERE implemented_on >= $start) AS implemented,
        count(*) FILTER (WHERE implemented_on >= $start AND (benefit_hours_per_year IS NOT NULL
                         OR benefit_eur_per_year IS NOT NULL)) AS with_estimate,
        coalesce(sum(benefit_hours_per_year) FILTER (WHERE implemented_on >= $start), 0)
            AS benefit_hours_per_year,
        coalesce(sum(benefit_eur_per_year) FILTER (WHERE implemented_on >= $start), 0)
            AS benefit_eur_per_year,
        count(*) AS implemented_to_date,
        coalesce(sum(benefit_hours_per_year), 0) AS benefit_hours_per_year_to_date,
        coalesce(sum(benefit_eur_per_year), 0) AS benefit_eur_per_year_to_date
    FROM done
"""


def benefit(con, *, period: Period, unit: str | None = None) -> pd.Series:
    """The estimated yearly benefit of implemented ideas, in one row.

    implemented (ideas implemented in the period, whenever submitted), with_estimate (of those,
    ideas with an estimate), benefit_hours_per_year, benefit_eur_per_year (their estimates
    summed; hours and euros a year), and the same up to the period's end: implemented_to_date,
    benefit_hours_per_year_to_date, benefit_eur_per_year_to_date.
    """
    params = {"unit": unit, "start": period.start, "end": period.end}
    row = store.read(con, BENEFIT_SQL, params).iloc[0]
    counts = ["implemented", "with_estimate", "implemented_to_date"]
    return pd.concat([row[counts].astype(int), row.drop(counts).astype(float)])
