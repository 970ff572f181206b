"""Units' actions on their survey results (metrics/actions.py, the unit page's actions tab):
who may write them, the log, plan coverage and overdue actions.

On the fixture city (tests/fixtures.py): S1 Sektori A with U1 Viestintä and U2 Kirjasto, S2
Sektori B with U3 Pieni yksikkö (3 respondents, hidden) and U4 Iso yksikkö (hidden by
complementary suppression: S2 = U3 + U4). Rounds R1 (closed 31.10.2025) and R2 (31.10.2026).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from metrics import actions, store
from metrics.imports import ImportRejected
from tests.apptest import open_page
from tests.test_access_pages import AGENT_U4, HEAD_S1, REFUSED_UNIT, STAFF, by_label

S1_SCOPE = ("S1", "U1", "U2")
NOW = datetime(2026, 11, 20, 9, 30)


def new_action(con, *, role="unit_head", scope=S1_SCOPE, unit_id="U1", **changes):
    fields = dict(
        who="paallikko.a@testikaupunki.fi",
        unit_id=unit_id,
        round_id="R2",
        indicator="internal_communication",
        item_id="COM1",
        title="Viikkotiedote koko yksikölle",
        owner="Anna",
        due_on=date(2027, 1, 31),
        now=NOW,
    )
    return actions.save_action(con, role=role, scope=scope, **(fields | changes))


def count(con) -> int:
    return int(store.read(con, "SELECT count(*) AS n FROM actions").n[0])


def test_a_unit_head_adds_an_action_for_their_own_unit_and_it_is_logged(writable_city):
    version = store.data_version(writable_city)
    saved = new_action(writable_city)
    assert saved == actions.Saved("A-2026-00001", created=True)
    row = actions.action_list(writable_city, on=NOW.date(), unit="U1").iloc[0]
    assert (row.unit_id, row.round_id, row.item_id, row.status, row.published) == (
        "U1", "R2", "COM1", "planned", False
    )  # fmt: skip
    assert row.created_on.date() == NOW.date()
    log = actions.action_events(writable_city, action_id="A-2026-00001")
    assert log[["changed_by", "change"]].values.tolist() == [
        ["paallikko.a@testikaupunki.fi", "created"]
    ]
    assert store.data_version(writable_city) > version  # the pages' caches see it


@pytest.mark.parametrize(
    ("role", "scope", "unit_id"),
    [("unit_head", S1_SCOPE, "U4"),  # another sector's unit
     ("change_agent", ("U4",), "U1"),
     ("staff", None, "U1"),  # staff write no actions
     (None, None, "U1")],
)  # fmt: skip
def test_an_action_outside_the_writers_units_is_refused_and_nothing_written(
    writable_city, role, scope, unit_id
):
    with pytest.raises(actions.ActionRefused) as refused:
        new_action(writable_city, role=role, scope=scope, unit_id=unit_id)
    assert refused.value.reason == "not_allowed"
    assert count(writable_city) == 0
    assert store.read(writable_city, "SELECT * FROM action_events").empty


def test_a_change_agent_and_the_steering_group_write_actions_in_their_scope(writable_city):
    new_action(writable_city, role="change_agent", scope=("U4",), unit_id="U4")
    new_action(writable_city, role="steering", scope=None, unit_id="U2")
    assert sorted(store.read(writable_city, "SELECT unit_id FROM actions").unit_id) == ["U2", "U4"]


def test_another_units_action_cannot_be_edited_by_its_number(writable_city):
    other = new_action(writable_city, role="steering", scope=None, unit_id="U4").action_id
    with pytest.raises(actions.ActionRefused) as refused:
        new_action(writable_city, action_id=other, title="Kaapattu")
    assert refused.value.reason == "not_found"  # tells nothing of the other unit's action
    assert store.read(writable_city, "SELECT title FROM actions").title[0] != "Kaapattu"


def test_only_the_steering_group_publishes_an_action(writable_city):
    number = new_action(writable_city, published=True).action_id  # a unit head: ignored
    assert not actions.action_list(writable_city, on=NOW.date()).published[0]
    new_action(writable_city, role="steering", scope=None, action_id=number, published=True)
    new_action(writable_city, action_id=number, status="in_progress")  # the head's edit keeps it
    row = actions.action_list(writable_city, on=NOW.date()).iloc[0]
    assert (row.published, row.status) == (True, "in_progress")


def test_an_action_is_checked_by_the_files_rules(writable_city):
    with pytest.raises(ImportRejected) as rejected:
        new_action(writable_city, title="", due_on=date(2026, 11, 1), item_id="SAT1")
    found = {e.column: e.reason for e in rejected.value.errors}
    assert set(found) == {"title", "due_on", "item_id"}
    assert count(writable_city) == 0


def test_plan_coverage_counts_units_with_results_shown_and_plans_in_time(writable_city):
    # R2's results are shown for U1 and U2 only (U3 is below 5, U4 hidden beside it);
    # U1 plans on 20.11.2026, within 56 days of 31.10.2026 (by 26.12.2026); U2 too late.
    new_action(writable_city)
    late = datetime(2026, 12, 27, 8)
    new_action(writable_city, role="steering", scope=None, unit_id="U2", now=late)
    coverage = actions.plan_coverage(writable_city, round_id="R2", on=date(2027, 1, 5))
    assert (coverage.units_with_results, coverage.units_with_plan) == (2, 1)
    assert coverage.action_plan_coverage == 0.5
    assert (coverage.window_ends_on, coverage.window_open) == (date(2026, 12, 26), False)
    status = actions.plan_status(writable_city, round_id="R2")
    assert status[["unit_id", "actions", "has_plan"]].values.tolist() == [
        ["U1", 1, True], ["U2", 1, False]
    ]  # fmt: skip


def test_an_open_action_past_its_due_date_is_overdue(writable_city):
    new_action(writable_city, due_on=date(2026, 12, 31))
    new_action(writable_city, due_on=date(2026, 12, 15), status="done")
    on = date(2027, 1, 10)
    totals = actions.action_totals(writable_city, on=on, unit="S1")
    assert (totals.actions, totals.done, totals.actions_overdue) == (2, 1, 1)
    overdue = actions.action_list(writable_city, on=on).query("overdue")
    assert overdue.days_overdue.tolist() == [10]  # 31.12.2026 → 10.1.2027


# ------------------------------------------------------------------ the unit page, signed in


def open_actions(app):
    """The unit page's actions tab (the last one)."""
    return app.tabs[-1]


