"""The write phase of an import: a checked file stored in one transaction, all or nothing.

Each kind's rows are upserted by the kind's key, or written by the kind's own writer (WRITERS):
organisations keep where their data came from, units keep a headcount history, a survey file
replaces its (round, unit) pairs' answers and refreshes the stored sums, and a roles file is the
whole role table. Survey rounds are replaced and frozen as metrics.import_rounds says; every
written part is logged in import_log (metrics.import_log).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pandas as pd

from metrics import presets, store
from metrics.contract import KINDS, Kind
from metrics.import_check import DERIVED_COLUMNS, CheckedFile, Part
from metrics.import_log import log_loaded
from metrics.import_rounds import freeze_rounds, replace_rounds, wide_answers
from metrics.survey import SCORED_ANSWERS_SQL

# The importer's log, under the name operators configure (the replacement of a survey round).
logger = logging.getLogger("metrics.imports")


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


def write(con, checked: CheckedFile, imported_by: str | None) -> ImportResult:
    """Write every part of a checked file and log it, in one transaction."""
    with store.transaction(con) as cur:
        notes = _replace_rounds(cur, checked)
        counts = _write_parts(cur, checked.parts)
        freeze_rounds(cur, checked.parts, replaced=[r for r, _ in notes])
        if checked.preset:
            _record_source(cur, checked)
        for part, (added, updated) in zip(checked.parts, counts, strict=True):
            part.added, part.updated = added, updated
            log_loaded(
                cur,
                kind=part.kind,
                file_name=checked.file_name,
                content_sha256=checked.content_sha256,
                added=added,
                updated=updated,
                imported_by=imported_by,
                preset=checked.preset,
                report="\n".join(n for _, n in notes) if part is checked.main else None,
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


class _DryRun(Exception):
    """Raised inside a transaction to roll back a write that only counted rows."""


def dry_run(con, checked: CheckedFile) -> None:
    """Count what each part would add and update (Part.added, Part.updated), writing nothing."""
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


def _replace_rounds(cur, checked: CheckedFile) -> list[tuple[str, str]]:
    return replace_rounds(cur, checked.parts, checked.file_name, replace=checked.replace_round)


def _write_parts(cur, parts: list[Part]) -> list[tuple[int, int]]:
    return [WRITERS.get(p.kind, _write_upsert)(cur, KINDS[p.kind], p.staged.copy()) for p in parts]


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


# ----------------------------------------------------------------------------- the writers

_TABLES = frozenset(k.table for k in KINDS.values()) | {"unit_headcounts"}


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


def _write_roles(cur, kind, staged):
    """A roles file is the whole role table: whoever it leaves out loses access. Updated are
    the e-mails that were in the table before."""
    frame = _stored(kind, staged)
    before = {email for (email,) in cur.execute("SELECT email FROM roles").fetchall()}
    cur.execute("DELETE FROM roles")
    _upsert(cur, "roles", frame, ["email"])
    updated = int(frame["email"].isin(before).sum())
    return len(frame) - updated, updated


# ----------------------------------------------------------------------------- survey answers

# Per unit (own respondents only), round and indicator: the sums the pooled figures are made of,
# kept in survey_unit_sums so that no page has to count every answer (metrics.survey reads them).
UNIT_SUMS_SQL = f"""
    WITH answers AS ({SCORED_ANSWERS_SQL})
    SELECT round_id, unit_id, indicator,
           count(DISTINCT respondent) AS respondents,
           count(*) AS answers,
           count(*) FILTER (WHERE favourable) AS favourable,
           sum(value) AS value_sum
    FROM answers GROUP BY ALL
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
    cur.execute(f"INSERT INTO survey_unit_sums BY NAME {UNIT_SUMS_SQL}", params)


def _write_survey_items(cur, kind, staged):
    """An item's indicator, scale or reversal feeds every stored sum: recompute them all."""
    counts = _write_upsert(cur, kind, staged)
    refresh_survey_sums(cur)
    return counts


_ANSWERS_SQL = """
INSERT INTO survey_answers (round_id, unit_id, respondent, item_id, value)
SELECT round_id, unit_id, respondent, item_id, value
FROM (UNPIVOT staged_answers ON COLUMNS(* EXCLUDE (round_id, unit_id, respondent))
      INTO NAME item_id VALUE value)
"""


def _write_survey_responses(cur, kind, staged):
    """A responses file replaces every answer of each (round, unit) pair it contains.

    The wide rows are turned into one row per answered item by DuckDB (UNPIVOT leaves out the
    empty answers), which keeps a 100,000-respondent file well inside the import budget.
    """
    wide = wide_answers(staged)
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
    if len(wide.columns) > 3:  # a file with item columns
        cur.register("staged_answers", wide)
        cur.execute(_ANSWERS_SQL)
        cur.unregister("staged_answers")
    refresh_survey_sums(cur, sorted(pairs["round_id"].unique()))
    return max(len(staged) - previous, 0), min(previous, len(staged))


WRITERS = {
    "organisations": _write_organisations,
    "units": _write_units,
    "survey_responses": _write_survey_responses,
    "survey_items": _write_survey_items,
    "roles": _write_roles,
}
