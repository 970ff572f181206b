"""The app with a login (POHINA_AUTH=oidc), each role signed in with AppTest's `at.user`, which
is what st.user reads: what each may open, what each is refused, and what changing the address
reaches (nothing it should not).

Opening a page by its address in a new browser tab is `switch_page` before the first run: the
session asks for the page by its name, as the browser does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics import access, ideas, store
from metrics.imports import import_file
from tests.apptest import SIGNED_OUT, open_page
from tests.fixtures import ROLES
from tests.test_access import write
from tests.test_access_setup import AUTH
from tests.test_pages import ROOT

STEERING = "johto@testikaupunki.fi"
HEAD_S1 = "Paallikko.A@testikaupunki.fi"  # the provider's case differs from the table's
HEAD_U3 = "paallikko.pieni@testikaupunki.fi"
AGENT_U4 = "agentti@testikaupunki.fi"
STAFF = "tyontekija@testikaupunki.fi"
ADMIN = "hr@testikaupunki.fi"
STRANGER = "vieras@testikaupunki.fi"
CONTACT = "Henkilöstöpalvelut, pohina@testikaupunki.fi"
REFUSED_UNIT = "Sinulla ei ole oikeutta tämän yksikön tietoihin."

TITLES = {
    "overview": "Ohjelman yleiskuva",
    "unit": "Yksikön sivu",
    "survey": "Henkilöstökyselyn mittarit",
    "triage": "Ideoiden käsittely",
    "idea_form": "Lähetä kehittämisidea",
    "data": "Tietojen tuonti ja varmuuskopiot",
}


@pytest.fixture(scope="module")
def city(role_city_path) -> Path:
    """The fixture city with the role table (tests/fixtures.py ROLES), closed."""
    return role_city_path


@pytest.fixture
def own_city(city, tmp_path):
    """This test's own copy, for tests that write."""
    path = tmp_path / "pohina.duckdb"
    shutil.copy(city, path)
    yield path
    store.close(path)


@pytest.fixture(autouse=True)
def login_on(monkeypatch, tmp_path, streamlit_secrets):
    streamlit_secrets(AUTH)  # a complete [auth] section: without one the app stays closed
    monkeypatch.setenv("POHINA_AUTH", "oidc")
    monkeypatch.setenv("POHINA_PSEUDONYM_KEY", "a-test-key-that-is-long-enough")
    settings = tmp_path / "settings.toml"
    settings.write_text(f'[access]\nadmin_contact = "{CONTACT}"\n', encoding="utf-8")
    monkeypatch.setenv("POHINA_SETTINGS", str(settings))


def open_as(db: Path, monkeypatch, email: str | None, address: str | None = None, **query):
    """The app as `email` sees it (None: signed out), opened at a page's address if given."""
    return open_page(db, monkeypatch, address, user=SIGNED_OUT if email is None else email, **query)


def registered(app: AppTest) -> set[str]:
    """The pages app.py registered with st.navigation for this visitor: the only ones with an
    address. (AppTest keeps st.navigation's registry in `_registered_pages`; it has no public
    name for it.)"""
    return {Path(p["script_path"]).stem for p in app._registered_pages.values() if p["script_path"]}


def titles(app: AppTest) -> list[str]:
    return [title.value for title in app.title]


def by_label(widgets, label: str):
    return next(w for w in widgets if w.label == label)


# ------------------------------------------------------------------ what each role may open


@pytest.mark.parametrize(
    ("email", "pages", "first"),
    [
        (STEERING, set(access.PAGES) - {"data"}, "overview"),
        (HEAD_S1, {"overview", "unit", "ideas", "standings", "survey", "pilots", "idea_form",
                   "survey_summary", "campaigns"}, "overview"),
        (AGENT_U4, {"triage", "ideas", "idea_form", "standings", "unit", "survey_summary",
                    "campaigns"}, "triage"),
        (STAFF, {"idea_form", "ideas", "standings", "survey_summary", "campaigns"}, "idea_form"),
        (ADMIN, set(access.PAGES), "overview"),
    ],
)  # fmt: skip
def test_each_role_is_given_exactly_its_pages(city, monkeypatch, email, pages, first):
    app = open_as(city, monkeypatch, email)
    assert registered(app) == pages
    assert titles(app) == [TITLES[first]]
    assert app.sidebar.text[0].value == f"Kirjautunut: {email.lower()}"
    assert by_label(app.sidebar.button, "Kirjaudu ulos")
    assert not app.sidebar.warning  # no demo banner with a login


