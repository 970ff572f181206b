"""Column-mapping presets, above all the real UK Civil Service People Survey files, 2017–2019.

The CSPS files are read exactly as published from tests/data/csps/ (its README gives their source
and the Open Government Licence v3.0 attribution). The figures below were read off the files by
eye, column by column.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from metrics import presets, store
from metrics.imports import ImportRejected, check_file, import_file, read_table, recognise
from tests.snapshots import snapshot

ROOT = Path(__file__).resolve().parents[1]
YEARS = {
    2017: ("csps_2017_organisation_scores.csv", 102),
    2018: ("csps_2018_organisation_scores.csv", 106),
    2019: ("csps_2019_organisation_scores.csv", 111),
}


def load_year(con, folder: Path, year: int):
    name, _ = YEARS[year]
    return import_file(con, "survey_results", folder / name, preset="csps", round_id=f"CSPS{year}")


def result(con, round_id: str, org_id: str) -> dict:
    rows = store.read(
        con,
        "SELECT indicator, favourable_pct, response_rate, suppressed FROM survey_results"
        " WHERE round_id = ? AND org_id = ? ORDER BY indicator",
        [round_id, org_id],
    )
    return {
        r.indicator: (r.favourable_pct, r.response_rate, r.suppressed) for r in rows.itertuples()
    }


@pytest.mark.parametrize("year", [2017, 2018, 2019])
def test_each_real_csps_year_loads_unchanged_through_its_preset(empty_db, csps, year):
    name, organisations = YEARS[year]
    published = hashlib.sha256((csps / name).read_bytes()).hexdigest()
    loaded = load_year(empty_db, csps, year)
    # one row per organisation and indicator: engagement → satisfaction, leadership → change
    assert (loaded.rows, loaded.added, loaded.updated) == (2 * organisations, 2 * organisations, 0)
    assert ("organisations", organisations, organisations, 0) in loaded.also
    assert ("survey_rounds", 1, 1, 0) in loaded.also
    counts = store.read(
        empty_db,
        "SELECT count(*) AS results, count(DISTINCT org_id) AS orgs, count(*) FILTER (suppressed)"
        " AS suppressed FROM survey_results WHERE round_id = ?",
        [f"CSPS{year}"],
    )
    assert counts.values.tolist() == [[2 * organisations, organisations, 0]]
    # the file was read as published: the log's hash is the file's, and the file is unchanged
    logged = store.read(empty_db, "SELECT DISTINCT content_sha256, preset FROM import_log")
    assert logged.values.tolist() == [[published, "csps"]]
    assert hashlib.sha256((csps / name).read_bytes()).hexdigest() == published


def test_csps_figures_are_the_published_ones_in_every_header_variant(empty_db, csps):
    for year in YEARS:
        load_year(empty_db, csps, year)
    # 2017 (footnote digits: "Leadership and managing change1", "Organisation_Code"):
    # AGO: Response rate 100%, Employee engagement index 84%, Leadership and managing change1 78%
    assert result(empty_db, "CSPS2017", "AGO") == {
        "change_leadership": (78.0, 100.0, False),
        "satisfaction": (84.0, 100.0, False),
    }
    # the Civil Service median row: 67%, 61%, …, 47%
    assert result(empty_db, "CSPS2017", "CIVILSERVICE")["change_leadership"] == (47.0, 67.0, False)
    # 2018: AGO 94%, 86%, …, 78%
    assert result(empty_db, "CSPS2018", "AGO")["satisfaction"] == (86.0, 94.0, False)
    # 2019 (a byte-order mark, "Organisation code", "Departmental Group"): AGO0000 100%, 76% … 68%
    assert result(empty_db, "CSPS2019", "AGO0000") == {
        "change_leadership": (68.0, 100.0, False),
        "satisfaction": (76.0, 100.0, False),
    }
    assert result(empty_db, "CSPS2019", "CS_MEDIAN")["satisfaction"] == (63.0, 80.0, False)


def test_csps_organisations_are_benchmarks_with_their_group_and_never_home(empty_db, csps):
    for year in YEARS:
        load_year(empty_db, csps, year)
    orgs = store.read(empty_db, "SELECT * FROM organisations").set_index("org_id")
    assert orgs.loc["AGO", "name"] == "Attorney General's Office"
    # the 2019 file spells the group with a capital D, and its organisation codes are new
    assert orgs.loc["AGO", "group_name"] == "Attorney General's departments"
    assert orgs.loc["AGO0000", "group_name"] == "Attorney General's Departments"
    assert orgs.loc["CS_MEDIAN", "name"] == "Civil Service Benchmark (median)"
    # the new database's home organisation stays the only home one
    assert orgs.index[orgs["home"]].tolist() == ["HOME"]


def test_csps_round_is_created_once_and_an_existing_round_is_left_alone(empty_db, csps, tmp_path):
    rounds = tmp_path / "rounds.csv"
    rounds.write_text("round_id,name,closed_on\nCSPS2018,People Survey 2018,2018-11-02\n")
    import_file(empty_db, "survey_rounds", rounds)
    load_year(empty_db, csps, 2017)
    second = load_year(empty_db, csps, 2018)
    assert [kind for kind, *_ in second.also] == ["organisations"]  # the round existed
    stored = store.read(empty_db, "SELECT round_id, name, closed_on FROM survey_rounds ORDER BY 1")
    assert stored.astype(str).values.tolist() == [
        ["CSPS2017", "Civil Service People Survey 2017", "2017-10-31"],
        ["CSPS2018", "People Survey 2018", "2018-11-02"],
    ]


def test_loading_a_csps_year_again_updates_instead_of_duplicating(empty_db, csps):
    load_year(empty_db, csps, 2017)
    again = load_year(empty_db, csps, 2017)
    assert (again.added, again.updated) == (0, 204)
    assert store.read(empty_db, "SELECT count(*) FROM survey_results").iloc[0, 0] == 204


def test_csps_suppression_mark_is_stored_as_suppressed(empty_db, csps, tmp_path):
    """In the published 2017 file the n<10 cells are all in E05 and E06 (9 each), which the
    preset does not read; a theme cell written n<10 in the same layout is stored suppressed."""
    published = read_table(csps / YEARS[2017][0])
    marks = published.columns[(published == "n<10").any()].tolist()
    assert marks == ["E05", "E06"] and (published == "n<10").sum().sum() == 18
    header = (csps / YEARS[2017][0]).read_text("utf-8").splitlines()[0]
    cells = ["Test group", "Test body", "TB1", "40%", "n<10"] + ["50%"] * 8 + ["n<10"]
    cells += ["n<10"] * (len(header.split(",")) - len(cells))
    shaped = tmp_path / "small_bodies_2017.csv"
    shaped.write_text(header + "\n" + ",".join(cells) + "\n", encoding="utf-8")
    import_file(empty_db, "survey_results", shaped, preset="csps", round_id="CSPS2017")
    stored = result(empty_db, "CSPS2017", "TB1")
    assert list(stored) == ["change_leadership", "satisfaction"]
    for favourable_pct, _response_rate, suppressed in stored.values():
        assert pd.isna(favourable_pct) and suppressed  # never stored as zero


def test_missing_csps_column_is_named_as_the_file_would_name_it(empty_db, tmp_path):
    before = snapshot(empty_db)
    odd = tmp_path / "csps_odd.csv"
    odd.write_text("Organisation,Response rate,Employee engagement index\nX,50%,60%\n")
    with pytest.raises(ImportRejected) as refused:
        import_file(empty_db, "survey_results", odd, preset="csps", round_id="CSPS2020")
    report = refused.value.report()
    assert "column Organisation code / Organisation_Code: required column is missing" in report
    assert "column Leadership and managing change: a column this preset reads is missing" in report
    assert snapshot(empty_db) == before


def test_csps_bad_cell_is_reported_with_the_file_row_and_header(empty_db, csps, tmp_path):
    header = (csps / YEARS[2018][0]).read_text("utf-8").splitlines()[0]
    width = len(header.split(","))
    good = ["G", "Good body", "GB1", "50%", "60%"] + ["70%"] * (width - 5)
    bad = ["G", "Bad body", "BB1", "50%", "lots"] + ["70%"] * (width - 5)
    path = tmp_path / "csps_bad.csv"
    path.write_text("\n".join([header, ",".join(good), ",".join(bad)]) + "\n")
    with pytest.raises(ImportRejected) as refused:
        import_file(empty_db, "survey_results", path, preset="csps", round_id="CSPS2018")
    (error,) = refused.value.errors
    assert (error.row, error.column, error.value) == (3, "Employee engagement index", "lots")
    assert store.read(empty_db, "SELECT count(*) FROM organisations").iloc[0, 0] == 1  # HOME


def test_a_round_the_preset_cannot_make_must_exist(empty_db, csps):
    with pytest.raises(ImportRejected, match="no such survey round"):
        import_file(
            empty_db, "survey_results", csps / YEARS[2019][0], preset="csps", round_id="2019"
        )


@pytest.mark.parametrize("year", [2017, 2018, 2019])
def test_the_csps_header_is_recognised_as_the_csps_preset(empty_db, csps, year):
    headers = tuple(read_table(csps / YEARS[year][0]).columns)
    best = recognise(empty_db, headers=headers).iloc[0]
    found = (best["kind"], best["preset"], best["needs_found"], best["needs_total"])
    assert found == ("survey_results", "csps", 4, 4)  # code, name and the two indicators


def test_a_contract_header_is_recognised_as_its_kind(empty_db):
    ranked = recognise(empty_db, headers=("unit_id", "name", "headcount", "parent_id"))
    assert ranked.iloc[0]["kind"] == "units" and ranked.iloc[0]["score"] == 1.0
    assert ranked.iloc[1]["score"] < 1.0


def test_a_vendor_preset_maps_headers_codes_and_constants(empty_db, tmp_path):
    """A small preset of one's own, passed as a path: aliases, a code map and a constant."""
    (tmp_path / "vendor.toml").write_text(
        'kind = "ideas"\ntitle = "Idea tool export"\n'
        "[columns]\n"
        'idea_id = "Idea no."\nunit_id = "Unit"\nsubmitted_on = "Sent"\ntitle = "Heading"\n'
        'status = ["State", "Status"]\n'
        '[values.status]\n"1" = "new"\n"5" = "implemented"\n'
        '[constants]\nanonymous = "true"\n',
        encoding="utf-8",
    )
    import_file(
        empty_db, "units", _write(tmp_path, "u.csv", "unit_id,name,headcount\nK1,Kirjasto,9\n")
    )
    path = _write(
        tmp_path, "ideas.csv", "Idea no.;Unit;Sent;Heading;State;Votes\n7;K1;1.9.2026;Idea;5;12\n"
    )
    done = import_file(empty_db, "ideas", path, preset=str(tmp_path / "vendor.toml"))
    assert done.warnings == ["1 column(s) the preset does not use were ignored: Votes"]
    row = store.read(empty_db, "SELECT idea_id, status, anonymous FROM ideas").iloc[0]
    assert (row["idea_id"], row["status"], bool(row["anonymous"])) == ("7", "implemented", True)


def test_a_preset_must_fit_the_kind_and_exist(empty_db, csps):
    with pytest.raises(ValueError, match="loads survey_results files, not units"):
        check_file(empty_db, "units", csps / YEARS[2017][0], preset="csps")
    with pytest.raises(ValueError, match="no preset named 'nope'; the presets are csps"):
        check_file(empty_db, "survey_results", csps / YEARS[2017][0], preset="nope")
    assert "csps" in presets.available()


@pytest.mark.slow
def test_command_line_loads_a_csps_year_with_its_preset(csps, tmp_path):
    env = {**os.environ, "POHINA_DB": str(tmp_path / "p.duckdb")}
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "import", "survey_results", str(csps / YEARS[2019][0]),
         "--preset", "csps", "--round", "CSPS2019"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "survey_results, 222 row(s) loaded (222 added, 0 updated)" in done.stdout
    assert "also organisations: 111 row(s) (111 added, 0 updated)" in done.stdout


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
