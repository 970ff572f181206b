"""Load contract files into the store: read, validate every row, then write all or nothing.

read_table (CSV/XLSX → strings) → metrics.validation.validate (typed rows, or ImportRejected
naming every bad row) → write (one transaction, upsert by id, an import-log row).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from metrics import store
from metrics.contract import KINDS, Kind
from metrics.validation import ImportRejected, RowError, validate


@dataclass
class ImportResult:
    kind: str
    file_name: str
    rows: int
    added: int
    updated: int
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.file_name}: {self.kind}, {self.rows} row(s) loaded "
            f"({self.added} added, {self.updated} updated)"
        )
        return "\n".join([text] + [f"  warning: {w}" for w in self.warnings])


def read_table(path: Path, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV or XLSX file into a frame of strings ('' for an empty cell)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    return _read_csv(path.read_bytes(), path.name)


def _read_csv(data: bytes, file_name: str) -> pd.DataFrame:
    if not data.strip():
        raise ImportRejected(file_name, [RowError(0, "", "", "the file is empty")])
    if b"\x00" in data[:8192]:
        reason = "this is not a text CSV file (it contains binary data); save it as CSV or XLSX"
        raise ImportRejected(file_name, [RowError(0, "", "", reason)])
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
        raise ImportRejected(file_name, [RowError(0, "", "", f"unreadable CSV: {error}")]) from None


def _decode(data: bytes) -> str:
    """UTF-8 with or without a byte-order mark, else Windows-1252 (what Excel writes)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_xlsx(path: Path, sheet: str | None) -> pd.DataFrame:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several unrelated types for a broken file
        reason = f"not a readable XLSX workbook ({type(error).__name__})"
        raise ImportRejected(path.name, [RowError(0, "", "", reason)]) from None
    if sheet is not None and sheet not in book.sheetnames:
        reason = f"no sheet named {sheet!r}; the sheets are {', '.join(book.sheetnames)}"
        raise ImportRejected(path.name, [RowError(0, "", "", reason)])
    rows = [
        [_cell_text(v) for v in row]
        for row in book[sheet or book.sheetnames[0]].iter_rows(values_only=True)
    ]
    book.close()
    rows = [r for r in rows if any(v != "" for v in r)]
    if not rows:
        raise ImportRejected(path.name, [RowError(0, "", "", "the sheet is empty")])
    width = len(rows[0])
    return pd.DataFrame([r[:width] + [""] * (width - len(r)) for r in rows[1:]], columns=rows[0])


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


def import_file(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    path: str | Path,
    *,
    round_id: str | None = None,
    sheet: str | None = None,
    imported_by: str | None = None,
    today: date | None = None,
) -> ImportResult:
    """Validate a whole file and, if every row is good, load it in one transaction.

    Raises ImportRejected (with every bad row) and writes nothing when any row is bad.
    `round_id` fills the round column of survey files that do not carry one.
    """
    path = Path(path)
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; the kinds are {', '.join(KINDS)}")
    data = path.read_bytes()
    frame = read_table(path, sheet)
    frame, warnings = _normalise_headers(KINDS[kind], frame, path.name, round_id)
    staged = validate(con, KINDS[kind], frame, path.name, today or date.today())
    with store.transaction(con) as cur:
        added, updated = WRITERS.get(kind, _write_upsert)(cur, KINDS[kind], staged)
        cur.execute(
            "INSERT INTO import_log (imported_at, kind, file_name, content_sha256, rows_added,"
            " rows_updated, imported_by) VALUES (current_timestamp, ?, ?, ?, ?, ?, ?)",
            [kind, path.name, hashlib.sha256(data).hexdigest(), added, updated, imported_by],
        )
    return ImportResult(kind, path.name, len(frame), added, updated, warnings)


def _normalise_headers(
    kind: Kind, frame: pd.DataFrame, file_name: str, round_id: str | None
) -> tuple[pd.DataFrame, list[str]]:
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    duplicated = frame.columns[frame.columns.duplicated()].unique()
    if len(duplicated):
        reason = "the column appears more than once in the header"
        raise ImportRejected(file_name, [RowError(1, c, "", reason) for c in duplicated])
    if round_id is not None and "round_id" in {c.name for c in kind.columns}:
        frame["round_id"] = round_id
    known = {c.name for c in kind.columns}
    missing = [c for c in kind.required if c not in frame.columns]
    if missing:
        errors = [RowError(1, c, "", "required column is missing") for c in missing]
        raise ImportRejected(file_name, errors)
    if kind.name == "survey_responses":  # item columns are checked against the catalogue
        return frame, []
    unknown = [c for c in frame.columns if c not in known]
    warnings = [f"unknown column {c!r} ignored" for c in unknown]
    return frame.drop(columns=unknown), warnings


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


def _write_organisations(cur, kind, staged):
    if "home" in staged.columns and staged["home"].any():
        cur.execute("UPDATE organisations SET home = false")
    return _write_upsert(cur, kind, staged)


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


def _write_survey_responses(cur, kind, staged):
    """A responses file replaces every answer of each (round, unit) pair it contains."""
    item_columns = [c for c in staged.columns if isinstance(c, tuple)]
    long = staged.melt(
        id_vars=["round_id", "unit_id", "respondent"],
        value_vars=item_columns,
        var_name="item",
        value_name="value",
    ).dropna(subset=["value"])
    long["item_id"] = long["item"].map(lambda c: c[1])
    pairs = staged[["round_id", "unit_id"]].drop_duplicates()
    cur.register("pairs", pairs)
    previous = cur.execute(
        "SELECT count(DISTINCT (a.unit_id, a.respondent)) FROM survey_answers a"
        " JOIN pairs p USING (round_id, unit_id)"
    ).fetchone()[0]
    cur.execute(
        "DELETE FROM survey_answers a WHERE EXISTS (SELECT 1 FROM pairs p"
        " WHERE p.round_id = a.round_id AND p.unit_id = a.unit_id)"
    )
    cur.unregister("pairs")
    answers = long[["round_id", "unit_id", "respondent", "item_id", "value"]]
    cur.register("answers", answers)
    cur.execute("INSERT INTO survey_answers BY NAME SELECT * FROM answers")
    cur.unregister("answers")
    return max(len(staged) - previous, 0), min(previous, len(staged))


# Stored columns that no file carries: the rules derive them (a suppression mark → suppressed).
DERIVED_COLUMNS = ("suppressed",)
_TABLES = frozenset(k.table for k in KINDS.values()) | {"unit_headcounts"}
WRITERS = {
    "organisations": _write_organisations,
    "units": _write_units,
    "survey_responses": _write_survey_responses,
}
