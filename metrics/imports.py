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

This module is the importer's public face; the work is done in its parts, one job each:
metrics.import_read (reading files within the size limits), metrics.import_check (the check
phase), metrics.import_rounds (survey rounds loaded once), metrics.import_write (the write
phase) and metrics.import_log (the log and the refusal journal).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from metrics.import_check import CheckedFile, check, recognise, validate_all
from metrics.import_log import import_log, log_refused, refusal_journal
from metrics.import_read import read_header, read_table, refuse, sheet_names
from metrics.import_write import WRITERS, ImportResult, dry_run, write
from metrics.validation import ImportRejected

# What callers use (the pages, the command line, the API, the tests); the rest is in the parts.
__all__ = [
    "WRITERS",
    "CheckedFile",
    "ImportRejected",
    "ImportResult",
    "check_file",
    "commit",
    "import_file",
    "import_log",
    "log_refused",
    "read_header",
    "read_table",
    "recognise",
    "refusal_journal",
    "sheet_names",
]


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
    exception carries kind, file_name, content_sha256, rows and preset for the refusal
    journal. `round_id` fills the round column of survey files that do not carry one. Answers
    for a survey round that has answers already are refused unless `replace_round` is set and
    the round is within its correction window (metrics.import_rounds.loaded_rounds).
    """
    checked = check(
        con,
        kind,
        source,
        file_name=file_name,
        round_id=round_id,
        sheet=sheet,
        preset=preset,
        today=today,
        replace_round=replace_round,
    )
    if count:
        dry_run(con, checked)
    return checked


def commit(
    con: duckdb.DuckDBPyConnection, checked: CheckedFile, *, imported_by: str | None = None
) -> ImportResult:
    """Write a checked file in one transaction, exactly as it was checked.

    The rows are validated again against the database as it is now; if that refuses them, or
    gives rows different from those checked (the data changed in between), nothing is written
    and ImportRejected asks for a new check.
    """
    again = validate_all(con, checked.inputs, checked.file_name, checked.today)
    for part, staged in zip(checked.parts, again, strict=True):
        if not staged.equals(part.staged):
            raise refuse(checked.file_name, "changed_since_check")
    return write(con, checked, imported_by)


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
    refusal is recorded in the refusal journal beside the database, which import_log() reads
    too. `replace_round` replaces the answers of survey rounds loaded already, within their
    correction window (check_file).
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
        except OSError as error:  # the refusal stands; say why it is not in the journal
            refused.add_note(f"(the refusal could not be logged: {error})")
        raise
    return write(con, checked, imported_by)
