"""Benchmarking: the home organisation among benchmark organisations, on hand-made data checked
against numpy and scipy, and on the real CSPS 2019 file through its preset and the page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from metrics import benchmark, exports, store
from metrics.imports import import_file, read_table
from tests.apptest import open_page
from tests.test_pages import ROOT
from tests.test_presets import YEARS

# A vendor's benchmark file in its own layout, read through a preset of the test's own: MED is
# the publisher's median row (an aggregate), G's engagement was suppressed by the publisher.
VENDOR_PRESET = """
title = "Test benchmark"
kind = "survey_results"
attribution = "Test data, licence T-1."
source = "The test publisher."
aggregates = ["MED"]
[columns]
org_id = "Code"
response_rate = "Rate"
[unpivot]
into = "indicator"
value = "favourable_pct"
[unpivot.columns]
"Engagement" = "satisfaction"
"Leadership" = "change_leadership"
[also.organisations]
columns = { org_id = "Code", name = "Name", group = "Group" }
constants = { home = "false" }
"""
B2019 = """Code,Name,Group,Rate,Engagement,Leadership
A,Alpha,g1,50%,50,40
B,Beta,g1,60%,55,40
C,Gamma,g2,70%,60,45
D,Delta,g2,80%,70,50
E,Epsilon,g3,90%,80,60
F,Zeta,g3,65%,90,70
G,Eta,g3,40%,n<10,n<10
MED,Median of all,all,70%,65,45
"""
B2018 = """Code,Name,Group,Rate,Engagement,Leadership
A,Alpha,g1,50%,40,30
B,Beta,g1,60%,50,40
C,Gamma,g2,70%,60,50
MED,Median of all,all,70%,50,40
"""
ROUNDS = """round_id,name,closed_on
B2018,Benchmark 2018,2018-10-31
B2019,Benchmark 2019,2019-10-31
H2018,Home 2018,2018-12-01
H2019,Home 2019,2019-11-15
"""
# The home organisation's own published results (its n decides its anonymity).
HOME = """round_id,org_id,indicator,favourable_pct,n
H2018,HOME,satisfaction,60,40
H2019,HOME,satisfaction,70,50
H2019,HOME,change_leadership,45,50
"""
# The benchmark organisations' figures that are not hidden, and not the aggregate MED.
SATISFACTION_2019 = [50, 55, 60, 70, 80, 90]
LEADERSHIP_2019 = [40, 40, 45, 50, 60, 70]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def vendor(empty_db, tmp_path):
    """Two benchmark rounds and the home organisation's own results in two rounds of its own."""
    preset = str(write(tmp_path, "vendor.toml", VENDOR_PRESET))
    import_file(empty_db, "survey_rounds", write(tmp_path, "rounds.csv", ROUNDS))
    for round_id, text in (("B2018", B2018), ("B2019", B2019)):
        path = write(tmp_path, f"{round_id}.csv", text)
        import_file(empty_db, "survey_results", path, preset=preset, round_id=round_id)
    import_file(empty_db, "survey_results", write(tmp_path, "home.csv", HOME))
    return empty_db


def row(frame: pd.DataFrame, round_id: str, indicator: str) -> pd.Series:
    return frame.set_index(["round_id", "indicator"]).loc[(round_id, indicator)]


def test_benchmark_quartiles_and_percentile_are_numpys_and_scipys(vendor):
    figures = benchmark.benchmark(vendor)
    for indicator, values, home in (
        ("satisfaction", SATISFACTION_2019, 70.0),
        ("change_leadership", LEADERSHIP_2019, 45.0),
    ):
        got = row(figures, "B2019", indicator)
        q1, median, q3 = np.percentile(values, [25, 50, 75], method="linear")
        assert got["benchmark_q1"] == pytest.approx(q1)
        assert got["benchmark_median"] == pytest.approx(median)
        assert got["benchmark_q3"] == pytest.approx(q3)
        assert got["home_pct"] == home
        expected = stats.percentileofscore(values, home, kind="mean")
        assert got["home_percentile"] == pytest.approx(expected)
        assert (got["organisations"], got["hidden_organisations"]) == (6, 1)