@pytest.mark.parametrize(
    ("email", "page", "shown"),
    [
        (STAFF, "data", "idea_form"),
        (STAFF, "survey", "idea_form"),
        (STAFF, "overview", "idea_form"),
        (STAFF, "unit", "idea_form"),
        (AGENT_U4, "survey", "triage"),
        (HEAD_S1, "data", "overview"),
        (HEAD_S1, "triage", "overview"),
        (HEAD_S1, "benchmark", "overview"),
        (STEERING, "data", "overview"),
    ],
)
def test_a_page_outside_the_role_cannot_be_reached_by_its_address(
    city, monkeypatch, email, page, shown
):
    app = open_as(city, monkeypatch, email, page)
    assert page not in registered(app)
    assert titles(app) == [TITLES[shown]]  # the role's first page, not the one asked for


def test_a_page_checks_the_role_itself_even_if_the_router_were_bypassed(city, monkeypatch):
    # Defence in depth: were a page ever run without app.py, its own check still refuses.
    from ui import nav

    monkeypatch.setattr(nav, "require_router", lambda: None)
    monkeypatch.setenv("POHINA_DB", str(city))
    app = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=60)
    app.user = {"is_logged_in": True, "email": STAFF}
    app.run()
    assert not app.exception, app.exception
    assert [e.value for e in app.error] == ["Tämä sivu ei kuulu roolisi näkymiin."]
    assert not app.title and not app.tabs


def test_a_page_parameter_in_the_address_opens_nothing(city, monkeypatch):
    app = open_as(city, monkeypatch, STAFF, page="data")
    assert titles(app) == [TITLES["idea_form"]]


def test_staff_see_the_idea_board_only(city, monkeypatch):
    app = open_as(city, monkeypatch, STAFF, "ideas", section="decisions")
    assert app.radio[0].options == ["Eteneminen", "Ideat", "Sanoitte, teimme"]
    assert app.radio[0].value == "pipeline"  # ?section=decisions is not theirs: the first one


# ------------------------------------------------------------------ a unit head and their units


@pytest.mark.parametrize("page", ["unit", "overview", "survey", "ideas", "pilots", "standings"])
def test_unit_head_cannot_open_other_unit(city, monkeypatch, page):
    app = open_as(city, monkeypatch, HEAD_S1, page, unit="U3", period="2026-Q3")
    assert [e.value for e in app.error] == [
        f"{REFUSED_UNIT} Näet vain omien yksiköidesi tiedot. Jos tarvitset laajemmat oikeudet, "
        f"pyydä niitä: {CONTACT}."
    ]
    assert not app.metric and not app.dataframe and not app.get("plotly_chart")


def test_unit_head_with_a_link_sees_exactly_their_unit(city, monkeypatch):
    app = open_as(city, monkeypatch, HEAD_S1, "unit", unit="U1", period="2026-Q3")
    assert titles(app) == ["Yksikön sivu"] and app.header[0].value == "Viestintä"
    # U1's Q3: I1 and I2 sent, both decided in Q3 (I1 implemented 1.8., I2 rejected).
    figures = {m.label: m.value for m in app.metric}
    labels = ("Lähetetyt ideat", "Päätetyt ideat", "Toteutetut ideat")
    assert [figures[k] for k in labels] == ["2", "2", "1"]
    # the picker offers S1 and the units below it, nothing else, and no whole organisation
    picker = by_label(app.main.selectbox, "Organisaatio")
    assert picker.options == ["Sektori A", "\u00a0\u00a0Kirjasto", "\u00a0\u00a0Viestintä"]
    assert app.query_params["unit"] == "U1"


