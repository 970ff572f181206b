"""Incentive standings on the hand-made standings city (tests/standings_city.py).

Default rules: idea 1, implemented 3, milestone 5, workshop person 1, practice 3, k = 5.
2026-Q3 points: A 4, B 11, SM 1, C 7, N 3 (Z has no staff: left out).
Staff in tens: A 2, B 4, SM 0.3, C 2.7, N 1 → 10 tens; mean = 26 / 10 = 2.6 points per 10 staff.
score = (points + k × mean) / (tens + k), k × mean = 13:
    A  (4 + 13) / 7     = 2.428571     rate 4 / 2     = 2.0
    B  (11 + 13) / 9    = 2.666667     rate 11 / 4    = 2.75
    SM (1 + 13) / 5.3   = 2.641509     rate 1 / 0.3   = 3.333333
    C  (7 + 13) / 7.7   = 2.597403     rate 7 / 2.7   = 2.592593
    N  (3 + 13) / 6     = 2.666667     rate 3 / 1     = 3.0
→ ranks B 1, N 1 (tie), SM 3, C 4, A 5.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from metrics import incentives, periods, store
from metrics.incentives import Rules, RulesError
from tests.standings_city import standings_city_file

ROOT = Path(__file__).resolve().parent.parent
Q1, Q2, Q3, Q4 = (periods.parse(f"2026-Q{q}") for q in (1, 2, 3, 4))
DEFAULTS = Rules()


@pytest.fixture(scope="module")
def city_file(tmp_path_factory):
    path = standings_city_file(tmp_path_factory.mktemp("standings_city"))
    # a copy, taken while the file is closed, for the command line (a file open here is locked)
    shutil.copyfile(path, path.with_name("cli.duckdb"))
    return path


@pytest.fixture(scope="module")
def cli_file(city_file):
    return city_file.with_name("cli.duckdb")


@pytest.fixture(scope="module")
def con(city_file):
    """The standings city's connection. Read only."""
    return store.connect(city_file)


def table(con, period=Q3, rules=DEFAULTS, **args):
    return incentives.standings(con, period=period, rules=rules, **args).set_index("unit_id")


def ranks(con, period=Q3, rules=DEFAULTS, **args) -> dict[str, int]:
    frame = table(con, period, rules, **args)
    return frame[frame["ranked"]]["rank"].astype(int).to_dict()


