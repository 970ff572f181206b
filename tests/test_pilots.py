"""Pilot teams and projects: what needs help, how far results got, and bad project files.

Answers worked out by hand from tests/pilot_city.py; today is 2026-11-27.
"""

from __future__ import annotations

import csv
import io
import math
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from metrics import pilots, store
from metrics.imports import ImportRejected, import_file
from metrics.registry import REPORTS
from tests.fixtures import TODAY
from tests.pilot_city import build_pilot_city, data_snapshot, pilot_city_file, pilot_city_path
from tests.test_imports import write

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pilot_city(tmp_path_factory):
    """The pilot city's connection (tests/pilot_city.py). Read only."""
    return store.connect(pilot_city_path(tmp_path_factory))


def by_id(frame, column="project_id"):
    return frame.set_index(column)


def test_projects_needing_help_come_first_most_overdue_first(pilot_city):
    rows = pilots.projects(pilot_city, today=TODAY)
    # Needing help: P2 (at risk, due 31.10. → 27 days overdue), P4 (on track by its team but
    # due 26.11. → 1 day overdue), P6 (late, due 2030). Then by due date: P3 (31.12.2025),
    # P5 (30.6.2026), P1 (31.12.2030).
    assert rows["project_id"].tolist() == ["P2", "P4", "P6", "P3", "P5", "P1"]
    assert rows["needs_help"].tolist() == [True, True, True, False, False, False]


def test_overdue_is_past_due_and_neither_done_nor_stopped(pilot_city):
    rows = by_id(pilots.projects(pilot_city, today=TODAY))
    assert rows["overdue"].to_dict() == {
        "P2": True,  # 31.10. < 27.11., at risk
        "P4": True,  # 26.11. < 27.11., even though the team says on track
        "P6": False,  # late by its team, but due 2030
        "P3": False,  # due 31.12.2025 but done
        "P5": False,  # due 30.6.2026 but stopped
        "P1": False,
    }
    assert rows.loc["P2", "days_overdue"] == 27  # 4 days of October + 23 of November
    assert rows.loc["P4", "days_overdue"] == 1
    assert pd.isna(rows.loc["P1", "days_overdue"])


def test_a_project_due_today_is_not_yet_overdue(pilot_city):
    rows = by_id(pilots.projects(pilot_city, today=date(2026, 10, 31)))
    assert not rows.loc["P2", "overdue"]
    assert not rows.loc["P4", "overdue"]


@pytest.mark.parametrize(
    ("project", "expected"),
    [
        pytest.param("P1", 50.0, id="higher-is-better-halfway"),  # 100 × (30 − 20) / (40 − 20)
        pytest.param("P2", 25.0, id="lower-is-better"),  # 100 × (8.5 − 10) / (4 − 10)
        pytest.param("P3", 150.0, id="beyond-target-not-capped"),  # 100 × (250 − 100) / 100
        pytest.param("P4", math.nan, id="no-result-yet"),
        pytest.param("P5", math.nan, id="target-equals-baseline"),
        pytest.param("P6", math.nan, id="no-measure"),
    ],
)
def test_target_reached_is_the_share_of_the_way_from_baseline_to_target(
    pilot_city, project, expected
):
    value = by_id(pilots.projects(pilot_city, today=TODAY)).loc[project, "target_reached_pct"]
    if math.isnan(expected):
        assert pd.isna(value)
    else:
        assert value == pytest.approx(expected)


def test_summary_counts_statuses_and_overdue_across_them(pilot_city):
    summary = pilots.project_summary(pilot_city, today=TODAY)
    assert summary.to_dict() == {
        "planned": 0,
        "on_track": 2,  # P1, P4
        "at_risk": 1,  # P2
        "late": 1,  # P6
        "done": 1,  # P3
        "stopped": 1,  # P5
        "overdue": 2,  # P2, P4
        "needs_help": 3,  # P2, P4, P6
    }


def test_summary_of_a_sector_counts_its_units_teams_only(pilot_city):
    # S1 holds U1 and so T1: P1 on track, P2 at risk and overdue, P3 done.
    summary = pilots.project_summary(pilot_city, unit="S1", today=TODAY)
    assert (summary["on_track"], summary["at_risk"], summary["done"]) == (1, 1, 1)
    assert (summary["late"], summary["overdue"], summary["needs_help"]) == (0, 1, 1)


def test_teams_show_unit_change_agent_and_counts(pilot_city):
    teams = by_id(pilots.teams(pilot_city, today=TODAY), "team_id")
    # T1 has no change agent of its own: its unit U1's (Maija) is shown; T2 has its own.
    assert teams["change_agent"].to_dict() == {"T1": "Maija", "T2": "Liisa"}
    assert teams.loc["T1", "unit_name"] == "Viestintä"
    assert teams[["projects", "projects_done", "projects_needing_help", "ideas"]].loc[
        "T1"
    ].tolist() == [3, 1, 1, 2]  # P1–P3; P3 done; P2 needs help; N1, N2
    assert teams[["projects", "projects_done", "projects_needing_help", "ideas"]].loc[
        "T2"
    ].tolist() == [3, 0, 2, 1]  # P4–P6; none done; P4 overdue and P6 late; N3


