"""The data page (admin): load a file with every problem shown before anything is saved, the
import log, the current data of each kind as CSV or XLSX, and backups with restore."""

import streamlit as st

from metrics import backups, exports, imports, settings, store
from metrics.contract import KINDS
from metrics.validation import ImportRejected
from ui import access, i18n, nav
from ui import data_view as view
from ui.data import cached, connection
from ui.i18n import t

nav.require_router()
access.require("data")

st.title(t("data.title"))
TABS = ("load", "log", "download", "backup", "tokens")
load_tab, log_tab, download_tab, backup_tab, tokens_tab = st.tabs(
    [t(f"data.tab.{tab}") for tab in TABS]
)


def load_a_file() -> None:
    """Upload, choose the kind (recognised from the header), see every problem, then save."""
    st.caption(t("data.intro"))
    loaded = st.session_state.pop("data_loaded", None)
    if loaded:
        st.success(t("data.loaded", **loaded))
    upload_round = st.session_state.setdefault("data_upload_round", 0)
    uploaded = st.file_uploader(
        t("data.upload"),
        type=["csv", "txt", "xlsx", "xlsm"],
        help=t("data.upload_help"),
        key=f"data_upload_{upload_round}",
        max_upload_size=max(1, int(settings.load().max_file_mb)),  # the import's own limit
    )
    if uploaded is None:
        view.forget_check()
        view.forget_upload()
        return
    data, name = uploaded.getvalue(), uploaded.name
    sheets = view.upload_sheets(uploaded)  # read once per upload, not on every rerun
    sheet = st.selectbox(t("data.sheet"), sheets) if len(sheets) > 1 else None
    headers = view.upload_header(uploaded, sheet)
    kind, preset = st.selectbox(
        t("data.kind"),
        view.choices(cached(imports.recognise, headers=headers)),
        format_func=view.choice_label,
        help=t("data.kind_help"),
    )
    round_id = ""
    if kind in view.ROUND_KINDS:
        round_id = st.text_input(t("data.round"), help=t("data.round_help")).strip()
        if not round_id and not view.has_round_column(headers):
            st.info(t("data.round_needed"))
            return
    outcome = view.checked(data, name, kind, preset, round_id, sheet)
    if isinstance(outcome, ImportRejected):
        view.show_refusal(outcome)
        return
    view.show_checked(outcome)
    if st.button(t("data.commit"), type="primary"):
        try:
            result = imports.commit(connection(), outcome, imported_by=view.who())
        except ImportRejected as refused:  # the data changed since the check
            view.forget_check()
            view.show_refusal(refused)
        else:
            st.session_state["data_loaded"] = view.loaded_message(result)
            st.session_state["data_upload_round"] = upload_round + 1
            view.forget_check()
            st.rerun()


with load_tab:
    load_a_file()

with log_tab:
    # not cached: a refused file changes no data, so the data version would hide its entry
    log = imports.import_log(connection())
    if log.empty:
        st.info(t("data.log.empty"))
    else:
        st.caption(t("data.log.caption"))
        st.dataframe(view.log_table(log), hide_index=True, width="stretch")

with download_tab:
    st.caption(t("data.download.note"))
    kind = st.selectbox(t("data.download.kind"), list(KINDS), format_func=view.kind_label)
    rows = cached(exports.row_count, kind=kind)
    st.caption(t("data.download.rows", kind=view.kind_label(kind), rows=i18n.number(rows)))
    left, right = st.columns(2)
    left.download_button(
        t("data.download.csv"),
        data=lambda: exports.to_csv_bytes(exports.current_data(connection(), kind=kind)),
        file_name=f"{kind}.csv",
        mime="text/csv",
        on_click="ignore",
    )
    right.download_button(
        t("data.download.xlsx"),
        data=lambda: exports.to_xlsx_bytes(exports.current_data(connection(), kind=kind), kind),
        file_name=f"{kind}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
    )

with backup_tab:
    st.caption(t("data.backup.intro"))
    root = backups.backup_root()
    restored = st.session_state.pop("data_restored", False)
    if restored:
        st.success(t("data.restore.done"))
    if st.button(t("data.backup.take")):
        st.success(t("data.backup.taken", name=backups.take(connection(), root).name))
    names = backups.available(root)
    chosen = st.selectbox(t("data.backup.choose"), names) if names else None
    if chosen is None:
        st.info(t("data.backup.none"))
    else:
        st.download_button(
            t("data.backup.download"),
            data=lambda: backups.zip_bytes(root / chosen),
            file_name=f"pohina-{chosen}.zip",
            mime="application/zip",
            on_click="ignore",
        )
    st.header(t("data.restore.heading"))
    zipped = st.file_uploader(t("data.restore.upload"), type=["zip"])
    confirmed = st.checkbox(t("data.restore.confirm"))
    if st.button(t("data.restore.button"), disabled=not (confirmed and (chosen or zipped))):
        try:
            if zipped is not None:
                backups.restore_zip(zipped.getvalue())
            else:
                store.restore(root / chosen)
        except Exception as error:  # a restore that fails changes nothing; say why
            st.error(t("data.restore.failed"))
            st.text(view.restore_problem(error))
        else:
            view.after_restore()
            st.session_state["data_restored"] = True
            st.rerun()

with tokens_tab:
    view.api_tokens()
