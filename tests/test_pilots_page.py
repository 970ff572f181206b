"""The pilot-teams and activities pages, rendered with AppTest against the pilot city.

The pages use the real today; the pilot city's dates are chosen so that what these tests read
stays true for years (P2 and P4 are overdue from 27.11.2026 on, P1 and P6 only from 2030).
"""

from __future__ import annotations

import json

import pytest

from tests.apptest import open_page
from tests.pilot_city import pilot_city_path
from tests.test_pages import metric


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return pilot_city_path(tmp_path_factory)


def column(app, index: int, name: str) -> list:
    return app.dataframe[index].value[name].tolist()


def test_pilots_page_counts_statuses_and_puts_overdue_projects_first(db, monkeypatch):
    app = open_page(db, monkeypatch, "pages/pilots.py")
    assert app.title[0].value == "Pilottitiimit ja kehittämishankkeet"
    counts = {m.label: m.value for m in app.metric}
    assert counts == {
        "Aikataulussa": "2",  # P1, P4
        "Vaarassa": "1",  # P2
        "Myöhässä": "1",  # P6
        "Valmiit": "1",  # P3
        "Eräpäivä ohitettu": "2",  # P2, P4
    }
    needing_help = app.dataframe[0].value
    assert needing_help["Hanke"].tolist()[:2] == ["Intra", "Vuorot"]  # most overdue first
    # overdue is said in words, not by colour alone
    assert needing_help["Aikataulu"].str.contains("pv yli eräpäivän").tolist()[:2] == [True, True]


def test_pilots_page_draws_the_timeline_and_shows_results_against_target(db, monkeypatch):
    app = open_page(db, monkeypatch, "pages/pilots.py")
    traces = json.loads(app.get("plotly_chart")[0].proto.spec)["data"]
    bars = [b for b in traces if "base" in b]  # the others are legend entries only
    hatched = {t for b in bars if b["marker"]["pattern"]["shape"] == "/" for t in b["text"]}
    plain = {t for b in bars if b["marker"]["pattern"]["shape"] == "" for t in b["text"]}
    # the overdue bars (P2, P4) are hatched and say so in words; the others show progress
    assert all(t.endswith("pv yli eräpäivän") for t in hatched) and len(hatched) == 2
    assert plain == {"60\u00a0%", "100\u00a0%", "35\u00a0%", "70\u00a0%"}
    projects = app.dataframe[1].value.set_index("Hanke")
    assert projects.loc["Intra", "Tavoitteesta saavutettu"] == "25\u00a0%"  # lower is better
    assert projects.loc["Some", "Tavoitteesta saavutettu"] == "150\u00a0%"
    assert projects.loc["Some", "Valmistunut"] == "15.1.2026"


def test_choosing_a_team_shows_its_projects_and_its_ideas_as_plain_text(db, monkeypatch):
    app = open_page(db, monkeypatch, "pages/pilots.py")
    teams = app.dataframe[2].value.set_index("Tiimi")
    assert teams.loc["Viestinnän pilotti", "Muutosagentti"] == "Maija"
    assert teams.loc["Ison yksikön pilotti", "Apua tarvitsevia"] == 2
    # the first team is Ison yksikön pilotti: its idea's markup is shown as typed
    assert column(app, 4, "Idea") == ["**Vuorolistat** <b>netissä</b>"]
    assert not any("Vuorolistat" in m.value for m in app.markdown)
    app.selectbox(key="team").set_value("T1").run()
    assert column(app, 3, "Hanke") == ["Intra", "Some", "Uutiskirje"]
    assert column(app, 4, "Idea") == ["Intran haku", "Uutiskirjeen pohja"]


def test_pilots_page_narrows_to_a_sector(db, monkeypatch):
    app = open_page(db, monkeypatch, "pages/pilots.py", unit="S1")
    assert metric(app, "Aikataulussa").value == "1"  # only T1's P1
    assert metric(app, "Myöhässä").value == "0"
    assert column(app, 2, "Tiimi") == ["Viestinnän pilotti"]


@pytest.mark.parametrize(
    ("page", "lang", "title"),
    [
        ("pages/pilots.py", "sv", "Pilotteam och utvecklingsprojekt"),
        ("pages/pilots.py", "en", "Pilot teams and development projects"),
        ("pages/activities.py", "sv", "Chefsworkshoppar, seminarier och förändringsagenter"),
        ("pages/activities.py", "en", "Supervisor workshops, seminars and change agents"),
    ],
)
def test_pages_in_swedish_and_english(db, monkeypatch, page, lang, title):
    app = open_page(db, monkeypatch, page, lang=lang, period="2026-Q3")
    assert app.title[0].value == title


def test_activities_page_lists_the_periods_workshops_and_seminars(db, monkeypatch):
    app = open_page(db, monkeypatch, "pages/activities.py", period="2026-Q3")
    assert app.title[0].value == "Esihenkilötyöpajat, seminaarit ja muutosagentit"
    # Q3: W2 with 9 people; supervisors reached 3 of S1's 6 and 4 of S2's 7 → 7 / 13 = 54 %
    assert metric(app, "Työpajoja").value == "1"
    assert metric(app, "Osallistumisia").value == "9"
    assert metric(app, "Esihenkilöistä tavoitettu").value == "54\u00a0%"
    workshops, seminars = app.dataframe[0].value, app.dataframe[1].value
    assert workshops["Tilaisuus"].tolist() == ["Työpaja 2"]
    assert workshops["Päivä"].tolist() == ["15.9.2026"]
    assert seminars["Muut organisaatiot"].tolist() == ["Naapurikunta"]
    assert seminars["Muiden osallistujia"].tolist() == ["8"]


def test_coverage_shows_which_units_neither_has_an_agent_nor_was_reached(db, monkeypatch):
    app = open_page(db, monkeypatch, "pages/activities.py", period="2026-Q2")
    # So far (to 30.6.2026) only W1: U1 and U4 reached, and with them S1 and S2.
    assert metric(app, "Työpaja tavoittanut").value == "4 / 6"
    assert metric(app, "Ei kumpaakaan").value == "2 / 6"
    neither = next(d.value for d in app.dataframe if list(d.value.columns) == ["Yksikkö"])
    assert neither["Yksikkö"].tolist() == ["Kirjasto", "Pieni yksikkö"]
    # The quarter alone held no workshop: no unit was reached in it.
    app.segmented_control[0].set_value("period").run()
    assert metric(app, "Työpaja tavoittanut").value == "0 / 6"
    assert metric(app, "Ei kumpaakaan").value == "4 / 6"


def test_pilots_and_activities_pages_in_an_empty_database(tmp_path, monkeypatch):
    for page in ("pages/pilots.py", "pages/activities.py"):
        app = open_page(tmp_path / "new.duckdb", monkeypatch, page)
        assert "make run" in app.info[0].value
