"""The current data of each kind, written out as the data contract's files (CSV or XLSX).

A downloaded file has the contract's columns, so it loads back through the importer. Every text
cell that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a carriage
return) is written with a single quote in front, so opening the file never executes it; the
database keeps the text as it was given (OWASP, "CSV injection").
"""

from __future__ import annotations

import io

import duckdb
import pandas as pd

from metrics import store
from metrics.contract import KINDS
from metrics.validation import clean_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SUPPRESSION_MARK = "*"


def formula_safe(value):
    """A text cell a spreadsheet would run as a formula gets a leading quote; others are as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with formula_safe applied to every text column (numbers and dates untouched)."""
    frame = frame.copy()
    for column in frame.columns:
        if not (pd.api.types.is_numeric_dtype(frame[column]) or
                pd.api.types.is_datetime64_any_dtype(frame[column])):  # fmt: skip
            frame[column] = frame[column].astype(object).map(formula_safe)
    return frame


def _select(kind: str, table_alias: str = "") -> str:
    allowed = {c.stored_as for c in KINDS[kind].columns}
    return ", ".join(
        f"{table_alias}{store.quote_identifier(c.stored_as, allowed)} AS "
        f"{store.quote_identifier(c.name, {c.name})}"
        for c in KINDS[kind].columns
    )


def _export_sql(kind: str) -> str:
    """SELECT of one kind's rows with the contract's column names (identifiers from contract)."""
    table = store.quote_identifier(KINDS[kind].table, {KINDS[kind].table})
    key = ", ".join(f'"{k}"' for k in KINDS[kind].key)
    return f"SELECT {_select(kind)} FROM {table} ORDER BY {key}"


# Units carry their headcount history: one row per unit and as_of date, as the file gives it.
_UNITS_SQL = """
SELECT u.unit_id, u.name, h.headcount, u.parent_id, u.org_id, h.supervisors, u.head_email,
       u.change_agent, h.as_of
FROM units u LEFT JOIN unit_headcounts h USING (unit_id)
ORDER BY u.unit_id, h.as_of NULLS FIRST
"""
# Answers back in the wide shape of a responses file: one row per respondent, a column per item.
_RESPONSES_SQL = """
PIVOT (SELECT round_id, unit_id, respondent, item_id, value FROM survey_answers)
ON item_id USING first(value) GROUP BY round_id, unit_id, respondent
ORDER BY round_id, unit_id, respondent
"""
# A suppressed result is written with a suppression mark, so that it loads back as suppressed.
_RESULTS_SQL = """
SELECT round_id, unit_id, org_id, item_id, indicator,
       CASE WHEN suppressed AND favourable_pct IS NULL THEN '*'
            ELSE CAST(favourable_pct AS VARCHAR) END AS favourable_pct,
       CASE WHEN suppressed AND mean IS NULL THEN '*' ELSE CAST(mean AS VARCHAR) END AS mean,
       n, response_rate
FROM survey_results
ORDER BY round_id, unit_id NULLS FIRST, org_id NULLS FIRST, item_id NULLS FIRST, indicator
"""
EXPORT_SQL = {kind: _export_sql(kind) for kind in KINDS} | {
    "units": _UNITS_SQL,
    "survey_responses": _RESPONSES_SQL,
    "survey_results": _RESULTS_SQL,
}


def current_data(con: duckdb.DuckDBPyConnection, *, kind: str) -> pd.DataFrame:
    """Every stored row of a kind, with the contract's column names (as stored, not escaped).

    Columns: those of the kind in the data contract; survey_responses has one column per item.
    """
    if kind not in EXPORT_SQL:
        raise ValueError(f"unknown kind {kind!r}; the kinds are {', '.join(KINDS)}")
    if kind == "survey_responses" and store.read(con, "SELECT 1 FROM survey_answers LIMIT 1").empty:
        return pd.DataFrame(columns=["round_id", "unit_id", "respondent"])
    frame = store.read(con, EXPORT_SQL[kind])
    if kind == "survey_responses":  # answers are whole numbers, also beside an empty answer
        items = [c for c in frame.columns if c not in ("round_id", "unit_id", "respondent")]
        frame[items] = frame[items].astype("Int64")
    return frame


def _count_sql(kind: str) -> str:
    if kind == "survey_responses":  # a respondent is a row of the file
        return (
            "SELECT count(*) FROM"
            " (SELECT DISTINCT round_id, unit_id, respondent FROM survey_answers)"
        )
    table = KINDS[kind].table
    return f"SELECT count(*) FROM {store.quote_identifier(table, {table})}"


ROW_COUNT_SQL = {kind: _count_sql(kind) for kind in KINDS}


def row_count(con: duckdb.DuckDBPyConnection, *, kind: str) -> int:
    """How many rows a kind holds (respondents for survey_responses), as its download has."""
    return int(store.read(con, ROW_COUNT_SQL[kind]).iloc[0, 0])


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads ä and ö right), formula-safe."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """An XLSX workbook of one sheet, formula-safe: no text cell is stored as a formula.

    A workbook cannot hold most control characters (openpyxl refuses the whole file), so they
    are left out, as the importer has left them out since it cleans text (rows stored before
    that may still hold one)."""
    buffer = io.BytesIO()
    frame = safe_frame(frame).map(lambda v: clean_text(v) if isinstance(v, str) else v)
    frame.to_excel(buffer, index=False, sheet_name=sheet[:31], engine="openpyxl")
    return buffer.getvalue()
