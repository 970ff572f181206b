"""The idea pipeline's metrics on tests/idea_city.py, each answer worked out by hand."""

from __future__ import annotations

import csv
import io
import math
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from metrics import ideas, overview, periods, store
from tests.idea_city import MARCH, NOW, idea_city_file

ROOT = Path(__file__).resolve().parent.parent
P = periods.parse(MARCH)


@pytest.fixture(scope="module")
def idea_city_path(tmp_path_factory) -> Path:
    """The idea city as a closed file (the command line opens it in another process)."""
    return idea_city_file(tmp_path_factory.mktemp("idea_city"))


@pytest.fixture(scope="module")
def con(idea_city_path, tmp_path_factory):
    copy = tmp_path_factory.mktemp("idea_city_copy") / "ideas.duckdb"
    copy.write_bytes(idea_city_path.read_bytes())
    yield store.connect(copy)
    store.close(copy)


def test_flow_counts_events_dated_in_the_period_whenever_the_idea_was_sent(con):
    # March: sent M1..M6. Decided in March: M1 (12.3., 10 days), M2 (25.3., 20 days); M3 was
    # decided on 19.4. Implemented in March: M1 (20.3.) and F1 (15.3., sent in February).
    # Median of 10 and 20 days: 15; 80th percentile (linear) 10 + 0.8 × 10 = 18.
    row = ideas.idea_flow(con, period=P)
    assert (row["submitted"], row["decided"], row["implemented"]) == (6, 2, 2)
    assert (row["median_days_to_decision"], row["p80_days_to_decision"]) == (15, 18)
    # 100 staff, 31 days: each count × 365 / 31.
    assert row["implemented_per_100_staff"] == pytest.approx(2 * 365 / 31)
    assert row["participation_rate"] == pytest.approx(4 / 100)  # p1, p2, p3, p4


@pytest.mark.parametrize(
    ("period", "submitted", "implemented"),
    [
        # 2025: sent O1 (June) and Y1 (15.12.); implemented O1 (1.9.). Y1 went live on 20.1.2026.
        ("2025", 2, 1),
        # 2026 to 30.4.: sent F1, F2, M1..M6, R1, R2; implemented Y1 (20.1.), F1, M1.
        ("2026", 10, 3),
    ],
)
def test_an_idea_sent_in_one_year_and_implemented_in_the_next_counts_in_each(
    con, period, submitted, implemented
):
    row = ideas.idea_flow(con, period=periods.parse(period))
    assert (row["submitted"], row["implemented"]) == (submitted, implemented)


def test_conversion_follows_the_matured_cohort_to_the_periods_end(con):
    # March 2026 shows the cohort sent 1.1.–31.12.2025 (3 to 15 months before 31.3.2026):
    # O1 and Y1, both decided and implemented by 31.3.2026.
    row = ideas.idea_conversion(con, period=P)
    assert (row["cohort_start"], row["cohort_end"]) == (date(2025, 1, 1), date(2025, 12, 31))
    assert (row["submitted"], row["decided"], row["implemented"]) == (2, 2, 2)
    # December 2025 shows the cohort of 1.10.2024–30.9.2025: O1 alone.
    row = ideas.idea_conversion(con, period=periods.parse("2025-12"))
    assert (row["submitted"], row["implementation_rate"]) == (1, 1.0)


def test_the_current_month_is_never_a_cohort(con):
    # Whatever the period, its matured cohort ends at least three months before the period's
    # end (so never in its last month), and spans twelve whole months.
    for text in ("2026-03", "2026-Q1", "2026", "2026-03-10..2026-03-20"):
        period = periods.parse(text)
        cohort = ideas.matured_cohort(period)
        assert cohort.end < period.end.replace(day=1) and (period.end - cohort.end).days >= 89
        assert cohort.start.day == 1 and 365 <= cohort.days <= 366


def test_funnel_counts_every_status_in_pipeline_order(con):
    # One idea each in new, in_review, accepted, implemented, rejected and parked.
    funnel = ideas.status_funnel(con, period=P)
    assert funnel["status"].tolist() == [
        "new", "in_review", "accepted", "in_trial", "implemented", "rejected", "merged", "parked",
    ]  # fmt: skip
    assert funnel["ideas"].tolist() == [1, 1, 1, 0, 1, 1, 0, 1]
    assert funnel["share"].sum() == pytest.approx(1)
    assert funnel.loc[0, "share"] == pytest.approx(1 / 6)


