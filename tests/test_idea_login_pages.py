"""The idea form and triage with a login (POHINA_AUTH=oidc): who a named idea is recorded as,
the daily limit on sends, and a change agent's merges kept within their units."""

from __future__ import annotations

import shutil

import pytest

from metrics import idea_actions, ideas, store
from tests.test_access_pages import AGENT_U4, STAFF, by_label, open_as
from tests.test_access_setup import AUTH
from ui.text import plain

KEY = "a-test-key-that-is-long-enough"


@pytest.fixture
def own_city(role_city_path, tmp_path):
    """This test's own copy of the fixture city with the role table (the pages write to it)."""
    path = tmp_path / "pohina.duckdb"
    shutil.copy(role_city_path, path)
    yield path
    store.close(path)


@pytest.fixture(autouse=True)
def login_on(monkeypatch, tmp_path, streamlit_secrets):
    streamlit_secrets(AUTH)  # a complete [auth] section: without one the app stays closed
    monkeypatch.setenv("POHINA_AUTH", "oidc")
    monkeypatch.setenv("POHINA_PSEUDONYM_KEY", KEY)
    settings = tmp_path / "settings.toml"
    settings.write_text("[ideas]\nmax_sends_per_day = 2\n", encoding="utf-8")
    monkeypatch.setenv("POHINA_SETTINGS", str(settings))


def send_named(app, title: str):
    by_label(app.text_input, "Otsikko (pakollinen)").input(title)
    by_label(app.selectbox, "Yksikkö, jota idea koskee (pakollinen)").set_value("U1")
    by_label(app.radio, "Lähetänkö").set_value(False)
    by_label(app.button, "Lähetä idea").click().run()
    assert not app.exception, app.exception
    return app


def form_ideas(db):
    sql = "SELECT idea_id, submitter FROM ideas WHERE idea_id LIKE 'I-%' ORDER BY idea_id"
    return store.read(store.connect(db), sql)


def test_a_named_idea_is_recorded_as_the_signed_in_person_not_a_typed_name(own_city, monkeypatch):
    app = open_as(own_city, monkeypatch, STAFF)
    # no field where a name could be typed: the signed-in identity decides
    assert not [w for w in app.text_input if w.label.startswith("Nimesi")]
    send_named(app, "Yhteinen kalenteri")
    assert app.success, [e.value for e in app.error]
    stored = form_ideas(own_city)
    assert stored["submitter"].tolist() == [idea_actions.pseudonym(STAFF)]


def test_a_send_beyond_the_daily_limit_is_refused_and_keeps_the_text(own_city, monkeypatch):
    app = open_as(own_city, monkeypatch, STAFF)
    for n in (1, 2):
        send_named(app, f"Idea numero {n}")
        by_label(app.button, "Lähetä toinen idea").click().run()
    send_named(app, "Kolmas idea")
    assert [e.value for e in app.error] == [
        "Idea jäi tallentamatta: olet lähettänyt tänään jo 2 ideaa, enempää ei voi lähettää "
        "samana päivänä. Tallenna teksti itsellesi ja lähetä se huomenna."
    ]
    assert by_label(app.text_input, "Otsikko (pakollinen)").value == "Kolmas idea"
    assert len(form_ideas(own_city)) == 2


def merge_from_triage(app, idea_id: str, into: str):
    by_label(app.text_input, "…tai avaa idea numerolla").input(idea_id).run()
    by_label(app.selectbox, "Uusi tila").set_value("merged")
    by_label(app.text_input, "Yhdistä ideaan (numero)").input(into)
    by_label(app.button, "Tallenna muutos").click().run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize(
    "into",
    [
        "I1",  # U1's implemented idea "Uutiskirje kerran kuussa"
        "I8",  # U2's idea, itself merged into I7
        "EI-OLE",  # no such idea: refused with the very same words
    ],
)
def test_a_change_agent_cannot_merge_into_another_units_idea(own_city, monkeypatch, into):
    app = merge_from_triage(open_as(own_city, monkeypatch, AGENT_U4), "I4", into)
    assert [e.value for e in app.error] == [
        f"Yhdistämistä ei tehty: yksiköissäsi ei ole ideaa numerolla {plain(into)}. Kirjoita "
        "sen oman yksikkösi idean numero, johon idea I4 yhdistetään."
    ]
    assert ideas.idea(store.connect(own_city), idea_id="I4")["status"][0] == "new"


def test_a_change_agent_merges_two_ideas_of_their_units(own_city, monkeypatch):
    app = merge_from_triage(open_as(own_city, monkeypatch, AGENT_U4), "I4", "I5")
    assert not app.error
    merged = ideas.idea(store.connect(own_city), idea_id="I4")
    assert (merged["status"][0], merged["merged_into"][0]) == ("merged", "I5")
