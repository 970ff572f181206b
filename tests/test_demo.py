"""The demo generator: deterministic, believable at both scales, and loadable by the importer."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics import benchmark, store, survey
from metrics.contract import KINDS
from metrics.demo import PILOT_UNIT_IDS, SCALES, build_demo, write_demo_files

AS_OF = date(2026, 11, 27)
DATE_COLUMNS = {
    column.name for kind in KINDS.values() for column in kind.columns if column.type == "date"
}


def _read(files, kind: str) -> pd.DataFrame:
    frames = [
        pd.read_csv(f.path, dtype=str, keep_default_na=False) for f in files if f.kind == kind
    ]
    return pd.concat(frames, ignore_index=True)


def _current_units(files) -> pd.DataFrame:
    """One row per unit: the latest of its headcount-history rows."""
    units = _read(files, "units")
    return units.sort_values("as_of", kind="stable").drop_duplicates("unit_id", keep="last")


@pytest.fixture(scope="module")
def imatra(tmp_path_factory):
    """The imatra-scale demo files, seed 1, written once for the module."""
    return write_demo_files(tmp_path_factory.mktemp("imatra"), scale="imatra", seed=1, as_of=AS_OF)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The city-scale demo files (about five seconds to write)."""
    return write_demo_files(tmp_path_factory.mktemp("city"), scale="city", seed=1, as_of=AS_OF)


@pytest.fixture(scope="module")
def imatra_db(tmp_path_factory):
    """A database built from the imatra demo through the real importer."""
    directory = tmp_path_factory.mktemp("imatra_db")
    path = directory / "demo.duckdb"
    con = store.connect(path)
    results = build_demo(con, scale="imatra", seed=1, out_dir=directory / "files", as_of=AS_OF)
    yield con, results
    store.close(path)


def test_same_seed_and_date_give_byte_identical_files(imatra, tmp_path):
    again = write_demo_files(tmp_path, scale="imatra", seed=1, as_of=AS_OF)
    assert [(f.kind, f.path.name, f.round_id) for f in again] == [
        (f.kind, f.path.name, f.round_id) for f in imatra
    ]
    for first, second in zip(imatra, again, strict=True):
        assert first.path.read_bytes() == second.path.read_bytes(), first.path.name


def test_a_different_seed_gives_different_ideas(imatra, tmp_path):
    other = write_demo_files(tmp_path, scale="imatra", seed=2, as_of=AS_OF)
    assert _read(other, "ideas")["title"].tolist() != _read(imatra, "ideas")["title"].tolist()


def test_files_come_in_import_order_with_one_responses_file_per_round(imatra):
    kinds = [f.kind for f in imatra]
    assert kinds[:11] == [
        "organisations",
        "units",
        "teams",
        "campaigns",  # the ideas name the campaign they answer
        "ideas",
        "projects",
        "milestones",
        "activities",
        "practices",
        "survey_rounds",
        "survey_items",
    ]
    responses = [f for f in imatra if f.kind == "survey_responses"]
    rounds = _read(imatra, "survey_rounds")["round_id"].tolist()
    assert [f.round_id for f in responses] == rounds
    assert [f.path.name for f in responses] == [f"survey_responses_{r}.csv" for r in rounds]


def test_headers_are_data_contract_columns(imatra):
    items = _read(imatra, "survey_items")["item_id"].tolist()
    for f in imatra:
        header = f.path.read_text(encoding="utf-8").splitlines()[0].split(",")
        known = [c.name for c in KINDS[f.kind].columns]
        if f.kind == "survey_responses":
            assert header == known + items
        else:
            assert set(KINDS[f.kind].required) <= set(header) <= set(known), f.kind


def test_imatra_has_40_units_about_2300_staff_and_the_pilot_units(imatra):
    units = _current_units(imatra)
    assert len(units) == SCALES["imatra"].units == 40
    assert units["headcount"].astype(int).sum() == pytest.approx(2300, rel=0.10)
    assert set(PILOT_UNIT_IDS) <= set(units["unit_id"])
    assert units.loc[units["unit_id"] == "viestinta", "name"].item() == "Viestintä"


