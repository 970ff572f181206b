"""The good-practice guide: practices from imports and added here, found by words, tag and
origin; each practice's own view (?practice=GP0001); the whole guide as one HTML or Markdown
document to share with other municipalities. Free text stays plain text on the page."""

import uuid
from datetime import date

import streamlit as st

from metrics import practices, units
from metrics.contract import PRACTICE_ORIGINS, TITLE_MAX
from metrics.validation import ImportRejected
from ui import access, chrome, i18n, nav
from ui import practices_view as view
from ui.data import cached, connection
from ui.i18n import t

nav.require_router()
access.require("practices")

st.title(t("practices.title"))
st.caption(t("practices.intro"))
everything = cached(practices.practices)
tags = cached(practices.tags)

left, middle, right = st.columns([2, 2, 1])
words = left.text_input(t("practices.search"), key="practice_words")
chosen_tags = middle.multiselect(
    t("practices.tags"), list(tags["tag"]), key="practice_tags", placeholder=chrome.placeholder()
)
origin = right.selectbox(
    t("practices.col.origin"), [None, *PRACTICE_ORIGINS], format_func=view.origin_label
)
found = cached(practices.practices, words=words, tags=tuple(chosen_tags), origin=origin)
shown = {"shown": i18n.number(len(found)), "total": i18n.number(len(everything))}
if everything.empty:
    st.info(t("practices.none"))
else:
    st.caption(t("practices.found", **shown))
    view.table(found)

titles = dict(zip(everything["practice_id"], everything["title"], strict=True))
wanted = st.query_params.get("practice")
options = [None, *found["practice_id"]]
if wanted in titles and wanted not in options:
    options.insert(1, wanted)  # a link opens its practice whatever the filter
opened = st.selectbox(
    t("practices.open"),
    options,
    index=options.index(wanted) if wanted in options else 0,
    format_func=lambda p: t("practices.choose") if p is None else f"{p} · {titles[p]}",
)
if opened is None:
    st.query_params.pop("practice", None)
else:
    st.query_params["practice"] = opened
    view.detail(next(everything[everything["practice_id"] == opened].itertuples()))

st.header(t("practices.export"))
st.caption(t("practices.export_note", count=i18n.number(len(everything))))
texts = view.guide_texts(date.today())
html_column, markdown_column = st.columns(2)
html_column.download_button(
    t("practices.export_html"),
    view.document("html", everything, texts),
    file_name="hyvat-kaytannot.html",
    mime="text/html",
    icon=":material/download:",
)
markdown_column.download_button(
    t("practices.export_markdown"),
    view.document("markdown", everything, texts),
    file_name="hyvat-kaytannot.md",
    mime="text/markdown",
    icon=":material/download:",
)

# whoever may open this page may add a practice: the steering group and admins (metrics.access)
st.header(t("practices.add"))
tree = cached(units.units)
names = dict(zip(tree["unit_id"], tree["name"], strict=True))
if "practice_token" not in st.session_state:
    st.session_state["practice_token"] = uuid.uuid4().hex
added = st.session_state.get("practice_added")
if added:
    st.success(t("practices.added", number=added))
with st.form(f"practice_form_{st.session_state['practice_token']}"):
    title = st.text_input(t("practices.field.title"), max_chars=TITLE_MAX)
    summary = st.text_area(t("practices.field.summary"))
    unit_id = st.selectbox(
        t("practices.field.unit_id"),
        [None, *tree["unit_id"]],
        format_func=lambda u: t("practices.no_unit") if u is None else names[u],
    )
    kind = st.radio(
        t("practices.field.origin"),
        PRACTICE_ORIGINS,
        index=PRACTICE_ORIGINS.index("other"),
        format_func=view.origin_label,
        horizontal=True,
    )
    link = st.text_input(t("practices.field.link"), help=t("practices.link_help"))
    tag_text = st.text_input(t("practices.field.tags"), help=t("practices.tags_help"))
    published_on = st.date_input(
        t("practices.field.published_on"),
        value=date.today(),
        format="YYYY-MM-DD" if i18n.current_language() == "en" else "DD.MM.YYYY",
    )
    send = st.form_submit_button(t("practices.save"), type="primary")
if send:
    try:
        done = practices.add_practice(
            connection(),
            title=title,
            summary=summary,
            unit_id=unit_id,
            origin=kind,
            idea_id=link if kind == "idea" else None,
            project_id=link if kind == "project" else None,
            tags=tag_text,
            published_on=published_on,
            token=st.session_state["practice_token"],
        )
    except ImportRejected as refused:
        st.error(view.problems(refused))
    else:
        st.session_state["practice_added"] = done.practice_id
        st.session_state["practice_token"] = uuid.uuid4().hex
        st.query_params["practice"] = done.practice_id
        st.rerun()
