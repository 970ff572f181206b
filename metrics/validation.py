"""Validation of an import file: every cell parsed, every row checked, every problem named.

Cells are parsed by the column types of metrics.contract; then each kind's rules check
references, dates, cycles and the like. Problems are collected, not raised one by one, so the
report names every bad row (file row, column, value, reason) before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from metrics import store
from metrics.contract import (
    ANSWER_COLUMNS_FIXED,
    PROGRAMME_INDICATORS,
    ROLES,
    ROLES_WITH_UNITS,
    UNIT_SEPARATOR,
    Column,
    Kind,
)
from metrics.import_reasons import Reason

MAX_ERRORS_SHOWN = 50
SUPPRESSION_MARKS = re.compile(r"^(n\s*<\s*\d+|-|–|\*|\.\.|x)$", re.IGNORECASE)
_SPACES = r"[\s\u00a0\u202f]"
_ISO_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}( 00:00:00)?$")
_FINNISH_DATE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")
# Control characters: C0 but tab, line feed and carriage return; DEL; C1. None shows as text,
# and a spreadsheet cannot hold most of them (an XLSX download of a cell with a NUL fails).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TRUE = {"true", "1", "yes", "y", "x", "kyllä", "k", "tosi", "ja", "sant"}
_FALSE = {"false", "0", "no", "n", "ei", "epätosi", "nej", "falskt"}
# Dates that plan ahead and so may lie in the future; every other date records what happened.
PLANNED_DATES = {
    ("projects", "started_on"),
    ("projects", "due_on"),
    ("milestones", "due_on"),
    ("teams", "ended_on"),
    ("survey_rounds", "opened_on"),
    ("survey_rounds", "closed_on"),
    ("meetings", "held_on"),
    ("actions", "due_on"),
    ("campaigns", "opens_on"),
    ("campaigns", "closes_on"),
}


@dataclass(frozen=True)
class RowError:
    """One reason a file was refused: file row (the header is row 1), column, value, reason
    (a metrics.import_reasons.Reason: its English text, with a code a page translates)."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        column = f", column {self.column}" if self.column else ""
        value = f", value {self.value[:60]!r}" if self.value else ""
        return f"{where}{column}{value}: {self.reason}"


class ImportRejected(Exception):
    """The file was refused; nothing was written. `errors` lists every bad row."""

    def __init__(self, file_name: str, errors: list[RowError], unlisted: int = 0):
        self.file_name = file_name
        self.errors = sorted(errors, key=lambda e: (e.row, e.column))
        self.unlisted = unlisted
        super().__init__(self.report())

    def report(self) -> str:
        rows = {e.row for e in self.errors if e.row}
        lines = [
            f"{self.file_name}: refused, nothing was written. "
            f"{len(self.errors) + self.unlisted} problem(s) in {len(rows)} or more row(s)."
        ]
        lines += [f"  {e}" for e in self.errors[:MAX_ERRORS_SHOWN]]
        rest = len(self.errors) - MAX_ERRORS_SHOWN + self.unlisted
        if rest > 0:
            lines.append(f"  … and {rest} more problem(s)")
        return "\n".join(lines)


def clean_text(text):
    """Free text without control characters (CONTROL_CHARACTERS), as it is stored: a string, or
    a Series of them. Every file's text cells pass here, and so does the idea form."""
    if isinstance(text, pd.Series):
        return text.str.replace(CONTROL_CHARACTERS.pattern, "", regex=True)
    return CONTROL_CHARACTERS.sub("", text)


