"""Small files built to exhaust the server: each is refused before its cells are read.

A file of a few kilobytes can declare a sheet of 17 billion cells, unpack to gigabytes or hold a
million empty columns. The reader checks the sheet's size against imports.max_rows,
max_columns, max_cells and max_unpacked_mb (data/settings.toml) first, and refuses with a
message naming the limit. Each attack runs in a child process whose address space is capped at
1 GB, with a time limit, so that a reader which gives in fails the test instead of taking the
machine down.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from metrics import import_read, imports, settings
from metrics.imports import ImportRejected, read_table
from tests.apptest import open_page
from tests.test_data_page import db, upload  # noqa: F401 - db: the fixture
from tests.test_pages import ROOT

ADDRESS_SPACE = 1 << 30  # 1 GB for the child that reads the file
SECONDS = 60

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{more}</Types>"
)
_RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{}</Relationships>"
)
_RELATION = (
    '<Relationship Id="{id}" Target="{target}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{type}"/>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Taul1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_STYLES_TYPE = (
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
)


def cell(ref: str, value) -> str:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def row(number: int, *values, first_column: int = 1) -> str:
    cells = "".join(
        cell(f"{get_column_letter(first_column + i)}{number}", v) for i, v in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def workbook(
    rows: str, *, dimension: str | None = None, styles: str | None = None, padding_mb: int = 0
) -> bytes:
    """A minimal XLSX workbook, written by hand as an attacker would: one sheet of `rows`
    (sheetData XML) after `padding_mb` megabytes of spaces, the size it declares
    (`dimension`), and a styles part if given."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet_start = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{declared}<sheetData>"
    )
    relations = _RELATION.format(id="rId1", target="worksheets/sheet1.xml", type="worksheet")
    if styles is not None:
        relations += _RELATION.format(id="rId2", target="styles.xml", type="styles")
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES.format(more=_STYLES_TYPE if styles else ""),
        "_rels/.rels": _RELATIONSHIPS.format(
            _RELATION.format(id="rId1", target="xl/workbook.xml", type="officeDocument")
        ),
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _RELATIONSHIPS.format(relations),
    }
    if styles is not None:
        parts["xl/styles.xml"] = styles
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(sheet_start.encode())
            for _ in range(padding_mb):
                sheet.write(b" " * 1_000_000)
            sheet.write(f"{rows}</sheetData></worksheet>".encode())
    return out.getvalue()


UNITS_HEADER = row(1, "unit_id", "name", "headcount")


def read_in_a_capped_process(path: Path) -> tuple[str, float]:
    """Read the file with metrics.imports.read_table in a child process limited to 1 GB of
    address space and SECONDS of time: ('refused: <reasons>' or 'read: N rows' or what went
    wrong, seconds taken)."""
    script = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))
        from metrics import imports
        try:
            frame = imports.read_table(sys.argv[1])
        except imports.ImportRejected as refused:
            print("refused: " + " | ".join(e.reason for e in refused.errors))
        except MemoryError:
            print("MemoryError")
        else:
            print(f"read: {{len(frame)}} rows")
        """
    )
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=SECONDS,
        )
    except subprocess.TimeoutExpired:
        return f"no answer within {SECONDS} s", time.perf_counter() - started
    answer = done.stdout.strip() or (done.stderr.strip().splitlines() or [""])[-1]
    return answer or f"exit {done.returncode}", time.perf_counter() - started


def limits_file(tmp_path, monkeypatch, **limits) -> None:
    """Settings of the test's own ([imports] limits lowered), for files that stay small."""
    path = tmp_path / "settings.toml"
    path.write_text("[imports]\n" + "".join(f"{k} = {v}\n" for k, v in limits.items()))
    monkeypatch.setenv("POHINA_SETTINGS", str(path))


# ------------------------------------------------------------------- XLSX that declares or hides


