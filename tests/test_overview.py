"""The overview's headline figures on the fixture city, each worked out by hand."""

from __future__ import annotations

import math

import pytest

from metrics import overview, periods

Q3 = periods.parse("2026-Q3")


def figures(con, period=Q3, unit=None) -> dict[str, dict]:
    frame = overview.overview(con, period=period, unit=unit)
    return frame.set_index("metric").to_dict("index")


def test_ideas_per_100_staff_is_annualised(city):
    # Q3: 6 ideas in 92 days, 100 staff → 6 × 365 / 92 × 100 / 100. Q2: I7 and I9 in 91 days;
    # I8 was merged into I7 as a duplicate and counts nowhere.
    row = figures(city)["ideas_per_100_staff"]
    assert row["value"] == pytest.approx(6 * 365 / 92)
    assert row["previous"] == pytest.approx(2 * 365 / 91)
    assert row["change"] == pytest.approx(6 * 365 / 92 - 2 * 365 / 91)


def test_participation_counts_named_submitters_once(city):
    # Q3: p1, p2, p3, p4, p5 (the anonymous idea has none) of 100 staff; Q2: p3, p4 (p6 sent
    # only the merged duplicate I8).
    row = figures(city)["participation_rate"]
    assert (row["value"], row["previous"]) == (pytest.approx(0.05), pytest.approx(0.02))


def test_decisions_and_implementations_are_counted_in_the_period_they_happened(city):
    # Decided in Q3: I1 (11.7.), I2 (4.8.), I3 (31.8.), I6 (25.9.); in Q2: I7 (10.5.).
    # Implemented in Q3: I1 (1.8.), I6 (29.9.); in Q2: I7 (1.6.).
    rows = figures(city)
    assert (rows["ideas_decided"]["value"], rows["ideas_decided"]["previous"]) == (4, 1)
    assert (rows["ideas_implemented"]["value"], rows["ideas_implemented"]["previous"]) == (2, 1)
    assert (rows["ideas_submitted"]["value"], rows["ideas_submitted"]["previous"]) == (6, 2)


def test_median_days_to_decision_of_the_ideas_decided_in_the_period(city):
    # Q3 decisions waited 10, 20, 30 and 5 days → median 15; Q2: one idea, 30 days.
    row = figures(city)["median_days_to_decision"]
    assert (row["value"], row["previous"], row["change"]) == (15, 30, -15)


def test_implementation_rate_is_the_matured_cohorts(city):
    # Q3 (to 30.9.2026) shows the ideas sent 1.7.2025–30.6.2026: I7 and I9 (I8 merged), I7
    # implemented and decided by 30.9. Q2 shows 1.4.2025–31.3.2026: no ideas, so no rate.
    rows = figures(city)
    assert rows["implementation_rate"]["value"] == pytest.approx(1 / 2)
    assert rows["decision_rate"]["value"] == pytest.approx(1 / 2)
    assert math.isnan(rows["implementation_rate"]["previous"])


def test_projects_on_track_is_the_current_count(city):
    row = figures(city)["projects_on_track"]
    assert row["value"] == 2 and math.isnan(row["previous"])


def test_unit_scope_includes_units_below(city):
    # S1 = S1 (2) + U1 (10) + U2 (20) = 32 staff; Q3 ideas I1, I2, I3 by p1, p2, p3, decided
    # in Q3 after 10, 20 and 30 days, I1 implemented; the matured cohort is I7 (U2), implemented.
    rows = figures(city, unit="S1")
    assert rows["ideas_per_100_staff"]["value"] == pytest.approx(3 * 365 / 92 * 100 / 32)
    assert rows["participation_rate"]["value"] == pytest.approx(3 / 32)
    assert rows["median_days_to_decision"]["value"] == 20
    assert rows["ideas_implemented"]["value"] == 1
    assert rows["implementation_rate"]["value"] == 1


def test_survey_change_uses_the_rounds_closed_by_the_period_end(city):
    # R2 closed on 31.10.2026: by the end of Q3 only R1 had closed, so there is no change yet.
    assert math.isnan(figures(city)["satisfaction_favourable_pct"]["value"])
    october = figures(city, period=periods.parse("2026-10"))
    # SAT1 favourable (4–5): R1 15 of 27 answers, R2 22 of 27 (tests/fixtures.py ANSWERS).
    row = october["satisfaction_favourable_pct"]
    assert row["previous"] == pytest.approx(100 * 15 / 27)
    assert row["value"] == pytest.approx(100 * 22 / 27)
    assert row["change"] == pytest.approx(100 * 7 / 27)
    p1, p2 = 15 / 27, 22 / 27
    half_width = 1.96 * 100 * math.sqrt(p1 * (1 - p1) / 27 + p2 * (1 - p2) / 27)
    assert row["ci_low_pp"] == pytest.approx(100 * 7 / 27 - half_width)
    assert bool(row["significant"]) is True
    assert row["change_rel_pct"] == pytest.approx(100 * (7 / 27) / (15 / 27))


def test_reverse_scored_item_is_flipped(city):
    # internal_communication in R2, worked from tests/fixtures.py ANSWERS by hand:
    # COM1 favourable (4–5): U1 5, U2 4, U3 2, U4 3 = 14 of 26 answers (one left empty);
    # COM2 is reversed, so its 1–2 answers are favourable: U1 6, U2 2, U3 1, U4 3 = 12 of 27.
    row = figures(city, period=periods.parse("2026-10"))["internal_communication_favourable_pct"]
    assert row["value"] == pytest.approx(100 * (14 + 12) / (26 + 27))


def test_small_unit_survey_figures_are_hidden(city):
    rows = figures(city, period=periods.parse("2026-10"), unit="U3")
    for indicator in ("satisfaction", "internal_communication", "change_leadership"):
        row = rows[f"{indicator}_favourable_pct"]
        assert row["suppressed"] and math.isnan(row["value"]) and math.isnan(row["change"])
