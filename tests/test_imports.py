"""The importer: every row validated, all or nothing, upsert by id.

Messy real files (encodings, Excel's CSV, empty, binary and huge files, workbooks with several
sheets, formula-looking cells) are in test_import_robustness.py, one case a test.
"""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import store
from metrics.imports import ImportRejected, import_log
from tests.fixtures import fixture_files, load, write
from tests.snapshots import snapshot


def test_fixture_city_loads_every_kind_it_has(empty_db, tmp_path):
    for kind, path in fixture_files(tmp_path):
        result = load(empty_db, kind, path)
        assert result.rows > 0 and result.added + result.updated == result.rows
    counts = store.read(empty_db, "SELECT count(*) FROM units").iloc[0, 0]
    assert counts == 6
    # a new database creates a home organisation; the file's home organisation replaces it
    homes = store.read(empty_db, "SELECT org_id FROM organisations WHERE home")
    assert homes["org_id"].tolist() == ["HOME"]


def test_bad_rows_are_each_reported_and_nothing_is_written(writable_city, tmp_path):
    before = snapshot(writable_city)
    path = write(
        tmp_path,
        "ideas.csv",
        "idea_id,unit_id,submitted_on,title,status\n"
        "N1,U1,2026-10-01,Hyvä idea,new\n"
        "N2,NOPE,2026-10-01,Yksikkö puuttuu,new\n"
        "N3,U1,31.2.2026,Huono päivä,new\n"
        "N4,U1,2026-10-01,Tuntematon tila,maybe\n"
        "N5,U1,2026-10-01,,new\n",
    )
    with pytest.raises(ImportRejected) as refused:
        load(writable_city, "ideas", path)
    found = {(e.row, e.column) for e in refused.value.errors}
    assert found == {(3, "unit_id"), (4, "submitted_on"), (5, "status"), (6, "title")}
    report = refused.value.report()
    assert "row 3, column unit_id, value 'NOPE': no such unit" in report
    assert "nothing was written" in report
    assert snapshot(writable_city) == before
    # The refusal is logged outside the database: none of the 5 rows loaded, 4 problems named.
    log = import_log(writable_city)[
        ["file_name", "refused", "rows_added", "rows_rejected", "problems"]
    ]
    assert log.iloc[0].tolist() == ["ideas.csv", True, 0, 5, 4]


def test_reimport_updates_rows_instead_of_duplicating(writable_city, tmp_path):
    path = write(
        tmp_path,
        "ideas.csv",
        "idea_id,unit_id,submitted_on,title,status\nI4,U4,2026-09-01,Uusi otsikko,in_review\n",
    )
    result = load(writable_city, "ideas", path)
    assert (result.added, result.updated) == (0, 1)
    rows = store.read(writable_city, "SELECT title, status FROM ideas WHERE idea_id = 'I4'")
    assert rows.values.tolist() == [["Uusi otsikko", "in_review"]]
    assert store.read(writable_city, "SELECT count(*) FROM ideas").iloc[0, 0] == 9


def test_missing_required_column_is_an_error_and_unknown_column_a_warning(empty_db, tmp_path):
    with pytest.raises(ImportRejected, match="column headcount: required column is missing"):
        load(empty_db, "units", write(tmp_path, "u.csv", "unit_id,name\nA,B\n"))
    result = load(
        empty_db, "units", write(tmp_path, "v.csv", "unit_id,name,headcount,colour\nA,B,3,red\n")
    )
    assert result.warnings == ["unknown column 'colour' ignored"]


def test_unit_parent_cycle_is_refused(empty_db, tmp_path):
    path = write(tmp_path, "u.csv", "unit_id,name,headcount,parent_id\nA,A,1,B\nB,B,1,A\nC,C,1,\n")
    with pytest.raises(ImportRejected) as refused:
        load(empty_db, "units", path)
    assert {(e.row, e.reason) for e in refused.value.errors} == {
        (2, "the parent chain loops back to this unit"),
        (3, "the parent chain loops back to this unit"),
    }


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        pytest.param("X,U1,2026-09-01,T,merged,", "merged_into", "must name the idea", id="merge"),
        pytest.param("X,U1,2026-09-01,T,rejected,2026-08-01", "decided_on", "before", id="early"),
        pytest.param("X,U1,2026-09-01,T,rejected,2027-01-01", "decided_on", "future", id="future"),
    ],
)
def test_an_idea_breaking_a_status_or_date_rule_is_refused_at_its_column(
    writable_city, tmp_path, row, column, reason
):
    header = "idea_id,unit_id,submitted_on,title,status,"
    header += "merged_into\n" if column == "merged_into" else "decided_on\n"
    with pytest.raises(ImportRejected) as refused:
        load(writable_city, "ideas", write(tmp_path, "i.csv", header + row + "\n"))
    (error,) = refused.value.errors
    assert error.column == column and reason in error.reason


