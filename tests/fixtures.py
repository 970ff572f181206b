"""The fixture city: a small, hand-checked organisation every metric test reads.

Written as contract CSV files and loaded through the real importer, so the tests exercise the
same path a city's files take. The answers worked out by hand are in the tests beside each
assertion; the numbers they rest on are here.

Units (headcount placed directly in the unit; 100 staff in all):
    S1 Sektori A (2)        U1 Viestintä (10), U2 Kirjasto (20)
    S2 Sektori B (0)        U3 Pieni yksikkö (3), U4 Iso yksikkö (65)
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 27)
# The key of the supporters' and commenters' pseudonyms in tests that sign in (POHINA_PSEUDONYM_KEY).
PSEUDONYM_KEY = "a-test-key-that-is-long-enough"

# The role table of the access tests: one person per role (a unit head of S1 and one of the
# three-person U3; the change agent's role in Finnish and with a space before the unit).
ROLES = """email,role,units
Johto@Testikaupunki.fi,steering,
paallikko.a@testikaupunki.fi,unit_head,S1
paallikko.pieni@testikaupunki.fi,unit_head,U3
agentti@testikaupunki.fi,muutosagentti, U4
tyontekija@testikaupunki.fi,staff,
hr@testikaupunki.fi,admin,
"""

ORGANISATIONS = [
    {"org_id": "HOME", "name": "Testikaupunki", "group": "", "home": "true"},
    {"org_id": "PEER1", "name": "Naapurikunta", "group": "peer", "home": "false"},
]

UNITS = [
    {"unit_id": "S1", "name": "Sektori A", "headcount": "2", "parent_id": "", "supervisors": "1"},
    {
        "unit_id": "U1",
        "name": "Viestintä",
        "headcount": "10",
        "parent_id": "S1",
        "supervisors": "1",
    },
    {"unit_id": "U2", "name": "Kirjasto", "headcount": "20", "parent_id": "S1", "supervisors": "2"},
    {"unit_id": "S2", "name": "Sektori B", "headcount": "0", "parent_id": "", "supervisors": "0"},
    {
        "unit_id": "U3",
        "name": "Pieni yksikkö",
        "headcount": "3",
        "parent_id": "S2",
        "supervisors": "1",
    },
    {
        "unit_id": "U4",
        "name": "Iso yksikkö",
        "headcount": "65",
        "parent_id": "S2",
        "supervisors": "6",
    },
]

TEAMS = [
    {"team_id": "T1", "name": "Viestinnän pilotti", "unit_id": "U1", "started_on": "2025-01-01"},
    {"team_id": "T2", "name": "Ison yksikön pilotti", "unit_id": "U4", "started_on": "2025-01-01"},
]

# 2026-Q3 (92 days): six ideas, five named submitters; decided after 10, 20, 30 and 5 days.
# 2026-Q2 (91 days): three ideas, three submitters; one decided, after 30 days.
IDEA_COLUMNS = ["idea_id", "unit_id", "submitted_on", "title", "status", "decided_on",
                "implemented_on", "submitter", "anonymous", "merged_into"]  # fmt: skip
IDEAS = [
    ("I1", "U1", "2026-07-01", "Uutiskirje kerran kuussa", "implemented", "2026-07-11", "2026-08-01", "p1", "", ""),
    ("I2", "U1", "2026-07-15", "Intran etusivu uusiksi", "rejected", "2026-08-04", "", "p2", "", ""),
    ("I3", "U2", "2026-08-01", "Lainausautomaatti aulaan", "accepted", "2026-08-31", "", "p3", "", ""),
    ("I4", "U4", "2026-09-01", "Vuorolistat sähköisiksi", "new", "", "", "p4", "", ""),
    ("I5", "U4", "2026-09-10", "Taukotilan kahvinkeitin", "in_review", "", "", "", "true", ""),
    ("I6", "U3", "2026-09-20", "Yhteinen kalenteri", "implemented", "2026-09-25", "2026-09-29", "p5", "", ""),
    ("I7", "U2", "2026-04-10", "Omatoimikirjasto iltaisin", "implemented", "2026-05-10", "2026-06-01", "p3", "", ""),
    ("I8", "U2", "2026-05-05", "Kirjaston aukiolo illalla", "merged", "", "", "p6", "", "I7"),
    ("I9", "U4", "2026-06-01", "Etätyöpäivät", "parked", "", "", "p4", "", ""),
]  # fmt: skip

PROJECTS = [
    {
        "project_id": "P1",
        "team_id": "T1",
        "title": "Uutiskirje",
        "status": "on_track",
        "phase": "do",
    },
    {"project_id": "P2", "team_id": "T1", "title": "Intra", "status": "at_risk", "phase": "plan"},
    {"project_id": "P3", "team_id": "T1", "title": "Some", "status": "done", "phase": "act"},
    {
        "project_id": "P4",
        "team_id": "T2",
        "title": "Vuorot",
        "status": "on_track",
        "phase": "check",
    },
]

ROUNDS = [
    {"round_id": "R1", "name": "Henkilöstökysely 2025", "closed_on": "2025-10-31"},
    {"round_id": "R2", "name": "Henkilöstökysely 2026", "closed_on": "2026-10-31"},
]

ITEMS = [
    {"item_id": "SAT1", "text_fi": "Olen tyytyväinen työhöni", "indicator": "satisfaction", "reverse": ""},
    {"item_id": "COM1", "text_fi": "Saan tietoa ajoissa", "indicator": "internal_communication", "reverse": ""},
    {"item_id": "COM2", "text_fi": "Tieto tulee liian myöhään", "indicator": "internal_communication", "reverse": "true"},
    {"item_id": "CL1", "text_fi": "Muutoksia johdetaan hyvin", "indicator": "change_leadership", "reverse": ""},
]  # fmt: skip

# Answers per (round, unit): each string is one respondent's SAT1, COM1, COM2, CL1 ('-' = no
# answer). U3 has 3 respondents: below the anonymity threshold of 5 in both rounds.
ANSWERS = {
    ("R1", "U1"): ["4332", "3342", "2421", "4333", "3243", "5422"],
    ("R1", "U2"): ["4431", "4432", "3332", "4342", "2242", "4433", "5512", "3323"],
    ("R1", "U3"): ["5555", "4444", "1111"],
    ("R1", "U4"): ["4332", "3342", "2421", "4333", "3243", "5422", "4332", "3342", "3421", "4333"],
    ("R2", "U1"): ["5414", "4424", "4514", "5415", "4325", "5514"],
    ("R2", "U2"): ["4431", "4433", "4332", "4342", "3244", "4433", "5514", "4323"],
    ("R2", "U3"): ["5555", "5555", "2222"],
    ("R2", "U4"): ["4332", "4342", "3421", "4334", "3243", "5424", "4332", "4342", "3424", "4-33"],
}


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def answer_rows() -> list[dict]:
    rows = []
    for (round_id, unit_id), people in ANSWERS.items():
        for number, answers in enumerate(people, start=1):
            row = {"round_id": round_id, "unit_id": unit_id, "respondent": f"{unit_id}-{number}"}
            for item, value in zip(("SAT1", "COM1", "COM2", "CL1"), answers, strict=True):
                row[item] = "" if value == "-" else value
            rows.append(row)
    return rows


def fixture_files(directory: Path) -> list[tuple[str, Path]]:
    """Write the fixture city's contract files; return (kind, path) in import order."""
    ideas = [dict(zip(IDEA_COLUMNS, idea, strict=True)) for idea in IDEAS]
    files = [
        ("organisations", ORGANISATIONS),
        ("units", UNITS),
        ("teams", TEAMS),
        ("ideas", ideas),
        ("projects", PROJECTS),
        ("survey_rounds", ROUNDS),
        ("survey_items", ITEMS),
        ("survey_responses", answer_rows()),
    ]
    return [(kind, write_csv(directory / f"{kind}.csv", rows)) for kind, rows in files]


def write(directory: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """A file of the given text and encoding, as a city's system would hand it over."""
    path = directory / name
    path.write_bytes(text.encode(encoding))
    return path


def load(con, kind: str, path: Path, **options):
    """Import a file as of the fixture city's TODAY."""
    from metrics.imports import import_file

    return import_file(con, kind, path, today=TODAY, **options)


def build_fixture_city(con, directory: Path) -> None:
    from metrics.imports import import_file

    for kind, path in fixture_files(directory):
        import_file(con, kind, path, today=TODAY)