def test_team_ideas_are_the_teams_own_newest_first_without_submitters(pilot_city):
    ideas = pilots.team_ideas(pilot_city, team="T1")
    assert ideas["idea_id"].tolist() == ["N2", "N1"]  # 1.5. before 1.2.; N4 has no team
    assert "submitter" not in ideas.columns
    assert pilots.team_ideas(pilot_city)["idea_id"].tolist() == ["N2", "N3", "N1"]


def test_projects_report_has_the_contract_columns(pilot_city):
    report = REPORTS["projects"]
    frame = report.build(pilot_city, period=None, unit=None, today=TODAY)[list(report.columns)]
    p2 = frame.set_index("project_id").loc["P2"]
    assert p2.to_dict() == {
        "team_id": "T1",
        "title": "Intra",
        "status": "at_risk",
        "phase": "plan",
        "progress_pct": 20.0,
        "due_on": "2026-10-31",
        "overdue": True,
        "target_reached_pct": 25.0,
    }


@pytest.mark.slow
def test_report_projects_on_the_command_line(tmp_path_factory, tmp_path):
    db = tmp_path / "pohina.duckdb"
    shutil.copy(pilot_city_file(tmp_path_factory), db)
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "report", "projects"],
        cwd=ROOT,
        env={**os.environ, "POHINA_DB": str(db)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0]) == list(REPORTS["projects"].columns)
    p3 = next(r for r in rows if r["project_id"] == "P3")  # done: never overdue, whatever today
    assert p3 == {
        "project_id": "P3",
        "team_id": "T1",
        "title": "Some",
        "status": "done",
        "phase": "act",
        "progress_pct": "100.0",
        "due_on": "2025-12-31",
        "overdue": "false",
        "target_reached_pct": "150.0",
    }


# ----------------------------------------------------------------------------- bad input


@pytest.fixture
def loaded(empty_db, tmp_path):
    """A writable copy of the pilot city."""
    build_pilot_city(empty_db, tmp_path)
    return empty_db


def test_bad_projects_are_each_reported_and_nothing_is_written(loaded, tmp_path):
    before = data_snapshot(loaded)
    path = write(
        tmp_path,
        "projects.csv",
        "project_id,team_id,title,status,phase,started_on,due_on,done_on,progress_pct\n"
        "Q1,T9,Ei tiimiä,on_track,do,2026-01-01,2026-06-01,,50\n"
        "Q2,T1,Väärin päin,on_track,do,2026-06-01,2026-01-01,,50\n"
        "Q3,T1,Liikaa,on_track,do,2026-01-01,2026-06-01,,150\n"
        "Q4,T1,Miinus,on_track,do,2026-01-01,2026-06-01,,-5\n"
        "Q5,T1,Valmis ennen alkua,done,act,2026-06-01,2026-09-01,2026-05-01,100\n"
        "Q6,T1,Outo tila,paused,do,2026-01-01,2026-06-01,,10\n"
        "Q7,T1,Outo vaihe,on_track,study,2026-01-01,2026-06-01,,10\n"
        "Q8,T1,Valmis huomenna,done,act,2026-01-01,2026-06-01,2026-11-28,100\n"
        "Q9,T1,Hyvä,on_track,do,2026-01-01,2026-06-01,,10\n",
    )
    with pytest.raises(ImportRejected) as refused:
        import_file(loaded, "projects", path, today=TODAY)
    assert {(e.row, e.column) for e in refused.value.errors} == {
        (2, "team_id"),  # no team T9
        (3, "due_on"),  # due before the start
        (4, "progress_pct"),  # above 100
        (5, "progress_pct"),  # below 0
        (6, "done_on"),  # done before it started
        (7, "status"),  # not a contract status
        (8, "phase"),  # not a PDCA phase
        (9, "done_on"),  # done in the future
    }
    report = refused.value.report()
    assert "row 2, column team_id, value 'T9': no such team" in report
    assert "row 7, column status, value 'paused': must be one of planned" in report
    assert data_snapshot(loaded) == before  # Q9, the good row, was not written either


def test_a_due_date_ahead_is_a_plan_and_loads(loaded, tmp_path):
    path = write(
        tmp_path,
        "projects.csv",
        "project_id,team_id,title,status,started_on,due_on\nQ1,T1,Ensi vuonna,planned,"
        "2026-11-01,2027-06-30\n",
    )
    import_file(loaded, "projects", path, today=TODAY)
    row = by_id(pilots.projects(loaded, today=TODAY)).loc["Q1"]
    assert str(row["due_on"])[:10] == "2027-06-30" and not row["overdue"]


def test_a_projects_file_with_an_empty_date_column_loads(loaded, tmp_path):
    """No project done yet: the done_on column is there but every cell is empty."""
    path = write(
        tmp_path,
        "projects.csv",
        "project_id,team_id,title,status,started_on,due_on,done_on\n"
        "Q1,T1,Alussa,on_track,2026-10-01,2026-12-31,\n"
        "Q2,T2,Myös alussa,planned,2026-11-01,2027-03-31,\n",
    )
    import_file(loaded, "projects", path, today=TODAY)
    rows = by_id(pilots.projects(loaded, today=TODAY))
    assert rows.loc[["Q1", "Q2"], "done_on"].isna().all()
