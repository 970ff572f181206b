"""Read an import file: CSV or XLSX, into a frame of strings, within the size limits.

Nothing here knows the contract's kinds: the check phase (metrics.import_check) takes the frame
from here. A file too large to read safely is refused before its cells are read, with
ImportRejected naming the limit (the [imports] settings in data/settings.toml).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from metrics import settings
from metrics.import_reasons import Reason
from metrics.validation import ImportRejected, RowError

XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"
_FIELD_COUNT = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")

# A file of a few kilobytes can declare a sheet of 17 billion cells or unpack to gigabytes, so
# a sheet's size is checked against imports.max_rows, max_columns and max_cells (and an XLSX
# workbook's unpacked size against max_unpacked_mb) before its cells are read. An XLSX sheet
# is read a row at a time (openpyxl's read-only mode); the size it declares is checked first,
# and since a declaration may lie, the rows are counted again as they come.

# Besides the sheets, which it streams, openpyxl reads some parts of a workbook whole when it
# opens one (the shared strings, the styles, the workbook, its properties, the package's
# parts): their XML may hold at most this many elements. A styles part of a million empty cell
# formats, 9 KB zipped, takes openpyxl 650 MB and most of a minute; Excel itself stops at
# 64,000 cell formats.
MAX_WHOLE_PART_ELEMENTS = 1_000_000
_WHOLE_PARTS = ("sharedstrings.xml", "styles.xml", "workbook.xml", "[content_types].xml", ".rels")
# A sheet's XML is scanned for its rows and cells before openpyxl parses it: openpyxl holds a
# row's every cell at once, and a sheet that declares no size whole while it works the size
# out (an 89 KB workbook of ten million empty rows takes it 1 GB). The tags may have a prefix.
_ROW_TAG = re.compile(rb"<(?:[^\s<>/:]{1,64}:)?row[\s/>]")
_CELL_TAG = re.compile(rb"<(?:[^\s<>/:]{1,64}:)?c[\s/>]")
_SHARED_TEXTS = 100_000  # distinct numbers and dates per sheet whose text is made once, shared
_EXCEL_CONTROL = re.compile(r"_x00([01][0-9A-Fa-f])_")  # how Excel writes a control character


def refuse(file_name: str, code: str, row: int = 0, column: str = "", **values) -> ImportRejected:
    """The file refused for one reason (a code of metrics.import_reasons, filled in by `values`;
    row 0: the file as a whole)."""
    return ImportRejected(file_name, [RowError(row, column, "", Reason(code, **values))])


class _NotAWorkbook(ImportRejected):
    """The bytes are no XLSX workbook (a file named .csv that starts like one is read as CSV)."""


def read_table(path: Path, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV or XLSX file into a frame of strings ('' for an empty cell)."""
    return read(Path(path).read_bytes(), Path(path).name, sheet)[0]


def read(data: bytes, file_name: str, sheet: str | None) -> tuple[pd.DataFrame, list[str]]:
    """The file's cells as strings, and warnings (which sheet of several was read)."""
    suffix = Path(file_name).suffix.lower()
    if suffix == ".xls":
        raise refuse(file_name, "old_xls")
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(data, file_name, sheet)
    if data.startswith(_ZIP_MAGIC):  # an Excel workbook saved under a .csv name reads as one
        try:
            return _read_xlsx(data, file_name, sheet)
        except _NotAWorkbook:
            pass
    return _read_csv(data, file_name), []


def _size_problems(rows: int, columns: int, where: str, sheet: str = "") -> list[RowError]:
    """One problem for each of imports.max_columns, max_rows and max_cells that a file or sheet
    of this many rows and columns passes; `where` is file, declared or sheet (the reason codes
    too_many.<where>.<limit> of metrics.import_reasons)."""
    found = {"max_columns": columns, "max_rows": rows, "max_cells": rows * columns}
    return _over_limits(found, where, sheet=sheet, rows=rows, columns=columns)


