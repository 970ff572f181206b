"""Who may see what (metrics.access) and the role table loaded as a file (the `roles` kind).

The fixture city's units (tests/fixtures.py): S1 Sektori A with U1 Viestintä and U2 Kirjasto
below it; S2 Sektori B with U3 Pieni yksikkö and U4 Iso yksikkö.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from metrics import access, store
from metrics.imports import ImportRejected, import_file
from tests.fixtures import ROLES, TODAY
from tests.snapshots import snapshot
from tests.test_cli import run

# Mixed case on purpose: an identity provider may give either, the table keeps lower case.


def write(directory: Path, text: str, name: str = "roles.csv") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def db(fixture_db_path, tmp_path):
    """A writable copy of the fixture city without a role table."""
    path = tmp_path / "pohina.duckdb"
    shutil.copy(fixture_db_path, path)
    yield store.connect(path)
    store.close(path)


# ------------------------------------------------------------------ pages and units per role


@pytest.mark.parametrize(
    ("role", "may", "may_not"),
    [
        ("steering", ["overview", "unit", "survey", "benchmark", "triage", "practices"], ["data"]),
        ("unit_head", ["overview", "unit", "ideas", "standings", "survey", "pilots", "idea_form"],
         ["data", "triage", "benchmark", "activities", "practices"]),
        ("change_agent", ["triage", "ideas", "idea_form", "standings", "unit", "survey_summary"],
         ["overview", "survey", "pilots", "data"]),
        ("staff", ["idea_form", "ideas", "standings", "campaigns"],
         ["overview", "unit", "survey", "pilots", "triage", "data", "benchmark"]),
        ("admin", list(access.PAGES), []),
        (None, [], list(access.PAGES)),
        ("boss", [], list(access.PAGES)),
    ],
)  # fmt: skip
def test_each_role_may_open_its_pages_and_no_other(role, may, may_not):
    assert all(access.may_open(role, page) for page in may)
    assert not any(access.may_open(role, page) for page in may_not)
    assert not access.may_open(role, "no_such_page")


@pytest.mark.parametrize(
    ("role", "landing"),
    [("steering", "overview"), ("unit_head", "overview"), ("change_agent", "triage"),
     ("staff", "idea_form"), ("admin", "overview"), (None, None)],
)  # fmt: skip
def test_each_role_lands_on_its_first_page(role, landing):
    assert access.landing(role) == landing


def test_staff_see_only_the_idea_board_sections():
    assert access.idea_sections("staff") == ("pipeline", "list", "done")
    assert access.idea_sections("unit_head") == access.IDEA_SECTIONS


def test_roles_are_found_whatever_the_case_of_the_email(role_city_path):
    con = store.connect(role_city_path)
    found = access.role_for(con, email=" JOHTO@testikaupunki.FI ")
    assert (found.email, found.role, found.units) == ("johto@testikaupunki.fi", "steering", ())
    assert access.role_for(con, email="someone.else@testikaupunki.fi") is None
    assert access.role_for(con, email="") is None


def test_unit_head_sees_their_units_and_every_unit_below_them(role_city_path):
    con = store.connect(role_city_path)
    head = access.role_for(con, email="paallikko.a@testikaupunki.fi")
    assert head.scoped
    # S1 with U1 and U2 below it, in the tree's order (Sektori A / Kirjasto < … / Viestintä)
    assert access.allowed_units(con, role=head.role, units_given=head.units) == ("S1", "U2", "U1")
    agent = access.role_for(con, email="agentti@testikaupunki.fi")
    assert access.allowed_units(con, role=agent.role, units_given=agent.units) == ("U4",)


def test_steering_staff_and_admin_see_the_whole_organisation(role_city_path):
    con = store.connect(role_city_path)
    for role in ("steering", "staff", "admin"):
        assert access.allowed_units(con, role=role) is None


def test_a_unit_that_no_longer_exists_gives_no_units(role_city_path):
    con = store.connect(role_city_path)
    assert access.allowed_units(con, role="unit_head", units_given=("GONE",)) == ()


# ------------------------------------------------------------------ the roles file


def test_a_roles_file_loads_with_emails_in_lower_case_and_aliases_read(db, tmp_path):
    result = import_file(db, "roles", write(tmp_path, ROLES), today=TODAY)
    assert (result.rows, result.added, result.updated) == (6, 6, 0)
    rows = store.read(db, "SELECT email, role, units FROM roles ORDER BY email")
    assert rows.loc[rows["email"] == "johto@testikaupunki.fi", "role"].item() == "steering"
    # "muutosagentti" is the Finnish word for change_agent; " U4" loses its space
    agent = rows[rows["email"] == "agentti@testikaupunki.fi"].iloc[0]
    assert (agent["role"], agent["units"]) == ("change_agent", "U4")


def test_several_units_are_kept_in_order_without_repeats(db, tmp_path):
    text = "email,role,units\nhr@x.fi,admin,\nhead@x.fi,unit_head, U1 ;U3;U1;\n"
    import_file(db, "roles", write(tmp_path, text), today=TODAY)
    found = access.role_for(db, email="head@x.fi")
    assert found.units == ("U1", "U3")
    # tree order: Sektori A / Viestintä (U1) before Sektori B / Pieni yksikkö (U3)
    assert access.allowed_units(db, role="unit_head", units_given=found.units) == ("U1", "U3")


def test_a_bad_role_and_an_unknown_unit_are_named_by_row_and_column_and_nothing_is_written(
    db, tmp_path
):
    import_file(db, "roles", write(tmp_path, ROLES), today=TODAY)
    before = snapshot(db)
    bad = (
        "email,role,units\n"
        "hr@testikaupunki.fi,admin,\n"
        "johto@testikaupunki.fi,boss,\n"  # row 3: no such role
        "paallikko@testikaupunki.fi,unit_head,S1;NOPE\n"  # row 4: no unit NOPE
        "agentti@testikaupunki.fi,change_agent,\n"  # row 5: a change agent needs units
        "ohjaus@testikaupunki.fi,steering,U1\n"  # row 6: steering sees every unit
        "ei-osoite,staff,\n"  # row 7: not an e-mail address
        "HR@testikaupunki.fi,staff,\n"  # row 8: the same e-mail as row 2
    )
    with pytest.raises(ImportRejected) as refused:
        import_file(db, "roles", write(tmp_path, bad, "bad.csv"), today=TODAY)
    where = [(e.row, e.column, e.value) for e in refused.value.errors]
    assert where == [
        (3, "role", "boss"),
        (4, "units", "S1;NOPE"),
        (5, "units", ""),
        (6, "units", "U1"),
        (7, "email", "ei-osoite"),
        (8, "email", "hr@testikaupunki.fi"),
    ]
    reasons = {e.row: e.reason for e in refused.value.errors}
    assert reasons[3].startswith("must be one of steering, unit_head, change_agent, staff, admin")
    assert reasons[4] == "no such unit: NOPE"
    assert snapshot(db) == before


def test_a_roles_file_without_an_admin_is_refused(db, tmp_path):
    with pytest.raises(ImportRejected) as refused:
        import_file(db, "roles", write(tmp_path, "email,role,units\na@x.fi,staff,\n"), today=TODAY)
    assert "names no admin" in refused.value.report()
    assert store.read(db, "SELECT count(*) AS n FROM roles")["n"].item() == 0


def test_a_new_roles_file_replaces_the_table_so_whoever_it_leaves_out_loses_access(db, tmp_path):
    import_file(db, "roles", write(tmp_path, ROLES), today=TODAY)
    smaller = "email,role,units\nhr@testikaupunki.fi,admin,\nuusi@testikaupunki.fi,staff,\n"
    result = import_file(db, "roles", write(tmp_path, smaller, "smaller.csv"), today=TODAY)
    assert (result.added, result.updated) == (1, 1)  # uusi is new; hr was there before
    assert access.role_for(db, email="johto@testikaupunki.fi") is None
    assert access.role_for(db, email="uusi@testikaupunki.fi").role == "staff"


@pytest.mark.slow
def test_the_command_line_loads_the_roles_file(fixture_db_path, tmp_path):
    path = tmp_path / "pohina.duckdb"
    shutil.copy(fixture_db_path, path)
    done = run(path, "import", "roles", str(write(tmp_path, ROLES)))
    assert done.returncode == 0, done.stderr
    assert "roles, 6 row(s) loaded (6 added, 0 updated)" in done.stdout
    refused = run(
        path, "import", "roles", str(write(tmp_path, "email,role\nx@y.fi,boss\n", "b.csv"))
    )
    assert refused.returncode == 1
    assert "row 2, column role, value 'boss'" in refused.stderr