def test_unit_heads_sidebar_offers_only_their_units(city, monkeypatch):
    app = open_as(city, monkeypatch, HEAD_S1, period="2026-Q3")
    picker = by_label(app.sidebar.selectbox, "Organisaatio")
    assert picker.options == ["Sektori A", "\u00a0\u00a0Kirjasto", "\u00a0\u00a0Viestintä"]
    assert picker.value == "S1"
    # S1 has 32 staff and three Q3 ideas by three people: 3 / 32 = 9.4 %
    assert {m.label: m.value for m in app.metric}["Lähettäjät"] == "9,4\u00a0%"  # participation


def test_a_unit_head_of_one_small_unit_gets_no_picker_and_no_hidden_figures(city, monkeypatch):
    app = open_as(city, monkeypatch, HEAD_U3, "survey")
    assert not [s for s in app.selectbox if s.label == "Organisaatio"]
    # U3 has 3 respondents, below the threshold of 5: every figure of its own is hidden.
    assert [m.value for m in app.metric] == ["piilotettu"] * 3


def test_change_agent_triage_reaches_only_ideas_of_their_units(city, monkeypatch):
    app = open_as(city, monkeypatch, AGENT_U4)
    # waiting in U4: I4 (new, 1.9.) and I5 (in review, 10.9.); the others are not theirs
    assert app.dataframe[0].value["Numero"].tolist() == ["I4", "I5"]
    by_label(app.text_input, "…tai avaa idea numerolla").input("I1").run()  # I1 is U1's
    assert app.warning[0].value == "Valitusta organisaatiosta ei löydy ideaa numerolla I1."


def test_triage_logs_the_signed_in_change_agent_not_a_typed_name(own_city, monkeypatch):
    app = open_as(own_city, monkeypatch, AGENT_U4)
    by_label(app.text_input, "…tai avaa idea numerolla").input("I4").run()
    assert not [w for w in app.text_input if w.label == "Kirjaaja"]
    by_label(app.selectbox, "Uusi tila").set_value("in_review")
    by_label(app.button, "Tallenna muutos").click().run()
    assert not app.exception, app.exception
    last = ideas.idea_events(store.connect(own_city), idea_id="I4").iloc[-1]
    assert (last["changed_by"], last["to_status"]) == (AGENT_U4, "in_review")


# ------------------------------------------------------------------ signed out, unknown, broken


@pytest.mark.parametrize("page", [None, "data", "overview", "unit"])
def test_a_signed_out_visitor_sees_only_the_login(city, monkeypatch, page):
    app = open_as(city, monkeypatch, None, page, unit="S1")
    assert [b.label for b in app.button] == ["Kirjaudu sisään"]
    assert titles(app) == ["Pöhinä"]
    # the login, nothing else: no page script, only the login at each page's address
    addresses = {p["url_pathname"] for p in app._registered_pages.values()}
    assert not registered(app) and addresses == {"", *access.PAGES}
    assert not app.metric and not app.dataframe and not app.sidebar.selectbox[1:]


@pytest.mark.parametrize("page", [None, "overview", "idea_form"])
def test_someone_not_in_the_role_table_is_told_whom_to_ask(city, monkeypatch, page):
    app = open_as(city, monkeypatch, STRANGER, page)
    assert titles(app) == ["Ei vielä käyttöoikeutta"]
    assert app.info[0].value == (
        "Kiitos, että kirjauduit. Sinulle ei ole vielä annettu käyttöoikeutta Pöhinään. "
        f"Pyydä sitä: {CONTACT}. Kerro samalla alla näkyvä sähköpostiosoitteesi."
    )
    assert f"Kirjautunut: {STRANGER}" in [t.value for t in app.text]
    assert not registered(app) and not app.metric and not app.dataframe
    assert by_label(app.sidebar.button, "Kirjaudu ulos")


