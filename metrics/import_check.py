"""The check phase of an import: a file's frame made into rows as they will be stored.

check reads a file (metrics.import_read), normalises its header or maps it through a preset,
and validates every row of every part against the contract and the database, without writing
anything; it returns a CheckedFile or raises ImportRejected naming every bad row. recognise
tells which kind (or preset) a header belongs to, for the data page.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from metrics import presets, store
from metrics.contract import KINDS, Kind
from metrics.import_read import load_source, read
from metrics.import_reasons import Reason
from metrics.import_rounds import loaded_rounds
from metrics.validation import ImportRejected, RowError, validate

# Stored columns that no file carries: the rules derive them (a suppression mark → suppressed).
DERIVED_COLUMNS = ("suppressed",)
_UNNAMED = re.compile(r"^unnamed: \d+$")


@dataclass
class Part:
    """One kind's rows of a checked file, as they will be stored; a dry run counts them."""

    kind: str
    staged: pd.DataFrame
    added: int | None = None
    updated: int | None = None


@dataclass
class CheckInput:
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
    parts: list[Part]
    warnings: list[str]
    preset: str | None
    today: date
    inputs: list[CheckInput] = field(repr=False, default_factory=list)
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


def check(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    source: str | Path | bytes,
    *,
    file_name: str | None = None,
    round_id: str | None = None,
    sheet: str | None = None,
    preset: str | None = None,
    today: date | None = None,
    replace_round: bool = False,
) -> CheckedFile:
    """Read and validate a whole file without writing anything (metrics.imports.check_file)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; the kinds are {', '.join(KINDS)}")
    chosen = presets.load(preset) if preset else None
    if chosen is not None and chosen.kind != kind:
        raise ValueError(f"the preset {chosen.name} loads {chosen.kind} files, not {kind}")
    today = today or date.today()
    name = file_name or (Path(source).name if not isinstance(source, bytes) else "upload")
    context = {"kind": kind, "file_name": name, "preset": chosen and chosen.name, "rows": 0}
    try:
        data, name = load_source(source, file_name)
        context["content_sha256"] = hashlib.sha256(data).hexdigest()
        frame, warnings = read(data, name, sheet)
        context["rows"] = len(frame)
        if chosen is None:
            frame, more = _normalise_headers(KINDS[kind], frame, name, round_id)
            inputs = [CheckInput(kind, frame)]
        else:
            inputs, more = _through_preset(con, chosen, frame, name, round_id)
        staged = validate_all(con, inputs, name, today)
        parts = [Part(i.kind, s) for i, s in zip(inputs, staged, strict=True)]
        cur = con.cursor()
        try:
            loaded_rounds(cur, parts, name, replace=replace_round)
        finally:
            cur.close()
    except ImportRejected as refused:
        for key, value in context.items():
            setattr(refused, key, value)
        raise
    return CheckedFile(
        kind=kind,
        file_name=name,
        content_sha256=context["content_sha256"],
        parts=parts,
        warnings=warnings + more,
        preset=chosen and chosen.name,
        today=today,
        inputs=inputs,
        preset_spec=chosen,
        replace_round=replace_round,
    )


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
        reason = Reason("duplicate_column")
        raise ImportRejected(file_name, [RowError(1, c, "", reason) for c in duplicated])
    if round_id is not None and "round_id" in {c.name for c in kind.columns}:
        frame["round_id"] = round_id
    known = {c.name for c in kind.columns}
    missing = [c for c in kind.required if c not in frame.columns]
    if missing:
        codes = {"round_id": "missing_round_column"}  # a round may be given beside the file
        errors = [RowError(1, c, "", Reason(codes.get(c, "missing_column"))) for c in missing]
        raise ImportRejected(file_name, errors)
    if kind.name == "survey_responses":  # item columns are checked against the catalogue
        return frame, []
    unknown = [c for c in frame.columns if c not in known]
    warnings = [Reason("unknown_column", column=repr(c)) for c in unknown]
    return frame.drop(columns=unknown), warnings


def _through_preset(
    con, preset: presets.Preset, frame: pd.DataFrame, file_name: str, round_id: str | None
) -> tuple[list[CheckInput], list[str]]:
    mapped, warnings, missing = presets.apply(preset, frame, round_id)
    errors = [RowError(1, column, "", Reason(code, preset=preset.name))
              for column, code in missing]  # fmt: skip
    needs_round = "round_id" in {c.name for c in KINDS[preset.kind].columns}
    if needs_round and "round_id" not in mapped[-1].frame.columns:
        errors.append(RowError(0, "round_id", "", Reason("give_round")))
    if errors:
        raise ImportRejected(file_name, errors)
    inputs = [CheckInput(m.kind, m.frame, m.file_rows, m.labels) for m in mapped]
    if preset.round is not None and round_id is not None:
        exists = store.read(con, "SELECT 1 FROM survey_rounds WHERE round_id = ?", [round_id])
        row = preset.round.row(round_id)
        if exists.empty and row is not None:
            frame = pd.DataFrame([row])
            labels = dict.fromkeys(frame.columns, f"--round (preset {preset.name})")
            inputs.insert(0, CheckInput("survey_rounds", frame, pd.Series([0]), labels))
    return inputs, warnings


# Ids that a part creates for the parts after it (a preset's organisations, its survey round).
_CREATES = {"organisations": "org_id", "survey_rounds": "round_id"}


def validate_all(con, inputs: list[CheckInput], file_name: str, today: date) -> list[pd.DataFrame]:
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
