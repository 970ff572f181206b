"""Programme activities: supervisor workshops, joint seminars, change-agent meetings, coverage.

An activities file has one row per activity and participating unit (or other organisation), so
an activity_id repeats. A window of dates selects the activities: with a `period`, those held
in it; without, every activity held on or before `today` (the programme so far).

Attendance is recorded as counts, not names, so the same supervisor at two workshops counts
twice. "Supervisors reached" therefore takes, per unit, the largest number of its supervisors at
any one workshop in the window (capped at the unit's supervisors): at least that many were
reached. A unit's figure includes every unit below it; a sector's is the sum of its units'.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from metrics import store, units
from metrics.contract import ACTIVITY_KINDS
from metrics.periods import Period
from metrics.units import HEADCOUNT_ON_SQL, SCOPE_SQL

REACH = ("change_agent_and_workshop", "change_agent", "workshop", "neither")


def _window(period: Period | None, today: date | None) -> dict[str, date | None]:
    if period is not None:
        return {"start": period.start, "end": period.end}
    return {"start": None, "end": today or date.today()}


ACTIVITY_LIST_SQL = f"""
    WITH scope AS ({SCOPE_SQL}),
    home AS (SELECT org_id FROM organisations WHERE home),
    picked AS (
        SELECT a.*, coalesce(a.org_id, u.org_id, (SELECT min(org_id) FROM home)) AS row_org
        FROM activities a LEFT JOIN units u USING (unit_id)
        WHERE a.kind = $kind AND a.held_on <= $end AND ($start IS NULL OR a.held_on >= $start)
    ),
    marked AS (
        SELECT *,
               unit_id IN (SELECT unit_id FROM scope)
               OR ($unit IS NULL AND unit_id IS NULL AND row_org IN (SELECT org_id FROM home))
                   AS ours,
               row_org NOT IN (SELECT org_id FROM home) AS other
        FROM picked
    )
    SELECT m.activity_id, min(m.held_on) AS held_on, min(m.title) AS title,
           count(DISTINCT m.unit_id) FILTER (WHERE m.ours AND coalesce(m.participants, 1) > 0)
               AS units,
           coalesce(sum(m.participants) FILTER (WHERE m.ours), 0)::BIGINT AS participants,
           coalesce(sum(m.supervisors) FILTER (WHERE m.ours), 0)::BIGINT AS supervisors,
           count(DISTINCT m.row_org) FILTER (WHERE m.other) AS other_organisations,
           coalesce(sum(m.participants) FILTER (WHERE m.other), 0)::BIGINT
               AS other_participants,
           coalesce(string_agg(DISTINCT o.name, ', ' ORDER BY o.name) FILTER (WHERE m.other), '')
               AS organisations
    FROM marked m LEFT JOIN organisations o ON o.org_id = m.row_org
    GROUP BY m.activity_id
    HAVING $unit IS NULL OR bool_or(m.ours)
    ORDER BY held_on DESC, m.activity_id
"""


def activity_list(
    con,
    *,
    kind: str,
    period: Period | None = None,
    unit: str | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """One row per activity of a kind held in the window, newest first.

    Columns: activity_id, held_on, title, units (home units that took part), participants and
    supervisors (people from those units; for the whole organisation also rows that name the
    home organisation without a unit), other_organisations (how many other organisations took
    part), other_participants (their people), organisations (their names, comma-separated).
    With `unit`, only activities that unit or a unit below it took part in, and only its people.
    """
    if kind not in ACTIVITY_KINDS:
        raise ValueError(f"unknown activity kind {kind!r}")
    params = {"kind": kind, "unit": unit, **_window(period, today)}
    return store.read(con, ACTIVITY_LIST_SQL, params)


COVERAGE_SQL = f"""
    WITH scope AS ({SCOPE_SQL}),
    hc AS ({HEADCOUNT_ON_SQL}),
    picked AS (
        SELECT activity_id, kind, unit_id, participants, supervisors
        FROM activities
        WHERE unit_id IS NOT NULL AND held_on <= $end AND ($start IS NULL OR held_on >= $start)
          AND kind IN ('supervisor_workshop', 'seminar', 'change_agent_meeting')
          AND coalesce(participants, 1) > 0
    ),
    most_at_one AS (
        SELECT unit_id, max(supervisors) AS supervisors FROM picked
        WHERE kind = 'supervisor_workshop' GROUP BY unit_id
    ),
    own AS (
        SELECT u.unit_id, hc.supervisors,
               CASE WHEN hc.supervisors IS NOT NULL
                    THEN least(coalesce(m.supervisors, 0), hc.supervisors) END AS reached
        FROM units u LEFT JOIN hc USING (unit_id) LEFT JOIN most_at_one m USING (unit_id)
    ),
    people AS (
        SELECT c.ancestor_id AS unit_id, sum(o.supervisors)::BIGINT AS supervisors,
               sum(o.reached)::BIGINT AS supervisors_reached
        FROM unit_closure c JOIN own o ON o.unit_id = c.unit_id
        GROUP BY c.ancestor_id
    ),
    attended AS (
        SELECT c.ancestor_id AS unit_id,
               sum(p.participants) FILTER (WHERE p.kind = 'supervisor_workshop')::BIGINT
                   AS workshop_participants,
               count(DISTINCT p.activity_id) FILTER (WHERE p.kind = 'supervisor_workshop')
                   AS workshops,
               count(DISTINCT p.activity_id) FILTER (WHERE p.kind = 'seminar') AS seminars,
               count(DISTINCT p.activity_id) FILTER (WHERE p.kind = 'change_agent_meeting')
                   AS change_agent_meetings
        FROM unit_closure c JOIN picked p ON p.unit_id = c.unit_id
        GROUP BY c.ancestor_id
    )
    SELECT u.unit_id,
           coalesce(trim(u.change_agent), '') <> '' AS has_change_agent,
           coalesce(a.workshops, 0) AS workshops,
           coalesce(a.workshop_participants, 0) AS workshop_participants,
           p.supervisors, p.supervisors_reached,
           100.0 * p.supervisors_reached / nullif(p.supervisors, 0) AS supervisors_reached_pct,
           coalesce(a.seminars, 0) AS seminars,
           coalesce(a.change_agent_meetings, 0) AS change_agent_meetings
    FROM units u
    JOIN scope USING (unit_id)
    LEFT JOIN people p USING (unit_id)
    LEFT JOIN attended a USING (unit_id)
