"""Every page rendered with Streamlit's AppTest against the fixture city."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import ROOT, open_page  # noqa: F401 - ROOT: other tests import it from here

open_app = open_page  # the former name, still imported by tests written alongside


def metric(app: AppTest, label: str):
    return next(m for m in app.metric if m.label == label)


def test_overview_shows_the_periods_figures_in_finnish(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, period="2026-Q3")
    assert app.title[0].value == "Ohjelman yleiskuva"
    # a card has a short label that fits a projector; its help has the full label
    ideas = metric(app, "Ideatahti")
    assert ideas.help.startswith("**Ideoita / 100 henkilöä / vuosi.**")
    # Q3 6 ideas in 92 days, Q2 2 in 91 (I8 was merged into I7), 100 staff: 23,8 against 8,0.
    assert (ideas.value, ideas.delta) == ("23,8", "+15,8")
    assert metric(app, "Lähettäjät").value == "5,0\u00a0%"
    assert metric(app, "Päätösaika").delta == "-15"
    assert (metric(app, "Toteutetut").value, metric(app, "Päätetyt").value) == (
        "2",
        "4",
    )
    assert any("1.7.2026–30.9.2026" in c.value for c in app.caption)
    # the conversion is of the matured cohort, named on the page: I7 and I9, I7 implemented
    assert metric(app, "Toteutusaste").value == "50,0\u00a0%"
    assert any("1.7.2025–30.6.2026" in c.value for c in app.caption)


def test_overview_survey_change_says_it_is_points_and_whether_it_is_significant(
    city_path, monkeypatch
):
    app = open_page(city_path, monkeypatch, period="2026-10")
    satisfaction = metric(app, "Työtyytyväisyys")
    assert (satisfaction.value, satisfaction.delta) == ("81,5\u00a0%", "+25,9\u00a0%-yks.")
    notes = [c.value for c in app.caption]
    assert any(n.startswith("Muutos on tilastollisesti merkitsevä") for n in notes)
    assert any(n.startswith("Muutos voi olla satunnaisvaihtelua") for n in notes)


def test_overview_hides_a_small_units_survey_figures(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, period="2026-10", unit="U3")
    assert metric(app, "Muutosjohtaminen").value == "–"
    assert any("Piilotettu tietosuojan vuoksi" in c.value for c in app.caption)
    assert "81,5" not in str([m.value for m in app.metric])


@pytest.mark.parametrize(
    ("lang", "title", "value"),
    [("sv", "Programöversikt", "23,8"), ("en", "Programme overview", "23.8")],
)
def test_overview_in_swedish_and_english(city_path, monkeypatch, lang, title, value):
    app = open_page(city_path, monkeypatch, period="2026-Q3", lang=lang)
    assert app.title[0].value == title
    assert app.metric[0].value == value


def test_choosing_a_unit_in_the_sidebar_narrows_the_figures(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, period="2026-Q3")
    app.sidebar.selectbox[2].set_value("S1").run()
    # S1 has 32 staff and three Q3 ideas by three people.
    assert metric(app, "Lähettäjät").value == "9,4\u00a0%"
    assert app.query_params["unit"] == "S1"


def test_demo_banner_is_shown_without_login(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch)
    assert "Esittelytila" in app.sidebar.warning[0].value


def test_empty_database_explains_how_to_get_data(tmp_path, monkeypatch):
    app = open_page(tmp_path / "new.duckdb", monkeypatch)
    assert "make run" in app.info[0].value
