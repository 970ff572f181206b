"""One definition per figure: every figure that two surfaces show agrees on every unit and
period of the fixture city (tests/fixtures.py) — the overview, the idea metrics behind the
ideas and unit pages, `report ideas_by_unit`, the standings' breakdown, the survey's latest
change — and, for a sample, on the rendered pages themselves.

The fixture city holds a merged duplicate (I8), an anonymous idea still in review (I5), ideas
decided and implemented in a later quarter than they were sent, and two survey rounds, so each
rule that once differed between surfaces is exercised here.
"""

from __future__ import annotations

import math

import pytest

from metrics import ideas, incentives, overview, periods, registry, survey, units
from metrics.anonymity import ORGANISATION
from tests.apptest import open_page
from tests.test_unit_page import figures

PERIODS = ["2026-04", "2026-05", "2026-07", "2026-09", "2026-Q2", "2026-Q3", "2026-10", "2026"]


def every_unit(con) -> list[str | None]:
    return [None, *units.units(con)["unit_id"]]


def same(a, b) -> bool:
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == pytest.approx(b)


@pytest.mark.parametrize("text", PERIODS)
def test_idea_figures_agree_on_every_surface_for_every_unit(city, text):
    period = periods.parse(text)
    by_unit = ideas.ideas_by_unit(city, period=period).set_index("unit_id")
    report = registry.REPORTS["ideas_by_unit"].build(city, period=period).set_index("unit_id")
    for unit in every_unit(city):
        flow = ideas.idea_flow(city, period=period, unit=unit)
        conversion = ideas.idea_conversion(city, period=period, unit=unit)
        shown = overview.overview(city, period=period, unit=unit).set_index("metric")["value"]
        pairs = {
            "ideas_submitted": flow["submitted"],
            "ideas_decided": flow["decided"],
            "ideas_implemented": flow["implemented"],
            "ideas_per_100_staff": flow["ideas_per_100_staff"],
            "participation_rate": flow["participation_rate"],
            "median_days_to_decision": flow["median_days_to_decision"],
            "decision_rate": conversion["decision_rate"],
            "implementation_rate": conversion["implementation_rate"],
        }
        for metric, value in pairs.items():
            assert same(float(shown[metric]), float(value)), (text, unit, metric)
        if unit is None:
            continue
        for source in (by_unit.loc[unit], report.loc[unit]):
            for column, metric in (
                ("submitted", "ideas_submitted"),
                ("decided", "ideas_decided"),
                ("implemented", "ideas_implemented"),
                ("ideas_per_100_staff", "ideas_per_100_staff"),
                ("participation_rate", "participation_rate"),
                ("decision_rate", "decision_rate"),
                ("implementation_rate", "implementation_rate"),
                ("median_days_to_decision", "median_days_to_decision"),
            ):
                assert same(float(source[column]), float(pairs[metric])), (text, unit, column)
        benefit = ideas.benefit(city, period=period, unit=unit)
        assert benefit["implemented"] == flow["implemented"], (text, unit)


@pytest.mark.parametrize("text", PERIODS)
@pytest.mark.parametrize("level", incentives.LEVELS)
def test_standings_events_are_the_idea_flow(city, text, level):
    # idea_submitted + the anonymous ideas awaiting triage = the ideas sent (merged ones in
    # neither); idea_implemented = the ideas implemented, in the same period and unit.
    period = periods.parse(text)
    counts = incentives.event_counts(city, period=period, level=level)
    ranked = incentives.standings(city, period=period, level=level)["unit_id"]
    for unit in ranked:
        mine = counts[counts["unit_id"] == unit].set_index("event")["count"]
        flow = ideas.idea_flow(city, period=period, unit=unit)
        sent = mine.get("idea_submitted", 0) + mine.get(incentives.AWAITING_TRIAGE, 0)
        assert sent == flow["submitted"], (text, level, unit)
        assert mine.get("idea_implemented", 0) == flow["implemented"], (text, level, unit)


def test_an_anonymous_idea_earns_points_only_after_triage(city):
    # I5 (U4, anonymous) is in review: it counts as sent and earns its point. Had it stayed new,
    # it would be awaiting triage: see test_standings_events_are_the_idea_flow.
    counts = incentives.event_counts(city, period=periods.parse("2026-09"), level="units")
    u4 = counts[counts["unit_id"] == "U4"].set_index("event")["count"]
    assert u4["idea_submitted"] == 2 and incentives.AWAITING_TRIAGE not in u4


@pytest.mark.parametrize("text", ["2026-Q3", "2026-10", "2026", "2025-11"])
def test_every_surface_compares_the_same_survey_rounds(city, text):
    period = periods.parse(text)
    for unit in every_unit(city):
        pair = survey.latest_rounds(city, unit=unit, up_to=period.end)
        rows = overview.overview(city, period=period, unit=unit)
        rows = rows[rows["unit"] == "percent"]
        if pair is None:
            assert rows["from_round"].isna().all(), (text, unit)
            continue
        assert set(rows["from_round"]) == {pair[0]} and set(rows["to_round"]) == {pair[1]}
        change = survey.change_between(city, from_round=pair[0], to_round=pair[1])
        change = change[change["group_id"] == (unit or ORGANISATION)].set_index("indicator")
        for row in rows.itertuples():
            indicator = row.metric.removesuffix("_favourable_pct")
            assert same(row.value, float(change.loc[indicator, "to_pct"])), (text, unit)
            assert bool(row.suppressed) == bool(change.loc[indicator, "suppressed"])


def test_report_survey_change_without_rounds_compares_the_latest_two(city):
    report = registry.REPORTS["survey_change"].build(city, from_round=None, to_round=None)
    pair = survey.latest_rounds(city)
    expected = survey.change_report(city, from_round=pair[0], to_round=pair[1])
    assert report.equals(expected)


@pytest.mark.parametrize(("unit", "period"), [("S1", "2026-Q3"), ("U4", "2026-09")])
def test_the_overview_unit_and_ideas_pages_show_the_same_idea_counts(
    city_path, monkeypatch, unit, period
):
    # The pages only format what metrics give: read from the rendered pages, they agree.
    query = {"unit": unit, "period": period}
    shown = {
        name: figures(open_page(city_path, monkeypatch, f"pages/{name}.py", **query))
        for name in ("overview", "unit", "ideas")
    }
    # the overview's cards carry the short labels (the full one is their help)
    for full, short in (("Päätetyt ideat", "Päätetyt"), ("Toteutetut ideat", "Toteutetut")):
        assert shown["overview"][short] == shown["unit"][full] == shown["ideas"][full], full
    assert shown["unit"]["Lähetetyt ideat"] == shown["ideas"]["Lähetetyt ideat"]