def _over_limits(found: dict[str, int], where: str, **values) -> list[RowError]:
    """A problem for each limit (a setting under [imports]: name -> count) that its count
    passes."""
    limits = settings.load()
    return [
        RowError(
            0,
            "",
            "",
            Reason(f"too_many.{where}.{name}", count=count, limit=getattr(limits, name), **values),
        )
        for name, count in found.items()
        if count > getattr(limits, name)
    ]


def _read_csv(data: bytes, file_name: str) -> pd.DataFrame:
    if not data.strip():
        raise refuse(file_name, "empty_file")
    if data[:8192].count(b"\x00") > 1:  # a stray NUL in a cell is cleaned; binary has many
        raise refuse(file_name, "binary_file")
    encoding = _encoding(data)
    header_line, first_row = _text_lines(data, 2)
    header = header_line.decode(encoding, errors="replace")
    delimiter = ";" if header.count(";") > header.count(",") else ","
    # Counted before parsing: a 10 MB line of a million empty cells takes pandas minutes and
    # gigabytes. pandas makes as many columns as the header or the first row has (a first row
    # longer than the header lends its first cells to the index); a longer row after that is
    # refused by the parser, cheaply. Rows are lines (a cell may span lines: an upper bound).
    columns = max(header.count(delimiter), first_row.count(delimiter.encode())) + 1
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    problems = _size_problems(lines, columns, "file")
    if problems:
        raise ImportRejected(file_name, problems)
    try:
        return pd.read_csv(
            io.BytesIO(data),  # not a decoded copy: pandas decodes as it parses
            sep=delimiter,
            encoding=encoding,
            encoding_errors="replace",
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, ValueError) as error:
        counts = _FIELD_COUNT.search(str(error))
        if counts:
            expected, line, saw = counts.groups()
            values = {"saw": int(saw), "expected": int(expected), "separator": repr(delimiter)}
            raise refuse(file_name, "cell_count", row=int(line), **values) from None
        raise refuse(file_name, "unreadable_csv", error=str(error)) from None


_TEXT_LINE = re.compile(rb"^[^\S\n]*+\S", re.MULTILINE)


def _text_lines(data: bytes, count: int) -> list[bytes]:
    """The first `count` lines that hold anything (pandas skips blank ones): the header, then
    the first row; b"" for each that is missing."""
    lines, start = [], 0
    while len(lines) < count and (found := _TEXT_LINE.search(data, start)):
        end = data.find(b"\n", found.start())
        end = len(data) if end < 0 else end
        lines.append(data[found.start() : end])
        start = end + 1
    return lines + [b""] * (count - len(lines))