def test_a_unit_head_adds_an_action_for_their_own_unit_on_the_unit_page(
    own_city, monkeypatch, login_on
):
    app = open_page(own_city, monkeypatch, "unit", user=HEAD_S1, unit="U1")
    tab = open_actions(app)
    assert tab.label == "Toimenpiteet"
    by_label(app.text_input, "Mitä tehdään").input("Infotilaisuus joka kuukausi")
    by_label(app.text_input, "Vastuuhenkilö").input("Anna")
    assert not [w for w in app.text_input if w.label.startswith("Nimesi")]  # signed in: no name
    by_label(app.button, "Tallenna toimenpide").click().run()
    assert not app.exception, app.exception
    # the number is data, written as plain text (Markdown's "-" escaped)
    year = date.today().year
    assert app.success[0].value == f"Toimenpide A\\-{year}\\-00001 tallennettiin."
    stored = store.read(store.connect(own_city), "SELECT unit_id, title, round_id FROM actions")
    assert stored.values.tolist() == [["U1", "Infotilaisuus joka kuukausi", "R2"]]
    log = store.read(store.connect(own_city), "SELECT changed_by FROM action_events")
    assert log.changed_by.tolist() == [HEAD_S1.lower()]


def test_a_unit_head_is_refused_another_units_page_and_cannot_add_its_actions(
    own_city, monkeypatch, login_on
):
    app = open_page(own_city, monkeypatch, "unit", user=HEAD_S1, unit="U4")
    assert app.error[0].value.startswith(REFUSED_UNIT)
    assert not app.tabs and not [b for b in app.button if b.label == "Tallenna toimenpide"]
    assert count(store.connect(own_city)) == 0  # nothing written


def test_a_change_agent_plans_actions_on_their_units_page(own_city, monkeypatch, login_on):
    app = open_page(own_city, monkeypatch, "unit", user=AGENT_U4, unit="U4")
    assert open_actions(app).label == "Toimenpiteet"
    assert [b for b in app.button if b.label == "Tallenna toimenpide"]


def test_staff_cannot_open_the_unit_page(own_city, monkeypatch, login_on):
    app = open_page(own_city, monkeypatch, "unit", user=STAFF, unit="U1")
    assert not app.tabs  # the idea form opens instead: no unit page, no actions tab
    assert not [b for b in app.button if b.label == "Tallenna toimenpide"]


# ------------------------------------------------------------------ the demo (no login_on)


def test_in_the_demo_an_action_is_saved_under_the_typed_name(writable_city, monkeypatch):
    path = writable_city_path(writable_city)
    app = open_page(path, monkeypatch, "unit", unit="U2")
    by_label(app.text_input, "Mitä tehdään").input("Palaverikäytännön uudistus")
    by_label(app.text_input, "Vastuuhenkilö").input("Bertta")
    by_label(app.text_input, "Nimesi (tallentuu muutoshistoriaan)").input("Kirjaston esihenkilö")
    by_label(app.button, "Tallenna toimenpide").click().run()
    assert not app.exception, app.exception
    log = store.read(writable_city, "SELECT changed_by FROM action_events")
    assert log.changed_by.tolist() == ["Kirjaston esihenkilö"]
    # the new action is in the unit's plan, and the form is empty for the next one
    plans = [d.value for d in app.dataframe if "Toimenpide" in d.value.columns]
    assert plans[0]["Toimenpide"].tolist() == ["Palaverikäytännön uudistus"]
    assert by_label(app.text_input, "Mitä tehdään").value == ""


def test_an_action_without_a_title_is_refused_on_the_page(writable_city, monkeypatch):
    path = writable_city_path(writable_city)
    app = open_page(path, monkeypatch, "unit", unit="U2")
    by_label(app.button, "Tallenna toimenpide").click().run()
    assert app.error[0].value == "Toimenpidettä ei tallennettu. Korjaa nämä:"
    assert count(writable_city) == 0


def writable_city_path(con):
    """The file behind a writable_city connection."""
    return store.read(con, "SELECT path FROM duckdb_databases() WHERE NOT internal").path[0]