def test_funnel_of_an_empty_period_is_zero_not_an_error(con):
    funnel = ideas.status_funnel(con, period=periods.parse("2020"))
    assert funnel["ideas"].sum() == 0 and funnel["share"].isna().all()


def test_monthly_flow_counts_decisions_in_the_month_they_were_made(con):
    # Twelve months April 2025 – March 2026. Sent: June 2025 O1; December Y1; February F1, F2;
    # March M1..M6. Decided: June 2025 O1 (10.6.); December Y1 (30.12.); February F1 (20.2.);
    # March M1 (12.3.), M2 (25.3.); M3 was decided on 19.4., after the range.
    flow = ideas.monthly_flow(con, period=P).set_index("month")
    assert len(flow) == 12 and flow.index[0] == date(2025, 4, 1)
    assert flow.loc[date(2025, 6, 1)].tolist() == [1, 1]
    assert flow.loc[date(2026, 2, 1)].tolist() == [2, 1]
    assert flow.loc[date(2026, 3, 1)].tolist() == [6, 2]
    assert flow["submitted"].sum() == 10 and flow["decided"].sum() == 5


def test_monthly_flow_covers_a_long_period_whole(con):
    flow = ideas.monthly_flow(con, period=periods.parse("2024-01-01..2026-03-31"))
    assert len(flow) == 27 and flow["month"].iloc[0] == date(2024, 1, 1)


def test_decision_time_bands_of_the_ideas_decided_in_the_period(con):
    # Decided in March: M1 10 days → 8–14, M2 20 → 15–30 (M3 was decided in April).
    bands = ideas.decision_time_bands(con, period=P)
    assert bands["ideas"].tolist() == [0, 1, 1, 0, 0, 0, 0]
    assert bands["from_days"].tolist() == [0, 8, 15, 31, 61, 91, 181]


def test_backlog_by_age_marks_ideas_waiting_longer_than_the_target_overdue(con):
    # Waiting on 30.4.: R1 10 d (8–14), R2 29 d (15–30), M5 41 d and M4 46 d (31–60),
    # F2 88 d (61–90); over 30 days: M5, M4, F2.
    ages = ideas.backlog_by_age(con, on=NOW, target_days=30)
    assert ages["ideas"].tolist() == [0, 1, 1, 2, 1, 0, 0]
    assert ages["overdue"].tolist() == [0, 0, 0, 2, 1, 0, 0]


@pytest.mark.parametrize(
    ("target_days", "overdue"),
    [(30, 3), (40, 3), (41, 2), (88, 0)],  # ages 41, 46, 88: "longer than", not "as long as"
)
def test_the_decision_target_is_configurable(con, target_days, overdue):
    assert ideas.backlog_by_age(con, on=NOW, target_days=target_days)["overdue"].sum() == overdue


def test_the_default_decision_target_comes_from_settings(con, tmp_path, monkeypatch):
    settings = tmp_path / "settings.toml"
    settings.write_text("[ideas]\ndecision_target_days = 45\n")
    monkeypatch.setenv("POHINA_SETTINGS", str(settings))
    # Over 45 days: M4 (46) and F2 (88).
    assert ideas.backlog_by_age(con, on=NOW)["overdue"].sum() == 2


def test_backlog_by_place_says_which_unit_and_change_agent_it_waits_with(con):
    # A2: M4 (46 d, overdue), R1 (10 d); B: M5 (41 d, overdue), R2 (29 d); A1: F2 (88 d).
    # Most overdue first (all 1), then most waiting (A2 2, B 2, A1 1), then the oldest.
    place = ideas.backlog_by_place(con, on=NOW, target_days=30)
    assert place["unit_id"].tolist() == ["A2", "B", "A1"]
    assert place["waiting"].tolist() == [2, 2, 1]
    assert place["overdue"].tolist() == [1, 1, 1]
    assert place["oldest_days"].tolist() == [46, 41, 88]
    assert place["change_agent"].fillna("").tolist() == ["", "Bertta", "Aino"]


def test_backlog_of_a_unit_includes_the_units_below_it(con):
    # A = A1 (F2) + A2 (M4, R1).
    assert ideas.backlog_by_age(con, on=NOW, unit="A", target_days=30)["ideas"].sum() == 3


