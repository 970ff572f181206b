# ruff: noqa: E501  (hand-checked data tables read best one record a line)
"""A small hand-made organisation for the incentive standings, loaded through the real importer.

Units (staff placed directly in the unit), "now" 27.11.2026:
    S1 Sektori A (0)    A Alfa (20), B Beta (40), SM Pieni (3)
    S2 Sektori B (0)    C Gamma (27), N Uusi (10, created 15.8.2026), Z Tyhjä (0)
The units without sub-units (A, B, SM, C, N, Z) have 100 staff in all: 10 tens.

Events in 2026-Q3 (1.7.–30.9.) with the default points (idea 1, implemented 3, milestone 5,
workshop person 1, practice 3):
    A   four ideas (a fifth, A5, was merged into A1 as a duplicate: nothing)      =  4
    B   six ideas, B7 implemented 20.7. (sent in Q2), two people at workshop W1     =  6 + 3 + 2 = 11
    SM  one idea                                                                =  1
    C   two ideas, milestone M1 of its pilot team's project reached 20.8.           =  2 + 5 = 7
    N   good practice GP1 published 1.9.                                         =  3
    Z   one idea, but no staff: left out
    (A's people at seminar SEM earn nothing: only supervisor workshops count.)
In 2026-Q2 (1.4.–30.6.): A six ideas, B one (B7), C one (C3); N did not exist yet.
In 2026-Q4 so far: milestone M3 of C (5.10.), practice GP2 of A (10.10.).
2026-Q1 has no events at all.
The answers are worked out by hand in tests/test_standings.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.fixtures import write_csv

NOW = date(2026, 11, 27)

UNITS = [
    {"unit_id": "S1", "name": "Sektori A", "headcount": "0", "parent_id": "", "as_of": ""},
    {"unit_id": "A", "name": "Alfa", "headcount": "20", "parent_id": "S1", "as_of": ""},
    {"unit_id": "B", "name": "Beta", "headcount": "40", "parent_id": "S1", "as_of": ""},
    {"unit_id": "SM", "name": "Pieni", "headcount": "3", "parent_id": "S1", "as_of": ""},
    {"unit_id": "S2", "name": "Sektori B", "headcount": "0", "parent_id": "", "as_of": ""},
    {"unit_id": "C", "name": "Gamma", "headcount": "27", "parent_id": "S2", "as_of": ""},
    {"unit_id": "N", "name": "Uusi", "headcount": "10", "parent_id": "S2", "as_of": "2026-08-15"},
    {"unit_id": "Z", "name": "Tyhjä", "headcount": "0", "parent_id": "S2", "as_of": ""},
]  # fmt: skip

IDEA_COLUMNS = ["idea_id", "unit_id", "submitted_on", "title", "status", "implemented_on",
                "merged_into", "submitter"]  # fmt: skip
IDEAS = [
    # 2026-Q3
    ("A1", "A", "2026-07-02", "Yhteinen kalenteri", "new", "", "", "a1"),
    ("A2", "A", "2026-07-20", "Palaverikäytännöt", "in_review", "", "", "a1"),
    ("A3", "A", "2026-08-11", "Perehdytyskansio", "accepted", "", "", "a2"),
    ("A4", "A", "2026-09-29", "Taukojumppa", "rejected", "", "", "a3"),
    ("A5", "A", "2026-08-12", "Perehdytyksen kansio", "merged", "", "A3", "a4"),
    ("B1", "B", "2026-07-01", "Vuorolistat sähköisiksi", "new", "", "", "b1"),
    ("B2", "B", "2026-07-15", "Sijaislista", "new", "", "", "b1"),
    ("B3", "B", "2026-08-01", "Kahvikassa", "in_review", "", "", "b1"),
    ("B4", "B", "2026-08-20", "Ilmoitustaulu", "accepted", "", "", "b2"),
    ("B5", "B", "2026-09-03", "Kierrätys", "new", "", "", "b3"),
    ("B6", "B", "2026-09-30", "Avainkaappi", "new", "", "", "b4"),
    ("SM1", "SM", "2026-08-05", "Yhteinen sähköposti", "new", "", "", "s1"),
    ("C1", "C", "2026-07-07", "Asiakaspalaute", "new", "", "", "c1"),
    ("C2", "C", "2026-09-09", "Jonotusnumerot", "new", "", "", "c2"),
    ("Z1", "Z", "2026-08-08", "Tyhjän yksikön idea", "new", "", "", "z1"),
    # 2026-Q2
    ("B7", "B", "2026-06-10", "Sähköinen lomake", "implemented", "2026-07-20", "", "b1"),
    ("C3", "C", "2026-05-01", "Ajanvaraus", "new", "", "", "c1"),
    ("A6", "A", "2026-04-01", "Idea 6", "new", "", "", "a1"),
    ("A7", "A", "2026-04-15", "Idea 7", "new", "", "", "a1"),
    ("A8", "A", "2026-05-02", "Idea 8", "new", "", "", "a2"),
    ("A9", "A", "2026-05-20", "Idea 9", "new", "", "", "a2"),
    ("A10", "A", "2026-06-01", "Idea 10", "new", "", "", "a3"),
    ("A11", "A", "2026-06-30", "Idea 11", "new", "", "", "a3"),
]  # fmt: skip

TEAMS = [{"team_id": "TC", "name": "Gamman pilotti", "unit_id": "C"}]
PROJECTS = [{"project_id": "PC", "team_id": "TC", "title": "Ajanvaraus", "status": "on_track"}]
MILESTONES = [
    {"milestone_id": "M1", "project_id": "PC", "title": "Kokeilu alkaa", "reached_on": "2026-08-20"},
    {"milestone_id": "M2", "project_id": "PC", "title": "Kokeilu arvioitu", "reached_on": ""},
    {"milestone_id": "M3", "project_id": "PC", "title": "Käyttöön", "reached_on": "2026-10-05"},
]  # fmt: skip
ACTIVITIES = [
    {"activity_id": "W1", "kind": "supervisor_workshop", "held_on": "2026-09-10", "title": "Muutosjohtaminen", "unit_id": "B", "participants": "2", "supervisors": "1"},
    {"activity_id": "SEM", "kind": "seminar", "held_on": "2026-09-12", "title": "Yhteisseminaari", "unit_id": "A", "participants": "5", "supervisors": "0"},
]  # fmt: skip
PRACTICES = [
    {"practice_id": "GP1", "title": "Uuden yksikön perehdytys", "summary": "Näin", "unit_id": "N", "published_on": "2026-09-01"},
    {"practice_id": "GP2", "title": "Alfan kalenteri", "summary": "Näin", "unit_id": "A", "published_on": "2026-10-10"},
]  # fmt: skip


def standings_city_file(directory: Path) -> Path:
    """The standings city as a closed database file in `directory`."""
    from metrics import store

    path = directory / "standings.duckdb"
    build_standings_city(store.connect(path), directory)
    store.close(path)
    return path


def build_standings_city(con, directory: Path) -> None:
    from metrics.imports import import_file

    ideas = [dict(zip(IDEA_COLUMNS, idea, strict=True)) for idea in IDEAS]
    for kind, rows in (
        ("units", UNITS),
        ("ideas", ideas),
        ("teams", TEAMS),
        ("projects", PROJECTS),
        ("milestones", MILESTONES),
        ("activities", ACTIVITIES),
        ("practices", PRACTICES),
    ):
        import_file(con, kind, write_csv(directory / f"{kind}.csv", rows), today=NOW)
