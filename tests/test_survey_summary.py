"""The staff survey summary (pages/survey_summary.py) and the survey page's part on acting
(ui/actions_view.py) on the fixture city (tests/fixtures.py): R2 is the latest round, 27 of
the 100 staff answered it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from metrics import actions, store
from tests.apptest import open_page
from tests.test_access_pages import STAFF
from tests.test_access_setup import AUTH


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def test_the_summary_thanks_and_shows_the_organisations_results(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "survey_summary")
    assert texts(app.title) == ["Henkilöstökyselyn yhteenveto"]
    assert app.markdown[0].value.startswith("Kiitos kaikille, jotka vastasivat!")
    assert [m.value for m in app.metric] == ["27", "27\u00a0%"]  # 27 respondents of 100 staff
    strongest, focus = (d.value for d in app.dataframe[:2])
    assert strongest["Myönteisiä, %"].tolist() == [
        "81\u00a0%",
        "54\u00a0%",
        "48\u00a0%",
    ]  # SAT1, COM1, CL1
    assert focus["Kysymys"].tolist()[0] == "Saan tietoa ajoissa"  # COM1: r 0,68, 54 % favourable
    assert "r = 0,68" in focus["Miksi ehdotetaan"].tolist()[0]
    assert "Ohjausryhmä ei ole vielä julkaissut toimenpiteitä." in texts(app.info)


def test_the_summary_lists_only_actions_the_steering_group_published(writable_city, monkeypatch):
    common = dict(round_id="R2", indicator="satisfaction", owner="Anna",
                  due_on=date(2027, 3, 31), now=datetime(2026, 11, 20))  # fmt: skip
    actions.save_action(writable_city, role="steering", scope=None, who="johto", unit_id="U1",
                        title="Jaettu toimenpide", published=True, **common)  # fmt: skip
    actions.save_action(writable_city, role="steering", scope=None, who="johto", unit_id="U2",
                        title="Oma toimenpide", published=False, **common)  # fmt: skip
    path = store.read(writable_city, "SELECT path FROM duckdb_databases() WHERE NOT internal")
    app = open_page(path.path[0], monkeypatch, "survey_summary")
    shared = app.dataframe[-1].value
    assert shared["Toimenpide"].tolist() == ["Jaettu toimenpide"]


def test_staff_may_open_the_summary(role_city_path, monkeypatch, streamlit_secrets):
    streamlit_secrets(AUTH)
    monkeypatch.setenv("POHINA_AUTH", "oidc")
    monkeypatch.setenv("POHINA_PSEUDONYM_KEY", "a-test-key-that-is-long-enough")
    app = open_page(role_city_path, monkeypatch, "survey_summary", user=STAFF)
    assert texts(app.title) == ["Henkilöstökyselyn yhteenveto"]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_summary_in_swedish_and_english(city_path, monkeypatch, lang):
    app = open_page(city_path, monkeypatch, "survey_summary", lang=lang)
    title = {"sv": "Sammanfattning av personalenkäten", "en": "Staff survey summary"}[lang]
    assert texts(app.title) == [title]


def test_the_survey_page_says_whether_acting_worked_honestly(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "survey")
    headings = texts(app.subheader)
    assert "Auttoiko toimiminen?" in headings and "Toimenpidesuunnitelmat" in headings
    effect = next(d.value for d in app.dataframe if "Ero muutoksessa" in d.value.columns)
    # no actions in the fixture city: every group of units that acted is empty, so hidden
    assert effect["Yksiköt, jotka toimivat"].tolist() == ["0", "0", "0"]
    assert set(effect["Ero muutoksessa"]) == {"piilotettu"}
    assert any(c.value.startswith("Tämä on yhteys toimimisen ja muutoksen välillä, ei todiste")
               for c in app.caption)  # fmt: skip