def test_ideas_by_category_counts_the_periods_flow_largest_first(con):
    # Sent in March: Digi M1, M2, M6; Viestintä M3, M4; no category M5. Implemented in March:
    # M1 and F1 (sent in February), both Digi.
    cats = ideas.ideas_by_category(con, period=P)
    assert cats["category"].fillna("").tolist() == ["Digi", "Viestintä", ""]
    assert cats["submitted"].tolist() == [3, 2, 1]
    assert cats["implemented"].tolist() == [2, 0, 0]


def by_unit(con, **kwargs):
    frame = ideas.ideas_by_unit(con, period=P, on=NOW, target_days=30, **kwargs)
    return frame.set_index("unit_id")


def test_ideas_by_unit_rolls_each_unit_up_with_the_units_below_it(con):
    rows = by_unit(con)
    assert rows.index.tolist() == ["A", "A1", "A2", "B"]  # the tree's order
    # A = A1 + A2: 40 staff; March M1, M2, M3, M4 by p1, p1, p2 and anonymous → 2 submitters;
    # decided in March M1, M2 (10, 20 days → median 15; M3 in April), implemented M1; waiting
    # over 30 days on 30.4.: F2 (A1), M4 (A2). Matured cohort (2025): O1, decided and done.
    a = rows.loc["A"]
    assert (a["submitted"], a["submitters"], a["headcount"], a["overdue"]) == (4, 2, 40, 2)
    assert (a["decided"], a["implemented"], a["median_days_to_decision"]) == (2, 1, 15)
    assert a["ideas_per_100_staff"] == pytest.approx(4 * 365 / 31 * 100 / 40)
    assert a["participation_rate"] == pytest.approx(2 / 40)
    assert (a["cohort_submitted"], a["decision_rate"], a["implementation_rate"]) == (1, 1, 1)


def test_ideas_by_unit_gives_each_leaf_unit_its_own_rates(con):
    rows = by_unit(con)
    # A1: 10 staff; M1, M2 by p1, both decided in March (10, 20 d → 15), M1 implemented; F2
    # overdue; nothing in the matured cohort, so no rates.
    a1 = rows.loc["A1"]
    assert a1["ideas_per_100_staff"] == pytest.approx(2 * 365 / 31 * 100 / 10)
    assert a1["participation_rate"] == pytest.approx(0.1)
    assert (a1["decided"], a1["implemented"], a1["median_days_to_decision"]) == (2, 1, 15)
    assert math.isnan(a1["decision_rate"]) and a1["overdue"] == 1
    # B: 60 staff; M5 (p3), M6 (p4), neither decided: no median; F1 (sent in February) was
    # implemented in March; M5 overdue (R2 is 29 days). Cohort: Y1, decided and implemented.
    b = rows.loc["B"]
    assert b["participation_rate"] == pytest.approx(2 / 60)
    assert (b["decided"], b["implemented"], b["overdue"]) == (0, 1, 1)
    assert (b["decision_rate"], b["implementation_rate"]) == (1, 1)
    assert math.isnan(b["median_days_to_decision"])


def test_ideas_by_unit_agrees_with_the_overview_for_the_same_unit(con):
    # One definition: the overview's figures for A are the by-unit row of A.
    row = by_unit(con).loc["A"]
    figures = overview.overview(con, period=P, unit="A").set_index("metric")["value"]
    for metric in ("ideas_per_100_staff", "participation_rate", "implementation_rate"):
        assert row[metric] == pytest.approx(figures[metric]), metric
    assert row["median_days_to_decision"] == figures["median_days_to_decision"]


def test_ideas_by_unit_of_one_unit_lists_it_and_the_units_below(con):
    assert by_unit(con, unit="A").index.tolist() == ["A", "A1", "A2"]


def test_a_unit_without_ideas_has_empty_rates_not_zero_division(con):
    rows = ideas.ideas_by_unit(con, period=periods.parse("2020"), on=NOW).set_index("unit_id")
    assert rows["submitted"].sum() == 0 and rows["implemented"].sum() == 0
    assert rows["decision_rate"].isna().all() and rows.loc["A", "headcount"] == 40


