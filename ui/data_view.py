"""Pieces of the data page: labels, the checked-file cache, the problem and log tables.

Formatting only: reading, checking and writing files is metrics.imports; nothing here decides
whether a file is good.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from metrics import backups, imports, presets, tokens
from metrics.import_reasons import Reason
from metrics.validation import MAX_ERRORS_SHOWN, ImportRejected
from ui import i18n
from ui.data import connection
from ui.i18n import t

ROUND_KINDS = ("survey_responses", "survey_results")
_CHECK = "data_check"
_UPLOAD = "data_upload_read"


def kind_label(kind: str) -> str:
    return f"{t(f'data.kind.{kind}')} ({kind})"


def choice_label(choice: tuple[str, str | None]) -> str:
    kind, preset = choice
    if preset is None:
        return kind_label(kind)
    return t("data.preset_label", kind=kind_label(kind), preset=presets.load(preset).title)


def who() -> str:
    """Who is loading, for the import log: the signed-in user's e-mail, else the page itself."""
    try:
        if st.user.is_logged_in:
            return str(st.user.get("email") or st.user.get("name"))
    except Exception:  # no login configured: auth = "none"
        pass
    return "data page (no login)"


def checked(data: bytes, name: str, kind: str, preset, round_id: str, sheet):
    """The file checked with these choices: a CheckedFile or the ImportRejected, kept for the
    session so that a rerun does not check again. A refusal is logged once, when first seen."""
    key = (hashlib.sha256(data).hexdigest(), name, kind, preset, round_id, sheet)
    kept = st.session_state.get(_CHECK)
    if kept is not None and kept[0] == key:
        return kept[1]
    with st.spinner(t("data.checking")):
        try:
            outcome = imports.check_file(
                connection(),
                kind,
                data,
                file_name=name,
                round_id=round_id or None,
                sheet=sheet,
                preset=preset,
                count=True,
            )
        except ImportRejected as refused:
            imports.log_refused(connection(), refused, imported_by=who())
            outcome = refused
    st.session_state[_CHECK] = (key, outcome)
    return outcome


def forget_check() -> None:
    st.session_state.pop(_CHECK, None)


def problems_table(refused: ImportRejected) -> pd.DataFrame:
    shown = refused.errors[:MAX_ERRORS_SHOWN]
    return pd.DataFrame(
        {
            t("data.problem.row"): [e.row or "" for e in shown],
            t("data.problem.column"): [e.column for e in shown],
            t("data.problem.value"): [e.value[:200] for e in shown],
            t("data.problem.reason"): [said(e.reason) for e in shown],
        }
    )


def said(reason: str) -> str:
    """A refusal's reason or a note in the visitor's language (metrics.import_reasons), its
    numbers written as the language writes them; a text without a code as it was given."""
    if not isinstance(reason, Reason):
        return reason
    values = {name: _value(value) for name, value in reason.values.items()}
    return t(f"data.reason.{reason.code}", **values)


def _value(value) -> str:
    if isinstance(value, Reason):
        return said(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    decimals = 0 if float(value).is_integer() else len(f"{value:g}".partition(".")[2])
    return i18n.number(value, decimals)


def unlisted(refused: ImportRejected) -> int:
    return max(len(refused.errors) - MAX_ERRORS_SHOWN, 0) + refused.unlisted


def parts_table(checked_file: imports.CheckedFile) -> pd.DataFrame:
    """The rows a preset saves besides the file's own kind (organisations, the survey round)."""
    parts = checked_file.parts[:-1]
    return pd.DataFrame(
        {
            t("data.part.kind"): [kind_label(p.kind) for p in parts],
            t("data.part.rows"): [i18n.number(len(p.staged)) for p in parts],
            t("data.part.added"): [i18n.number(p.added) for p in parts],
            t("data.part.updated"): [i18n.number(p.updated) for p in parts],
        }
    )


def when(value) -> str:
    stamp = pd.Timestamp(value)
    return f"{i18n.day(stamp.date())} {stamp:%H:%M}"


def log_table(log: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("data.log.when"): log["imported_at"].map(when),
            t("data.log.outcome"): log["refused"].map(
                lambda r: t("data.log.refused") if r else t("data.log.loaded")
            ),
            t("data.log.kind"): log["kind"].map(lambda k: kind_label(k) if k else ""),
            t("data.log.file"): log["file_name"],
            t("data.log.preset"): log["preset"].fillna(""),
            t("data.log.added"): log["rows_added"],
            t("data.log.updated"): log["rows_updated"],
            t("data.log.rejected"): log["rows_rejected"],
            t("data.log.who"): log["imported_by"].fillna(""),
            t("data.log.hash"): log["content_sha256"],
            t("data.log.report"): log["report"].fillna(""),
        }
    )


def restore_problem(error: Exception) -> str:
    """Why a restore failed, in the user's language where the backup was refused for a known
    reason (metrics.backups.REFUSALS); any other error as it was raised."""
    if isinstance(error, backups.BackupRefused):
        return t(f"data.restore.refused.{error.reason}", **error.values)
    return str(error)


def after_restore() -> None:
    """A restore replaced the database file: drop the cached connection and every cached figure."""
    st.cache_resource.clear()
    st.cache_data.clear()
    forget_check()


def problem_count(refused: ImportRejected) -> int:
    return len(refused.errors) + refused.unlisted