def test_anonymous_idea_keeps_no_submitter(writable_city, tmp_path):
    path = write(
        tmp_path,
        "i.csv",
        "idea_id,unit_id,submitted_on,title,status,submitter,anonymous\n"
        "A1,U1,2026-09-01,Nimetön,new,p77,kyllä\n",
    )
    load(writable_city, "ideas", path)
    row = store.read(
        writable_city, "SELECT submitter, anonymous FROM ideas WHERE idea_id = 'A1'"
    ).iloc[0]
    assert row["submitter"] is None and bool(row["anonymous"])


def test_survey_answers_are_checked_against_catalogue_and_scale(writable_city, tmp_path):
    before = snapshot(writable_city)
    path = write(
        tmp_path,
        "r.csv",
        "round_id,unit_id,SAT1,CL1,XYZ9\nR2,U1,6,3,1\nR9,U1,4,3,2\nR2,NOPE,4,0,2\nR2,U1,4,3,2\n",
    )
    with pytest.raises(ImportRejected) as refused:
        load(writable_city, "survey_responses", path)
    found = {(e.row, e.column) for e in refused.value.errors}
    assert found == {(1, "xyz9"), (2, "sat1"), (3, "round_id"), (4, "unit_id"), (4, "cl1")}
    assert snapshot(writable_city) == before


def test_survey_responses_reimport_with_replace_round_replaces_that_round(writable_city, tmp_path):
    # a loaded round is loaded again only as a correction (tests/test_frozen_rounds.py)
    path = write(tmp_path, "r.csv", "round_id,unit_id,SAT1\nR2,U1,5\nR2,U1,4\n")
    load(writable_city, "survey_responses", path, replace_round=True)
    counts = store.read(
        writable_city,
        "SELECT round_id, unit_id, count(DISTINCT respondent) AS n FROM survey_answers"
        " GROUP BY ALL ORDER BY round_id, unit_id",
    )
    assert counts.loc[counts["unit_id"] == "U1", "n"].tolist() == [6, 2]
    assert counts.loc[counts["round_id"] == "R2", "unit_id"].tolist() == ["U1"]


def test_survey_results_store_suppression_marks_as_suppressed(writable_city, tmp_path):
    path = write(
        tmp_path,
        "s.csv",
        "round_id,org_id,indicator,favourable_pct,n\nR2,PEER1,satisfaction,81 %,40\n"
        "R2,PEER1,change_leadership,n<10,\n",
    )
    load(writable_city, "survey_results", path)
    rows = store.read(
        writable_city, "SELECT indicator, favourable_pct, suppressed FROM survey_results ORDER BY 1"
    )
    assert rows["suppressed"].tolist() == [True, False]
    assert pd.isna(rows["favourable_pct"][0]) and rows["favourable_pct"][1] == 81.0


def test_a_project_with_an_unknown_team_reversed_dates_or_over_100_pct_is_refused(
    writable_city, tmp_path
):
    path = write(
        tmp_path,
        "p.csv",
        "project_id,team_id,title,status,started_on,due_on,progress_pct\n"
        "Q1,T9,Ei tiimiä,on_track,2026-01-01,2026-06-01,50\n"
        "Q2,T1,Väärin päin,on_track,2026-06-01,2026-01-01,50\n"
        "Q3,T1,Liikaa,on_track,2026-01-01,2026-06-01,150\n",
    )
    with pytest.raises(ImportRejected) as refused:
        load(writable_city, "projects", path)
    assert {(e.row, e.column) for e in refused.value.errors} == {
        (2, "team_id"),
        (3, "due_on"),
        (4, "progress_pct"),
    }


def test_many_bad_rows_report_stays_readable(empty_db, tmp_path):
    rows = "".join(f"U{i},Yksikkö,minus\n" for i in range(500))
    with pytest.raises(ImportRejected) as refused:
        load(empty_db, "units", write(tmp_path, "u.csv", "unit_id,name,headcount\n" + rows))
    report = refused.value.report()
    assert "500 problem(s)" in report
    assert "… and 450 more problem(s)" in report
    assert len(report.splitlines()) == 52