def test_benefit_counts_ideas_implemented_in_the_period_whenever_sent(con):
    # Implemented in March: M1 (20.3.; 100 h, 2 000 €) and F1 (15.3., sent in February; 50 h).
    # To the end of March also O1 (1.9.2025; 10 h, 500 €) and Y1 (20.1.2026; no estimate).
    gain = ideas.benefit(con, period=P)
    assert (gain["implemented"], gain["with_estimate"]) == (2, 2)
    assert (gain["benefit_hours_per_year"], gain["benefit_eur_per_year"]) == (150, 2000)
    assert gain["implemented_to_date"] == 4
    assert gain["benefit_hours_per_year_to_date"] == 160
    assert gain["benefit_eur_per_year_to_date"] == 2500


def test_idea_list_is_newest_first_with_age_and_a_count_of_all_matches(con):
    found = ideas.idea_list(con, on=NOW, period=P, limit=2)
    # March newest first: M6 (31.3., 30 days old on 30.4.), M5 (20.3.); six match in all.
    assert found["idea_id"].tolist() == ["M6", "M5"]
    assert found["age_days"].tolist() == [30, 41]
    assert (found["matching"] == 6).all()


def test_idea_list_never_has_a_submitter_column(con):
    assert not {"submitter", "anonymous"} & set(ideas.idea_list(con, on=NOW).columns)


@pytest.mark.parametrize(
    ("search", "found"),
    [("KAHVI", ["M5"]), ("m3", ["M3"]), ("palaver", ["R2", "M6"]), ("ei löydy", [])],
)
def test_idea_list_search_finds_text_or_a_number(con, search, found):
    assert ideas.idea_list(con, on=NOW, search=search)["idea_id"].tolist() == found


def test_idea_list_search_treats_wildcards_as_text(con):
    assert ideas.idea_list(con, on=NOW, search="%")["idea_id"].tolist() == []


def test_idea_list_filters_by_status_and_unit_oldest_first(con):
    found = ideas.idea_list(con, on=NOW, unit="A", statuses=("new",), order="oldest")
    assert found["idea_id"].tolist() == ["F2", "M4", "R1"]


def test_idea_list_keeps_markup_in_titles_as_plain_text(con):
    title = ideas.idea(con, idea_id="M5")["title"].iloc[0]
    assert title == "**Parempi** <b>kahvi</b>"


@pytest.mark.slow
def test_report_ideas_by_unit_prints_the_issue_columns(idea_city_path, tmp_path):
    done = run_report(idea_city_path, tmp_path, "ideas_by_unit", "--period", MARCH)
    rows = {r["unit_id"]: r for r in csv.DictReader(io.StringIO(done.stdout))}
    assert list(next(iter(rows.values()))) == [
        "unit_id", "submitted", "decided", "implemented", "ideas_per_100_staff",
        "participation_rate", "decision_rate", "implementation_rate", "median_days_to_decision",
        "overdue",
    ]  # fmt: skip
    # A as above: flow counts of March, the 2025 cohort's rates as fractions. Overdue counts
    # today: F2, M4 and R1 (sent 20.4.2026) have all waited over 30 days from 21.5.2026 on.
    assert rows["A"] == {
        "unit_id": "A",
        "submitted": "4",
        "decided": "2",
        "implemented": "1",
        "ideas_per_100_staff": str(round(4 * 365 / 31 * 100 / 40, 4)),
        "participation_rate": "0.05",
        "decision_rate": "1.0",
        "implementation_rate": "1.0",
        "median_days_to_decision": "15.0",
        "overdue": "3",
    }
    assert rows["B"]["median_days_to_decision"] == ""


@pytest.mark.slow
def test_report_ideas_lists_status_and_age_without_submitters(idea_city_path, tmp_path):
    done = run_report(idea_city_path, tmp_path, "ideas", "--period", MARCH, "--unit", "B")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["idea_id"] for r in rows] == ["M6", "M5"]
    assert rows[1]["status"] == "in_review" and rows[1]["title"] == "**Parempi** <b>kahvi</b>"
    assert (rows[1]["submitted_on"], rows[1]["decided_on"]) == ("2026-03-20", "")
    assert int(rows[1]["age_days"]) == (date.today() - date(2026, 3, 20)).days
    assert "submitter" not in rows[0] and "p3" not in done.stdout


def run_report(db: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    copy = tmp_path / "cli.duckdb"
    copy.write_bytes(db.read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "report", *args],
        cwd=ROOT,
        env={**os.environ, "POHINA_DB": str(copy)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done
