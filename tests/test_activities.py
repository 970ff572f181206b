"""Programme activities: workshops, seminars, change-agent meetings and which units were reached.

Answers worked out by hand from tests/pilot_city.py. Supervisors per unit: S1 1, U1 2, U2 3,
S2 0, U3 1, U4 6. Workshops: W1 (10.3.) U1 2 people / 2 supervisors, U4 4 / 3; W2 (15.9.)
U1 1 / 1, U2 3 / 2, U3 0 / 0 (listed, nobody came), U4 5 / 4.
"""

from __future__ import annotations

import csv
import io
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from metrics import activities, periods, store
from metrics.imports import ImportRejected, import_file
from tests.fixtures import TODAY, load
from tests.pilot_city import build_pilot_city, data_snapshot, pilot_city_file, pilot_city_path
from tests.test_imports import write

ROOT = Path(__file__).resolve().parent.parent
Q3 = periods.parse("2026-Q3")


@pytest.fixture(scope="module")
def pilot_city(tmp_path_factory):
    """The pilot city's connection (tests/pilot_city.py). Read only."""
    return store.connect(pilot_city_path(tmp_path_factory))


def coverage(con, **window):
    return activities.activity_coverage(con, **window).set_index("unit_id")


def test_workshops_list_attendance_newest_first(pilot_city):
    rows = activities.activity_list(pilot_city, kind="supervisor_workshop", today=TODAY)
    # W2: U1, U2, U4 took part (U3's row has 0 people): 1 + 3 + 5 = 9 people, 1 + 2 + 4 = 7
    # supervisors. W1: U1 and U4, 2 + 4 = 6 people, 2 + 3 = 5 supervisors.
    assert rows[["activity_id", "units", "participants", "supervisors"]].values.tolist() == [
        ["W2", 3, 9, 7],
        ["W1", 2, 6, 5],
    ]


def test_seminars_name_the_other_organisations_that_took_part(pilot_city):
    rows = activities.activity_list(pilot_city, kind="seminar", today=TODAY).set_index(
        "activity_id"
    )
    assert rows.loc["M1", "organisations"] == "Naapurikunta, Toinen kunta"
    assert rows.loc["M1", "other_organisations"] == 2
    assert rows.loc["M1", "other_participants"] == 16  # 10 + 6
    assert rows.loc["M1", "participants"] == 3  # U1's three
    assert rows.loc["M2", "organisations"] == "Naapurikunta"
    assert rows.index.tolist() == ["M2", "M1"]  # 25.8. before 20.5.


def test_a_units_activities_are_those_it_or_a_unit_below_took_part_in(pilot_city):
    s2 = activities.activity_list(pilot_city, kind="seminar", unit="S2", today=TODAY)
    assert s2["activity_id"].tolist() == ["M2"]  # U4 was at M2 only
    u1 = activities.activity_list(pilot_city, kind="supervisor_workshop", unit="U1", today=TODAY)
    assert u1[["activity_id", "participants"]].values.tolist() == [["W2", 1], ["W1", 2]]


def test_a_period_lists_only_what_was_held_in_it(pilot_city):
    workshops = activities.activity_list(pilot_city, kind="supervisor_workshop", period=Q3)
    assert workshops["activity_id"].tolist() == ["W2"]
    meetings = activities.activity_list(pilot_city, kind="change_agent_meeting", period=Q3)
    assert meetings[["units", "participants"]].values.tolist() == [[2, 2]]  # C1: U1 and U4
    spring = periods.parse("2026-Q2")
    assert activities.activity_list(pilot_city, kind="supervisor_workshop", period=spring).empty


def test_unknown_activity_kind_is_refused_by_the_metric(pilot_city):
    with pytest.raises(ValueError, match="unknown activity kind"):
        activities.activity_list(pilot_city, kind="party", today=TODAY)


def test_coverage_so_far_rolls_units_up_into_their_sector(pilot_city):
    rows = coverage(pilot_city, today=TODAY)
    columns = ["workshops", "workshop_participants", "supervisors", "supervisors_reached"]
    assert rows[columns].loc[["S1", "U1", "U2", "S2", "U3", "U4"]].values.tolist() == [
        [2, 6, 6, 4],  # S1 + U1 + U2: people 3 + 3; supervisors 1 + 2 + 3; reached 0 + 2 + 2
        [2, 3, 2, 2],  # U1: at most 2 of its 2 supervisors at one workshop (W1)
        [1, 3, 3, 2],  # U2: 2 of 3 at W2
        [2, 9, 7, 4],  # S2 + U3 + U4: supervisors 0 + 1 + 6; reached 0 + 0 + 4
        [0, 0, 1, 0],  # U3: its W2 row had nobody, so not reached
        [2, 9, 6, 4],  # U4: the most at one workshop is 4 (W2), not 3 + 4 = 7
    ]
    pct = rows["supervisors_reached_pct"]
    assert pct["S1"] == pytest.approx(100 * 4 / 6)
    assert pct["S2"] == pytest.approx(100 * 4 / 7)
    assert pct["U1"] == pytest.approx(100.0)
    assert pct["U3"] == pytest.approx(0.0)


