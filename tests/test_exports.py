"""Downloads of the current data: the contract's columns, so a downloaded file loads back."""

from __future__ import annotations

import io

import openpyxl
import pytest

from metrics import exports
from metrics.contract import KINDS
from metrics.imports import import_file
from tests.fixtures import TODAY, build_fixture_city
from tests.snapshots import snapshot

# The kinds the fixture city holds rows of, and how many (respondents for survey_responses).
CITY_ROWS = {
    "organisations": 2,
    "units": 6,
    "teams": 2,
    "ideas": 9,
    "projects": 4,
    "survey_rounds": 2,
    "survey_items": 4,
    "survey_responses": 54,  # 6 + 8 + 3 + 10 per round, two rounds
}


@pytest.fixture
def city(empty_db, tmp_path):
    build_fixture_city(empty_db, tmp_path)
    return empty_db


def test_row_counts_say_how_much_each_kind_holds(city):
    counts = {kind: exports.row_count(city, kind=kind) for kind in KINDS}
    assert {k: v for k, v in counts.items() if v} == CITY_ROWS


@pytest.mark.parametrize("kind", list(CITY_ROWS))
def test_a_downloaded_csv_loads_back_unchanged(city, tmp_path, kind):
    frame = exports.current_data(city, kind=kind)
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(exports.to_csv_bytes(frame))
    before = snapshot(city, logs=False)
    done = import_file(city, kind, path, today=TODAY)
    assert (done.added, done.updated) == (0, CITY_ROWS[kind])
    assert snapshot(city, logs=False) == before


def test_a_downloaded_workbook_loads_back_unchanged(city, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(exports.to_xlsx_bytes(exports.current_data(city, kind="units"), "units"))
    before = snapshot(city, logs=False)
    assert import_file(city, "units", path, today=TODAY).updated == 6
    assert snapshot(city, logs=False) == before


def test_a_workbook_download_leaves_out_control_characters_a_workbook_cannot_hold(city):
    city.execute("UPDATE units SET name = 'Talo\x00 A\x07' WHERE unit_id = 'U1'")
    data = exports.to_xlsx_bytes(exports.current_data(city, kind="units"), "units")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Talo A" in names


def test_a_suppressed_result_is_downloaded_as_a_suppression_mark(city, tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(
        "round_id,org_id,indicator,favourable_pct,n\n"
        "R2,PEER1,satisfaction,81 %,40\nR2,PEER1,change_leadership,n<10,\n"
    )
    import_file(city, "survey_results", path, today=TODAY)
    frame = exports.current_data(city, kind="survey_results")
    assert frame[["indicator", "favourable_pct"]].values.tolist() == [
        ["change_leadership", "*"],
        ["satisfaction", "81.0"],
    ]
    path.write_bytes(exports.to_csv_bytes(frame))
    before = snapshot(city, logs=False)
    import_file(city, "survey_results", path, today=TODAY)
    assert snapshot(city, logs=False) == before  # still suppressed, never zero


def test_an_empty_kind_downloads_as_its_header(empty_db):
    frame = exports.current_data(empty_db, kind="teams")
    assert frame.empty
    assert exports.to_csv_bytes(frame).decode("utf-8-sig").splitlines() == [
        "team_id,name,unit_id,started_on,ended_on,change_agent"
    ]
