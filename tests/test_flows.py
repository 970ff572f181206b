"""The flows a person walks through, in AppTest: triage offers only the changes the idea's status
allows and starts a clean form after a save; an idea number is found however it is typed; the
unit page opens on the visitor's own unit or asks which; page headings go h1 → h2 → h3."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics import idea_actions, store
from metrics.access import PAGES
from tests.idea_city import idea_city_file
from tests.test_access_setup import AUTH
from tests.test_pages import ROOT, open_app

HEAD_S1 = "paallikko.a@testikaupunki.fi"  # tests/fixtures.py ROLES: the head of S1
STEERING = "johto@testikaupunki.fi"  # every unit


@pytest.fixture(scope="module")
def idea_city_path(tmp_path_factory):
    return idea_city_file(tmp_path_factory.mktemp("flow_city"))


@pytest.fixture
def db(idea_city_path, tmp_path):
    """This test's own copy of the idea city (tests/idea_city.py), with one idea sent through
    the form on 1.4.2026: I-2026-00001, in A1."""
    path = tmp_path / "ideas.duckdb"
    shutil.copyfile(idea_city_path, path)
    sent = idea_actions.submit_idea(
        store.connect(path),
        token="flow-test",
        title="Yhteinen kalenteri",
        unit_id="A1",
        now=datetime(2026, 4, 1, 9, 0),
    )
    assert sent.idea_id == "I-2026-00001"
    yield path
    store.close(path)


def open_page(db: Path, monkeypatch, page: str, **query) -> AppTest:
    app = open_app(db, monkeypatch, **query)
    app.switch_page(f"pages/{page}.py").run()
    assert not app.exception, app.exception
    return app


def by_label(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def open_in_triage(app: AppTest, number: str) -> AppTest:
    by_label(app.text_input, "…tai avaa idea numerolla").input(number).run()
    assert not app.exception, app.exception
    return app


# ------------------------------------------------------------------------------ triage


CLOSING = ["Hylätty", "Odottaa (siirretty myöhemmäksi)", "Yhdistetty toiseen"]


@pytest.mark.parametrize(
    ("number", "offered"),
    [
        (
            "M4",
            ["Käsittelyssä", "Hylätty", "Odottaa (siirretty myöhemmäksi)", "Yhdistetty toiseen"],
        ),
        ("M3", ["Kokeilussa", "Hylätty", "Odottaa (siirretty myöhemmäksi)", "Yhdistetty toiseen"]),
        ("M6", ["Hylätty", "Yhdistetty toiseen"]),  # parked
    ],
)
def test_triage_offers_only_the_allowed_next_statuses(db, monkeypatch, number, offered):
    app = open_in_triage(open_page(db, monkeypatch, "triage"), number)
    assert by_label(app.selectbox, "Uusi tila").options == offered


def test_triage_offers_no_change_of_a_final_status(db, monkeypatch):
    app = open_in_triage(open_page(db, monkeypatch, "triage"), "M1")  # implemented
    final = "Sallitut muutokset: ei yhtään, tila on lopullinen."
    assert any(c.value.endswith(final) for c in app.caption)
    assert not [s for s in app.selectbox if s.label == "Uusi tila"]
    assert not [b for b in app.button if b.label == "Tallenna muutos"]  # comments stay open


def test_triage_clears_the_note_after_a_save(db, monkeypatch):
    app = open_in_triage(open_page(db, monkeypatch, "triage"), "M4")
    by_label(app.selectbox, "Uusi tila").set_value("in_review")
    by_label(app.text_area, "Huomautus lokiin").input("Selvitetään kevään aikana")
    by_label(app.button, "Tallenna muutos").click().run()
    assert not app.exception, app.exception
    assert app.success[0].value == "Idea M4: tila on nyt Käsittelyssä."
    assert by_label(app.text_area, "Huomautus lokiin").value == ""
    # and the form now offers what in_review allows
    assert by_label(app.selectbox, "Uusi tila").options[0] == "Hyväksytty"


# ------------------------------------------------------------------------------ idea numbers


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("I-2026-1", "I-2026-00001"),
        ("i-2026-00001", "I-2026-00001"),
        ("2026-1", "I-2026-00001"),
        (" I 2026 42 ", "I-2026-00042"),
        ("I-2026-123456", "I-2026-123456"),
        ("M4", "M4"),  # an imported file's own number, as typed
        ("kahvi", "kahvi"),
    ],
)
def test_an_idea_number_is_read_however_it_is_typed(typed, stored):
    assert idea_actions.normalise_idea_number(typed) == stored


@pytest.mark.parametrize("typed", ["I-2026-1", "i-2026-00001", "2026-1"])
def test_staff_find_their_idea_by_a_number_typed_loosely(db, monkeypatch, typed):
    app = open_page(db, monkeypatch, "idea_form")
    by_label(app.text_input, "Idean numero").input(typed).run()
    assert app.text[0].value == "I-2026-00001 · Yhteinen kalenteri"


@pytest.mark.parametrize("typed", ["I-2026-1", "2026-1"])
def test_triage_opens_an_idea_by_a_number_typed_loosely(db, monkeypatch, typed):
    app = open_in_triage(open_page(db, monkeypatch, "triage"), typed)
    assert app.header[0].value == "I\\-2026\\-00001"  # plain text, escaped for Markdown
    assert app.text[0].value == "Yhteinen kalenteri"


def test_triage_merges_into_a_number_typed_loosely(db, monkeypatch):
    app = open_in_triage(open_page(db, monkeypatch, "triage"), "R1")
    by_label(app.selectbox, "Uusi tila").set_value("merged")
    by_label(app.text_input, "Yhdistä ideaan (numero)").input("2026-1")
    by_label(app.button, "Tallenna muutos").click().run()
    assert not app.exception, app.exception
    merged = store.read(store.connect(db), "SELECT merged_into FROM ideas WHERE idea_id = 'R1'")
    assert merged["merged_into"][0] == "I-2026-00001"


def test_the_idea_list_finds_a_number_typed_loosely(db, monkeypatch):
    app = open_page(db, monkeypatch, "ideas", period="2026-04")
    app.radio(key="ideas_section").set_value("list").run()
    by_label(app.text_input, "Hae otsikosta, kuvauksesta tai numerolla").input("i-2026-1").run()
    assert not app.exception, app.exception
    assert app.dataframe[0].value["Numero"].tolist() == ["I-2026-00001"]


# ------------------------------------------------------------------------------ the unit page


def test_the_unit_page_without_a_unit_asks_which(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "unit")  # the demo: every unit, none of its own
    picker = by_label(app.main.selectbox, "Organisaatio")
    assert picker.value is None and len(picker.options) == 6
    assert app.info[0].value == "Valitse yksikkö, jonka sivun haluat nähdä."
    assert not app.header and not app.metric and "unit" not in app.query_params
    picker.set_value("U2").run()
    assert app.header[0].value == "Kirjasto" and app.query_params["unit"] == "U2"


def test_sub_units_included_is_said_only_of_a_unit_with_sub_units(city_path, monkeypatch):
    sector = open_page(city_path, monkeypatch, "unit", unit="S1", period="2026-Q3")
    assert sector.caption[0].value.startswith("Henkilöstöä tänään 32 (alayksiköt mukaan lukien).")
    team = open_page(city_path, monkeypatch, "unit", unit="U1", period="2026-Q3")
    assert team.caption[0].value.startswith("Henkilöstöä tänään 10. Kuuluu: Sektori A.")
    assert "alayksiköt" not in team.caption[0].value


@pytest.fixture
def logged_in(monkeypatch, streamlit_secrets, role_city_path):
    """The app with a login and the fixture city's role table; returns a page opener."""
    streamlit_secrets(AUTH)
    monkeypatch.setenv("POHINA_AUTH", "oidc")
    monkeypatch.setenv("POHINA_PSEUDONYM_KEY", "a-test-key-that-is-long-enough")
    monkeypatch.setenv("POHINA_DB", str(role_city_path))

    def open_as(email: str, page: str) -> AppTest:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        app.user = {"is_logged_in": True, "email": email}
        app.switch_page(f"pages/{page}.py").run()
        assert not app.exception, app.exception
        return app

    return open_as


