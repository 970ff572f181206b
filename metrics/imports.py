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
import re
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


def _refuse(file_name: str, reason: str, row: int = 0, column: str = "") -> ImportRejected:
    return ImportRejected(file_name, [RowError(row, column, "", reason)])


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
        except ImportRejected:
            pass
    return _read_csv(data, file_name), []


def _read_csv(data: bytes, file_name: str) -> pd.DataFrame:
    if not data.strip():
        raise _refuse(file_name, "the file is empty")
    if b"\x00" in data[:8192]:
        raise _refuse(
            file_name,
            "this is not a text CSV file (it contains binary data); save it as CSV or XLSX",
        )
    text = _decode(data)
    header = text.splitlines()[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
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


def _decode(data: bytes) -> str:
    """UTF-8 with or without a byte-order mark, else Windows-1252 (what Excel writes)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _open_workbook(data: bytes, file_name: str):
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several unrelated types for a broken file
        reason = f"not a readable XLSX workbook ({type(error).__name__})"
        raise _refuse(file_name, reason) from None


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
    if sheet is not None and sheet not in book.sheetnames:
        reason = f"no sheet named {sheet!r}; the sheets are {', '.join(book.sheetnames)}"
        raise _refuse(file_name, reason)
    chosen = sheet or book.sheetnames[0]
    warnings = []
    if sheet is None and len(book.sheetnames) > 1:
        warnings.append(
            f"the workbook has {len(book.sheetnames)} sheets; the first, {chosen!r}, was read "
            "(choose another with --sheet, or on the data page)"
        )
    rows = [[_cell_text(v) for v in row] for row in book[chosen].iter_rows(values_only=True)]
    book.close()
    rows = [r for r in rows if any(v != "" for v in r)]
    if not rows:
        raise _refuse(file_name, f"the sheet {chosen!r} is empty")
    width = len(rows[0])
    frame = pd.DataFrame([r[:width] + [""] * (width - len(r)) for r in rows[1:]], columns=rows[0])
    return frame.astype(str) if len(frame.columns) else frame, warnings


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_header(data: bytes, file_name: str, sheet: str | None = None) -> list[str]:
    """The file's column headers, for recognising its kind (an empty list if it is unreadable)."""
    try:
        if Path(file_name).suffix.lower() in XLSX_SUFFIXES or data.startswith(_ZIP_MAGIC):
            return [str(c) for c in _read_xlsx(data, file_name, sheet)[0].columns]
        first = _decode(data[:65536]).splitlines()[:1]
        return [str(c) for c in _read_csv(first[0].encode() + b"\n", file_name).columns]
    except (ImportRejected, IndexError):
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
) -> CheckedFile:
    """Read and validate a whole file without writing anything.

    Returns the rows as they will be stored (and, with count=True, how many each part would add
    and update: a dry run rolled back). Raises ImportRejected naming every bad row; the
    exception carries kind, file_name, content_sha256, rows and preset for the import log.
    `round_id` fills the round column of survey files that do not carry one.
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
        counts = _write_parts(cur, checked.parts)
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
                    "report": None,
                },
            )
    main = checked.main
    return ImportResult(
        checked.kind,
        checked.file_name,
        len(main.staged),
        main.added,
        main.updated,
        checked.warnings,
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
) -> ImportResult:
    """Validate a whole file and, if every row is good, load it in one transaction.

    Raises ImportRejected (with every bad row) and writes no data when any row is bad; the
    refusal is recorded in the import log.
    """
    try:
        checked = check_file(
            con, kind, path, round_id=round_id, sheet=sheet, preset=preset, today=today
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