XLSX_ATTACKS = [
    pytest.param(
        # 1.6 KB; the sheet says A1:XFD1048576 and has a cell at the very end, so a reader
        # that believes it makes 17 billion cells (MemoryError after 50 s at 4 GB)
        lambda: workbook(
            UNITS_HEADER + row(1_048_576, 1, first_column=16_384), dimension="A1:XFD1048576"
        ),
        "the sheet 'Taul1' says it has 16,384 columns; Pöhinä reads at most 1,000 "
        "(imports.max_columns in data/settings.toml)",
        id="declares-the-whole-sheet",
    ),
    pytest.param(
        # says three columns, has a row 2,000 wide
        lambda: workbook(
            UNITS_HEADER + row(2, "A") + row(3, 1, first_column=2_000), dimension="A1:C3"
        ),
        "the sheet 'Taul1' has at least 2,000 columns; Pöhinä reads at most 1,000 "
        "(imports.max_columns in data/settings.toml)",
        id="understates-its-columns",
    ),
    pytest.param(
        # says two rows, has a cell on row 1,048,576
        lambda: workbook(UNITS_HEADER + row(1_048_576, "A"), dimension="A1:C2"),
        "the sheet 'Taul1' has at least 1,000,001 rows; Pöhinä reads at most 1,000,000 "
        "(imports.max_rows in data/settings.toml)",
        id="understates-its-rows",
    ),
    pytest.param(
        # 89 KB, no declared size: openpyxl parses the whole sheet to find it, keeping every
        # row (1 GB for these ten million)
        lambda: workbook(UNITS_HEADER + "<row/>" * 10_000_000),
        "the sheet xl/worksheets/sheet1.xml has at least 1,000,001 rows; Pöhinä "
        "reads at most 1,000,000 (imports.max_rows in data/settings.toml)",
        id="ten-million-empty-rows",
    ),
    pytest.param(
        # 21 KB: openpyxl holds a row's every cell at once (640 MB for these five million)
        lambda: workbook(UNITS_HEADER + '<row r="2">' + "<c/>" * 5_000_000 + "</row>"),
        "the sheet xl/worksheets/sheet1.xml has at least <n> columns; "
        "Pöhinä reads at most 1,000 (imports.max_columns in data/settings.toml)",
        id="five-million-cells-in-a-row",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("make", "reason"), XLSX_ATTACKS)
def test_an_xlsx_sheet_larger_than_the_limits_is_refused_before_its_cells_are_read(
    tmp_path, make, reason
):
    content = make()
    path = tmp_path / "units.xlsx"
    path.write_bytes(content)
    assert len(content) < 100_000
    answer, seconds = read_in_a_capped_process(path)
    assert re.match(re.escape(f"refused: {reason}").replace("<n>", r"[\d,]+"), answer), answer
    assert seconds < 20


@pytest.mark.slow
def test_an_xlsx_that_unpacks_to_600_mb_is_refused_before_it_is_unpacked(tmp_path):
    """A zip bomb: 600 MB of spaces in the sheet's XML pack into about 600 KB."""
    path = tmp_path / "units.xlsx"
    path.write_bytes(workbook(UNITS_HEADER + row(2, "A", "Arkisto", 4), padding_mb=600))
    answer, seconds = read_in_a_capped_process(path)
    assert answer.startswith(
        "refused: the workbook unpacks to 600 MB; Pöhinä opens workbooks of up to 500 MB "
        "unpacked (imports.max_unpacked_mb in data/settings.toml)"
    )
    assert seconds < 20


@pytest.mark.slow
def test_an_xlsx_with_a_million_cell_formats_is_refused_before_openpyxl_reads_them(tmp_path):
    """9 KB zipped; openpyxl reads the styles whole when it opens a workbook: 650 MB, 47 s."""
    styles = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill/></fill></fills>'
        '<borders count="1"><border/></borders>'
        f'<cellXfs count="1000001">{"<xf/>" * 1_000_001}</cellXfs></styleSheet>'
    )
    path = tmp_path / "units.xlsx"
    path.write_bytes(workbook(UNITS_HEADER + row(2, "A", "Arkisto", 4), styles=styles))
    answer, seconds = read_in_a_capped_process(path)
    assert answer.startswith("refused: the workbook's shared strings and styles hold 1,000,0")
    assert seconds < 20


def test_an_xlsx_whose_declared_size_is_too_small_loads_every_row(tmp_path):
    """The declared size is not trusted either way: a sheet saying A1:C2 with four rows."""
    rows = UNITS_HEADER + "".join(row(n, f"X{n}", "Yksikkö", n) for n in range(2, 6))
    path = tmp_path / "units.xlsx"
    path.write_bytes(workbook(rows, dimension="A1:C2"))
    assert read_table(path)["unit_id"].tolist() == ["X2", "X3", "X4", "X5"]