def _encoding(data: bytes) -> str:
    """UTF-8 with or without a byte-order mark, else Windows-1252 (what Excel writes)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _check_workbook_size(data: bytes, file_name: str) -> None:
    """Refuse a workbook that unpacks to more than imports.max_unpacked_mb (a zip bomb), or
    whose parts openpyxl reads whole hold more than MAX_WHOLE_PART_ELEMENTS elements.

    The sizes are those the archive declares; Python's zipfile unpacks no more than a part
    declares (past it the part fails its checksum), so a lying declaration gains nothing.
    """
    limit_mb = settings.load().max_unpacked_mb
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            unpacked = sum(part.file_size for part in parts)
            if unpacked > limit_mb * 1e6:
                mb = round(unpacked / 1e6)
                raise refuse(file_name, "unpacks_too_large", mb=mb, limit=limit_mb)
            elements = 0
            for part in parts:
                name = part.filename.lower()
                whole = name.endswith(_WHOLE_PARTS) or name.startswith("docprops/")
                if whole and "worksheets/" not in name:
                    with archive.open(part) as stream:
                        while chunk := stream.read(1 << 20):
                            elements += chunk.count(b"<") - chunk.count(b"</")
                elif name.endswith(".xml"):  # a sheet, or a part no sheet's tags are in
                    with archive.open(part) as stream:
                        _scan_sheet(stream, part.filename, file_name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise _NotAWorkbook(file_name, [RowError(0, "", "", Reason("not_workbook"))]) from None
    if elements > MAX_WHOLE_PART_ELEMENTS:
        limit = MAX_WHOLE_PART_ELEMENTS
        raise refuse(file_name, "too_many_elements", count=elements, limit=limit)


def _scan_sheet(stream, part: str, file_name: str) -> None:
    """Count a sheet's rows, its widest row's cells and all its cells in its XML, a megabyte at
    a time; refuse it past imports.max_rows, max_columns or max_cells."""
    limits = settings.load()
    rows, cells, current, carry = 0, 0, 0, b""
    while chunk := stream.read(1 << 20):
        text = carry + chunk
        cut = text.rfind(b"<")  # a tag cut off at the end is read with the next megabyte
        cut = cut if cut > len(text) - 80 else len(text)
        text, carry = text[:cut], text[cut:]
        for number, found in enumerate(_cells_by_row(text)):
            if number:  # the first count continues the row being read
                rows, current = rows + 1, 0
            current, cells = current + found, cells + found
            if rows > limits.max_rows or current > limits.max_columns or cells > limits.max_cells:
                found = {"max_columns": current, "max_rows": rows, "max_cells": cells}
                raise ImportRejected(file_name, _over_limits(found, "sheet", sheet=part))


def _cells_by_row(text: bytes) -> list[int]:
    """How many cells each piece of sheet XML between two row tags holds (an upper bound: the
    tags after the last row that start like a cell's, <col and <cfRule, are counted too)."""
    if b":c" in text or b":row" in text:  # tags may have a namespace prefix: the slower way
        return [len(_CELL_TAG.findall(piece)) for piece in _ROW_TAG.split(text)]
    return [piece.count(b"<c") for piece in text.split(b"<row")]


def _open_workbook(data: bytes, file_name: str):
    import openpyxl

    _check_workbook_size(data, file_name)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several unrelated types for a broken file
        reason = Reason("not_workbook_because", error=type(error).__name__)
        raise _NotAWorkbook(file_name, [RowError(0, "", "", reason)]) from None


def sheet_names(data: bytes, file_name: str) -> list[str]:
    """The sheets of an XLSX workbook, in order (an empty list for a CSV file)."""
    if Path(file_name).suffix.lower() not in XLSX_SUFFIXES:
        return []
    book = _open_workbook(data, file_name)
    names = list(book.sheetnames)
    book.close()
    return names


def _read_xlsx(data: bytes, file_name: str, sheet: str | None) -> tuple[pd.DataFrame, list]:
    book = _open_workbook(data, file_name)
    try:
        chosen, warnings = _choose_sheet(book, file_name, sheet)
        rows = _sheet_rows(book[chosen], file_name)
    finally:
        book.close()
    if not rows:
        raise refuse(file_name, "sheet_empty", sheet=repr(chosen))
    frame = pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
    del rows
    return frame.astype(str) if len(frame.columns) else frame, warnings


def _choose_sheet(book, file_name: str, sheet: str | None) -> tuple[str, list[str]]:
    if sheet is not None and sheet not in book.sheetnames:
        sheets = ", ".join(book.sheetnames)
        raise refuse(file_name, "no_such_sheet", sheet=repr(sheet), sheets=sheets)
    chosen = sheet or book.sheetnames[0]
    if not hasattr(book[chosen], "iter_rows"):
        raise refuse(file_name, "sheet_is_chart", sheet=repr(chosen))
    warnings = []
    if sheet is None and len(book.sheetnames) > 1:
        count = len(book.sheetnames)
        warnings.append(Reason("first_sheet_read", count=count, sheet=repr(chosen)))
    return chosen, warnings


def _sheet_rows(worksheet, file_name: str, *, first_only: bool = False) -> list[list[str]]:
    """The sheet's rows that hold anything, as text, read one at a time, each as wide as the
    widest (the header first; with first_only, the header alone). Refused when the sheet
    declares, or turns out to have, more rows, columns or cells than imports.max_rows,
    max_columns and max_cells allow."""
    declared_rows, declared_columns = worksheet.max_row or 0, worksheet.max_column or 0
    sheet = repr(worksheet.title)
    problems = _size_problems(declared_rows, declared_columns, "declared", sheet)
    if problems:
        raise ImportRejected(file_name, problems)
    worksheet.reset_dimensions()  # read the rows that are there, not as many as declared
    limits = settings.load()
    rows: list[list[str]] = []
    width, shared = 0, {}
    try:
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if number > limits.max_rows or len(values) > limits.max_columns:
                columns = max(width, len(values))
                raise ImportRejected(file_name, _size_problems(number, columns, "sheet", sheet))
            texts = [_cell_text(value, shared) for value in values]
            while texts and texts[-1] == "":
                texts.pop()
            if not texts:
                continue
            width = max(width, len(texts))
            if (len(rows) + 1) * width > limits.max_cells:
                problems = _size_problems(len(rows) + 1, width, "sheet", sheet)
                raise ImportRejected(file_name, problems)
            rows.append(texts)
            if first_only:
                break
    except ImportRejected:
        raise
    except Exception as error:  # openpyxl raises several unrelated types for a broken sheet
        raise refuse(file_name, "not_workbook_because", error=type(error).__name__) from None
    for texts in rows:
        texts.extend([""] * (width - len(texts)))
    return rows


def _cell_text(value, shared: dict | None = None) -> str:
    """A cell as text. `shared` keeps the text of each number and date met, so that a column of
    answers 1–5 holds five strings, not one per cell."""
    if value is None:
        return ""
    if value.__class__ is str:
        return _EXCEL_CONTROL.sub(_unescape, value) if "_x" in value else value
    key = (value.__class__, value)
    text = shared.get(key) if shared is not None else None
    if text is None:
        text = _value_text(value)
        if shared is not None and len(shared) < _SHARED_TEXTS:
            shared[key] = text
    return text


def _value_text(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _unescape(match: re.Match) -> str:
    """Excel writes a control character (which XML cannot hold) as _x000B_; validation then
    cleans it out of free text (a line break pasted from Word is one)."""
    return chr(int(match.group(1), 16))


def read_header(data: bytes, file_name: str, sheet: str | None = None) -> list[str]:
    """The file's column headers, for recognising its kind (an empty list if it is unreadable).

    Reads the first row only: the page asks for it before the whole file is checked."""
    try:
        if Path(file_name).suffix.lower() in XLSX_SUFFIXES or data.startswith(_ZIP_MAGIC):
            book = _open_workbook(data, file_name)
            try:
                chosen, _ = _choose_sheet(book, file_name, sheet)
                rows = _sheet_rows(book[chosen], file_name, first_only=True)
                return rows[0] if rows else []
            finally:
                book.close()
        (first,) = _text_lines(data[:65536], 1)
        return [str(c) for c in _read_csv(first + b"\n", file_name).columns]
    except ImportRejected:
        return []


def load_source(source: str | Path | bytes, file_name: str | None) -> tuple[bytes, str]:
    """The file's bytes, refused before reading if it is larger than imports.max_file_mb."""
    limit_mb = settings.load().max_file_mb
    if isinstance(source, bytes):
        name, size = file_name or "upload", len(source)
    else:
        path = Path(source)
        name, size = file_name or path.name, path.stat().st_size
    if size > limit_mb * 1e6:
        raise refuse(name, "file_too_large", mb=f"{size / 1e6:.1f}", limit=limit_mb)
    return (source if isinstance(source, bytes) else Path(source).read_bytes()), name