def test_benchmark_figures_worked_by_hand(vendor):
    got = row(benchmark.benchmark(vendor), "B2019", "satisfaction")
    # 50 55 60 70 80 90: q1 at position 1.25 = 55 + 0.25 × 5 = 56.25; the median halfway
    # between 60 and 70 = 65; q3 at position 3.75 = 70 + 0.75 × 10 = 77.5. Home 70: three
    # lower, one equal → (3 + 0.5) / 6 = 58.33 %.
    assert (got["benchmark_q1"], got["benchmark_median"], got["benchmark_q3"]) == (56.25, 65, 77.5)
    assert got["home_percentile"] == pytest.approx(58.333, abs=0.001)
    # change: home 60 → 70 = +10 pp (n 40 and 50: SE = √(.6·.4/40 + .7·.3/50) = 0.1010, the
    # interval ±19.8 pp holds 0: not significant); the median 50 (40 50 60 in 2018) → 65 = +15
    assert (got["home_change_pp"], got["benchmark_median_change_pp"]) == (10, 15)
    assert not got["home_change_significant"] and not got["home_change_suppressed"]
    assert (got["previous_round_id"], got["home_round_id"]) == ("B2018", "H2019")
    leadership = row(benchmark.benchmark(vendor), "B2019", "change_leadership")
    # no change_leadership at home in 2018: no change, and it is not said to be hidden
    assert np.isnan(leadership["home_change_pp"]) and not leadership["home_change_suppressed"]


def test_aggregates_and_suppressed_cells_stay_out_of_the_distribution(vendor):
    organisations = benchmark.benchmark_organisations(vendor, round_id="B2019")
    satisfaction = organisations[organisations["indicator"] == "satisfaction"].set_index("org_id")
    # the publisher's median is listed as a reference, never as an organisation
    assert satisfaction.loc["MED", "aggregate"] and not satisfaction.loc["A", "aggregate"]
    # G's suppressed cell is hidden: no figure, never 0
    assert satisfaction.loc["G", "suppressed"] and np.isnan(satisfaction.loc["G", "favourable_pct"])
    assert satisfaction.loc["B", "response_rate_pct"] == 60
    # 8 rows, 6 in the distribution: MED is an aggregate and G hidden
    assert row(benchmark.benchmark(vendor), "B2019", "satisfaction")["organisations"] == 6


def test_the_preset_records_its_source_and_licence_with_the_data(vendor):
    sources = benchmark.sources(vendor, round_id="B2019")
    assert sources[["source_id", "source", "attribution"]].values.tolist() == [
        ["vendor", "The test publisher.", "Test data, licence T-1."]
    ]
    tagged = store.read(vendor, "SELECT org_id FROM organisations WHERE source_id = 'vendor'")
    assert sorted(tagged["org_id"]) == ["A", "B", "C", "D", "E", "F", "G", "MED"]


def test_loading_the_organisations_again_keeps_their_source_and_aggregates(vendor, tmp_path):
    downloaded = exports.current_data(vendor, kind="organisations")
    path = tmp_path / "organisations.csv"
    path.write_bytes(exports.to_csv_bytes(downloaded))
    assert import_file(vendor, "organisations", path).updated == 9  # HOME, A … G and MED
    kept = store.read(vendor, "SELECT org_id, source_id, aggregate FROM organisations")
    assert kept.set_index("org_id").loc["MED"].tolist() == ["vendor", True]
    assert row(benchmark.benchmark(vendor), "B2019", "satisfaction")["organisations"] == 6


def test_each_benchmark_round_pairs_with_the_home_round_nearest_in_time(vendor, tmp_path):
    rounds = benchmark.benchmark_rounds(vendor).set_index("round_id")
    # B2018 (31.10.2018): H2018 (1.12.2018) is 31 days after it, H2019 over a year
    assert rounds.loc["B2018", "home_round_id"] == "H2018"
    assert rounds.loc["B2018", "days_apart"] == 31
    assert rounds.loc["B2019", "home_round_id"] == "H2019"
    # a home round closing 15 days before B2019 ties with H2019, 15 days after: the earlier wins
    tie = "round_id,name,closed_on\nH2019A,Home 2019 autumn,2019-10-16\n"
    import_file(vendor, "survey_rounds", write(tmp_path, "tie.csv", tie))
    home = "round_id,org_id,indicator,favourable_pct,n\nH2019A,HOME,satisfaction,68,50\n"
    import_file(vendor, "survey_results", write(tmp_path, "tie_home.csv", home))
    rounds = benchmark.benchmark_rounds(vendor).set_index("round_id")
    assert rounds.loc["B2019", "home_round_id"] == "H2019A"
    assert rounds.loc["B2019", "days_apart"] == -15


