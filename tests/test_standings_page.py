"""The incentive standings page through Streamlit's AppTest, on the standings city.

Figures as worked out in tests/test_standings.py (2026-Q3, default rules, k = 5).
"""

from __future__ import annotations

import pytest

from metrics import store
from tests.apptest import open_page
from tests.standings_city import standings_city_file

PAGE = "pages/standings.py"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = standings_city_file(tmp_path_factory.mktemp("standings_page"))
    yield path
    store.close(path)


@pytest.fixture(autouse=True)
def default_rules(monkeypatch):
    monkeypatch.delenv("POHINA_INCENTIVE_RULES", raising=False)


def metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def texts(app) -> list[str]:
    return [m.value for m in app.markdown] + [c.value for c in app.caption]


def frame_with(app, column: str):
    return next(d.value for d in app.dataframe if column in d.value.columns)


def test_unit_head_sees_why_the_unit_stands_where_it_does(db, monkeypatch):
    app = open_page(db, monkeypatch, PAGE, period="2026-Q3", unit="A")
    assert app.title[0].value.startswith("Kannustinsijoitukset")
    # A: 4 points, 20 staff, rank 5 of 5; score (4 + 5 × 2,6) / (2 + 5) = 2,43.
    assert metrics(app) == {
        "Sija": "5 / 5",
        "Tulos": "2,43",
        "Pisteet": "4",
        "Pisteet / 10 henkilöä": "2,00",
    }
    why = next(t for t in texts(app) if t.startswith("Yksikkö keräsi"))
    assert "(4 + 5 × 2,60) / (2 + 5) = 2,43" in why
    # One more implemented idea (3 points) would lift A to 1st.
    assert (
        "Yksi tapahtuma lisää – ”Idea toteutettu” – toisi 3 pistettä ja nostaisi yksikön "
        "sijalle 1." in texts(app)
    )
    breakdown = frame_with(app, "Määrä")
    # the rules' five events, the anonymous ideas awaiting triage (worth 0), the total
    assert breakdown["Pisteet"].tolist() == ["4", "0", "0", "0", "0", "0", "4"]
    raise_table = frame_with(app, "Montako lisää nostaa sijaa")
    assert raise_table["Montako lisää nostaa sijaa"].tolist() == ["2", "1", "1", "2", "1"]


def test_standings_table_marks_new_units_and_lists_the_left_out(db, monkeypatch):
    app = open_page(db, monkeypatch, PAGE, period="2026-Q3")
    table = frame_with(app, "Huomio")
    assert table["Sija"].tolist() == ["1", "1", "3", "4", "5"]
    assert table["Yksikkö"].tolist() == ["Beta", "Uusi", "Pieni", "Gamma", "Alfa"]
    assert table.set_index("Yksikkö").loc["Uusi", "Huomio"].startswith("uusi yksikkö 15.8.2026")
    assert any(t.startswith("Jätetty pois") for t in texts(app))
    assert frame_with(app, "Yksikkö")["Yksikkö"].tolist() == [
        "Beta",
        "Uusi",
        "Pieni",
        "Gamma",
        "Alfa",
    ]
    left_out = next(d.value for d in app.dataframe if d.value.columns.tolist() == ["Yksikkö"])
    assert left_out["Yksikkö"].tolist() == ["Tyhjä"]


def test_most_improved_and_rank_history_are_shown(db, monkeypatch):
    app = open_page(db, monkeypatch, PAGE, period="2026-Q3")
    improved = frame_with(app, "Tuloksen muutos")
    assert improved["Yksikkö"].tolist() == ["Beta", "Gamma", "Pieni", "Alfa"]
    assert improved["Tuloksen muutos"].tolist()[0] == "+2,06"
    assert len(app.get("plotly_chart")) == 1
    history = frame_with(app, "2026-Q3")
    assert "2026-Q2" in history.columns


def test_the_rules_are_stated_from_the_rules_file(db, monkeypatch, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("[points]\nidea_submitted = 2\n[standings]\nprior_weight = 3\n")
    monkeypatch.setenv("POHINA_INCENTIVE_RULES", str(rules))
    app = open_page(db, monkeypatch, PAGE, period="2026-Q3")
    points = frame_with(app, "Mikä lasketaan")
    assert points["Pisteitä / kpl"].tolist() == ["2", "3", "5", "1", "3"]
    assert any("k = 3" in t and "30 henkilöä enemmän" in t for t in texts(app))
    # A 3-person unit counts its own rate 3 / (3 + 30) = 9 %.
    weights = frame_with(app, "Oman tahdin osuus")
    assert weights["Oman tahdin osuus"].tolist()[0] == f"9{NBSP}%"


def test_a_bad_rules_file_stops_the_page_naming_the_key(db, monkeypatch, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("[points]\nidea_submited = 2\n")
    monkeypatch.setenv("POHINA_INCENTIVE_RULES", str(rules))
    app = open_page(db, monkeypatch, PAGE, period="2026-Q3")
    assert app.error[0].value.startswith("Kannustinsääntöjen tiedostoa ei voi käyttää")
    assert "points.idea_submited" in app.code[0].value
    assert not app.dataframe


def test_sectors_are_ranked_in_their_own_table(db, monkeypatch):
    app = open_page(db, monkeypatch, PAGE, period="2026-Q3", unit="S2")
    # S2 is a top unit: the page opens on the sectors, S2 first (2,82 against S1's 2,61).
    level = next(r for r in app.radio if r.label == "Sijoitettavat yksiköt")
    assert level.value == "sectors"
    assert metrics(app)["Sija"] == "1 / 2"
    level.set_value("units").run()
    assert frame_with(app, "Huomio")["Yksikkö"].tolist()[0] == "Beta"


def test_a_period_without_events_says_everyone_shares_first_place(db, monkeypatch):
    app = open_page(db, monkeypatch, PAGE, period="2026-Q1")
    assert any("kaikki jakavat sijan 1" in i.value for i in app.info)


def test_standings_page_in_english(db, monkeypatch):
    app = open_page(db, monkeypatch, PAGE, period="2026-Q3", unit="A", lang="en")
    assert app.title[0].value.startswith("Incentive standings")
    assert metrics(app)["Rank"] == "5 of 5"
    assert "One more “Idea implemented” would give 3 points and lift the unit to rank 1." in texts(
        app
    )
