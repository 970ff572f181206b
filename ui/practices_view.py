"""Pieces of the good-practice guide page: labels, the list, one practice, the document texts.

Formatting only. Titles, summaries, tags and names are free text: they are written with
st.text and st.dataframe, never as Markdown.
"""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from metrics import practices
from metrics.contract import PRACTICE_ORIGINS
from ui import i18n
from ui.i18n import t
from ui.text import plain


def origin_label(origin: str | None) -> str:
    return t("practices.origin.any") if origin is None else t(f"practices.origin.{origin}")


def place(row) -> str:
    """The home unit a practice comes from, or the other organisation's name."""
    for value in (row.unit_name, row.org_name):
        if isinstance(value, str) and value:
            return value
    return i18n.MISSING


def _day(value) -> str:
    return i18n.MISSING if pd.isna(value) else i18n.day(pd.Timestamp(value).date())


def table(found: pd.DataFrame) -> None:
    rows = list(found.itertuples())
    st.dataframe(
        pd.DataFrame(
            {
                t("practices.col.number"): [r.practice_id for r in rows],
                t("practices.col.title"): [r.title for r in rows],
                t("practices.col.origin"): [origin_label(r.origin) for r in rows],
                t("practices.col.place"): [place(r) for r in rows],
                t("practices.col.tags"): [", ".join(r.tags) for r in rows],
                t("practices.col.published"): [_day(r.published_on) for r in rows],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def detail(row) -> None:
    """One practice in full, its texts as plain text."""
    with st.container(border=True):
        st.text(f"{row.practice_id} · {row.title}")
        facts = [f"{t('practices.col.origin')}: {origin_label(row.origin)}"]
        for link in (row.idea_id, row.project_id):
            if isinstance(link, str) and link:
                facts[0] += f" {link}"
        if isinstance(row.project_title, str):
            facts[0] += f": {row.project_title}"
        facts.append(f"{t('practices.col.place')}: {place(row)}")
        if len(row.tags):
            facts.append(f"{t('practices.col.tags')}: {', '.join(row.tags)}")
        facts.append(f"{t('practices.col.published')}: {_day(row.published_on)}")
        st.text(" · ".join(facts))
        st.text(row.summary)
        st.caption(t("practices.link", number=plain(row.practice_id)))


def guide_texts(today: date) -> practices.GuideTexts:
    """The guide document's words in the chosen language."""
    return practices.GuideTexts(
        title=t("practices.doc.title"),
        intro=t("practices.doc.intro"),
        generated=t("practices.doc.generated", day=i18n.day(today)),
        contents=t("practices.doc.contents"),
        origin=t("practices.col.origin"),
        place=t("practices.col.place"),
        tags=t("practices.col.tags"),
        published=t("practices.col.published"),
        origins={o: t(f"practices.origin.{o}") for o in PRACTICE_ORIGINS},
        lang=i18n.current_language(),
    )


def document(kind: str, frame: pd.DataFrame, texts: practices.GuideTexts):
    """A function that writes the guide when its download is clicked (it runs outside the
    script, so everything it needs is bound here)."""
    write = practices.guide_html if kind == "html" else practices.guide_markdown
    return partial(write, frame, texts, partial(i18n.day, lang=texts.lang))


def problems(refused) -> str:
    """Why a practice was not saved: each field and reason (the importer's rules' words)."""
    lines = []
    for error in refused.errors:
        key = f"practices.field.{error.column}"
        field = t(key) if key in i18n.catalog() else error.column
        lines.append(f"{field}: {error.reason}")
    return "\n".join(lines)
