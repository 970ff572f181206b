"""A closed survey round is frozen as published (docs/design.md, Anonymity): its figures use the
organisation as it was when its answers were first loaded, and its answers are not loaded again
except as an explicit correction within a short window. Otherwise two saved copies of a report
would subtract to a hidden group's figures: move the three-person U3 from S2 to S1, and S1's
new figure minus its old one is U3's."""

from __future__ import annotations

import logging
import shutil

import duckdb
import pandas as pd
import pytest

from metrics import import_write, store, survey
from metrics.imports import ImportRejected, import_log
from tests.fixtures import UNITS, answer_rows, load, write, write_csv
from tests.snapshots import snapshot
from tests.test_cli import run

# The fixture city's R2 with its last respondent of U3 left out: U3's three become two.
FEWER = [r for r in answer_rows() if r["round_id"] == "R2" and r["respondent"] != "U3-3"]


def figures(con) -> dict[str, pd.DataFrame]:
    """Every group figure of the fixture city's two rounds, as the pages and reports read them."""
    return {
        "group_scores": survey.group_scores(con, round_ids=["R1", "R2"]),
        "change_between": survey.change_between(con, from_round="R1", to_round="R2"),
        "item_scores R1": survey.item_scores(con, round_id="R1"),
        "item_scores R2": survey.item_scores(con, round_id="R2"),
    }


def assert_same(before: dict, after: dict) -> None:
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name], obj=name)


# ------------------------------------------------------------------ the tree of a round


@pytest.mark.parametrize(
    "units",
    [
        pytest.param("U3,Pieni yksikkö,3,S1\n", id="small-unit-moved-to-another-sector"),
        pytest.param("S3,Sektori C,0,\nU3,Pieni yksikkö,3,S3\n", id="small-unit-under-new-sector"),
        pytest.param("U1,Viestintä,10,S2\n", id="unit-moved-beside-the-small-one"),
        # figures are keyed by unit id: a rename never moved them, and must not start to
        pytest.param("U4,Iso yksikkö nyt Suuri,65,S2\n", id="renamed"),
    ],
)
def test_moving_or_renaming_units_after_a_round_changes_none_of_its_figures(
    writable_city, tmp_path, units
):
    before = figures(writable_city)
    load(
        writable_city,
        "units",
        write(tmp_path, "u.csv", "unit_id,name,headcount,parent_id\n" + units),
    )
    assert_same(before, figures(writable_city))


def test_a_round_loaded_after_a_move_uses_the_tree_as_it_was_then(writable_city, tmp_path):
    load(
        writable_city,
        "units",
        write(tmp_path, "u.csv", "unit_id,name,headcount,parent_id\nU3,Pieni yksikkö,3,S1\n"),
    )
    before = survey.group_scores(writable_city, round_ids=["R2"])
    rounds = write(tmp_path, "r.csv", "round_id,name,closed_on\nR3,Kysely 2026 syksy,2026-11-20\n")
    load(writable_city, "survey_rounds", rounds)
    again = [{**r, "round_id": "R3"} for r in answer_rows() if r["round_id"] == "R2"]
    load(writable_city, "survey_responses", write_csv(tmp_path / "r3.csv", again))
    scores = survey.group_scores(writable_city, round_ids=["R2", "R3"])
    satisfaction = scores[scores["indicator"] == "satisfaction"].set_index(["round_id", "group_id"])
    # R2 keeps U3 in S2 (U1 6 + U2 8 in S1); R3, loaded after the move, has it in S1 (+3)
    assert satisfaction.loc[("R2", "S1"), "respondents"] == 14
    assert satisfaction.loc[("R3", "S1"), "respondents"] == 17
    assert satisfaction.loc[("R3", "S2"), "respondents"] == 10
    pd.testing.assert_frame_equal(before, scores[scores["round_id"] == "R2"].reset_index(drop=True))


def test_vendor_results_of_home_units_keep_the_tree_of_their_first_load(writable_city, tmp_path):
    load(
        writable_city,
        "survey_rounds",
        write(tmp_path, "r.csv", "round_id,name,closed_on\nV,Toimittaja,2026-11-01\n"),
    )
    results = write(
        tmp_path,
        "v.csv",
        "round_id,unit_id,org_id,indicator,favourable_pct,n\n"
        "V,S1,,satisfaction,70,14\nV,U1,,satisfaction,60,6\nV,U2,,satisfaction,75,8\n"
        "V,S2,,satisfaction,65,13\nV,U3,,satisfaction,30,3\nV,U4,,satisfaction,70,10\n"
        "V,,HOME,satisfaction,68,27\n",
    )
    load(writable_city, "survey_results", results)
    before = survey.group_scores(writable_city, round_ids=["V"])
    load(
        writable_city,
        "units",
        write(tmp_path, "u.csv", "unit_id,name,headcount,parent_id\nU3,Pieni yksikkö,3,S1\n"),
    )
    pd.testing.assert_frame_equal(before, survey.group_scores(writable_city, round_ids=["V"]))


