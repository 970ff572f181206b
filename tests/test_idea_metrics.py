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


def test_summary_gives_median_and_80th_percentile_and_the_waiting(con):
    # March: M1..M6. Decided M1, M2, M3 after 10, 20 and 40 days: median 20; 80th percentile
    # (linear) at position 0.8 × (3 − 1) = 1.6 → 20 + 0.6 × (40 − 20) = 32. Waiting: M4, M5.
    row = ideas.idea_summary(con, period=P)
    assert (row["submitted"], row["decided"], row["implemented"], row["waiting"]) == (6, 3, 1, 2)
    assert (row["median_days_to_decision"], row["p80_days_to_decision"]) == (20, 32)


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
    # Twelve months April 2025 – March 2026. Sent: June 2025 O1; February F1, F2; March M1..M6.
    # Decided: June 2025 O1 (10.6.); February F1 (20.2.); March M1 (12.3.), M2 (25.3.);
    # M3 was decided on 19.4., after the range.
    flow = ideas.monthly_flow(con, period=P).set_index("month")
    assert len(flow) == 12 and flow.index[0] == date(2025, 4, 1)
    assert flow.loc[date(2025, 6, 1)].tolist() == [1, 1]
    assert flow.loc[date(2026, 2, 1)].tolist() == [2, 1]
    assert flow.loc[date(2026, 3, 1)].tolist() == [6, 2]
    assert flow["submitted"].sum() == 9 and flow["decided"].sum() == 4


def test_monthly_flow_covers_a_long_period_whole(con):
    flow = ideas.monthly_flow(con, period=periods.parse("2024-01-01..2026-03-31"))
    assert len(flow) == 27 and flow["month"].iloc[0] == date(2024, 1, 1)


def test_decision_time_bands(con):
    # 10 days → 8–14, 20 → 15–30, 40 → 31–60.
    bands = ideas.decision_time_bands(con, period=P)
    assert bands["ideas"].tolist() == [0, 1, 1, 1, 0, 0, 0]
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


def test_ideas_by_category_largest_first(con):
    # March: Digi M1, M2, M6 (M1 implemented); Viestintä M3, M4; no category M5.
    cats = ideas.ideas_by_category(con, period=P)
    assert cats["category"].fillna("").tolist() == ["Digi", "Viestintä", ""]
    assert cats["submitted"].tolist() == [3, 2, 1]
    assert cats["implemented"].tolist() == [1, 0, 0]


def by_unit(con, **kwargs):
    frame = ideas.ideas_by_unit(con, period=P, on=NOW, target_days=30, **kwargs)
    return frame.set_index("unit_id")


def test_ideas_by_unit_rolls_each_unit_up_with_the_units_below_it(con):
    rows = by_unit(con)
    assert rows.index.tolist() == ["A", "A1", "A2", "B"]  # the tree's order
    # A = A1 + A2: 40 staff; March M1, M2, M3, M4 by p1, p1, p2 and anonymous → 2 submitters;
    # decided M1, M2, M3 (10, 20, 40 days → median 20), implemented M1; waiting over 30 days
    # on 30.4.: F2 (A1), M4 (A2).
    a = rows.loc["A"]
    assert (a["submitted"], a["submitters"], a["headcount"], a["overdue"]) == (4, 2, 40, 2)
    assert a["ideas_per_100_staff"] == pytest.approx(4 * 365 / 31 * 100 / 40)
    assert a["participation_rate"] == pytest.approx(2 / 40)
    assert a["decision_rate"] == pytest.approx(3 / 4)
    assert a["implementation_rate"] == pytest.approx(1 / 4)
    assert a["median_days_to_decision"] == 20


def test_ideas_by_unit_leaf_units(con):
    rows = by_unit(con)
    # A1: 10 staff; M1, M2 by p1; both decided (10, 20 d → 15), M1 implemented; F2 overdue.
    a1 = rows.loc["A1"]
    assert a1["ideas_per_100_staff"] == pytest.approx(2 * 365 / 31 * 100 / 10)
    assert (a1["participation_rate"], a1["decision_rate"]) == (pytest.approx(0.1), 1.0)
    assert (a1["implementation_rate"], a1["median_days_to_decision"], a1["overdue"]) == (0.5, 15, 1)
    # B: 60 staff; M5 (p3), M6 (p4), neither decided: no median; M5 overdue (R2 is 29 days).
    b = rows.loc["B"]
    assert b["participation_rate"] == pytest.approx(2 / 60)
    assert (b["decision_rate"], b["implementation_rate"], b["overdue"]) == (0, 0, 1)
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
    assert rows["submitted"].sum() == 0
    assert rows["decision_rate"].isna().all() and rows.loc["A", "headcount"] == 40


def test_benefit_counts_ideas_implemented_in_the_period_whenever_sent(con):
    # Implemented in March: M1 (20.3.; 100 h, 2 000 €) and F1 (15.3., sent in February; 50 h).
    # To the end of March also O1 (1.9.2025; 10 h, 500 €).
    gain = ideas.benefit(con, period=P)
    assert (gain["implemented"], gain["with_estimate"]) == (2, 2)
    assert (gain["benefit_hours_per_year"], gain["benefit_eur_per_year"]) == (150, 2000)
    assert gain["implemented_to_date"] == 3
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


def test_report_ideas_by_unit_prints_the_issue_columns(idea_city_path, tmp_path):
    done = run_report(idea_city_path, tmp_path, "ideas_by_unit", "--period", MARCH)
    rows = {r["unit_id"]: r for r in csv.DictReader(io.StringIO(done.stdout))}
    assert list(next(iter(rows.values()))) == [
        "unit_id", "submitted", "ideas_per_100_staff", "participation_rate", "decision_rate",
        "implementation_rate", "median_days_to_decision", "overdue",
    ]  # fmt: skip
    # A as above; rates as fractions. Overdue counts today: F2, M4 and R1 (sent 20.4.2026)
    # have all waited over 30 days on any day from 21.5.2026 on.
    assert rows["A"] == {
        "unit_id": "A",
        "submitted": "4",
        "ideas_per_100_staff": str(round(4 * 365 / 31 * 100 / 40, 4)),
        "participation_rate": "0.05",
        "decision_rate": "0.75",
        "implementation_rate": "0.25",
        "median_days_to_decision": "20.0",
        "overdue": "3",
    }
    assert rows["B"]["median_days_to_decision"] == ""


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
