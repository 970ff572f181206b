"""Load contract files into the store: read, validate every row, then write all or nothing.

check_file reads a file (CSV or XLSX, optionally through a column-mapping preset) and validates
every row without writing anything: it returns the rows exactly as they would be stored, or
raises ImportRejected naming every bad row. commit writes what check_file returned, in one
transaction, after validating it again against the database as it is then; if the result would
differ from what was checked, it refuses rather than write something nobody previewed.
import_file does both at once (the command line, the demo, the tests).

Every loaded file is logged in import_log: when, who, the file's name and SHA-256, through
which preset, rows added and updated. A refused file leaves the database exactly as it was;
its rows rejected and report go to a refusal journal beside the database file.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from metrics import presets, settings, store, survey
from metrics.contract import KINDS, Kind
from metrics.validation import ImportRejected, RowError, validate

XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"
_UNNAMED = re.compile(r"^unnamed: \d+$")
_FIELD_COUNT = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


@dataclass
class ImportResult:
    kind: str
    file_name: str
    rows: int
    added: int
    updated: int
    warnings: list[str] = field(default_factory=list)
    also: list[tuple[str, int, int, int]] = field(default_factory=list)  # kind, rows, +, ~

    def summary(self) -> str:
        text = (
            f"{self.file_name}: {self.kind}, {self.rows} row(s) loaded "
            f"({self.added} added, {self.updated} updated)"
        )
        lines = [text] + [
            f"  also {kind}: {rows} row(s) ({added} added, {updated} updated)"
            for kind, rows, added, updated in self.also
        ]
        return "\n".join(lines + [f"  warning: {w}" for w in self.warnings])


@dataclass
class Part:
    """One kind's rows of a checked file, as they will be stored; a dry run counts them."""

    kind: str
    staged: pd.DataFrame
    added: int | None = None
    updated: int | None = None


@dataclass
class _Input:
    """What validation took, kept so that commit can validate the same rows again."""

    kind: str
    frame: pd.DataFrame
    file_rows: pd.Series | None = None
    labels: dict = field(default_factory=dict)


@dataclass
class CheckedFile:
    """A file that passed every check and has not been written yet.

    `parts` are in write order: rows a preset makes of other kinds (benchmark organisations, the
    survey round) first, the file's own kind last.
    """

    kind: str
    file_name: str
    content_sha256: str
    file_rows: int
    parts: list[Part]
    warnings: list[str]
    preset: str | None
    today: date
    inputs: list[_Input] = field(repr=False, default_factory=list)
    preset_spec: presets.Preset | None = field(repr=False, default=None)  # the preset read
    # replace the answers of survey rounds loaded already (within their correction window)
    replace_round: bool = False

    @property
    def main(self) -> Part:
        return self.parts[-1]

    def preview(self, limit: int = 20) -> pd.DataFrame:
        """The first rows of the file's own kind as they will be stored, with plain headers."""
        frame = self.main.staged.head(limit)
        derived = [c for c in frame.columns if c in DERIVED_COLUMNS]
        frame = frame[[c for c in frame.columns if c not in derived] + derived]
        return frame.rename(columns=lambda c: c[1] if isinstance(c, tuple) else c)


# ----------------------------------------------------------------------------- reading

# A file of a few kilobytes can declare a sheet of 17 billion cells or unpack to gigabytes, so
# a sheet's size is checked against imports.max_rows, max_columns and max_cells (and an XLSX
# workbook's unpacked size against max_unpacked_mb) before its cells are read. An XLSX sheet
# is read a row at a time (openpyxl's read-only mode); the size it declares is checked first,
# and since a declaration may lie, the rows are counted again as they come.
_SIZE_ADVICE = (
    "Split the file into smaller files, for example one survey round or one part of the "
    "organisation per file"
)
_DECLARED_ADVICE = (
    "If the data is smaller, delete the empty rows and columns after it, or save the sheet as CSV"
)
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


def _refuse(file_name: str, reason: str, row: int = 0, column: str = "") -> ImportRejected:
    return ImportRejected(file_name, [RowError(row, column, "", reason)])


class _NotAWorkbook(ImportRejected):
    """The bytes are no XLSX workbook (a file named .csv that starts like one is read as CSV)."""