"""


def activity_coverage(
    con, *, period: Period | None = None, unit: str | None = None, today: date | None = None
) -> pd.DataFrame:
    """Which units the programme has reached: one row per unit in scope, in tree order.

    Every count includes the units below (a sector includes its units), over the window:
    workshops (supervisor workshops the unit took part in), workshop_participants (people,
    counted at every workshop they attended), supervisors (in post at the window's end, from the
    units file), supervisors_reached (at least this many: per unit, its largest attendance of
    supervisors at any one workshop, capped at its supervisors; summed up the tree),
    supervisors_reached_pct (100 × supervisors_reached / supervisors; empty without
    supervisors), seminars and change_agent_meetings (how many the unit took part in).
    has_change_agent is the unit's own (units.change_agent is not empty); reached_by_workshop
    means workshops > 0; reach is change_agent_and_workshop, change_agent, workshop or neither.
    A row with participants 0 is not taking part. Also name, parent_id and depth (units.units).
    """
    window = _window(period, today)
    frame = store.read(con, COVERAGE_SQL, {"unit": unit, "on": window["end"], **window})
    tree = units.units(con)[["unit_id", "name", "parent_id", "depth"]]
    frame = tree.merge(frame, on="unit_id", how="inner")
    frame["reached_by_workshop"] = frame["workshops"] > 0
    agent, workshop = frame["has_change_agent"], frame["reached_by_workshop"]
    frame["reach"] = [
        REACH[0] if a and w else REACH[1] if a else REACH[2] if w else REACH[3]
        for a, w in zip(agent, workshop, strict=True)
    ]
    return frame


def coverage_summary(
    con, *, period: Period | None = None, unit: str | None = None, today: date | None = None
) -> pd.Series:
    """How many units in scope fall under each `reach` of activity_coverage (zeros kept),
    plus units (all of them), with_change_agent and reached_by_workshop."""
    frame = activity_coverage(con, period=period, unit=unit, today=today)
    counts = frame["reach"].value_counts()
    summary = {r: int(counts.get(r, 0)) for r in REACH}
    summary["units"] = len(frame)
    summary["with_change_agent"] = int(frame["has_change_agent"].sum())
    summary["reached_by_workshop"] = int(frame["reached_by_workshop"].sum())
    return pd.Series(summary, name="units")


def activity_totals(
    con, *, period: Period | None = None, unit: str | None = None, today: date | None = None
) -> pd.Series:
    """The window's headline figures for the scope.

    Index: supervisor_workshops, seminars, change_agent_meetings (activities held, as listed by
    activity_list), workshop_participants (people at those workshops from the scope),
    seminar_participants (people from the scope at those seminars), supervisors and
    supervisors_reached (summed over the top units of the scope in activity_coverage), and
    supervisors_reached_pct (100 × reached / supervisors; NaN without supervisors).
    """
    window = {"period": period, "unit": unit, "today": today}
    workshops = activity_list(con, kind="supervisor_workshop", **window)
    seminars = activity_list(con, kind="seminar", **window)
    meetings = activity_list(con, kind="change_agent_meeting", **window)
    coverage = activity_coverage(con, **window)
    top = coverage[~coverage["parent_id"].isin(coverage["unit_id"])]
    supervisors = top["supervisors"].sum(min_count=1)
    reached = top["supervisors_reached"].sum(min_count=1)
    return pd.Series(
        {
            "supervisor_workshops": len(workshops),
            "seminars": len(seminars),
            "change_agent_meetings": len(meetings),
            "workshop_participants": int(workshops["participants"].sum()),
            "seminar_participants": int(seminars["participants"].sum()),
            "supervisors": supervisors,
            "supervisors_reached": reached,
            "supervisors_reached_pct": (
                100 * reached / supervisors if pd.notna(supervisors) and supervisors else math.nan
            ),
        }
    )