def test_rounds_loaded_before_the_upgrade_are_frozen_on_the_tree_they_had(tmp_path, monkeypatch):
    mine = next(i for i, m in enumerate(store.MIGRATIONS) if "survey_round_units" in m)
    path = tmp_path / "old.duckdb"
    with monkeypatch.context() as old:
        old.setattr(store, "MIGRATIONS", store.MIGRATIONS[:mine])
        con = store.connect(path)
        cur = con.cursor()
        for unit in UNITS:
            cur.execute(
                "INSERT INTO units (unit_id, name, parent_id, org_id) VALUES (?, ?, ?, 'HOME')",
                [unit["unit_id"], unit["name"], unit["parent_id"] or None],
            )
        cur.execute("INSERT INTO survey_rounds VALUES ('R1', 'Kysely', '2025-10-31', NULL)")
        cur.execute("INSERT INTO survey_rounds VALUES ('R2', 'Ei vastauksia', '2026-10-31', NULL)")
        cur.execute(
            "INSERT INTO survey_items (item_id, text_fi, indicator)"
            " VALUES ('SAT1', 'x', 'satisfaction')"
        )
        cur.execute(
            "INSERT INTO survey_answers"
            " VALUES ('R1', 'U3', 'a', 'SAT1', 4), ('R1', 'U4', 'b', 'SAT1', 2)"
        )
        cur.execute(
            "INSERT INTO import_log (imported_at, kind, file_name, content_sha256, rows_added,"
            " rows_updated) VALUES ('2025-11-03 10:00', 'survey_responses', 'r.csv', 'x', 2, 0)"
        )
        cur.close()
        store.close(path)
    con = store.connect(path)
    frozen = store.read(
        con, "SELECT round_id, unit_id, parent_id FROM survey_round_units ORDER BY 2"
    )
    assert set(frozen["round_id"]) == {"R1"}  # R2 has nothing of its units yet
    assert dict(zip(frozen["unit_id"], frozen["parent_id"], strict=True))["U3"] == "S2"
    loads = store.read(con, "SELECT round_id, first_loaded_at FROM survey_round_loads")
    # the earliest responses load the log knows: the window cannot be longer than it was
    assert loads.to_dict("records") == [
        {"round_id": "R1", "first_loaded_at": pd.Timestamp("2025-11-03 10:00")}
    ]
    store.close(path)


# ------------------------------------------------------------------ loading a round again


def test_loading_a_round_again_is_refused_and_names_the_option(writable_city, tmp_path):
    before, rows = figures(writable_city), snapshot(writable_city)
    with pytest.raises(ImportRejected) as refused:
        load(writable_city, "survey_responses", write_csv(tmp_path / "fewer.csv", FEWER))
    report = refused.value.report()
    assert "R2" in report and "--replace-round" in report and "replace_round=True" in report
    assert snapshot(writable_city) == rows
    assert_same(before, figures(writable_city))


def test_a_round_given_again_exactly_as_stored_passes_even_after_the_window(
    writable_city, tmp_path
):
    # a downloaded file loaded back changes no figure (docs/data-contract.md: a re-import updates)
    cur = writable_city.cursor()
    cur.execute("UPDATE survey_round_loads SET first_loaded_at = first_loaded_at - INTERVAL 99 DAY")
    cur.close()
    before, rows = figures(writable_city), snapshot(writable_city, logs=False)
    same = [r for r in answer_rows() if r["round_id"] == "R2"]
    result = load(writable_city, "survey_responses", write_csv(tmp_path / "same.csv", same))
    assert (result.added, result.updated) == (0, 27)
    assert snapshot(writable_city, logs=False) == rows
    assert_same(before, figures(writable_city))


def test_a_file_with_a_new_round_and_a_loaded_one_is_refused_whole(writable_city, tmp_path):
    load(
        writable_city,
        "survey_rounds",
        write(tmp_path, "r.csv", "round_id,name,closed_on\nR3,Syksy,2026-11-20\n"),
    )
    rows = snapshot(writable_city)
    both = FEWER + [{**r, "round_id": "R3"} for r in FEWER]
    with pytest.raises(ImportRejected, match="--replace-round"):
        load(writable_city, "survey_responses", write_csv(tmp_path / "both.csv", both))
    assert snapshot(writable_city) == rows