def read_table(path: Path, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV or XLSX file into a frame of strings ('' for an empty cell)."""
    return _read(Path(path).read_bytes(), Path(path).name, sheet)[0]


def _read(data: bytes, file_name: str, sheet: str | None) -> tuple[pd.DataFrame, list[str]]:
    suffix = Path(file_name).suffix.lower()
    if suffix == ".xls":
        raise _refuse(file_name, "an old Excel file (.xls); save it as .xlsx or as CSV")
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(data, file_name, sheet)
    if data.startswith(_ZIP_MAGIC):  # an Excel workbook saved under a .csv name reads as one
        try:
            return _read_xlsx(data, file_name, sheet)
        except _NotAWorkbook:
            pass
    return _read_csv(data, file_name), []


def _size_problems(rows: int, columns: int, subject: str, advice: str) -> list[RowError]:
    """One problem for each of imports.max_columns, max_rows and max_cells that a sheet of this
    many rows and columns passes; `subject` begins the sentence ("the sheet has")."""
    cells = f"{rows:,} rows × {columns:,} columns, {rows * columns:,} cells"
    found = {
        "max_columns": (columns, f"{columns:,} columns"),
        "max_rows": (rows, f"{rows:,} rows"),
        "max_cells": (rows * columns, cells),
    }
    return _over_limits(found, subject, advice)


def _over_limits(found: dict[str, tuple[int, str]], subject: str, advice: str) -> list[RowError]:
    """A problem for each limit (a setting under [imports]: name -> (count, how it reads)) that
    its count passes."""
    limits = settings.load()
    return [
        RowError(
            0,
            "",
            "",
            f"{subject} {text}; Pöhinä reads at most {getattr(limits, name):,} "
            f"(imports.{name} in data/settings.toml). {advice}",
        )
        for name, (count, text) in found.items()
        if count > getattr(limits, name)
    ]


def _read_csv(data: bytes, file_name: str) -> pd.DataFrame:
    if not data.strip():
        raise _refuse(file_name, "the file is empty")
    if data[:8192].count(b"\x00") > 1:  # a stray NUL in a cell is cleaned; binary has many
        raise _refuse(
            file_name,
            "this is not a text CSV file (it contains binary data); save it as CSV or XLSX",
        )
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
    problems = _size_problems(lines, columns, "the file has", _SIZE_ADVICE)
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
            reason = (
                f"the row has {saw} cells but the header has {expected}; a cell may hold the "
                f"separator {delimiter!r} without quotes around it"
            )
            raise _refuse(file_name, reason, row=int(line)) from None
        raise _refuse(file_name, f"unreadable CSV: {error}") from None


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
                raise _refuse(
                    file_name,
                    f"the workbook unpacks to {unpacked / 1e6:,.0f} MB; Pöhinä opens workbooks "
                    f"of up to {limit_mb:g} MB unpacked (imports.max_unpacked_mb in "
                    "data/settings.toml). Save the sheet as CSV, or split the file",
                )
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
        reason = "not a readable XLSX workbook"
        raise _NotAWorkbook(file_name, [RowError(0, "", "", reason)]) from None
    if elements > MAX_WHOLE_PART_ELEMENTS:
        raise _refuse(
            file_name,
            f"the workbook's shared strings and styles hold {elements:,} XML elements; Pöhinä "
            f"opens workbooks of up to {MAX_WHOLE_PART_ELEMENTS:,}. Save the sheet as CSV",
        )


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
                found = {
                    "max_columns": (current, f"a row of at least {current:,} cells"),
                    "max_rows": (rows, f"at least {rows:,} rows"),
                    "max_cells": (cells, f"at least {cells:,} cells"),
                }
                subject = f"the workbook's sheet {part} has"
                raise ImportRejected(file_name, _over_limits(found, subject, _SIZE_ADVICE))


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
        reason = f"not a readable XLSX workbook ({type(error).__name__})"
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
        raise _refuse(file_name, f"the sheet {chosen!r} is empty")
    frame = pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
    del rows
    return frame.astype(str) if len(frame.columns) else frame, warnings


def _choose_sheet(book, file_name: str, sheet: str | None) -> tuple[str, list[str]]:
    if sheet is not None and sheet not in book.sheetnames:
        reason = f"no sheet named {sheet!r}; the sheets are {', '.join(book.sheetnames)}"
        raise _refuse(file_name, reason)
    chosen = sheet or book.sheetnames[0]
    if not hasattr(book[chosen], "iter_rows"):
        raise _refuse(file_name, f"the sheet {chosen!r} is a chart, not a table")
    warnings = []
    if sheet is None and len(book.sheetnames) > 1:
        warnings.append(
            f"the workbook has {len(book.sheetnames)} sheets; the first, {chosen!r}, was read "
            "(choose another with --sheet, or on the data page)"
        )
    return chosen, warnings


def _sheet_rows(worksheet, file_name: str, *, first_only: bool = False) -> list[list[str]]:
    """The sheet's rows that hold anything, as text, read one at a time, each as wide as the
    widest (the header first; with first_only, the header alone). Refused when the sheet
    declares, or turns out to have, more rows, columns or cells than imports.max_rows,
    max_columns and max_cells allow."""
    declared_rows, declared_columns = worksheet.max_row or 0, worksheet.max_column or 0
    subject = f"the sheet {worksheet.title!r} says it has"
    problems = _size_problems(declared_rows, declared_columns, subject, _DECLARED_ADVICE)
    if problems:
        raise ImportRejected(file_name, problems)
    worksheet.reset_dimensions()  # read the rows that are there, not as many as declared
    limits = settings.load()
    subject = f"the sheet {worksheet.title!r} has at least"
    rows: list[list[str]] = []
    width, shared = 0, {}
    try:
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if number > limits.max_rows or len(values) > limits.max_columns:
                columns = max(width, len(values))
                raise ImportRejected(
                    file_name, _size_problems(number, columns, subject, _SIZE_ADVICE)
                )
            texts = [_cell_text(value, shared) for value in values]
            while texts and texts[-1] == "":
                texts.pop()
            if not texts:
                continue
            width = max(width, len(texts))
            if (len(rows) + 1) * width > limits.max_cells:
                problems = _size_problems(len(rows) + 1, width, subject, _SIZE_ADVICE)
                raise ImportRejected(file_name, problems)
            rows.append(texts)
            if first_only:
                break
    except ImportRejected:
        raise
    except Exception as error:  # openpyxl raises several unrelated types for a broken sheet
        reason = f"not a readable XLSX workbook ({type(error).__name__})"
        raise _refuse(file_name, reason) from None
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


def _load_source(source: str | Path | bytes, file_name: str | None) -> tuple[bytes, str]:
    """The file's bytes, refused before reading if it is larger than imports.max_file_mb."""
    limit_mb = settings.load().max_file_mb
    if isinstance(source, bytes):
        name, size = file_name or "upload", len(source)
    else:
        path = Path(source)
        name, size = file_name or path.name, path.stat().st_size
    if size > limit_mb * 1e6:
        raise _refuse(
            name,
            f"the file is {size / 1e6:.1f} MB; Pöhinä loads files of up to {limit_mb:g} MB "
            "(imports.max_file_mb in data/settings.toml). Split it into smaller files, for "
            "example one survey round or one part of the organisation per file",
        )
    return (source if isinstance(source, bytes) else Path(source).read_bytes()), name


# ----------------------------------------------------------------------------- checking


def check_file(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    source: str | Path | bytes,
    *,
    file_name: str | None = None,
    round_id: str | None = None,
    sheet: str | None = None,
    preset: str | None = None,
    today: date | None = None,
    count: bool = False,
    replace_round: bool = False,
) -> CheckedFile:
    """Read and validate a whole file without writing anything.

    Returns the rows as they will be stored (and, with count=True, how many each part would add
    and update: a dry run rolled back). Raises ImportRejected naming every bad row; the
    exception carries kind, file_name, content_sha256, rows and preset for the import log.
    `round_id` fills the round column of survey files that do not carry one. Answers for a
    survey round that has answers already are refused unless `replace_round` is set and the
    round is within its correction window (loaded_rounds).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; the kinds are {', '.join(KINDS)}")
    chosen = presets.load(preset) if preset else None
    if chosen is not None and chosen.kind != kind:
        raise ValueError(f"the preset {chosen.name} loads {chosen.kind} files, not {kind}")
    today = today or date.today()
    name = file_name or (Path(source).name if not isinstance(source, bytes) else "upload")
    context = {"kind": kind, "file_name": name, "preset": chosen and chosen.name, "rows": 0}
    try:
        data, name = _load_source(source, file_name)
        context["content_sha256"] = hashlib.sha256(data).hexdigest()
        frame, warnings = _read(data, name, sheet)
        context["rows"] = len(frame)
        if chosen is None:
            frame, more = _normalise_headers(KINDS[kind], frame, name, round_id)
            inputs = [_Input(kind, frame)]
        else:
            inputs, more = _through_preset(con, chosen, frame, name, round_id)
        staged = _validate_all(con, inputs, name, today)
        cur = con.cursor()
        try:
            parts = [Part(i.kind, s) for i, s in zip(inputs, staged, strict=True)]
            loaded_rounds(cur, parts, name, replace=replace_round)
        finally:
            cur.close()
    except ImportRejected as refused:
        for key, value in context.items():
            setattr(refused, key, value)
        raise
    checked = CheckedFile(
        kind=kind,
        file_name=name,
        content_sha256=context["content_sha256"],
        file_rows=len(frame),
        parts=[Part(i.kind, s) for i, s in zip(inputs, staged, strict=True)],
        warnings=warnings + more,
        preset=chosen and chosen.name,
        today=today,
        inputs=inputs,
        preset_spec=chosen,
        replace_round=replace_round,
    )
    if count:
        _dry_run(con, checked)
    return checked


def _normalise_headers(
    kind: Kind, frame: pd.DataFrame, file_name: str, round_id: str | None
) -> tuple[pd.DataFrame, list[str]]:
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    # Excel leaves columns with neither a header nor a value (a trailing ';' on every line)
    keep = [
        i
        for i, c in enumerate(frame.columns)
        if not (c == "" or _UNNAMED.match(c))
        or (frame.iloc[:, i].astype(str).str.strip() != "").any()
    ]
    frame = frame.iloc[:, keep]
    duplicated = frame.columns[frame.columns.duplicated()].unique()
    if len(duplicated):
        reason = "the column appears more than once in the header"
        raise ImportRejected(file_name, [RowError(1, c, "", reason) for c in duplicated])
    if round_id is not None and "round_id" in {c.name for c in kind.columns}:
        frame["round_id"] = round_id
    known = {c.name for c in kind.columns}
    missing = [c for c in kind.required if c not in frame.columns]
    if missing:
        errors = [
            RowError(
                1,
                c,
                "",
                "required column is missing"
                + (" (or give the survey round with --round)" if c == "round_id" else ""),
            )
            for c in missing
        ]
        raise ImportRejected(file_name, errors)
    if kind.name == "survey_responses":  # item columns are checked against the catalogue
        return frame, []
    unknown = [c for c in frame.columns if c not in known]
    warnings = [f"unknown column {c!r} ignored" for c in unknown]
    return frame.drop(columns=unknown), warnings


def _through_preset(
    con, preset: presets.Preset, frame: pd.DataFrame, file_name: str, round_id: str | None
) -> tuple[list[_Input], list[str]]:
    mapped, warnings, missing = presets.apply(preset, frame, round_id)
    errors = [RowError(1, column, "", f"{reason} (preset {preset.name})")
              for column, reason in missing]  # fmt: skip
    needs_round = "round_id" in {c.name for c in KINDS[preset.kind].columns}
    if needs_round and "round_id" not in mapped[-1].frame.columns:
        reason = "give the survey round (--round, or Survey round on the data page)"
        errors.append(RowError(0, "round_id", "", reason))
    if errors:
        raise ImportRejected(file_name, errors)
    inputs = [_Input(m.kind, m.frame, m.file_rows, m.labels) for m in mapped]
    if preset.round is not None and round_id is not None:
        exists = store.read(con, "SELECT 1 FROM survey_rounds WHERE round_id = ?", [round_id])
        row = preset.round.row(round_id)
        if exists.empty and row is not None:
            frame = pd.DataFrame([row])
            labels = dict.fromkeys(frame.columns, f"--round (preset {preset.name})")
            inputs.insert(0, _Input("survey_rounds", frame, pd.Series([0]), labels))
    return inputs, warnings


# Ids that a part creates for the parts after it (a preset's organisations, its survey round).
_CREATES = {"organisations": "org_id", "survey_rounds": "round_id"}


def _validate_all(con, inputs: list[_Input], file_name: str, today: date) -> list[pd.DataFrame]:
    """Validate every part; report the problems of all parts together."""
    pending: dict[str, set[str]] = {}
    staged, errors, unlisted = [], [], 0
    for part in inputs:
        try:
            staged.append(
                validate(
                    con,
                    KINDS[part.kind],
                    part.frame.copy(),
                    file_name,
                    today,
                    file_rows=part.file_rows,
                    labels=part.labels,
                    pending={k: set(v) for k, v in pending.items()},
                )
            )
        except ImportRejected as refused:
            errors += refused.errors
            unlisted += refused.unlisted
            staged.append(None)
        key = _CREATES.get(part.kind)
        if key and key in part.frame.columns:
            pending.setdefault(key, set()).update(part.frame[key].astype(str).str.strip())
    if errors or unlisted:
        raise ImportRejected(file_name, list(dict.fromkeys(errors)), unlisted)
    return staged


# ----------------------------------------------------------------------------- writing


class _DryRun(Exception):
    """Raised inside a transaction to roll back a write that only counted rows."""


def _dry_run(con, checked: CheckedFile) -> None:
    try:
        with store.transaction(con) as cur:
            _replace_rounds(cur, checked)
            for part, (added, updated) in zip(
                checked.parts, _write_parts(cur, checked.parts), strict=True
            ):
                part.added, part.updated = added, updated
            raise _DryRun
    except _DryRun:
        pass


def _write_parts(cur, parts: list[Part]) -> list[tuple[int, int]]:
    return [WRITERS.get(p.kind, _write_upsert)(cur, KINDS[p.kind], p.staged.copy()) for p in parts]


_LOG_SQL = """
INSERT INTO import_log (imported_at, kind, file_name, content_sha256, rows_added, rows_updated,
    imported_by, preset, rows_rejected, problems, refused, report)
VALUES (current_timestamp, $kind, $file_name, $sha, $added, $updated, $by, $preset, $rejected,
    $problems, $refused, $report)
"""


def commit(
    con: duckdb.DuckDBPyConnection, checked: CheckedFile, *, imported_by: str | None = None
) -> ImportResult:
    """Write a checked file in one transaction, exactly as it was checked.

    The rows are validated again against the database as it is now; if that refuses them, or
    gives rows different from those checked (the data changed in between), nothing is written
    and ImportRejected asks for a new check.
    """
    again = _validate_all(con, checked.inputs, checked.file_name, checked.today)
    for part, staged in zip(checked.parts, again, strict=True):
        if not staged.equals(part.staged):
            reason = "the data in Pöhinä changed after this file was checked; check it again"
            raise _refuse(checked.file_name, reason)
    return _write(con, checked, imported_by)


_SOURCE_SQL = """
INSERT OR REPLACE INTO data_sources (source_id, title, source, attribution)
VALUES ($source_id, $title, $source, $attribution)
"""
_TAG_ORGANISATIONS_SQL = """
UPDATE organisations SET source_id = $source_id,
    aggregate = list_contains($aggregates::VARCHAR[], org_id)
WHERE org_id IN (SELECT unnest($org_ids::VARCHAR[]))
"""


def _record_source(cur, checked: CheckedFile) -> None:
    """A preset's source and licence credit, stored with the data it loaded: the organisations
    the file names point to it (organisations.source_id), and those the preset lists as
    aggregates (a published median, not an organisation) are flagged."""
    preset = checked.preset_spec or presets.load(checked.preset)
    org_ids = sorted(
        {str(v) for p in checked.parts if "org_id" in p.staged for v in p.staged["org_id"].dropna()}
    )
    if not (preset.attribution or preset.source or preset.aggregates) or not org_ids:
        return
    params = {"source_id": preset.name, "title": preset.title, "source": preset.source}
    cur.execute(_SOURCE_SQL, params | {"attribution": preset.attribution})
    cur.execute(
        _TAG_ORGANISATIONS_SQL,
        {"source_id": preset.name, "aggregates": list(preset.aggregates), "org_ids": org_ids},
    )


def _write(con, checked: CheckedFile, imported_by: str | None) -> ImportResult:
    with store.transaction(con) as cur:
        notes = _replace_rounds(cur, checked)
        counts = _write_parts(cur, checked.parts)
        freeze_rounds(cur, checked.parts, replaced=[r for r, _ in notes])
        if checked.preset:
            _record_source(cur, checked)
        for part, (added, updated) in zip(checked.parts, counts, strict=True):
            part.added, part.updated = added, updated
            cur.execute(
                _LOG_SQL,
                {
                    "kind": part.kind,
                    "file_name": checked.file_name,
                    "sha": checked.content_sha256,
                    "added": added,
                    "updated": updated,
                    "by": imported_by,
                    "preset": checked.preset,
                    "rejected": 0,
                    "problems": 0,
                    "refused": False,
                    "report": "\n".join(n for _, n in notes) if part is checked.main else None,
                },
            )
    for _, note in notes:
        logger.warning("%s: %s (by %s)", checked.file_name, note, imported_by or "unknown")
    main = checked.main
    return ImportResult(
        checked.kind,
        checked.file_name,
        len(main.staged),
        main.added,
        main.updated,
        checked.warnings + [n for _, n in notes],
        [(p.kind, len(p.staged), p.added, p.updated) for p in checked.parts[:-1]],
    )


def refusal_journal(con: duckdb.DuckDBPyConnection) -> Path:
    """Where refused files are recorded: a JSON-lines file beside the database file.

    A refused file must leave the database exactly as it was (data-contract.md), its log
    included, so its record is kept outside it.
    """
    cur = con.cursor()
    try:
        (path,) = cur.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchone()
    finally:
        cur.close()
    return Path(path).with_name(Path(path).name + ".refused.jsonl")


def log_refused(
    con: duckdb.DuckDBPyConnection, refused: ImportRejected, *, imported_by: str | None = None
) -> None:
    """Record a refused file in the refusal journal: every data row rejected, and the report."""
    entry = {
        "imported_at": datetime.now().isoformat(timespec="microseconds"),
        "kind": getattr(refused, "kind", ""),
        "preset": getattr(refused, "preset", None),
        "file_name": refused.file_name,
        "content_sha256": getattr(refused, "content_sha256", ""),
        "rows_added": 0,
        "rows_updated": 0,
        "rows_rejected": getattr(refused, "rows", 0),
        "refused": True,
        "problems": len(refused.errors) + refused.unlisted,
        "imported_by": imported_by,
        "report": refused.report(),
    }
    with refusal_journal(con).open("a", encoding="utf-8") as journal:
        journal.write(json.dumps(entry, ensure_ascii=False) + "\n")


def import_file(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    path: str | Path,
    *,
    round_id: str | None = None,
    sheet: str | None = None,
    preset: str | None = None,
    imported_by: str | None = None,
    today: date | None = None,
    replace_round: bool = False,
) -> ImportResult:
    """Validate a whole file and, if every row is good, load it in one transaction.

    Raises ImportRejected (with every bad row) and writes no data when any row is bad; the
    refusal is recorded in the import log. `replace_round` replaces the answers of survey
    rounds loaded already, within their correction window (check_file).
    """
    try:
        checked = check_file(
            con,
            kind,
            path,
            round_id=round_id,
            sheet=sheet,
            preset=preset,
            today=today,
            replace_round=replace_round,
        )
    except ImportRejected as refused:
        try:
            log_refused(con, refused, imported_by=imported_by)
        except OSError as error:  # the refusal stands; say why it is not in the log
            refused.add_note(f"(the refusal could not be logged: {error})")
        raise
    return _write(con, checked, imported_by)


def _upsert(cur, table: str, frame: pd.DataFrame, key: list[str]) -> tuple[int, int]:
    """Replace the rows whose key is in `frame`, insert the rest; return (added, updated)."""
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    match = " AND ".join(f't."{k}" IS NOT DISTINCT FROM s."{k}"' for k in key)
    cur.register("staged_rows", frame)
    try:
        exists = f"EXISTS (SELECT 1 FROM {table} t WHERE {match})"
        updated = cur.execute(f"SELECT count(*) FROM staged_rows s WHERE {exists}").fetchone()[0]
        cur.execute(
            f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM staged_rows s WHERE {match})"
        )
        cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM staged_rows")
    finally:
        cur.unregister("staged_rows")
    return len(frame) - updated, updated


def _stored(kind: Kind, staged: pd.DataFrame) -> pd.DataFrame:
    """The staged columns renamed to the table's names, with what the rules derived."""
    columns = [c for c in kind.columns if c.name in staged.columns]
    derived = [c for c in DERIVED_COLUMNS if c in staged.columns]
    frame = staged[[c.name for c in columns] + derived]
    return frame.rename(columns={c.name: c.stored_as for c in columns})


def _write_upsert(cur, kind: Kind, staged: pd.DataFrame) -> tuple[int, int]:
    frame = _stored(kind, staged)
    for key in kind.key:
        if key not in frame.columns:
            frame[key] = None
    return _upsert(cur, store.quote_identifier(kind.table, _TABLES), frame, list(kind.key))


_KEPT_ORGANISATION_SQL = """
SELECT org_id, source_id, aggregate FROM organisations
WHERE org_id IN (SELECT unnest($org_ids::VARCHAR[]))
"""


def _write_organisations(cur, kind, staged):
    if "home" in staged.columns and staged["home"].any():
        cur.execute("UPDATE organisations SET home = false")
    # where an organisation's data came from is no column of a file: loaded again, it keeps it
    kept = cur.execute(_KEPT_ORGANISATION_SQL, {"org_ids": list(staged["org_id"])}).df()
    counts = _write_upsert(cur, kind, staged)
    cur.register("kept_organisations", kept)
    try:
        cur.execute(
            "UPDATE organisations o SET source_id = k.source_id, aggregate = k.aggregate"
            " FROM kept_organisations k WHERE o.org_id = k.org_id"
        )
    finally:
        cur.unregister("kept_organisations")
    return counts


def _write_units(cur, kind, staged):
    if "as_of" not in staged.columns:
        staged["as_of"] = None
    ordered = staged.sort_values("as_of", na_position="first", key=lambda s: s.astype(str))
    latest = ordered.drop_duplicates("unit_id", keep="last")
    unit_columns = [
        c
        for c in ("unit_id", "name", "parent_id", "org_id", "head_email", "change_agent")
        if c in staged
    ]
    added, updated = _upsert(cur, "units", latest[unit_columns], ["unit_id"])
    history = staged[["unit_id", "as_of", "headcount"]].copy()
    history["supervisors"] = staged.get("supervisors")
    _upsert(cur, "unit_headcounts", history, ["unit_id", "as_of"])
    return added, updated


_ANSWERS_SQL = """
INSERT INTO survey_answers (round_id, unit_id, respondent, item_id, value)
SELECT round_id, unit_id, respondent, item_id, value
FROM (UNPIVOT staged_answers ON COLUMNS(* EXCLUDE (round_id, unit_id, respondent))
      INTO NAME item_id VALUE value)
"""


def refresh_survey_sums(cur, round_ids: list[str] | None = None) -> None:
    """Recompute survey_unit_sums for some rounds (None: all), inside the caller's transaction."""
    if round_ids is None:
        round_ids = [r for (r,) in cur.execute("SELECT round_id FROM survey_rounds").fetchall()]
    params = {"rounds": list(round_ids)}
    cur.execute(
        "DELETE FROM survey_unit_sums WHERE round_id IN (SELECT unnest($rounds::VARCHAR[]))",
        params,
    )
    cur.execute(f"INSERT INTO survey_unit_sums BY NAME {survey.UNIT_SUMS_SQL}", params)


def _write_survey_items(cur, kind, staged):
    """An item's indicator, scale or reversal feeds every stored sum: recompute them all."""
    counts = _write_upsert(cur, kind, staged)
    refresh_survey_sums(cur)
    return counts


def _write_survey_responses(cur, kind, staged):
    """A responses file replaces every answer of each (round, unit) pair it contains.

    The wide rows are turned into one row per answered item by DuckDB (UNPIVOT leaves out the
    empty answers), which keeps a 100,000-respondent file well inside the import budget.
    """
    item_columns = [c for c in staged.columns if isinstance(c, tuple)]
    wide = staged[["round_id", "unit_id", "respondent", *item_columns]]
    wide.columns = ["round_id", "unit_id", "respondent", *(c[1] for c in item_columns)]
    pairs = staged[["round_id", "unit_id"]].drop_duplicates()
    cur.register("pairs", pairs)
    previous = cur.execute(
        "SELECT count(DISTINCT (a.round_id, a.unit_id, a.respondent)) FROM survey_answers a"
        " JOIN pairs p USING (round_id, unit_id)"
    ).fetchone()[0]
    cur.execute(
        "DELETE FROM survey_answers a WHERE EXISTS (SELECT 1 FROM pairs p"
        " WHERE p.round_id = a.round_id AND p.unit_id = a.unit_id)"
    )
    cur.unregister("pairs")
    if item_columns:
        cur.register("staged_answers", wide)
        cur.execute(_ANSWERS_SQL)
        cur.unregister("staged_answers")
    refresh_survey_sums(cur, sorted(pairs["round_id"].unique()))
    return max(len(staged) - previous, 0), min(previous, len(staged))


# A closed survey round is frozen as published (DESIGN.md, Anonymity). Its answers are loaded
# once: loaded again with a respondent fewer, or with a unit added, two copies of a report
# would subtract to a hidden group's figures. Within survey.correction_window_days of their
# first load an admin may replace them whole (replace_round), and that is logged. The round's
# unit tree is taken when data about its units (answers, or a vendor's results for units) is
# first loaded, by then the round has closed; later loads add units it lacks as they are then
# and never move one, and a replacement takes the tree again (metrics.survey reads it).
logger = logging.getLogger(__name__)

_LOADED_ROUNDS_SQL = """
SELECT r.round_id, l.first_loaded_at, l.first_loaded_at + to_days($days) AS window_closes,
       coalesce(l.first_loaded_at + to_days($days) > current_timestamp::TIMESTAMP, false)
           AS window_open
FROM (SELECT DISTINCT unnest($rounds::VARCHAR[]) AS round_id) r
LEFT JOIN survey_round_loads l USING (round_id)
WHERE l.first_loaded_at IS NOT NULL
   OR r.round_id IN (SELECT round_id FROM survey_unit_sums)
ORDER BY r.round_id
"""


def _part_rounds(parts: list[Part], *, units_only: bool = False) -> list[str]:
    """The survey rounds a file's answers name (with units_only, its vendor results for units
    too)."""
    found = set()
    for part in parts:
        if part.staged is None or "round_id" not in part.staged:
            continue
        if part.kind == "survey_responses":
            found |= set(part.staged["round_id"].dropna().astype(str))
        elif part.kind == "survey_results" and units_only and "unit_id" in part.staged:
            rows = part.staged[part.staged["unit_id"].notna()]
            found |= set(rows["round_id"].dropna().astype(str))
    return sorted(found)


def loaded_rounds(cur, parts: list[Part], file_name: str, *, replace: bool) -> list[tuple]:
    """The survey rounds whose answers the file brings, that have other answers already, as
    (round_id, first_loaded_at): to be replaced, which `replace` asks for and the round's
    correction window allows. Raises ImportRejected, saying why and naming the option, for
    every round that may not be loaded again. A round given again exactly as it is stored (a
    downloaded file loaded back) changes no figure and passes."""
    rounds = _part_rounds(parts)
    if not rounds:
        return []
    days = settings.load().correction_window_days
    params = {"rounds": rounds, "days": days}
    loaded = cur.execute(_LOADED_ROUNDS_SQL, params).fetchall()
    if not loaded:
        return []
    changed = _changed_rounds(cur, parts, [r for r, *_ in loaded])
    loaded = [row for row in loaded if row[0] in changed]
    window = f"survey.correction_window_days: {days} days from its first load"
    errors = []
    for round_id, first, closes, window_open in loaded:
        first_text = f"{first:%Y-%m-%d %H:%M}" if first else "before Pöhinä recorded first loads"
        if window_open and replace:
            continue
        if window_open:
            reason = (
                f"the survey round already has other answers (first loaded {first_text}); a "
                "round's answers are loaded once, from one file, and a closed round is frozen "
                "as published. To correct it, load the whole round again with --replace-round "
                f"(replace_round=True) by {closes:%Y-%m-%d %H:%M} ({window})"
            )
        else:
            reason = (
                f"the survey round already has other answers (first loaded {first_text}) and "
                "cannot be replaced, not even with --replace-round (replace_round=True): its "
                f"correction window ({window}) has closed; a closed round is frozen as published"
            )
        errors.append(RowError(0, "round_id", round_id, reason))
    if errors:
        raise ImportRejected(file_name, errors)
    return [(round_id, first) for round_id, first, *_ in loaded]


_CHANGED_ROUNDS_SQL = """
WITH given AS (
    SELECT round_id, unit_id, respondent, item_id, value::TINYINT AS value
    FROM (UNPIVOT given_answers ON COLUMNS(* EXCLUDE (round_id, unit_id, respondent))
          INTO NAME item_id VALUE value)
    WHERE round_id IN (SELECT unnest($rounds::VARCHAR[]))
),
stored AS (
    SELECT round_id, unit_id, respondent, item_id, value FROM survey_answers
    WHERE round_id IN (SELECT unnest($rounds::VARCHAR[]))
)
SELECT DISTINCT round_id FROM (
    (SELECT * FROM given EXCEPT ALL SELECT * FROM stored)
    UNION ALL (SELECT * FROM stored EXCEPT ALL SELECT * FROM given)
)
"""


def _changed_rounds(cur, parts: list[Part], rounds: list[str]) -> set[str]:
    """The rounds among `rounds` whose answers in the file differ from those stored."""
    wide = [_wide_answers(p.staged) for p in parts if p.kind == "survey_responses"]
    if not all(len(w.columns) > 3 for w in wide):  # a file without item columns
        return set(rounds)
    cur.register("given_answers", pd.concat(wide, ignore_index=True))
    try:
        found = cur.execute(_CHANGED_ROUNDS_SQL, {"rounds": rounds}).fetchall()
    finally:
        cur.unregister("given_answers")
    return {r for (r,) in found}


def _wide_answers(staged: pd.DataFrame) -> pd.DataFrame:
    """round_id, unit_id, respondent and a column per item, named by its item_id."""
    item_columns = [c for c in staged.columns if isinstance(c, tuple)]
    wide = staged[["round_id", "unit_id", "respondent", *item_columns]]
    wide.columns = ["round_id", "unit_id", "respondent", *(c[1] for c in item_columns)]
    return wide


_ROUND_RESPONDENTS_SQL = """
SELECT round_id, count(DISTINCT (unit_id, respondent)) FROM survey_answers
WHERE round_id IN (SELECT unnest($rounds::VARCHAR[])) GROUP BY ALL
"""


def _replace_rounds(cur, checked: CheckedFile) -> list[tuple[str, str]]:
    """Delete the answers and sums of the rounds the file replaces (checked again here, inside
    the write's transaction); return (round_id, note) for the log."""
    replaced = loaded_rounds(cur, checked.parts, checked.file_name, replace=checked.replace_round)
    if not replaced:
        return []
    params = {"rounds": [r for r, _ in replaced]}
    before = dict(cur.execute(_ROUND_RESPONDENTS_SQL, params).fetchall())
    cur.execute(f"DELETE FROM survey_answers WHERE {_IN_ROUNDS}", params)
    cur.execute(f"DELETE FROM survey_unit_sums WHERE {_IN_ROUNDS}", params)
    days = settings.load().correction_window_days
    return [
        (
            round_id,
            f"replaced survey round {round_id}: its {before.get(round_id, 0)} respondents' "
            f"answers (first loaded {first:%Y-%m-%d %H:%M}) were deleted and the file's loaded, "
            f"within the correction window of {days} days",
        )
        for round_id, first in replaced
    ]


def freeze_rounds(cur, parts: list[Part], *, replaced: list[str] = ()) -> None:
    """Keep the unit tree of each round the file brings data about units for, and when its
    answers were first loaded (see loaded_rounds); a replaced round takes its tree again."""
    rounds = _part_rounds(parts, units_only=True)
    if not rounds:
        return
    again = {"rounds": list(replaced)}
    cur.execute(f"DELETE FROM survey_round_units WHERE {_IN_ROUNDS}", again)
    cur.execute(
        f"UPDATE survey_round_loads SET frozen_at = current_timestamp WHERE {_IN_ROUNDS}", again
    )
    cur.execute(_FIRST_LOAD_SQL, {"rounds": rounds, "answered": _part_rounds(parts)})
    cur.execute(_ROUND_UNITS_SQL, {"rounds": rounds})


_IN_ROUNDS = "round_id IN (SELECT unnest($rounds::VARCHAR[]))"
_FIRST_LOAD_SQL = """
INSERT INTO survey_round_loads (round_id, frozen_at, first_loaded_at)
SELECT r, current_timestamp,
       CASE WHEN list_contains($answered::VARCHAR[], r) THEN current_timestamp END
FROM (SELECT unnest($rounds::VARCHAR[]) AS r)
ON CONFLICT (round_id) DO UPDATE SET first_loaded_at = coalesce(
    survey_round_loads.first_loaded_at, excluded.first_loaded_at
)
"""
# the units the round's tree lacks, as they are now (every unit, the first time), in the
# units' order (metrics.survey reads a round's tree in it)
_ROUND_UNITS_SQL = """
INSERT INTO survey_round_units (round_id, unit_id, parent_id, org_id, name)
SELECT r, u.unit_id, u.parent_id, u.org_id, u.name
FROM (SELECT unnest($rounds::VARCHAR[]) AS r) CROSS JOIN units u
WHERE NOT EXISTS (
    SELECT 1 FROM survey_round_units f WHERE f.round_id = r AND f.unit_id = u.unit_id
)
ORDER BY r, u.rowid
"""


# ----------------------------------------------------------------------------- reading back


def recognise(con: duckdb.DuckDBPyConnection, *, headers: tuple[str, ...]) -> pd.DataFrame:
    """Which kind (or preset) a file is, judged by its header; best first.

    Columns: kind, preset (None for a contract file), needs_found and needs_total (the columns a
    file of the kind must have that the header has, and how many it must have; the survey round
    is not counted, --round can give it), headers_used (how many of the file's headers the kind
    reads), score (a fraction 0–1: the mean of needs_found / needs_total and headers_used / the
    number of headers).
    """
    lowered = [str(h).strip().lower() for h in headers]
    items = set(store.read(con, "SELECT lower(item_id) FROM survey_items").iloc[:, 0])
    rows = []
    for kind in KINDS.values():
        known = {c.name for c in kind.columns} | (
            items if kind.name == "survey_responses" else set()
        )
        needs = _NEEDS.get(kind.name) or [(c,) for c in kind.required if c != "round_id"]
        if kind.name == "survey_responses":
            needs = [*needs, tuple(items) or ("item",)]
        found = sum(1 for any_of in needs if set(any_of) & set(lowered))
        used = sum(1 for h in lowered if h in known)
        rows.append((kind.name, None, found, len(needs), used))
    for name in presets.available():
        preset = presets.load(name)
        found, total, used = presets.coverage(preset, list(headers))
        rows.append((preset.kind, name, found, total, used))
    frame = pd.DataFrame(
        rows, columns=["kind", "preset", "needs_found", "needs_total", "headers_used"]
    )
    share = frame["needs_found"] / frame["needs_total"].where(frame["needs_total"] > 0)
    frame["score"] = (share.fillna(0) + frame["headers_used"] / max(len(headers), 1)) / 2
    return frame.sort_values(["score", "needs_found"], ascending=False, ignore_index=True)


# Kinds whose needed columns are "one of": a survey result is about a unit or an organisation,
# an item or an indicator, and gives a favourable share or a mean.
_NEEDS = {
    "survey_results": [("unit_id", "org_id"), ("item_id", "indicator"), ("favourable_pct", "mean")]
}

IMPORT_LOG_SQL = """
SELECT imported_at, kind, preset, file_name, content_sha256, rows_added, rows_updated,
       coalesce(rows_rejected, 0) AS rows_rejected, coalesce(refused, false) AS refused,
       coalesce(problems, 0) AS problems, imported_by, report
FROM import_log
ORDER BY import_id DESC
LIMIT $limit
"""


def import_log(con: duckdb.DuckDBPyConnection, *, limit: int = 200) -> pd.DataFrame:
    """The latest imports, loaded and refused, newest first.

    Columns: imported_at (timestamp), kind, preset, file_name, content_sha256 (hex), rows_added,
    rows_updated, rows_rejected (rows of a refused file: all of them, since a file loads all or
    nothing), refused (bool), problems (how many the refusal report named), imported_by, report.
    Loaded files come from the database's import_log; refused ones from the refusal journal.
    """
    loaded = store.read(con, IMPORT_LOG_SQL, {"limit": limit})
    journal = refusal_journal(con)
    if not journal.exists():
        return loaded
    lines = journal.read_text("utf-8").splitlines()[-limit:]
    refused = pd.DataFrame([json.loads(line) for line in lines], columns=loaded.columns)
    refused["imported_at"] = pd.to_datetime(refused["imported_at"])
    both = pd.concat([loaded, refused], ignore_index=True) if len(loaded) else refused
    return both.sort_values("imported_at", ascending=False, ignore_index=True).head(limit)


# Stored columns that no file carries: the rules derive them (a suppression mark → suppressed).
DERIVED_COLUMNS = ("suppressed",)
_TABLES = frozenset(k.table for k in KINDS.values()) | {"unit_headcounts"}


def _write_roles(cur, kind, staged):
    """A roles file is the whole role table: whoever it leaves out loses access. Updated are
    the e-mails that were in the table before."""
    frame = _stored(kind, staged)
    before = {email for (email,) in cur.execute("SELECT email FROM roles").fetchall()}
    cur.execute("DELETE FROM roles")
    _upsert(cur, "roles", frame, ["email"])
    updated = int(frame["email"].isin(before).sum())
    return len(frame) - updated, updated


WRITERS = {
    "organisations": _write_organisations,
    "units": _write_units,
    "survey_responses": _write_survey_responses,
    "survey_items": _write_survey_items,
    "roles": _write_roles,
}