@pytest.mark.slow
def test_city_has_400_units_about_40000_staff_and_the_pilot_units(city):
    units = _current_units(city)
    assert units["unit_id"].is_unique and len(units) == 400
    assert units["headcount"].astype(int).sum() == pytest.approx(40_000, rel=0.10)
    assert set(PILOT_UNIT_IDS) <= set(units["unit_id"])


@pytest.mark.parametrize("scale", ["imatra", pytest.param("city", marks=pytest.mark.slow)])
def test_units_have_plausible_staff_and_supervisors(scale, request):
    units = _read(request.getfixturevalue(scale), "units")
    headcount, supervisors = units["headcount"].astype(int), units["supervisors"].astype(int)
    assert headcount.between(2, 300).all()
    assert (supervisors >= 1).all() and (supervisors <= headcount).all()
    assert (headcount.between(3, 6)).sum() >= 3  # small units: survey groups under five


def test_some_unit_has_fewer_than_five_respondents_in_a_round(imatra):
    respondents = _read(imatra, "survey_responses").groupby(["round_id", "unit_id"]).size()
    assert (respondents < 5).any()


@pytest.mark.slow
def test_city_survey_is_the_budget_scale(city):
    rounds = [f for f in city if f.kind == "survey_responses"]
    respondents = sum(sum(1 for _ in f.path.open(encoding="utf-8")) - 1 for f in rounds)
    assert len(rounds) == 20
    # headcount 40,000 × 20 rounds × a 60–85 % response rate
    assert 480_000 <= respondents <= 680_000


@pytest.mark.parametrize("scale", ["imatra", pytest.param("city", marks=pytest.mark.slow)])
def test_only_plans_are_dated_after_as_of(scale, request):
    plans = {("projects", "started_on"), ("projects", "due_on"), ("milestones", "due_on"),
             ("actions", "due_on"), ("campaigns", "closes_on")}  # fmt: skip
    for f in request.getfixturevalue(scale):
        if f.kind == "survey_responses":
            continue
        frame = pd.read_csv(f.path, dtype=str, keep_default_na=False)
        for column in DATE_COLUMNS & set(frame.columns) - {c for k, c in plans if k == f.kind}:
            dates = frame.loc[frame[column] != "", column]
            assert (dates <= AS_OF.isoformat()).all(), f"{f.path.name}: {column}"


def test_every_idea_date_lies_between_submission_and_as_of(imatra):
    ideas = _read(imatra, "ideas")
    for column in ("status_changed_on", "decided_on", "implemented_on"):
        dated = ideas[ideas[column] != ""]
        assert (dated[column] >= dated["submitted_on"]).all(), column
        assert (dated[column] <= AS_OF.isoformat()).all(), column


def test_decided_and_implemented_ideas_carry_their_dates(imatra):
    ideas = _read(imatra, "ideas")
    decided = ideas["status"].isin(["accepted", "in_trial", "implemented", "rejected"])
    assert (ideas.loc[decided, "decided_on"] != "").all()
    implemented = ideas["status"] == "implemented"
    assert (ideas.loc[implemented, "implemented_on"] != "").all()
    assert (ideas.loc[implemented, "benefit_hours_per_year"] != "").mean() > 0.5


def test_merged_ideas_point_to_existing_earlier_ideas(imatra):
    ideas = _read(imatra, "ideas").set_index("idea_id")
    merged = ideas[ideas["status"] == "merged"]
    assert len(merged) > 0
    assert merged["merged_into"].isin(ideas.index).all()
    assert (merged["merged_into"] != merged.index).all()
    targets = ideas.loc[merged["merged_into"], "submitted_on"].to_numpy()
    assert (targets <= merged["submitted_on"].to_numpy()).all()


