"""Pieces of the meeting-pack page: the meeting picker, the form that adds a meeting, the
downloads, and the pack itself in the layout its PDF has.

Formatting only: the pack (metrics.pack) holds every figure and sentence, metrics.pack_render
writes them; nothing here computes one. Meeting titles are data: they go into selectbox options
(shown as text) or through `plain` before any Markdown.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from metrics import formats, meetings, pack_document, pack_render
from metrics.pack import Pack
from metrics.validation import ImportRejected
from ui import i18n
from ui.data import connection
from ui.data_view import who
from ui.i18n import t
from ui.text import plain


def meeting_label(meeting: meetings.Meeting | None, lang: str, latest: bool) -> str:
    if meeting is None:
        return t("pack.page.since_latest" if latest else "pack.page.last_month", lang)
    title = meeting.title or t("pack.page.meeting", lang)
    return f"{i18n.day(meeting.held_on, lang)} · {title}"


def pick_meeting(found: list[meetings.Meeting], today: date) -> str | None:
    """The meeting the pack is for: the next one (today's or the first ahead) unless another
    is chosen; None for the default days when no meeting is ahead (metrics.meetings)."""
    lang = i18n.current_language()
    by_id = {m.meeting_id: m for m in found}
    ahead = [m.meeting_id for m in found if m.held_on >= today]
    options = [*reversed([m.meeting_id for m in found])]
    if not ahead:
        options.insert(0, None)
    default = options.index(ahead[0]) if ahead else 0
    return st.selectbox(
        t("pack.page.meeting_pick"),
        options,
        index=default,
        format_func=lambda m: meeting_label(by_id.get(m), lang, bool(found)),
        key="pack_meeting",
    )


def add_meeting_form(today: date) -> None:
    """Add a meeting (or retitle the one on that day), through the importer; then rerun."""
    with st.expander(t("pack.page.add"), icon=":material/event:"), st.form("pack_add_meeting"):
        held_on = st.date_input(t("pack.page.add_date"), value=today, format="DD.MM.YYYY")
        title = st.text_input(t("pack.page.add_title"), max_chars=200)
        if not st.form_submit_button(t("pack.page.add_save")):
            return
        try:
            meetings.add_meeting(connection(), held_on=held_on, title=title, who=who())
        except ImportRejected as refused:
            st.error(t("pack.page.add_refused", reason=plain(refused.errors[0].reason)))
            return
    st.session_state.pop("pack_meeting", None)  # open the pack of the meeting just added
    st.rerun()


def window_caption(built: Pack, lang: str) -> None:
    window = built.window
    st.caption(
        t(
            "pack.page.covers",
            period=formats.period(window.period.start, window.period.end, lang),
            previous=formats.period(window.previous.start, window.previous.end, lang),
        )
    )


def downloads(built: Pack, lang: str) -> None:
    """PDF and HTML of the pack, each made only when its button is pressed."""
    name = f"{t('pack.page.file', lang)}-{str(built.period).replace('..', '_')}"
    pdf_column, html_column = st.columns(2)
    pdf_column.download_button(
        t("pack.page.pdf"),
        data=lambda: pack_document.pdf(built, lang),
        file_name=f"{name}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
    )
    html_column.download_button(
        t("pack.page.html"),
        data=lambda: pack_document.html(built, lang),
        file_name=f"{name}.html",
        mime="text/html",
        icon=":material/download:",
        on_click="ignore",
    )


MARKS = {"better": "➕", "decision": "❗", "fact": "•"}


def document(built: Pack, lang: str) -> None:
    """The pack's blocks (metrics.pack_render.blocks, the layout the PDF has) written with
    Streamlit's elements: headings, the summary's sentences, tables, the charts (the PDF's own
    SVG) and the definitions. The cover is the page's title and caption instead."""
    in_cover = False
    for block in pack_render.blocks(built, lang):
        if block.kind == "open":
            in_cover = block.css == "cover"
        elif block.kind == "close":
            in_cover = False
        elif not in_cover:
            _write(block)


def _write(block: pack_render.Block) -> None:
    if block.kind == "h2":
        st.header(plain(block.text), divider="gray")
    elif block.kind == "h3":
        st.subheader(plain(block.text))
    elif block.kind == "p":
        quiet = {"muted", "small"} & set(block.css.split())
        (st.caption if quiet else st.markdown)(plain(block.text))
    elif block.kind == "sentences":
        st.markdown("\n".join(f"- {MARKS[tone]} {plain(words)}" for tone, words in block.items))
    elif block.kind == "definitions":
        st.markdown("\n".join(f"- **{plain(a)}**: {plain(b)}" for a, b in block.items))
    elif block.kind == "chart":
        st.image(block.text, width="stretch", alt=block.alt)
    elif block.kind == "table":
        headers = [h + "\u200b" * n for n, h in enumerate(block.headers)]  # unique names
        frame = pd.DataFrame(list(block.rows), columns=headers)
        st.dataframe(frame, hide_index=True, width="stretch")