def test_coverage_says_which_units_have_an_agent_a_workshop_or_neither(pilot_city):
    rows = coverage(pilot_city, today=TODAY)
    assert rows["reach"].to_dict() == {
        "S1": "workshop",  # no change agent of its own; U1 and U2 were at workshops
        "U2": "workshop",
        "U1": "change_agent_and_workshop",  # Maija
        "S2": "workshop",
        "U4": "change_agent_and_workshop",  # Pekka
        "U3": "neither",
    }
    assert rows["seminars"].to_dict() == {"S1": 1, "U2": 0, "U1": 1, "S2": 1, "U4": 1, "U3": 0}
    assert rows["change_agent_meetings"]["U2"] == 0  # U2's training is not a meeting
    summary = activities.coverage_summary(pilot_city, today=TODAY)
    assert summary.to_dict() == {
        "change_agent_and_workshop": 2,
        "change_agent": 0,
        "workshop": 3,
        "neither": 1,
        "units": 6,
        "with_change_agent": 2,
        "reached_by_workshop": 5,
    }


def test_coverage_of_a_period_counts_only_its_workshops(pilot_city):
    rows = coverage(pilot_city, period=Q3)  # W2 only
    assert rows["supervisors_reached"].to_dict() == {
        "S1": 3,  # U1 1 + U2 2
        "U2": 2,
        "U1": 1,
        "S2": 4,
        "U4": 4,
        "U3": 0,
    }
    assert rows["supervisors_reached_pct"]["U1"] == pytest.approx(50.0)
    assert rows["seminars"]["S1"] == 0  # M1 was in May


def test_coverage_of_a_unit_is_that_unit_and_those_below(pilot_city):
    rows = coverage(pilot_city, unit="S2", today=TODAY)
    assert rows.index.tolist() == ["S2", "U4", "U3"]


def test_activity_totals_count_events_participants_and_supervisors_reached(pilot_city):
    totals = activities.activity_totals(pilot_city, today=TODAY)
    assert totals["supervisor_workshops"] == 2
    assert totals["seminars"] == 2
    assert totals["change_agent_meetings"] == 1
    assert totals["workshop_participants"] == 15  # 9 + 6
    assert totals["seminar_participants"] == 5  # U4's 2 at M2 + U1's 3 at M1
    # the top units S1 and S2: 6 + 7 = 13 supervisors, 4 + 4 = 8 reached
    assert (totals["supervisors"], totals["supervisors_reached"]) == (13, 8)
    assert totals["supervisors_reached_pct"] == pytest.approx(100 * 8 / 13)


@pytest.mark.slow
def test_report_activity_coverage_counts_everything_up_to_the_period_end(
    tmp_path_factory, tmp_path
):
    db = tmp_path / "pohina.duckdb"
    shutil.copy(pilot_city_file(tmp_path_factory), db)
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "report", "activity_coverage", "--period", "2026-04"],
        cwd=ROOT,
        env={**os.environ, "POHINA_DB": str(db)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # Up to 30.4.2026 only W1 had been held: U1 2 people, 2 of 2 supervisors; U4 4 people,
    # 3 of 6. S1: 2 of 1 + 2 + 3 = 6 → 33.3 %; S2: 3 of 0 + 1 + 6 = 7 → 42.9 %.
    assert done.stdout.splitlines() == [
        "unit_id,has_change_agent,workshop_participants,supervisors_reached_pct,seminars",
        "S1,false,2,33.3333,0",
        "U2,false,0,0.0,0",
        "U1,true,2,100.0,0",
        "S2,false,4,42.8571,0",
        "U4,true,4,50.0,0",
        "U3,false,0,0.0,0",
    ]
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 6


# ----------------------------------------------------------------------------- bad input


@pytest.fixture
def loaded(empty_db, tmp_path):
    """A writable copy of the pilot city."""
    build_pilot_city(empty_db, tmp_path)
    return empty_db


def test_bad_activities_are_each_reported_and_nothing_is_written(loaded, tmp_path):
    before = data_snapshot(loaded)
    path = write(
        tmp_path,
        "activities.csv",
        "activity_id,kind,held_on,title,unit_id,org_id,participants,supervisors\n"
        "B1,workshop,2026-09-01,Väärä laji,U1,,3,1\n"
        "B2,seminar,2026-09-01,Ei yksikköä,U9,,3,1\n"
        "B3,seminar,2026-09-01,Ei organisaatiota,,PEER9,3,1\n"
        "B4,supervisor_workshop,2026-09-01,Liikaa esihenkilöitä,U1,,2,3\n"
        "B5,supervisor_workshop,2027-01-01,Tulevaisuudessa,U1,,2,1\n"
        "B6,change_agent_meeting,2026-09-01,Miinus,U1,,-1,\n"
        "B7,other,2026-09-01,,U1,,1,0\n"
        "B8,seminar,2026-09-01,Hyvä,U2,,4,1\n",
    )
    with pytest.raises(ImportRejected) as refused:
        import_file(loaded, "activities", path, today=TODAY)
    assert {(e.row, e.column) for e in refused.value.errors} == {
        (2, "kind"),  # not a kind in the contract
        (3, "unit_id"),  # no unit U9
        (4, "org_id"),  # no organisation PEER9
        (5, "supervisors"),  # more supervisors than participants
        (6, "held_on"),  # in the future
        (7, "participants"),  # below 0
        (8, "title"),  # required
    }
    report = refused.value.report()
    assert "row 2, column kind, value 'workshop': must be one of supervisor_workshop" in report
    assert data_snapshot(loaded) == before  # B8, the good row, was not written either


def test_a_city_without_supervisor_counts_has_no_reach_rather_than_an_error(empty_db, tmp_path):
    units = "unit_id,name,headcount,parent_id\nS,Sektori,0,\nA,Yksikkö A,12,S\n"
    load(empty_db, "units", write(tmp_path, "units.csv", units))
    totals = activities.activity_totals(empty_db, today=TODAY)
    assert totals["supervisor_workshops"] == 0
    assert pd.isna(totals["supervisors"]) and math.isnan(totals["supervisors_reached_pct"])