def test_a_new_role_table_applies_at_once(own_city, monkeypatch, tmp_path):
    assert titles(open_as(own_city, monkeypatch, STRANGER)) == ["Ei vielä käyttöoikeutta"]
    import_file(store.connect(own_city), "roles", write(tmp_path, ROLES + f"{STRANGER},staff,\n"))
    assert titles(open_as(own_city, monkeypatch, STRANGER)) == [TITLES["idea_form"]]


def test_a_misspelt_auth_mode_keeps_the_app_closed(city, monkeypatch):
    monkeypatch.setenv("POHINA_AUTH", "odic")
    app = open_as(city, monkeypatch, ADMIN)
    assert app.error[0].value.startswith("Kirjautumisen asetus POHINA_AUTH on `odic`")
    assert not registered(app) and not app.metric


def test_login_without_auth_settings_says_what_is_missing(city, monkeypatch, streamlit_secrets):
    streamlit_secrets("")  # no [auth] section (tests/test_access_setup.py has the other cases)
    # no is_logged_in: st.user has it only with [auth] configured
    app = open_page(city, monkeypatch, user={"email": ADMIN})
    assert "`[auth]`" in app.error[0].value and not registered(app)


def test_the_demo_opens_every_page_to_everyone(city, monkeypatch):
    monkeypatch.setenv("POHINA_AUTH", "none")
    app = open_as(city, monkeypatch, None)
    assert registered(app) == set(access.PAGES)
    assert "Esittelytila" in app.sidebar.warning[0].value


def test_changing_the_unit_in_the_address_during_a_visit_is_refused(city, monkeypatch):
    app = open_as(city, monkeypatch, HEAD_S1, "unit", unit="U2")
    assert app.header[0].value == "Kirjasto"
    app.query_params["unit"] = "U4"  # the browser sends the address with every rerun
    app.run()
    assert app.error[0].value.startswith(REFUSED_UNIT)
    assert not app.header and not app.metric


def test_an_admin_loads_the_role_table_on_the_data_page(own_city, monkeypatch):
    app = open_as(own_city, monkeypatch, ADMIN, "data")
    newcomer = f"{ROLES}uusi.paallikko@testikaupunki.fi,unit_head,U2\n".encode()
    app.file_uploader[0].set_value(("roolit.csv", newcomer, "text/csv")).run()
    assert app.selectbox[0].value == ("roles", None)  # recognised from the header
    by_label(app.button, "Tallenna tiedosto").click().run()
    assert not app.exception, app.exception
    assert app.success[0].value == "Tallennettu: 7 riviä (1 uutta, 6 päivitetty)."
    con = store.connect(own_city)
    assert access.role_for(con, email="uusi.paallikko@testikaupunki.fi").units == ("U2",)
    log = store.read(con, "SELECT kind, imported_by FROM import_log ORDER BY import_id DESC")
    assert log.iloc[0].tolist() == ["roles", ADMIN]  # who loaded it: the signed-in admin


@pytest.mark.parametrize("key", [None, "pohina-demo", "REPLACE-WITH-A-LONG-RANDOM-VALUE", "short"])
def test_a_login_server_without_a_pseudonym_key_stays_closed(city, monkeypatch, key):
    if key is None:
        monkeypatch.delenv("POHINA_PSEUDONYM_KEY")
    else:
        monkeypatch.setenv("POHINA_PSEUDONYM_KEY", key)
    app = open_as(city, monkeypatch, ADMIN)
    assert "POHINA_PSEUDONYM_KEY" in app.error[0].value
    assert not registered(app) and not app.metric


def test_an_unverified_email_address_is_not_looked_up(city, monkeypatch):
    app = open_page(
        city, monkeypatch, user={"is_logged_in": True, "email": ADMIN, "email_verified": False}
    )
    assert titles(app) == ["Ei vielä käyttöoikeutta"] and not registered(app)
    assert "Kirjautunut: (tunnistuspalvelu ei kertonut sähköpostiosoitetta)" in [
        t.value for t in app.text
    ]
