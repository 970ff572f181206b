"""Pilot teams and their development projects: status, schedule, PDCA phase and measured results.

"Overdue" is a fact worked out from dates, beside the status the team itself reports: a project
is overdue when its due date is before `today` and it is neither done nor stopped. Every
function that depends on the date takes `today` (default: the real today), so tests and reports
can fix it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from metrics import store
from metrics.contract import PROJECT_STATUSES
from metrics.units import SCOPE_SQL

PROJECT_STATUS_COUNTS_SQL = f"""
    WITH scope AS ({SCOPE_SQL})
    SELECT p.status, count(*) AS projects
    FROM projects p JOIN teams t USING (team_id) JOIN scope ON scope.unit_id = t.unit_id
    GROUP BY p.status
"""


def project_status_counts(con, *, unit: str | None = None) -> pd.Series:
    """Projects by current status (planned, on_track, at_risk, late, done, stopped), zeros kept."""
    frame = store.read(con, PROJECT_STATUS_COUNTS_SQL, {"unit": unit})
    counts = dict(zip(frame["status"], frame["projects"], strict=True))
    return pd.Series({s: int(counts.get(s, 0)) for s in PROJECT_STATUSES}, name="projects")


PROJECTS_SQL = f"""
    WITH scope AS ({SCOPE_SQL}),
    dated AS (
        SELECT p.*, t.name AS team_name, t.unit_id, u.name AS unit_name,
               coalesce(p.due_on < $today AND p.status NOT IN ('done', 'stopped'), false)
                   AS overdue
        FROM projects p
        JOIN teams t USING (team_id)
        JOIN scope ON scope.unit_id = t.unit_id
        JOIN units u ON u.unit_id = t.unit_id
    )
    SELECT project_id, team_id, team_name, unit_id, unit_name, title, goal, status, phase,
           progress_pct, started_on, due_on, done_on,
           coalesce(done_on, due_on) AS ends_on,
           overdue,
           CASE WHEN overdue THEN date_diff('day', due_on, $today) END AS days_overdue,
           overdue OR status IN ('at_risk', 'late') AS needs_help,
           measure, baseline_value, target_value, result_value,
           CASE WHEN target_value <> baseline_value
                THEN 100 * (result_value - baseline_value) / (target_value - baseline_value)
           END AS target_reached_pct
    FROM dated
    ORDER BY needs_help DESC, days_overdue DESC NULLS LAST,
             CASE status WHEN 'late' THEN 0 WHEN 'at_risk' THEN 1 ELSE 2 END,
             due_on NULLS LAST, project_id
"""


def projects(con, *, unit: str | None = None, today: date | None = None) -> pd.DataFrame:
    """Every project of the pilot teams in scope, those that need help first.

    Columns: project_id, team_id, team_name, unit_id, unit_name (the team's unit), title, goal,
    status (planned, on_track, at_risk, late, done, stopped), phase (plan, do, check, act),
    progress_pct (0–100, as reported), started_on, due_on, done_on, ends_on (done_on, else
    due_on: where the project's bar ends on a timeline), overdue (due_on before `today` and the
    status neither done nor stopped), days_overdue (days from due_on to `today`, overdue only),
    needs_help (overdue, at_risk or late), measure (free text), baseline_value, target_value,
    result_value (in the measure's own unit), target_reached_pct (100 × (result − baseline) /
    (target − baseline): 100 = target reached, 0 = no better than the baseline, negative =
    worse; correct for measures where lower is better too; empty without a result or when
    target equals baseline; not capped at 100).
    Order: needing help first (most days overdue first, then late, then at risk), then by due date.
    """
    return store.read(con, PROJECTS_SQL, {"unit": unit, "today": today or date.today()})


def project_summary(con, *, unit: str | None = None, today: date | None = None) -> pd.Series:
    """Projects by status (as project_status_counts) plus overdue and needs_help (projects).

    Index: planned, on_track, at_risk, late, done, stopped, overdue, needs_help; values are
    project counts. overdue cuts across statuses: an on_track project past its due date is
    counted under on_track and under overdue.
    """
    summary = project_status_counts(con, unit=unit)
    rows = projects(con, unit=unit, today=today)
    summary["overdue"] = int(rows["overdue"].sum())
    summary["needs_help"] = int(rows["needs_help"].sum())
    return summary


TEAMS_SQL = f"""
    WITH scope AS ({SCOPE_SQL}),
    idea_counts AS (SELECT team_id, count(*) AS ideas FROM ideas GROUP BY team_id)
    SELECT t.team_id, t.name, t.unit_id, u.name AS unit_name,
           coalesce(nullif(trim(t.change_agent), ''), nullif(trim(u.change_agent), ''))
               AS change_agent,
           t.started_on, t.ended_on, coalesce(i.ideas, 0) AS ideas
    FROM teams t
    JOIN scope ON scope.unit_id = t.unit_id
    JOIN units u ON u.unit_id = t.unit_id
    LEFT JOIN idea_counts i USING (team_id)
    ORDER BY u.name, t.name, t.team_id
"""


def teams(con, *, unit: str | None = None, today: date | None = None) -> pd.DataFrame:
    """The pilot teams in scope, each with its unit, change agent and a count of its work.

    Columns: team_id, name, unit_id, unit_name, change_agent (the team's own, else its unit's;
    empty when neither has one), started_on, ended_on, ideas (ideas linked to the team),
    projects, projects_done, projects_needing_help (counts from `projects`).
    """
    frame = store.read(con, TEAMS_SQL, {"unit": unit})
    rows = projects(con, unit=unit, today=today)
    counts = rows.assign(done=rows["status"] == "done").groupby("team_id")
    frame["projects"] = frame["team_id"].map(counts.size()).fillna(0).astype(int)
    frame["projects_done"] = frame["team_id"].map(counts["done"].sum()).fillna(0).astype(int)
    frame["projects_needing_help"] = (
        frame["team_id"].map(counts["needs_help"].sum()).fillna(0).astype(int)
    )
    return frame


TEAM_IDEAS_SQL = f"""
    WITH scope AS ({SCOPE_SQL})
    SELECT i.idea_id, i.team_id, i.title, i.status, i.submitted_on, i.decided_on,
           i.implemented_on
    FROM ideas i
    JOIN teams t USING (team_id)
    JOIN scope ON scope.unit_id = t.unit_id
    WHERE $team IS NULL OR i.team_id = $team
    ORDER BY i.submitted_on DESC, i.idea_id
"""


def team_ideas(con, *, unit: str | None = None, team: str | None = None) -> pd.DataFrame:
    """Ideas linked to a pilot team (ideas.team_id), newest first; submitters are never included.

    Columns: idea_id, team_id, title, status, submitted_on, decided_on, implemented_on.
    `team` narrows to one team; `unit` to the teams of a unit and the units below it.
    """
    return store.read(con, TEAM_IDEAS_SQL, {"unit": unit, "team": team})