def write_rules(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- points


def test_points_come_from_the_events_the_rules_name(con):
    # A: 4 ideas (A5 merged as a duplicate earns nothing; A's seminar earns nothing);
    # B: 6 ideas + B7 implemented in Q3 though sent in Q2 (3) + 2 people at workshop W1 (2);
    # C: 2 ideas + milestone M1 of its team's project (5); N: practice GP1 (3).
    frame = table(con)
    assert frame["points"].to_dict() == {"B": 11, "N": 3, "SM": 1, "C": 7, "A": 4, "Z": 1}
    assert frame.loc["B", "points_per_10_staff"] == pytest.approx(11 / 4)
    assert frame.loc["A", "mean_points_per_10_staff"] == pytest.approx(2.6)


def test_a_units_breakdown_sums_to_its_points(con):
    # B: idea_submitted 6 × 1, idea_implemented 1 × 3, workshop_attendance 2 × 1 = 11.
    rows = incentives.breakdown(con, period=Q3, unit="B", rules=DEFAULTS).set_index("event")
    assert rows["count"].to_dict() == {
        "idea_submitted": 6,
        "idea_awaiting_triage": 0,
        "idea_implemented": 1,
        "milestone_reached": 0,
        "workshop_attendance": 2,
        "practice_published": 0,
    }
    assert rows["points"].tolist() == [6, 3, 0, 2, 0, 0]
    for level, units in (("units", ["A", "B", "SM", "C", "N"]), ("sectors", ["S1", "S2"])):
        points = table(con, level=level)["points"]
        for unit in units:
            rows = incentives.breakdown(con, period=Q3, unit=unit, level=level, rules=DEFAULTS)
            assert rows["points"].sum() == pytest.approx(points[unit]), (level, unit)


def test_no_person_is_ever_ranked(con):
    # Points are counted per unit: nothing reads the submitter, nothing is listed per person.
    assert "submitter" not in incentives.EVENT_COUNTS_SQL
    columns = set(table(con).columns) | set(
        incentives.breakdown(con, period=Q3, unit="A", rules=DEFAULTS).columns
    )
    assert not {"submitter", "person", "respondent"} & columns


# ----------------------------------------------------------------------------- fairness


def test_three_person_unit_with_one_idea_does_not_top_the_standings(con):
    # SM's 1 point among 3 staff is the best rate (3.33 per 10 staff), but with k = 5 only
    # 0.3 / 5.3 = 6 % of its score is its own rate: 2.64, behind B and N (2.67).
    frame = table(con)
    assert frame["points_per_10_staff"].idxmax() == "SM"
    assert frame.loc["SM", "score"] == pytest.approx(14 / 5.3)
    assert frame.loc["SM", "own_weight"] == pytest.approx(0.3 / 5.3)
    assert ranks(con) == {"B": 1, "N": 1, "SM": 3, "C": 4, "A": 5}
    # Without shrinkage (k = 0) the one idea would put it on top: ranks by rate alone,
    # SM 3.33, N 3.0, B 2.75, C 2.59, A 2.0.
    assert ranks(con, rules=Rules(prior_weight=0)) == {"SM": 1, "N": 2, "B": 3, "C": 4, "A": 5}


def test_equal_scores_share_a_rank_and_the_next_is_skipped(con):
    # B (11 + 13) / 9 and N (3 + 13) / 6 are both 8/3: both rank 1, then SM is 3rd.
    frame = table(con)
    assert frame.loc["B", "score"] == pytest.approx(8 / 3)
    assert frame.loc["N", "score"] == pytest.approx(8 / 3)
    assert sorted(ranks(con).values()) == [1, 1, 3, 4, 5]


def test_raising_a_weight_in_the_rules_file_lifts_the_units_with_that_event(
    con, tmp_path, monkeypatch
):
    # milestone_reached 5 → 10: C has 2 + 10 = 12 points; the sum is 31, mean 3.1, k × mean
    # 15.5: A 19.5 / 7 = 2.79, B 26.5 / 9 = 2.94, SM 16.5 / 5.3 = 3.11, C 27.5 / 7.7 = 3.57,
    # N 18.5 / 6 = 3.08. C, with the only milestone, goes from 4th to 1st.
    path = write_rules(tmp_path / "rules.toml", "[points]\nmilestone_reached = 10\n")
    monkeypatch.setenv("POHINA_INCENTIVE_RULES", str(path))
    rules = incentives.load_rules()
    assert rules.milestone_reached == 10 and rules.idea_submitted == DEFAULTS.idea_submitted
    frame = incentives.standings(con, period=Q3).set_index("unit_id")  # rules from the file
    assert frame.loc["C", "points"] == 12
    assert frame.loc["C", "score"] == pytest.approx(27.5 / 7.7)
    assert frame["rank"].dropna().astype(int).to_dict() == {
        "C": 1, "SM": 2, "N": 3, "B": 4, "A": 5
    }  # fmt: skip
    # Setting idea_implemented to 0 takes B7's 3 points away: B falls from 1st, N leads alone.
    # Sum 23, mean 2.3, k × mean 11.5: B (8 + 11.5) / 9 = 2.17, N 14.5 / 6 = 2.42,
    # SM 12.5 / 5.3 = 2.36, C 18.5 / 7.7 = 2.40, A 15.5 / 7 = 2.21.
    write_rules(path, "[points]\nidea_implemented = 0\n")
    assert ranks(con, rules=incentives.load_rules()) == {"N": 1, "C": 2, "SM": 3, "A": 4, "B": 5}


# ----------------------------------------------------------------------------- which units


def test_a_unit_created_mid_period_is_ranked_and_marked(con):
    # N's first headcount row is dated 15.8.2026: inside Q3, so it is marked; in Q4 it has
    # existed all along; in Q2 it did not exist yet and is not listed at all.
    q3 = table(con)
    assert q3.loc["N", "new_in_period"] and q3.loc["N", "ranked"]
    assert str(q3.loc["N", "started_on"]) == "2026-08-15"
    assert not q3.drop(index="N")["new_in_period"].any()
    assert not table(con, Q4).loc["N", "new_in_period"]
    assert "N" not in table(con, Q2).index


def test_a_unit_without_staff_is_left_out_of_the_ranks_and_the_mean(con):
    # Z sent an idea but has no staff: no rate, score or rank, and its point is not in the
    # organisation's mean (26 / 10, not 27 / 10). Sectors are not ranked as units.
    frame = table(con)
    assert (frame.loc["Z", "ranked"], frame.loc["Z", "left_out"]) == (False, "no_staff")
    assert frame.loc["Z", ["points_per_10_staff", "score"]].isna().all()
    assert frame.index[-1] == "Z" and frame.loc["A", "units_ranked"] == 5
    assert not {"S1", "S2"} & set(frame.index)


def test_sectors_are_ranked_with_every_unit_below_them(con):
    # S1 = A + B + SM: 16 points, 63 staff; S2 = C + N + Z: 7 + 3 + 1 (Z's idea counts in
    # its sector) = 11 points, 37 staff. Mean 27 / 10 = 2.7, k × mean 13.5:
    # S1 (16 + 13.5) / 11.3 = 2.61, S2 (11 + 13.5) / 8.7 = 2.82.
    frame = table(con, level="sectors")
    assert frame[["headcount", "points"]].to_dict("index") == {
        "S2": {"headcount": 37, "points": 11},
        "S1": {"headcount": 63, "points": 16},
    }
    assert frame["score"].to_dict() == {
        "S2": pytest.approx(24.5 / 8.7),
        "S1": pytest.approx(29.5 / 11.3),
    }
    assert ranks(con, level="sectors") == {"S2": 1, "S1": 2}


def test_unit_narrows_the_rows_but_ranks_stay_organisation_wide(con):
    assert ranks(con, unit="S2") == {"N": 1, "C": 4}


def test_a_period_without_events_gives_every_unit_rank_1(con):
    # 2026-Q1: no idea, milestone, workshop or practice. N did not exist yet.
    frame = table(con, Q1)
    assert frame["points"].sum() == 0
    assert ranks(con, Q1) == {"A": 1, "B": 1, "C": 1, "SM": 1}
    rows = incentives.breakdown(con, period=Q1, unit="A", rules=DEFAULTS)
    assert rows["points"].sum() == 0 and rows["count"].sum() == 0
    # Everyone is first, so there is no place to move up to.
    assert rows["needed_to_move_up"].isna().all()


# ----------------------------------------------------------------------------- over periods


def test_most_improved_ranks_units_by_the_change_in_their_score(con):
    # Q2: A 6, B 1, SM 0, C 1 points; tens 2, 4, 0.3, 2.7 = 9; mean 8 / 9; k × mean 40 / 9.
    #   A (6 + 40/9) / 7 = 1.492, B (1 + 40/9) / 9 = 0.605, SM (40/9) / 5.3 = 0.839,
    #   C (1 + 40/9) / 7.7 = 0.707.
    # Changes: B 2.667 − 0.605 = +2.062, C 2.597 − 0.707 = +1.890, SM 2.642 − 0.839 = +1.803,
    # A 2.429 − 1.492 = +0.937. N did not exist in Q2: not compared.
    frame = incentives.most_improved(con, period=Q3, rules=DEFAULTS).set_index("unit_id")
    assert list(frame.index) == ["B", "C", "SM", "A"]
    assert frame.loc["B", "score_change"] == pytest.approx(8 / 3 - (1 + 40 / 9) / 9)
    assert frame.loc["A", "score_change"] == pytest.approx(17 / 7 - (6 + 40 / 9) / 7)
    assert frame["rank_change"].to_dict() == {"B": 3, "C": -1, "SM": -1, "A": -4}
    assert frame["improvement_rank"].tolist() == [1, 2, 3, 4]


def test_rank_history_follows_each_unit_over_the_periods(con):
    frame = incentives.rank_history(con, period=Q3, periods_back=3, rules=DEFAULTS)
    assert list(dict.fromkeys(frame["period"])) == ["2026-Q1", "2026-Q2", "2026-Q3"]
    alfa = frame[frame["unit_id"] == "A"]
    assert alfa["rank"].tolist() == [1, 1, 5]
    assert frame[frame["unit_id"] == "N"]["period"].tolist() == ["2026-Q3"]


# ----------------------------------------------------------------------------- what would help


def test_breakdown_says_what_would_lift_a_unit(con):
    # A is 5th with 4 points. One more implemented idea (+3): sum 29, mean 2.9, k × mean
    # 14.5 → A (7 + 14.5) / 7 = 3.07; B 25.5 / 9 = 2.83, SM 15.5 / 5.3 = 2.92,
    # C 21.5 / 7.7 = 2.79, N 17.5 / 6 = 2.92: A would be 1st.
    # One more idea (+1): mean 2.7, k × mean 13.5 → A 18.5 / 7 = 2.643 < C 20.5 / 7.7 = 2.662
    # (and the rest): still 5th. To pass C it needs x points with
    # (17 + 1.5x) / 7 > (20 + 0.5x) / 7.7 ⇔ x > 9.1 / 8.05 = 1.13, so two ideas; with two
    # (mean 2.8): A 20 / 7 = 2.857 beats B 2.78, SM 2.83, C 2.73, N 2.83 → 1st.
    rows = incentives.breakdown(con, period=Q3, unit="A", rules=DEFAULTS).set_index("event")
    assert rows.loc["idea_implemented", "rank_with_one_more"] == 1
    assert rows.loc["idea_submitted", "rank_with_one_more"] == 5
    assert rows.loc["idea_submitted", "needed_to_move_up"] == 2
    assert rows.loc["idea_submitted", "rank_when_moved_up"] == 1
    assert rows.loc["milestone_reached", "needed_to_move_up"] == 1


def test_a_first_unit_needs_nothing_to_move_up(con):
    rows = incentives.breakdown(con, period=Q3, unit="B", rules=DEFAULTS)
    assert rows["needed_to_move_up"].isna().all()
    assert (rows["rank_with_one_more"] == 1).all()


def test_breakdown_needs_a_ranked_unit(con):
    with pytest.raises(ValueError, match="needs a unit"):
        incentives.breakdown(con, period=Q3, unit=None)
    with pytest.raises(ValueError, match="no unit"):
        incentives.breakdown(con, period=Q3, unit="NOPE")


# ----------------------------------------------------------------------------- the rules file


def test_the_shipped_rules_file_holds_the_documented_defaults():
    assert incentives.load_rules(ROOT / "data" / "incentive_rules.toml") == Rules()


def test_a_missing_rules_file_gives_the_defaults(tmp_path):
    assert incentives.load_rules(tmp_path / "none.toml") == Rules()


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("[points]\nidea_submited = 2\n", "points.idea_submited"),
        ('[points]\nidea_submitted = "two"\n', "points.idea_submitted"),
        ("[points]\nmilestone_reached = -1\n", "points.milestone_reached"),
        ("[points]\nidea_implemented = true\n", "points.idea_implemented"),
        ('[standings]\nperiod = "week"\n', "standings.period"),
        ("[standings]\nprior_weight = -2\n", "standings.prior_weight"),
        ("[weights]\nidea_submitted = 1\n", "[weights]"),
        ("[points\nidea_submitted = 1\n", "not a valid TOML file"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_the_key(tmp_path, text, names):
    path = write_rules(tmp_path / "rules.toml", text)
    with pytest.raises(RulesError, match=None) as refused:
        incentives.load_rules(path)
    assert names in str(refused.value) and str(path) in str(refused.value)


# ----------------------------------------------------------------------------- the command line


def run_cli(db: Path, *args: str, rules: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "POHINA_DB": str(db)}
    env.pop("POHINA_INCENTIVE_RULES", None)
    if rules:
        env["POHINA_INCENTIVE_RULES"] = str(rules)
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.slow
def test_report_standings_prints_the_ranked_units(cli_file):
    done = run_cli(cli_file, "report", "standings", "--period", "2026-Q3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "period,unit_id,points,points_per_10_staff,score,rank",
        "2026-Q3,B,11.0,2.75,2.6667,1",
        "2026-Q3,N,3.0,3.0,2.6667,1",
        "2026-Q3,SM,1.0,3.3333,2.6415,3",
        "2026-Q3,C,7.0,2.5926,2.5974,4",
        "2026-Q3,A,4.0,2.0,2.4286,5",
    ]


@pytest.mark.slow
def test_report_standings_breakdown_lists_a_units_events(cli_file):
    done = run_cli(cli_file, "report", "standings_breakdown", "--unit", "B", "--period", "2026-Q3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "event,count,points",
        "idea_submitted,6,6.0",
        "idea_implemented,1,3.0",
        "milestone_reached,0,0.0",
        "workshop_attendance,2,2.0",
        "practice_published,0,0.0",
        "idea_awaiting_triage,0,0.0",
    ]


@pytest.mark.slow
def test_report_standings_breakdown_without_a_unit_is_a_usage_error(cli_file):
    done = run_cli(cli_file, "report", "standings_breakdown", "--period", "2026-Q3")
    assert done.returncode == 2
    assert "--unit" in done.stderr and not done.stdout


@pytest.mark.slow
def test_report_follows_the_rules_file_and_refuses_a_bad_one(cli_file, tmp_path):
    rules = write_rules(tmp_path / "rules.toml", "[points]\nmilestone_reached = 10\n")
    done = run_cli(cli_file, "report", "standings", "--period", "2026-Q3", rules=rules)
    assert done.stdout.splitlines()[1].startswith("2026-Q3,C,12.0,")
    write_rules(rules, "[points]\nmilestone = 10\n")
    done = run_cli(cli_file, "report", "standings", "--period", "2026-Q3", rules=rules)
    assert done.returncode == 2 and "points.milestone" in done.stderr