def test_the_unit_page_without_a_unit_opens_a_unit_heads_own_unit(logged_in):
    app = logged_in(HEAD_S1, "unit")
    assert app.header[0].value == "Sektori A" and app.query_params["unit"] == "S1"
    assert not [i for i in app.info if i.value == "Valitse yksikkö, jonka sivun haluat nähdä."]


def test_the_unit_page_without_a_unit_asks_steering_which(logged_in):
    app = logged_in(STEERING, "unit")
    assert by_label(app.main.selectbox, "Organisaatio").value is None
    assert not app.header and app.info[0].value == "Valitse yksikkö, jonka sivun haluat nähdä."


# ------------------------------------------------------------------------------ headings


LEVELS = {"title": 1, "header": 2, "subheader": 3}


def walk(node):
    """Every element under a block, in the order of the page (tabs and columns included)."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


@pytest.mark.parametrize("page", PAGES)
def test_headings_skip_no_level(city_path, monkeypatch, page):
    """One h1 (st.title); an h3 (st.subheader) only under an h2 (st.header)."""
    app = open_page(city_path, monkeypatch, page, unit="S1", period="2026-Q3")
    levels = [LEVELS[e.type] for e in walk(app.main) if e.type in LEVELS]
    assert levels.count(1) == 1 and levels[0] == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