def _parse(column: Column, raw: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    """Typed values, a mask of cells that do not parse, and the reason for them."""
    stripped = raw.str.strip()
    empty = stripped == ""
    kind = column.type
    if kind in ("id", "text"):
        values = (stripped if kind == "id" else raw).where(~empty, None)
        return values, pd.Series(False, index=raw.index), ""
    if kind == "int":
        cleaned = stripped.str.replace(_SPACES, "", regex=True).str.replace(
            r"[.,]0+$", "", regex=True
        )
        bad = ~empty & ~cleaned.str.fullmatch(r"[+-]?\d+")
        values = pd.to_numeric(cleaned.where(~empty & ~bad), errors="coerce").astype("Int64")
        return values, bad, Reason("not_whole_number")
    if kind in ("number", "pct"):
        cleaned = stripped.str.replace(_SPACES, "", regex=True).str.replace(",", ".", regex=False)
        if kind == "pct":
            cleaned = cleaned.str.removesuffix("%")
        values = pd.to_numeric(cleaned.where(~empty), errors="coerce")
        reason = Reason("not_percentage" if kind == "pct" else "not_number")
        return values, ~empty & values.isna(), reason
    if kind == "date":
        return _parse_dates(stripped, empty)
    if kind == "bool":
        lowered = stripped.str.lower()
        values = lowered.map(lambda v: True if v in _TRUE else False if v in _FALSE else None)
        bad = ~empty & values.isna()
        return values.where(~empty, False).astype(bool), bad, Reason("not_bool")
    if kind == "choice":
        lowered = stripped.str.lower().map(lambda v: column.aliases.get(v, v))
        bad = ~empty & ~lowered.isin(column.choices)
        reason = Reason("not_choice", choices=", ".join(column.choices))
        return lowered.where(~empty, None), bad, reason
    raise ValueError(f"unknown column type {kind}")


def _parse_dates(stripped: pd.Series, empty: pd.Series) -> tuple[pd.Series, pd.Series, str]:
    iso = stripped.str.match(_ISO_DATE)
    finnish = stripped.str.match(_FINNISH_DATE)
    values = pd.Series(pd.NaT, index=stripped.index, dtype="datetime64[us]")
    if iso.any():
        parsed = pd.to_datetime(stripped[iso].str[:10], format="%Y-%m-%d", errors="coerce")
        values[iso] = parsed
    if finnish.any():
        values[finnish] = pd.to_datetime(stripped[finnish], format="%d.%m.%Y", errors="coerce")
    bad = ~empty & values.isna()
    return (
        # object dtype even when every cell is empty (else an empty column would be all NaT)
        values.dt.date.astype(object).where(~values.isna(), None),
        bad,
        Reason("not_date"),
    )


class _Checker:
    """Collects the errors of one file so that every bad row is reported, not just the first."""

    def __init__(
        self,
        frame: pd.DataFrame,
        file_rows: pd.Series | None = None,
        labels: dict | None = None,
        pending: dict[str, set[str]] | None = None,
    ):
        self.raw = frame
        self.errors: list[RowError] = []
        self.unlisted = 0  # errors past the report's length are counted, not kept
        self.file_rows = file_rows
        self.labels = labels or {}
        self.pending = pending or {}

    def file_row(self, index) -> int:
        """The row in the file (the header is row 1): a preset's unpivot gives its own."""
        return int(index) + 2 if self.file_rows is None else int(self.file_rows[index])

    def label(self, index, column: str) -> str:
        """The column as the file names it (a preset maps the file's headers to the contract)."""
        label = self.labels.get(column, column)
        return label if isinstance(label, str) else str(label[index])

    def flag(self, mask: pd.Series, column: str, reason: str) -> None:
        bad = mask[mask].index
        for index in bad[:MAX_ERRORS_SHOWN]:
            value = str(self.raw.at[index, column]) if column in self.raw.columns else ""
            self.add(self.file_row(index), self.label(index, column), value, reason)
        self.unlisted += max(len(bad) - MAX_ERRORS_SHOWN, 0)

    def add(self, row: int, column: str, value: str, reason: str) -> None:
        self.errors.append(RowError(row, column, value, reason))


def validate(
    con,
    kind: Kind,
    frame: pd.DataFrame,
    file_name: str,
    today: date,
    *,
    file_rows: pd.Series | None = None,
    labels: dict | None = None,
    pending: dict[str, set[str]] | None = None,
) -> pd.DataFrame:
    """Parse every cell and apply the kind's rules; return the rows as they will be stored.

    A preset passes each row's `file_rows` and the file's header `labels` for the report, and
    `pending`: ids by column (org_id, round_id) that the same import creates before this kind.
    """
    if frame.empty:
        raise ImportRejected(file_name, [RowError(0, "", "", Reason("no_rows"))])
    check = _Checker(frame, file_rows, labels, pending)
    staged = pd.DataFrame(index=frame.index)
    if kind.name == "survey_results":
        frame, staged["suppressed"] = _blank_suppression_marks(frame)
    for column in kind.columns:
        if column.name not in frame.columns:
            continue
        raw = frame[column.name].astype(str)
        if column.type in ("id", "text"):
            raw = clean_text(raw)
        values, bad, reason = _parse(column, raw)
        check.flag(bad, column.name, reason)
        if column.required:
            check.flag(raw.str.strip() == "", column.name, Reason("required_value"))
        _check_bounds(check, column, raw, values, bad)
        staged[column.name] = values
    for column in kind.columns:
        if (kind.name, column.name) in PLANNED_DATES:
            continue
        if column.type == "date" and column.name in staged.columns:
            future = staged[column.name].map(lambda d: d is not None and d > today)
            check.flag(future, column.name, Reason("future_date"))
    staged = RULES[kind.name](con, check, staged, frame)
    _check_duplicate_keys(check, kind, staged)
    if check.errors:
        raise ImportRejected(file_name, check.errors, check.unlisted)
    return staged


def _check_bounds(check: _Checker, column: Column, raw, values, bad) -> None:
    if column.type in ("id", "text"):
        too_long = raw.str.len() > column.max_len
        check.flag(too_long, column.name, Reason("too_long", limit=column.max_len))
        return
    if column.minimum is not None and column.type in ("int", "number", "pct"):
        check.flag(
            ~bad & (values < column.minimum).fillna(False),
            column.name,
            Reason("below", limit=column.minimum),
        )
    if column.maximum is not None and column.type in ("int", "number", "pct"):
        check.flag(
            ~bad & (values > column.maximum).fillna(False),
            column.name,
            Reason("above", limit=column.maximum),
        )


def _check_duplicate_keys(check: _Checker, kind: Kind, staged: pd.DataFrame) -> None:
    key = [c for c in kind.key if c in staged.columns]
    if kind.name == "survey_responses":
        key = ["round_id", "unit_id", "respondent"] if "respondent" in staged.columns else []
    if kind.name == "units" and "as_of" in staged.columns:
        key = ["unit_id", "as_of"]
    if not key:
        return
    rows = staged.index.to_series()
    first_rows = rows.groupby([staged[c] for c in key], dropna=False).transform("min")
    duplicate = rows != first_rows
    for index in duplicate[duplicate].index:
        value = " / ".join(str(staged.at[index, c]) for c in key)
        reason = Reason("duplicate_key", key=" + ".join(key), row=check.file_row(first_rows[index]))
        check.add(check.file_row(index), check.label(index, key[0]), value, reason)


def _existing(con, sql: str) -> set[str]:
    return set(store.read(con, sql).iloc[:, 0].astype(str))


def _must_exist(
    check: _Checker, staged: pd.DataFrame, column: str, known: set[str], what: str
) -> None:
    if column in staged.columns:
        values = staged[column]
        known = known | check.pending.get(column, set())
        reason = Reason("no_such." + what.replace(" ", "_"))
        check.flag(values.notna() & ~values.isin(known), column, reason)


def _after(check, staged, later: str, earlier: str, reason: str) -> None:
    if later in staged.columns and earlier in staged.columns:
        both = staged[later].notna() & staged[earlier].notna()
        check.flag(
            both & (staged[later] < staged[earlier]).where(both, False).astype(bool), later, reason
        )


def _home_org(con) -> str:
    homes = _existing(con, "SELECT org_id FROM organisations WHERE home")
    return next(iter(homes), store.HOME_ORG_ID)


def _rules_organisations(con, check, staged, frame):
    if "home" in staged.columns and staged["home"].sum() > 1:
        check.flag(staged["home"], "home", Reason("one_home"))
    home = _existing(con, "SELECT org_id FROM organisations WHERE home")
    is_home = staged["org_id"].isin(home)
    if "home" not in frame.columns:  # a file without the column keeps the home organisation
        staged["home"] = is_home
    elif not staged["home"].any():
        check.flag(is_home & ~staged["home"], "home", Reason("keep_home"))
    return staged


def _rules_units(con, check, staged, frame):
    orgs = _existing(con, "SELECT org_id FROM organisations")
    if "org_id" not in staged.columns:
        staged["org_id"] = None
    staged["org_id"] = staged["org_id"].fillna(_home_org(con))
    _must_exist(check, staged, "org_id", orgs, "organisation")
    known = _existing(con, "SELECT unit_id FROM units") | set(staged["unit_id"].dropna())
    _must_exist(check, staged, "parent_id", known, "parent unit")
    if "supervisors" in staged.columns:
        too_many = (staged["supervisors"] > staged["headcount"]).fillna(False)
        check.flag(too_many, "supervisors", Reason("supervisors_over_headcount"))
    _check_cycles(con, check, staged)
    return staged


def _check_cycles(con, check, staged) -> None:
    if "parent_id" not in staged.columns:
        return
    parents = dict(store.read(con, "SELECT unit_id, parent_id FROM units").itertuples(index=False))
    parents.update(zip(staged["unit_id"], staged["parent_id"], strict=True))
    for index, unit in staged["unit_id"].items():
        seen, current = {unit}, parents.get(unit)
        while current is not None and current in parents:
            if current in seen:
                value = str(staged.at[index, "parent_id"])
                row, column = check.file_row(index), check.label(index, "parent_id")
                check.add(row, column, value, Reason("parent_loop"))
                break
            seen.add(current)
            current = parents.get(current)


def _rules_ideas(con, check, staged, frame):
    _must_exist(check, staged, "unit_id", _existing(con, "SELECT unit_id FROM units"), "unit")
    _must_exist(check, staged, "team_id", _existing(con, "SELECT team_id FROM teams"), "team")
    campaigns = _existing(con, "SELECT campaign_id FROM campaigns")
    _must_exist(check, staged, "campaign_id", campaigns, "campaign")
    for later in ("status_changed_on", "decided_on", "implemented_on"):
        _after(check, staged, later, "submitted_on", Reason("before_submitted"))
    merged = staged["status"] == "merged"
    target = (
        staged["merged_into"]
        if "merged_into" in staged.columns
        else pd.Series(None, index=staged.index)
    )
    check.flag(merged & target.isna(), "merged_into", Reason("merged_needs_target"))
    ideas = _existing(con, "SELECT idea_id FROM ideas") | set(staged["idea_id"].dropna())
    _must_exist(check, staged, "merged_into", ideas, "idea")
    if "merged_into" in staged.columns:
        check.flag(
            staged["merged_into"] == staged["idea_id"],
            "merged_into",
            Reason("merged_into_itself"),
        )
    if "anonymous" in staged.columns and "submitter" in staged.columns:
        # An anonymous idea keeps no submitter at all (docs/design.md, Anonymity).
        staged.loc[staged["anonymous"], "submitter"] = None
    return staged


def _rules_survey_rounds(con, check, staged, frame):
    _after(check, staged, "closed_on", "opened_on", Reason("closes_before_opens"))
    return staged


def _rules_survey_items(con, check, staged, frame):
    if "scale_max" in staged.columns:
        staged["scale_max"] = staged["scale_max"].fillna(5)
    return staged


def _rules_survey_responses(con, check, staged, frame):
    _must_exist(
        check,
        staged,
        "round_id",
        _existing(con, "SELECT round_id FROM survey_rounds"),
        "survey round",
    )
    _must_exist(check, staged, "unit_id", _existing(con, "SELECT unit_id FROM units"), "unit")
    items = store.read(con, "SELECT item_id, scale_max FROM survey_items")
    scale = {str(k).lower(): (str(k), int(v)) for k, v in items.itertuples(index=False)}
    item_columns = [c for c in frame.columns if c not in ANSWER_COLUMNS_FIXED]
    for column in item_columns:
        if column not in scale:
            check.add(1, column, "", Reason("not_an_item"))
            continue
        item_id, scale_max = scale[column]
        raw = frame[column].astype(str).str.strip()
        # The answers are the strings "1" … "scale_max"; looked up in them, anything else is 0
        # (read this way, a 100,000-respondent file stays inside the import budget).
        answers = pd.Index([str(value) for value in range(1, scale_max + 1)])
        codes = (answers.get_indexer(raw.astype(object)) + 1).astype("int8")
        bad = pd.Series((raw != "").to_numpy() & (codes == 0), index=raw.index)
        check.flag(bad, column, Reason("answer_range", scale_max=scale_max))
        staged[("item", item_id)] = pd.arrays.IntegerArray(codes, codes == 0)
    generated = "row" + (staged.index.to_series() + 2).astype(str)
    given = staged["respondent"] if "respondent" in staged.columns else None
    staged["respondent"] = generated if given is None else given.fillna(generated)
    return staged


def _rules_survey_results(con, check, staged, frame):
    _must_exist(
        check,
        staged,
        "round_id",
        _existing(con, "SELECT round_id FROM survey_rounds"),
        "survey round",
    )
    _must_exist(check, staged, "unit_id", _existing(con, "SELECT unit_id FROM units"), "unit")
    _must_exist(
        check, staged, "org_id", _existing(con, "SELECT org_id FROM organisations"), "organisation"
    )
    _must_exist(
        check, staged, "item_id", _existing(con, "SELECT item_id FROM survey_items"), "survey item"
    )
    for column in (
        "unit_id",
        "org_id",
        "item_id",
        "indicator",
        "favourable_pct",
        "mean",
        "n",
        "response_rate",
    ):
        if column not in staged.columns:
            staged[column] = None
    if "favourable_pct" not in frame.columns and "mean" not in frame.columns:
        check.add(1, "favourable_pct", "", Reason("needs_favourable_or_mean"))
    subject = staged["unit_id"].notna().astype(int) + staged["org_id"].notna().astype(int)
    check.flag(subject != 1, "unit_id", Reason("unit_or_org"))
    measure = staged["item_id"].notna().astype(int) + staged["indicator"].notna().astype(int)
    check.flag(measure != 1, "item_id", Reason("item_or_indicator"))
    return staged


def _blank_suppression_marks(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """A suppression mark (n<10, -, *) is stored as suppressed, never as zero."""
    suppressed = pd.Series(False, index=frame.index)
    frame = frame.copy()
    for column in ("favourable_pct", "mean", "n"):
        if column in frame.columns:
            marked = frame[column].astype(str).str.strip().str.match(SUPPRESSION_MARKS)
            frame.loc[marked, column] = ""
            suppressed |= marked
    return frame, suppressed


def _rules_teams(con, check, staged, frame):
    _must_exist(check, staged, "unit_id", _existing(con, "SELECT unit_id FROM units"), "unit")
    _after(check, staged, "ended_on", "started_on", Reason("team_ends_before_start"))
    return staged


def _rules_projects(con, check, staged, frame):
    _must_exist(check, staged, "team_id", _existing(con, "SELECT team_id FROM teams"), "team")
    _after(check, staged, "due_on", "started_on", Reason("due_before_start"))
    _after(check, staged, "done_on", "started_on", Reason("done_before_start"))
    return staged


def _rules_milestones(con, check, staged, frame):
    _must_exist(
        check, staged, "project_id", _existing(con, "SELECT project_id FROM projects"), "project"
    )
    return staged


def _rules_activities(con, check, staged, frame):
    _must_exist(check, staged, "unit_id", _existing(con, "SELECT unit_id FROM units"), "unit")
    _must_exist(
        check, staged, "org_id", _existing(con, "SELECT org_id FROM organisations"), "organisation"
    )
    if "supervisors" in staged.columns and "participants" in staged.columns:
        too_many = (staged["supervisors"] > staged["participants"]).fillna(False)
        check.flag(too_many, "supervisors", Reason("supervisors_over_participants"))
    return staged


def _rules_practices(con, check, staged, frame):
    _must_exist(check, staged, "unit_id", _existing(con, "SELECT unit_id FROM units"), "unit")
    _must_exist(
        check, staged, "org_id", _existing(con, "SELECT org_id FROM organisations"), "organisation"
    )
    _must_exist(check, staged, "idea_id", _existing(con, "SELECT idea_id FROM ideas"), "idea")
    _must_exist(
        check, staged, "project_id", _existing(con, "SELECT project_id FROM projects"), "project"
    )
    return staged


_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")


def _units_given(staged) -> pd.Series:
    """The `units` column as given: unit ids separated by ';' ('' where empty)."""
    given = staged["units"] if "units" in staged.columns else pd.Series(None, index=staged.index)
    return given.map(lambda text: text if isinstance(text, str) else "")


def _unit_lists(con, check, staged) -> list[list[str]]:
    """Each row's unit ids (the `units` column, ids separated by ';'), each once; an id that is
    no unit is flagged."""
    known = _existing(con, "SELECT unit_id FROM units")
    lists = []
    for index, text in _units_given(staged).items():
        ids = [u for u in dict.fromkeys(u.strip() for u in text.split(UNIT_SEPARATOR)) if u]
        row, column = check.file_row(index), check.label(index, "units")
        for unit in (u for u in ids if u not in known):
            check.add(row, column, text, Reason("no_such_unit_named", unit=unit))
        lists.append(ids)
    return lists


def _rules_roles(con, check, staged, frame):
    """E-mails in lower case; a unit head's or change agent's units must exist; the other roles
    see every unit, so a unit there would mislead whoever reads the file. The file replaces the
    whole table, so it must keep an admin, or nobody could load files in the app."""
    staged["email"] = staged["email"].str.lower()
    bad = staged["email"].notna() & ~staged["email"].fillna("").str.match(_EMAIL)
    check.flag(bad, "email", Reason("not_email"))
    stored, lists = [], _unit_lists(con, check, staged)
    for (index, text), ids in zip(_units_given(staged).items(), lists, strict=True):
        role = staged.at[index, "role"]
        row, column = check.file_row(index), check.label(index, "units")
        if role in ROLES_WITH_UNITS and not ids:
            check.add(row, column, "", Reason("role_needs_units", role=role))
        if role in ROLES and role not in ROLES_WITH_UNITS and ids:
            check.add(row, column, text, Reason("role_sees_all", role=role))
        stored.append(UNIT_SEPARATOR.join(ids) or None)
    staged["units"] = stored
    if not staged["role"].eq("admin").any():
        check.add(0, "role", "", Reason("no_admin"))
    return staged


def _rules_actions(con, check, staged, frame):
    """An action responds to a round's results for an indicator (and maybe one of its items);
    what it names must exist. A file without the `published` column keeps what the steering
    group published (a plain re-import must not withdraw it from the staff's summary)."""
    _must_exist(check, staged, "unit_id", _existing(con, "SELECT unit_id FROM units"), "unit")
    rounds = _existing(con, "SELECT round_id FROM survey_rounds")
    _must_exist(check, staged, "round_id", rounds, "survey round")
    indicators = _existing(con, "SELECT DISTINCT indicator FROM survey_items")
    unknown = staged["indicator"].notna() & ~staged["indicator"].isin(indicators)
    check.flag(unknown, "indicator", Reason("no_such.indicator"))
    items = dict(store.read(con, "SELECT item_id, indicator FROM survey_items").itertuples(False))
    _must_exist(check, staged, "item_id", set(items), "survey item")
    if "item_id" in staged.columns:
        of = staged["item_id"].map(items)
        other = of.notna() & staged["indicator"].notna() & (of != staged["indicator"])
        check.flag(other, "item_id", Reason("item_of_other_indicator"))
    practices = _existing(con, "SELECT practice_id FROM practices")
    _must_exist(check, staged, "practice_id", practices, "practice")
    _must_exist(
        check, staged, "project_id", _existing(con, "SELECT project_id FROM projects"), "project"
    )
    _after(check, staged, "due_on", "created_on", Reason("due_before_created"))
    if "published" not in frame.columns:
        kept = store.read(con, "SELECT action_id, published FROM actions WHERE published")
        staged["published"] = staged["action_id"].isin(set(kept["action_id"]))
    return staged


def _rules_campaigns(con, check, staged, frame):
    """A campaign closes on or after it opens; its units (ids separated by ';', empty for the
    whole organisation) and its indicator, where given, must exist."""
    _after(check, staged, "closes_on", "opens_on", Reason("campaign_closes_before_opens"))
    staged["units"] = [UNIT_SEPARATOR.join(ids) or None for ids in _unit_lists(con, check, staged)]
    if "indicator" in staged.columns:  # the programme's three, or one of the survey items'
        indicators = _existing(con, "SELECT DISTINCT indicator FROM survey_items")
        indicators |= set(PROGRAMME_INDICATORS)
        unknown = staged["indicator"].notna() & ~staged["indicator"].isin(indicators)
        check.flag(unknown, "indicator", Reason("no_such.indicator"))
    return staged


RULES = {
    "organisations": _rules_organisations,
    "units": _rules_units,
    "ideas": _rules_ideas,
    "survey_rounds": _rules_survey_rounds,
    "survey_items": _rules_survey_items,
    "survey_responses": _rules_survey_responses,
    "survey_results": _rules_survey_results,
    "teams": _rules_teams,
    "projects": _rules_projects,
    "milestones": _rules_milestones,
    "activities": _rules_activities,
    "practices": _rules_practices,
    "roles": _rules_roles,
    "meetings": lambda con, check, staged, frame: staged,  # the columns' own checks suffice
    "actions": _rules_actions,
    "campaigns": _rules_campaigns,
}