def show_refusal(refused: ImportRejected) -> None:
    """Every problem of a refused file: row, column, value and reason, as plain text."""
    st.error(t("data.refused", problems=i18n.number(problem_count(refused))))
    st.dataframe(problems_table(refused), hide_index=True, width="stretch")
    if unlisted(refused):
        st.caption(t("data.more_problems", count=i18n.number(unlisted(refused))))


def show_checked(outcome: imports.CheckedFile) -> None:
    """What saving the file would do, the notes, and its first rows as they will be stored."""
    main = outcome.main
    rows, added, updated = len(main.staged), main.added, main.updated
    st.success(
        t(
            "data.ready",
            rows=i18n.number(rows),
            added=i18n.number(added),
            updated=i18n.number(updated),
        )
    )
    if len(outcome.parts) > 1:
        st.caption(t("data.parts"))
        st.dataframe(parts_table(outcome), hide_index=True)
    if outcome.warnings:
        notes = [said(w) for w in outcome.warnings]
        st.dataframe({t("data.warnings"): notes}, hide_index=True, width="stretch")
    st.caption(t("data.preview"))
    st.dataframe(outcome.preview(), hide_index=True, width="stretch")
    if outcome.preset and presets.load(outcome.preset).attribution:
        st.caption(presets.load(outcome.preset).attribution)  # the licence's own words


def loaded_message(result: imports.ImportResult) -> dict[str, str]:
    return {
        "rows": i18n.number(result.rows),
        "added": i18n.number(result.added),
        "updated": i18n.number(result.updated),
    }


def choices(guesses: pd.DataFrame) -> list[tuple[str, str | None]]:
    """(kind, preset) pairs, best match first, as metrics.imports.recognise ranked them."""
    return [
        (kind, preset if isinstance(preset, str) else None)
        for kind, preset in zip(guesses["kind"], guesses["preset"], strict=True)
    ]


def has_round_column(headers: tuple[str, ...]) -> bool:
    return "round_id" in {h.strip().lower() for h in headers}


def sheets(data: bytes, name: str) -> list[str]:
    """The workbook's sheets ([] for a CSV, or for a broken workbook: the check refuses it)."""
    try:
        return imports.sheet_names(data, name)
    except ImportRejected:
        return []


def _upload(uploaded) -> dict:
    """What the page reads of an upload before checking it (its sheets, each sheet's header),
    kept for the session under the upload's id: a rerun follows every click, and a 25 MB
    workbook is not to be opened again for each."""
    kept = st.session_state.get(_UPLOAD)
    if kept is None or kept["file_id"] != uploaded.file_id:
        found = sheets(uploaded.getvalue(), uploaded.name)
        kept = {"file_id": uploaded.file_id, "sheets": found, "headers": {}}
        st.session_state[_UPLOAD] = kept
    return kept


def upload_sheets(uploaded) -> list[str]:
    """The uploaded workbook's sheets ([] for a CSV), read once per upload."""
    return _upload(uploaded)["sheets"]


def upload_header(uploaded, sheet: str | None) -> tuple[str, ...]:
    """The upload's column headers (on `sheet`), read once per upload and sheet."""
    headers = _upload(uploaded)["headers"]
    if sheet not in headers:
        headers[sheet] = tuple(imports.read_header(uploaded.getvalue(), uploaded.name, sheet))
    return headers[sheet]


def forget_upload() -> None:
    st.session_state.pop(_UPLOAD, None)


def api_tokens() -> None:
    """The API tokens of the scheduled jobs (metrics/tokens.py): make one (its secret shown
    once, right after), see them all, revoke one."""
    st.caption(t("data.tokens.intro"))
    made = st.session_state.pop("data_token_made", None)
    if made:
        st.success(t("data.tokens.made", name=made[0]))
        st.code(made[1], language=None)
    revoked = st.session_state.pop("data_token_revoked", None)
    if revoked:
        st.success(t("data.tokens.revoked", name=revoked))
    listing = tokens.listing(connection())
    with st.form("data_token_form", clear_on_submit=True):
        name = st.text_input(t("data.tokens.name"), help=t("data.tokens.name_help")).strip()
        scope = st.selectbox(
            t("data.tokens.scope"), tokens.SCOPES, format_func=lambda s: t(f"data.tokens.scope.{s}")
        )
        if st.form_submit_button(t("data.tokens.create")):
            try:
                tokens.check_name(name)
            except ValueError:
                st.error(t("data.tokens.bad_name"))
            else:
                if name in set(listing["name"]):
                    st.error(t("data.tokens.taken", name=name))
                else:
                    secret = tokens.create(connection(), name, scope, created_by=who())
                    st.session_state["data_token_made"] = (name, secret)
                    st.rerun()
    if listing.empty:
        st.info(t("data.tokens.none"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("data.tokens.col.name"): listing["name"],
                t("data.tokens.col.scope"): listing["scope"],
                t("data.tokens.col.created"): listing["created_at"].map(when),
                t("data.tokens.col.created_by"): listing["created_by"].fillna(""),
                t("data.tokens.col.last_used"): listing["last_used_at"].map(
                    lambda v: "" if pd.isna(v) else when(v)
                ),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    gone = st.selectbox(t("data.tokens.revoke_choose"), list(listing["name"]))
    if st.button(t("data.tokens.revoke")):
        tokens.revoke(connection(), gone)
        st.session_state["data_token_revoked"] = gone
        st.rerun()