def test_the_header_of_an_xlsx_is_read_from_its_first_row_alone(tmp_path):
    """The data page asks for the header before the file is checked: reading it must not parse
    the rest of the sheet (here, a cell further down that is no number)."""
    path = tmp_path / "units.xlsx"
    path.write_bytes(workbook(UNITS_HEADER + '<row r="2"><c r="C2"><v>kolme</v></c></row>'))
    assert imports.read_header(path.read_bytes(), path.name) == ["unit_id", "name", "headcount"]
    with pytest.raises(ImportRejected, match=r"not a readable XLSX workbook \(ValueError\)"):
        read_table(path)


# ------------------------------------------------------------------- CSV


@pytest.mark.slow
def test_a_csv_of_a_million_columns_is_refused_at_once(tmp_path):
    """10 MB: a header and four rows of a million cells (204 s and 3.8 GB before the limit)."""
    path = tmp_path / "units.csv"
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n" + "1," * 999_999 + "1\n")
    with path.open("a") as more:
        more.write(("1," * 999_999 + "1\n") * 3)
    answer, seconds = read_in_a_capped_process(path)
    assert answer.startswith(
        "refused: the file has 1,000,000 columns; Pöhinä reads at most 1,000 "
        "(imports.max_columns in data/settings.toml). Split the file"
    )
    assert seconds < 20


@pytest.mark.slow
def test_a_csv_whose_first_row_is_a_million_cells_wide_is_refused_at_once(tmp_path):
    """A short header does not hide it: pandas would make the first row's extra cells an
    index, a million columns of it."""
    path = tmp_path / "units.csv"
    path.write_text("unit_id,name,headcount\n" + ("1," * 999_999 + "1\n") * 4)
    answer, seconds = read_in_a_capped_process(path)
    assert answer.startswith("refused: the file has 1,000,000 columns")
    assert seconds < 20


@pytest.mark.parametrize(
    ("limits", "reason"),
    [
        pytest.param(
            {"max_rows": 40},
            "the file has 51 rows; Pöhinä reads at most 40 (imports.max_rows in "
            "data/settings.toml)",
            id="rows",
        ),
        pytest.param(
            {"max_cells": 150},
            "the file has 51 rows × 3 columns, 153 cells; Pöhinä reads at most 150 "
            "(imports.max_cells in data/settings.toml)",
            id="cells",
        ),
    ],
)
def test_a_csv_beyond_a_limit_is_refused_naming_it(tmp_path, monkeypatch, limits, reason):
    limits_file(tmp_path, monkeypatch, **limits)
    path = tmp_path / "units.csv"
    path.write_text("unit_id,name,headcount\n" + "".join(f"U{n},Y,1\n" for n in range(50)))
    with pytest.raises(ImportRejected) as refused:
        read_table(path)
    assert [e.reason.split(". ")[0] for e in refused.value.errors] == [reason]


def test_the_limits_leave_room_for_a_100000_respondent_survey_of_120_questions():
    limits = settings.Settings()
    rows, columns = 100_000 + 1, 3 + 120  # the header; round, unit, respondent and the items
    assert rows <= limits.max_rows
    assert columns <= limits.max_columns
    assert rows * columns <= limits.max_cells


# ------------------------------------------------------------------- the data page


def test_the_data_page_reads_an_upload_once_not_on_every_rerun(db, monkeypatch):  # noqa: F811
    """Every click reruns the page; the upload's sheets and header are read once, then kept."""
    opened = []
    open_workbook = import_read._open_workbook

    def counted(data, file_name):
        opened.append(file_name)
        return open_workbook(data, file_name)

    monkeypatch.setattr(import_read, "_open_workbook", counted)
    book = openpyxl.Workbook()
    book.active.append(["unit_id", "name", "headcount", "parent_id"])
    book.active.append(["U5", "Uusi yksikkö", 100, "S2"])
    content = io.BytesIO()
    book.save(content)
    app = upload(open_page(db, monkeypatch, "data"), "yksikot.xlsx", content.getvalue())
    assert app.selectbox[0].value == ("units", None)  # recognised from the header
    assert app.success[0].value.startswith("Tiedosto on kunnossa: 1 riviä")
    opened.clear()
    app.run()
    app.run()
    assert opened == []