def test_a_home_round_more_than_a_year_away_is_not_compared(empty_db, tmp_path):
    preset = str(write(tmp_path, "vendor.toml", VENDOR_PRESET))
    rounds = "round_id,name,closed_on\nB2019,Benchmark 2019,2019-10-31\nH2021,Home,2021-01-15\n"
    import_file(empty_db, "survey_rounds", write(tmp_path, "rounds.csv", rounds))
    path = write(tmp_path, "b.csv", B2019)
    import_file(empty_db, "survey_results", path, preset=preset, round_id="B2019")
    home = "round_id,org_id,indicator,favourable_pct,n\nH2021,HOME,satisfaction,70,50\n"
    import_file(empty_db, "survey_results", write(tmp_path, "home.csv", home))
    assert benchmark.benchmark_rounds(empty_db)["home_round_id"].isna().all()
    got = row(benchmark.benchmark(empty_db), "B2019", "satisfaction")
    assert np.isnan(got["home_pct"]) and np.isnan(got["home_percentile"])
    assert got["benchmark_median"] == 65  # the benchmark figures stand on their own


def test_a_small_home_figure_and_a_small_benchmark_figure_stay_hidden(vendor, tmp_path):
    # the home organisation with 3 respondents (below 5), and a peer with n = 4
    home = "round_id,org_id,indicator,favourable_pct,n\nH2019,HOME,satisfaction,70,3\n"
    import_file(vendor, "survey_results", write(tmp_path, "small.csv", home))
    orgs = "org_id,name,home\nP,Small peer,false\n"
    import_file(vendor, "organisations", write(tmp_path, "orgs.csv", orgs))
    peer = "round_id,org_id,indicator,favourable_pct,n\nB2019,P,satisfaction,99,4\n"
    import_file(vendor, "survey_results", write(tmp_path, "peer.csv", peer))
    got = row(benchmark.benchmark(vendor), "B2019", "satisfaction")
    assert got["home_suppressed"] and np.isnan(got["home_pct"]) and np.isnan(got["home_percentile"])
    assert got["home_change_suppressed"] and np.isnan(got["home_change_pp"])
    assert (got["organisations"], got["hidden_organisations"]) == (6, 2)
    assert got["benchmark_max"] == 90  # the small peer's 99 is not in it
    listed = benchmark.benchmark_organisations(vendor, round_id="B2019").set_index("org_id")
    assert listed.loc["P", "suppressed"] and np.isnan(listed.loc["P", "favourable_pct"])