def test_idea_flow_and_decision_backlog_look_real(imatra):
    ideas = _read(imatra, "ideas")
    per_staff_year = len(ideas) / 2300 / SCALES["imatra"].idea_years
    assert 0.15 <= per_staff_year <= 0.35
    named = ideas[ideas["anonymous"] == "false"]
    assert named["submitter"].nunique() < len(named)  # people send more than one idea
    assert (ideas["anonymous"] == "true").mean() == pytest.approx(0.15, abs=0.05)
    waiting = ideas[ideas["status"].isin(["new", "in_review"])]
    age = (pd.Timestamp(AS_OF) - pd.to_datetime(waiting["submitted_on"])).dt.days
    assert (age > 30).any()  # some ideas are overdue
    assert (ideas["title"].str.len() <= 200).all()


def test_ideas_and_practices_name_existing_teams_ideas_and_projects(imatra):
    ideas, teams = _read(imatra, "ideas"), _read(imatra, "teams")
    projects, practices = _read(imatra, "projects"), _read(imatra, "practices")
    assert set(ideas["team_id"]) - {""} <= set(teams["team_id"])
    assert set(practices["idea_id"]) - {""} <= set(ideas["idea_id"])
    assert set(practices["project_id"]) - {""} <= set(projects["project_id"])


def test_supervisors_at_workshops_never_exceed_the_units_supervisors(imatra):
    activities = _read(imatra, "activities")
    units = _current_units(imatra).set_index("unit_id")
    workshops = activities[activities["kind"] == "supervisor_workshop"]
    limit = units.loc[workshops["unit_id"], "supervisors"].astype(int).to_numpy()
    assert (workshops["supervisors"].astype(int).to_numpy() <= limit).all()
    seminars = activities[activities["kind"] == "seminar"]
    assert (seminars["org_id"] != "").any() and (seminars["unit_id"] != "").any()


def _favourable_pct(files, round_id: str, indicator: str) -> float:
    items = _read(files, "survey_items")
    answers = next(f for f in files if f.round_id == round_id)
    frame = pd.read_csv(answers.path)
    chosen = items[items["indicator"] == indicator]
    values = pd.concat(
        [
            6 - frame[i] if r == "true" else frame[i]
            for i, r in chosen[["item_id", "reverse"]].values
        ]
    )
    return 100 * (values >= 4).sum() / values.notna().sum()


@pytest.mark.parametrize(
    ("indicator", "low", "high"),
    [("satisfaction", 0, 12), ("internal_communication", 20, 45), ("change_leadership", 15, 35)],
)
def test_survey_indicators_move_about_as_the_programme_reported(imatra, indicator, low, high):
    rounds = _read(imatra, "survey_rounds")["round_id"].tolist()
    before = _favourable_pct(imatra, rounds[0], indicator)
    after = _favourable_pct(imatra, rounds[-1], indicator)
    assert low <= 100 * (after - before) / before <= high


def test_build_demo_loads_imatra_without_rejection(imatra_db, imatra):
    con, results = imatra_db
    assert [r.kind for r in results] == [f.kind for f in imatra]
    ideas = store.read(con, "SELECT count(*) AS n FROM ideas")["n"].item()
    assert ideas == len(_read(imatra, "ideas"))
    respondents = store.read(
        con, "SELECT count(DISTINCT (round_id, unit_id, respondent)) AS n FROM survey_answers"
    )["n"].item()
    assert respondents == len(_read(imatra, "survey_responses"))
    home = store.read(con, "SELECT name FROM organisations WHERE home")["name"].tolist()
    assert home == ["Esimerkkikaupunki"]


def test_the_demo_has_peer_results_so_the_benchmark_page_has_figures(imatra_db):
    # three peers took part in each of the city's three rounds; every programme indicator of
    # every round has a benchmark median and the city's percentile among them
    con, _ = imatra_db
    figures = benchmark.benchmark_report(con)
    assert set(figures["round_id"]) == set(survey.rounds(con)["round_id"])
    assert (figures["organisations"] == 3).all()
    assert figures["benchmark_median"].notna().all() and figures["home_pct"].notna().all()
