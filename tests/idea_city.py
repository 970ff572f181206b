# ruff: noqa: E501  (hand-checked data tables read best one record a line)
"""A small hand-made organisation for the idea metrics, loaded through the real importer.

Units (staff placed directly in the unit; 100 in all), with their change agents:
    A  Toimiala A (0, Aino)     A1 Tiimi A1 (10, Aino), A2 Tiimi A2 (30, none)
    B  Toimiala B (60, Bertta)

The period under test is March 2026 (31 days); "now" is 30.4.2026. Every answer in
tests/test_idea_metrics.py is worked out by hand from the IDEAS table below.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.fixtures import write_csv

MARCH = "2026-03"
NOW = date(2026, 4, 30)

UNITS = [
    {"unit_id": "A", "name": "Toimiala A", "headcount": "0", "parent_id": "", "change_agent": "Aino"},
    {"unit_id": "A1", "name": "Tiimi A1", "headcount": "10", "parent_id": "A", "change_agent": "Aino"},
    {"unit_id": "A2", "name": "Tiimi A2", "headcount": "30", "parent_id": "A", "change_agent": ""},
    {"unit_id": "B", "name": "Toimiala B", "headcount": "60", "parent_id": "", "change_agent": "Bertta"},
]  # fmt: skip

# Days to decision (decided ideas) and age on 30.4.2026 (waiting ideas) in the comments.
IDEA_COLUMNS = ["idea_id", "unit_id", "submitted_on", "title", "status", "decided_on",
                "implemented_on", "submitter", "anonymous", "category",
                "benefit_hours_per_year", "benefit_eur_per_year"]  # fmt: skip
IDEAS = [
    # March 2026: the cohort under test
    ("M1", "A1", "2026-03-02", "Sähköinen lomake", "implemented", "2026-03-12", "2026-03-20", "p1", "", "Digi", "100", "2000"),  # 10 d
    ("M2", "A1", "2026-03-05", "Robotti raportointiin", "rejected", "2026-03-25", "", "p1", "", "Digi", "", ""),  # 20 d
    ("M3", "A2", "2026-03-10", "Viikkotiedote", "accepted", "2026-04-19", "", "p2", "", "Viestintä", "", ""),  # 40 d
    ("M4", "A2", "2026-03-15", "Infotaulu taukotilaan", "new", "", "", "", "true", "Viestintä", "", ""),  # waits, 46 d
    ("M5", "B", "2026-03-20", "**Parempi** <b>kahvi</b>", "in_review", "", "", "p3", "", "", "", ""),  # waits, 41 d
    ("M6", "B", "2026-03-31", "Etäpalaverit", "parked", "", "", "p4", "", "Digi", "", ""),
    # before March
    ("O1", "A2", "2025-06-01", "Kierrätyspiste", "implemented", "2025-06-10", "2025-09-01", "p2", "", "Kestävä", "10", "500"),
    ("F1", "B", "2026-02-10", "Yhteinen kalenteri", "implemented", "2026-02-20", "2026-03-15", "p5", "", "Digi", "50", ""),
    ("F2", "A1", "2026-02-01", "Tiimin tehtävälista", "new", "", "", "p1", "", "", "", ""),  # waits, 88 d
    ("Y1", "B", "2025-12-15", "Vuodenvaihteen päivystys", "implemented", "2025-12-30", "2026-01-20", "p7", "", "", "", ""),  # 15 d; sent in 2025, implemented in 2026
    # after March
    ("R1", "A2", "2026-04-20", "Perehdytyskansio", "new", "", "", "p6", "", "", "", ""),  # waits, 10 d
    ("R2", "B", "2026-04-01", "Kävelypalaverit", "in_review", "", "", "p3", "", "", "", ""),  # waits, 29 d
]  # fmt: skip


def idea_city_file(directory: Path) -> Path:
    """The idea city as a closed database file in `directory` (copy it before writing)."""
    from metrics import store

    path = directory / "ideas.duckdb"
    build_idea_city(store.connect(path), directory)
    store.close(path)
    return path


def build_idea_city(con, directory: Path) -> None:
    from metrics.imports import import_file

    ideas = [dict(zip(IDEA_COLUMNS, idea, strict=True)) for idea in IDEAS]
    for kind, rows in (("units", UNITS), ("ideas", ideas)):
        import_file(con, kind, write_csv(directory / f"{kind}.csv", rows), today=NOW)
