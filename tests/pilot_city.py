"""A small hand-made city for the pilot-team and activity tests, loaded through the importer.

Kept apart from the fixture city so that its figures stay exactly as tests/fixtures.py says.
Today is 2026-11-27 (tests.fixtures.TODAY). The answers are worked out in the tests; the
numbers they rest on are here.

Units (headcount, supervisors, change agent):
    S1 Sektori A (2, 1, –)      U1 Viestintä (10, 2, Maija), U2 Kirjasto (20, 3, –)
    S2 Sektori B (0, 0, –)      U3 Pieni yksikkö (3, 1, –), U4 Iso yksikkö (65, 6, Pekka)
Teams: T1 in U1 (no change agent of its own: U1's Maija), T2 in U4 (Liisa).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from metrics import store
from metrics.imports import import_file
from tests.fixtures import TODAY, write_csv

ORGANISATIONS = [
    {"org_id": "HOME", "name": "Testikaupunki", "home": "true"},
    {"org_id": "PEER1", "name": "Naapurikunta", "home": "false"},
    {"org_id": "PEER2", "name": "Toinen kunta", "home": "false"},
]

UNIT_COLUMNS = ["unit_id", "name", "headcount", "parent_id", "supervisors", "change_agent"]
UNITS = [
    ("S1", "Sektori A", "2", "", "1", ""),
    ("U1", "Viestintä", "10", "S1", "2", "Maija"),
    ("U2", "Kirjasto", "20", "S1", "3", ""),
    ("S2", "Sektori B", "0", "", "0", ""),
    ("U3", "Pieni yksikkö", "3", "S2", "1", ""),
    ("U4", "Iso yksikkö", "65", "S2", "6", "Pekka"),
]

TEAMS = [
    {"team_id": "T1", "name": "Viestinnän pilotti", "unit_id": "U1", "change_agent": ""},
    {"team_id": "T2", "name": "Ison yksikön pilotti", "unit_id": "U4", "change_agent": "Liisa"},
]

IDEA_COLUMNS = ["idea_id", "unit_id", "submitted_on", "title", "status", "team_id", "submitter"]
IDEAS = [
    ("N1", "U1", "2026-02-01", "Uutiskirjeen pohja", "implemented", "T1", "p1"),
    ("N2", "U1", "2026-05-01", "Intran haku", "new", "T1", "p2"),
    ("N3", "U4", "2026-03-01", "**Vuorolistat** <b>netissä</b>", "accepted", "T2", "p3"),
    ("N4", "U2", "2026-04-01", "Ei tiimin idea", "new", "", "p4"),
]

PROJECT_COLUMNS = ["project_id", "team_id", "title", "status", "phase", "started_on", "due_on",
                   "done_on", "progress_pct", "measure", "baseline_value", "target_value",
                   "result_value"]  # fmt: skip
PROJECTS = [
    ("P1", "T1", "Uutiskirje", "on_track", "do", "2026-01-01", "2030-12-31", "", "60",
     "Avausprosentti", "20", "40", "30"),
    ("P2", "T1", "Intra", "at_risk", "plan", "2026-03-01", "2026-10-31", "", "20",
     "Hakuaika (min)", "10", "4", "8,5"),
    ("P3", "T1", "Some", "done", "act", "2025-06-01", "2025-12-31", "2026-01-15", "100",
     "Seuraajat", "100", "200", "250"),
    ("P4", "T2", "Vuorot", "on_track", "check", "2026-02-01", "2026-11-26", "", "80",
     "Vuorovaihdot / kk", "30", "10", ""),
    ("P5", "T2", "Perehdytys", "stopped", "do", "2026-01-01", "2026-06-30", "", "35",
     "Perehdytyspäivät", "5", "5", "5"),
    ("P6", "T2", "Kahvi", "late", "check", "2026-05-01", "2030-06-30", "", "70", "", "", "", ""),
]  # fmt: skip

ACTIVITY_COLUMNS = ["activity_id", "kind", "held_on", "title", "unit_id", "org_id",
                    "participants", "supervisors"]  # fmt: skip
ACTIVITIES = [
    ("W1", "supervisor_workshop", "2026-03-10", "Työpaja 1", "U1", "", "2", "2"),
    ("W1", "supervisor_workshop", "2026-03-10", "Työpaja 1", "U4", "", "4", "3"),
    ("W2", "supervisor_workshop", "2026-09-15", "Työpaja 2", "U1", "", "1", "1"),
    ("W2", "supervisor_workshop", "2026-09-15", "Työpaja 2", "U2", "", "3", "2"),
    ("W2", "supervisor_workshop", "2026-09-15", "Työpaja 2", "U3", "", "0", "0"),
    ("W2", "supervisor_workshop", "2026-09-15", "Työpaja 2", "U4", "", "5", "4"),
    ("M1", "seminar", "2026-05-20", "Yhteisseminaari", "U1", "", "3", "1"),
    ("M1", "seminar", "2026-05-20", "Yhteisseminaari", "", "PEER1", "10", "2"),
    ("M1", "seminar", "2026-05-20", "Yhteisseminaari", "", "PEER2", "6", "1"),
    ("M2", "seminar", "2026-08-25", "Syysseminaari", "U4", "", "2", "0"),
    ("M2", "seminar", "2026-08-25", "Syysseminaari", "", "PEER1", "8", "1"),
    ("C1", "change_agent_meeting", "2026-09-02", "Agenttitapaaminen", "U1", "", "1", "0"),
    ("C1", "change_agent_meeting", "2026-09-02", "Agenttitapaaminen", "U4", "", "1", "0"),
    ("X1", "training", "2026-09-05", "Lean-koulutus", "U2", "", "4", "0"),
]


def files(directory: Path) -> list[tuple[str, Path]]:
    """The city's contract files, written into `directory`, in import order."""
    tables = [
        ("organisations", ORGANISATIONS),
        ("units", [dict(zip(UNIT_COLUMNS, r, strict=True)) for r in UNITS]),
        ("teams", TEAMS),
        ("ideas", [dict(zip(IDEA_COLUMNS, r, strict=True)) for r in IDEAS]),
        ("projects", [dict(zip(PROJECT_COLUMNS, r, strict=True)) for r in PROJECTS]),
        ("activities", [dict(zip(ACTIVITY_COLUMNS, r, strict=True)) for r in ACTIVITIES]),
    ]
    return [(kind, write_csv(directory / f"pilot_{kind}.csv", rows)) for kind, rows in tables]


def build_pilot_city(con, directory: Path) -> None:
    for kind, path in files(directory):
        import_file(con, kind, path, today=TODAY)


_built: dict[str, Path] = {}


def pilot_city_file(tmp_path_factory) -> Path:
    """A closed database file holding the pilot city, built once per test session: copy it
    before another process (the command line) opens it."""
    if "file" not in _built:
        directory = tmp_path_factory.mktemp("pilot_city")
        path = directory / "pohina.duckdb"
        build_pilot_city(store.connect(path), directory)
        store.close(path)
        _built["file"] = path
    return _built["file"]


def pilot_city_path(tmp_path_factory) -> Path:
    """This test process's own copy, for in-process readers (metrics, AppTest). Read only."""
    if "copy" not in _built:
        path = tmp_path_factory.mktemp("pilot_city_copy") / "pohina.duckdb"
        shutil.copy(pilot_city_file(tmp_path_factory), path)
        _built["copy"] = path
    return _built["copy"]


def data_snapshot(con) -> dict[str, list]:
    """Every data table's content (tests.test_imports.snapshot without the import log, which
    records refused files too), so 'nothing was written' can be checked by content."""
    from tests.test_imports import snapshot

    return {table: rows for table, rows in snapshot(con).items() if table != "import_log"}
