"""The unit page (pages/unit.py) on the fixture city, in the demo (no login), Finnish.

The fixture city (tests/fixtures.py): S1 Sektori A (2 staff) with U1 Viestintä (10) and U2
Kirjasto (20); S2 Sektori B (0) with U3 Pieni yksikkö (3) and U4 Iso yksikkö (65). 2026-Q3 is
1.7.–30.9.2026, 92 days. The incentive rules are data/incentive_rules.toml: an idea sent 1
point, an idea implemented 3, prior weight k = 5 (tens of staff).
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.apptest import open_page


def figures(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def table(app: AppTest, first_column: str):
    """The first table whose first column is named `first_column`."""
    return next(d.value for d in app.dataframe if d.value.columns[0] == first_column)


def test_a_link_opens_the_units_ideas(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "unit", unit="S1", period="2026-Q3")
    assert app.header[0].value == "Sektori A"
    assert app.caption[0].value.startswith("Henkilöstöä tänään 32 ")  # 2 + 10 + 20
    shown = figures(app)
    # S1's Q3: sent I1 (U1), I2 (U1), I3 (U2); all three decided in Q3, I1 implemented; none of
    # S1's ideas waits today (I7 is implemented, I8 merged)
    labels = ("Lähetetyt ideat", "Päätetyt ideat", "Toteutetut ideat", "Odottaa päätöstä")
    assert [shown[k] for k in labels] == ["3", "3", "1", "0"]
    assert "Yksikään idea ei odota päätöstä yli tavoiteajan." in [c.value for c in app.caption]
    # the latest decisions first, whenever the idea was sent: I3 31.8., I2 4.8., I1 11.7., I7 10.5.
    decided = table(app, "Numero")
    assert decided["Numero"].tolist() == ["I3", "I2", "I1", "I7"]
    assert decided["Päätetty"].tolist() == ["31.8.2026", "4.8.2026", "11.7.2026", "10.5.2026"]


def test_the_units_standing_and_where_its_points_come_from(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "unit", unit="S1", period="2026-Q3")
    shown = figures(app)
    # Sectors' standings. S1: 3 ideas sent × 1 + I1 implemented × 3 = 6 points, 32 staff:
    # 6 / 3.2 = 1.875 per 10 staff. S2: I4, I5, I6 sent + I6 implemented = 6 points, 68 staff.
    # Organisation mean 12 / 10 = 1.2; S1's score (6 + 5 × 1.2) / (3.2 + 5) = 1.463,
    # S2's (6 + 6) / (6.8 + 5) = 1.017: S1 first of two.
    assert [shown[k] for k in ("Sija", "Tulos", "Pisteet", "Pisteet / 10 henkilöä")] == [
        "1 / 2", "1,46", "6", "1,88",
    ]  # fmt: skip
    breakdown = table(app, "Tapahtuma")
    # the rules' five events, the anonymous ideas awaiting triage (worth 0), the total
    assert breakdown["Pisteet"].tolist() == ["3", "3", "0", "0", "0", "0", "6"]


def test_the_units_survey_rounds_are_those_closed_by_the_periods_end(city_path, monkeypatch):
    # R2 closed on 31.10.2026: in Q3 the latest round is R1, and there is no change to show yet.
    app = open_page(city_path, monkeypatch, "unit", unit="S1", period="2026-Q3")
    assert any("Henkilöstökysely 2025" in c.value for c in app.caption)
    assert not any("Muutos, %-yks." in d.value.columns for d in app.dataframe)


def test_the_units_survey_indicators_beside_the_whole_organisation(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "unit", unit="S1", period="2026-10")
    latest = table(app, "Mittari").set_index("Mittari")
    # R2 satisfaction: S1 = U1 6/6 + U2 7/8 favourable = 13/14 = 92.9 %; the organisation adds
    # U3 2/3 and U4 7/10: 22/27 = 81.5 %; the difference 11.4 points.
    row = latest.loc["Työtyytyväisyys"]
    assert row.tolist() == ["92,9\u00a0%", "81,5\u00a0%", "+11,4\u00a0%-yks.", "14"]
    change = next(d.value for d in app.dataframe if "Muutos, %-yks." in d.value.columns)
    # R1 satisfaction: U1 3/6 + U2 5/8 = 8/14 = 57.1 %; 92.9 − 57.1 = +35.7 points
    assert change.set_index("Mittari").loc["Työtyytyväisyys", "Muutos, %-yks."] == (
        "+35,7\u00a0%-yks."
    )


def test_a_small_units_survey_figures_stay_hidden_beside_the_organisations(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "unit", unit="U3", period="2026-10")
    row = table(app, "Mittari").set_index("Mittari").loc["Työtyytyväisyys"]
    # U3 has 3 respondents, below 5: hidden, its count "< 5"; the organisation's 81.5 % stays.
    assert row.tolist() == ["piilotettu", "81,5\u00a0%", "piilotettu", "< 5"]


def test_the_units_pilot_projects_and_overdue_ideas(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "unit", unit="S2", period="2026-Q3")
    shown = figures(app)
    # S2's team T2 has one project, P4, on track
    assert [shown[k] for k in ("Aikataulussa", "Vaarassa", "Valmiit")] == ["1", "0", "0"]
    assert table(app, "Tiimi")["Hanke"].tolist() == ["Vuorot"]
    # waiting on 27.11.2026: I4 (new since 1.9., 87 days) and I5 (in review since 10.9., 78
    # days), both past the 30-day target; the oldest first
    overdue = next(d.value for d in app.dataframe if "Ikä, pv" in d.value.columns)
    assert overdue["Numero"].tolist() == ["I4", "I5"]


def test_the_sub_units_with_their_ideas(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "unit", unit="S1", period="2026-Q3")
    rows = table(app, "Yksikkö")
    # U2: 1 idea × 365 / 92 × 100 / 20 staff = 19.8; U1: 2 × 365 / 92 × 100 / 10 = 79.3
    assert rows["Yksikkö"].str.strip().tolist() == ["Kirjasto", "Viestintä"]
    assert rows["Ideoita / 100 henk. / v"].tolist() == ["19,8", "79,3"]
    leaf = open_page(city_path, monkeypatch, "unit", unit="U1", period="2026-Q3")
    assert "Yksiköllä ei ole alayksiköitä." in [c.value for c in leaf.caption]


def test_an_unknown_unit_is_said_to_be_unknown(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "unit", unit="EI_OLE", period="2026-Q3")
    # the id from the address is escaped for Markdown: it reads EI_OLE on the screen
    assert (
        app.main.warning[0].value == "Yksikköä tunnuksella EI\\_OLE ei ole. Valitse yksikkö alta."
    )
    # the picker offers every unit (no whole organisation here) and waits for a choice
    picker = next(s for s in app.main.selectbox if s.label == "Organisaatio")
    assert picker.value is None and len(picker.options) == 6
    assert "unit" not in app.query_params and not app.header and not app.metric


def test_the_unit_page_in_english(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "unit", lang="en", unit="S1", period="2026-Q3")
    assert app.title[0].value == "Unit page"
    assert figures(app)["Rank"] == "1 of 2"