def test_a_unit_left_out_of_the_first_load_cannot_be_added_later(writable_city, tmp_path):
    # Adding U3's answers to a round loaded without them moves S2 by exactly U3's figure.
    load(
        writable_city,
        "survey_rounds",
        write(tmp_path, "r.csv", "round_id,name,closed_on\nR3,Syksy,2026-11-20\n"),
    )
    first = [{**r, "round_id": "R3"} for r in FEWER if r["unit_id"] != "U3"]
    load(writable_city, "survey_responses", write_csv(tmp_path / "first.csv", first))
    late = [{**r, "round_id": "R3"} for r in FEWER if r["unit_id"] == "U3"]
    with pytest.raises(ImportRejected, match="--replace-round"):
        load(writable_city, "survey_responses", write_csv(tmp_path / "late.csv", late))


def test_replacing_a_round_within_the_window_is_done_and_logged(writable_city, tmp_path, caplog):
    r1 = survey.group_scores(writable_city, round_ids=["R1"])
    with caplog.at_level(logging.WARNING, logger="metrics.imports"):
        result = load(
            writable_city,
            "survey_responses",
            write_csv(tmp_path / "fewer.csv", FEWER),
            replace_round=True,
        )
    assert any("R2" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    assert any("replaced survey round R2" in w for w in result.warnings)
    counts = store.read(
        writable_city,
        "SELECT round_id, count(DISTINCT respondent) AS n FROM survey_answers"
        " GROUP BY 1 ORDER BY 1",
    )
    assert counts["n"].tolist() == [27, 26]  # R2's 27 respondents less U3's third
    sums = store.read(
        writable_city,
        "SELECT sum(respondents) AS n FROM survey_unit_sums WHERE round_id = 'R2'"
        " AND indicator = 'satisfaction'",
    )
    assert sums["n"].iloc[0] == 26
    pd.testing.assert_frame_equal(r1, survey.group_scores(writable_city, round_ids=["R1"]))
    logged = import_log(writable_city, limit=1).iloc[0]
    assert logged["kind"] == "survey_responses" and "replaced survey round R2" in logged["report"]


def test_replacing_a_round_after_the_window_is_refused_saying_why(writable_city, tmp_path):
    cur = writable_city.cursor()
    cur.execute("UPDATE survey_round_loads SET first_loaded_at = first_loaded_at - INTERVAL 15 DAY")
    cur.close()
    before, rows = figures(writable_city), snapshot(writable_city)
    with pytest.raises(ImportRejected) as refused:
        load(
            writable_city,
            "survey_responses",
            write_csv(tmp_path / "fewer.csv", FEWER),
            replace_round=True,
        )
    report = refused.value.report()
    assert "R2" in report and "correction window" in report and "14 days" in report
    assert "survey.correction_window_days" in report
    assert snapshot(writable_city) == rows
    assert_same(before, figures(writable_city))


def test_the_correction_window_is_a_setting(writable_city, tmp_path, monkeypatch):
    settings = write(tmp_path, "settings.toml", "[survey]\ncorrection_window_days = 0\n")
    monkeypatch.setenv("POHINA_SETTINGS", str(settings))
    with pytest.raises(ImportRejected, match="0 days"):
        load(
            writable_city,
            "survey_responses",
            write_csv(tmp_path / "fewer.csv", FEWER),
            replace_round=True,
        )


def test_a_replacement_that_fails_leaves_the_round_as_it_was(writable_city, tmp_path, monkeypatch):
    rows = snapshot(writable_city, logs=False)

    def broken(cur, round_ids=None):
        raise duckdb.Error("disk full")

    monkeypatch.setattr(import_write, "refresh_survey_sums", broken)
    with pytest.raises(duckdb.Error):
        load(
            writable_city,
            "survey_responses",
            write_csv(tmp_path / "fewer.csv", FEWER),
            replace_round=True,
        )
    assert snapshot(writable_city, logs=False) == rows


@pytest.mark.slow
def test_command_line_refuses_a_reload_and_replaces_with_the_option(fixture_db_path, tmp_path):
    db = tmp_path / "pohina.duckdb"
    shutil.copy(fixture_db_path, db)
    path = write_csv(tmp_path / "fewer.csv", FEWER)
    refused = run(db, "import", "survey_responses", str(path))
    assert refused.returncode == 1 and "--replace-round" in refused.stderr
    done = run(db, "import", "survey_responses", str(path), "--replace-round")
    assert done.returncode == 0, done.stderr
    assert "replaced survey round R2" in done.stdout