@pytest.mark.slow
def test_report_benchmark_prints_its_columns_and_refuses_a_home_round(vendor, tmp_path):
    path = tmp_path / "empty.duckdb"  # the vendor data's file, closed for the command line
    store.close(path)
    env = {**os.environ, "POHINA_DB": str(path)}
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "report", "benchmark", "--round", "B2019"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "round_id,indicator,home_pct,benchmark_median,benchmark_q1,benchmark_q3,"
        "home_percentile,organisations"
    )
    assert lines[1:] == [
        "B2019,satisfaction,70.0,65.0,56.25,77.5,58.3333,6",
        # 40 40 45 50 60 70: median 47.5, q1 41.25, q3 57.5; home 45: (2 + 0.5) / 6
        "B2019,change_leadership,45.0,47.5,41.25,57.5,41.6667,6",
    ]
    wrong = subprocess.run(
        [sys.executable, "-m", "metrics", "report", "benchmark", "--round", "H2019"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert wrong.returncode == 2 and "they are: B2018, B2019" in wrong.stderr


# ----------------------------------------------------------------------------- CSPS 2019

# The home organisation: one unit, two satisfaction items and one change-leadership item, eight
# respondents in a round that closed a fortnight after the CSPS 2019 fieldwork.
HOME_UNITS = "unit_id,name,headcount\nU1,Kaupungintalo,20\n"
HOME_ITEMS = """item_id,text_fi,indicator
S1,Viihdyn työssäni,satisfaction
S2,Suosittelen työpaikkaani,satisfaction
C1,Muutokset johdetaan hyvin,change_leadership
"""
HOME_ROUND = "round_id,name,closed_on\nR2019,Henkilöstökysely 2019,2019-11-15\n"
# satisfaction: S1 has 6 of 8 favourable (4 or 5), S2 6 of 8: 12 / 16 = 75 %;
# change leadership: C1 has 4 of 8 favourable = 50 %
HOME_ANSWERS = """round_id,unit_id,S1,S2,C1
R2019,U1,5,4,4
R2019,U1,4,5,5
R2019,U1,4,4,4
R2019,U1,5,5,5
R2019,U1,4,4,2
R2019,U1,4,4,3
R2019,U1,2,3,3
R2019,U1,3,2,1
"""
AGGREGATE_CODES = {"CS_MEDIAN", "CS_MEAN"}


@pytest.fixture
def csps_city(tmp_path, csps):
    """A closed database: the real CSPS 2019 file through its preset, and a home survey."""
    path = tmp_path / "csps.duckdb"
    con = store.connect(path)
    name, _ = YEARS[2019]
    import_file(con, "survey_results", csps / name, preset="csps", round_id="CSPS2019")
    for kind, text in (
        ("units", HOME_UNITS),
        ("survey_items", HOME_ITEMS),
        ("survey_rounds", HOME_ROUND),
        ("survey_responses", HOME_ANSWERS),
    ):
        import_file(con, kind, write(tmp_path, f"{kind}.csv", text))
    store.close(path)
    yield path
    store.close(path)


def published_2019(csps: Path, column: str) -> np.ndarray:
    """The 2019 file's organisations' figures in a column, read independently of Pöhinä."""
    frame = read_table(csps / YEARS[2019][0])
    frame = frame[~frame["Organisation code"].isin(AGGREGATE_CODES)]
    return frame[column].str.rstrip("%").astype(float).to_numpy()


def test_real_csps_2019_through_the_benchmark_page(csps_city, csps, monkeypatch):
    app = open_page(csps_city, monkeypatch, "benchmark")
    assert app.title[0].value == "Vertailu muihin organisaatioihin"
    satisfaction = next(m for m in app.metric if m.label == "Työtyytyväisyys")
    assert satisfaction.value == "75,0\u00a0%"
    engagement = published_2019(csps, "Employee Engagement Index")
    assert len(engagement) == 109  # 111 rows less the median and the mean of all civil servants
    percentile = stats.percentileofscore(engagement, 75.0, kind="mean")
    median = np.percentile(engagement, 50)
    captions = [c.value for c in app.caption]
    assert f"Persentiili {percentile:.0f}: vertailuorganisaatioista" in " ".join(captions)
    assert any(c.startswith(f"Vertailun mediaani {median:.1f}".replace(".", ",")) for c in captions)
    assert any("15 päivän päässä" in c for c in captions)  # 31.10.2019 and 15.11.2019
    texts = [t.value for t in app.text]
    credit = "Contains public sector information licensed under the Open Government Licence v3.0."
    assert texts and all(credit in t and "Cabinet Office" in t for t in texts)
    organisations = app.dataframe[1].value
    assert len(organisations) == 109
    assert "Civil Service Benchmark (median)" not in set(organisations["Organisaatio"])
    assert "Civil Service Benchmark (median)" in set(app.dataframe[2].value["Organisaatio"])


def test_benchmark_page_in_english_and_without_benchmarks(csps_city, city_path, monkeypatch):
    app = open_page(csps_city, monkeypatch, "benchmark", lang="en")
    assert next(m for m in app.metric if m.label == "Change leadership").value == "50.0%"
    empty = open_page(city_path, monkeypatch, "benchmark")
    assert empty.info[0].value.startswith("Vertailutietoja ei ole vielä tuotu")
