"""Pöhinä: the one router. Sets up the page, the user, the language and the pages they may open."""

import os

import streamlit as st

from ui import filters, nav
from ui.i18n import t

st.set_page_config(page_title="Pöhinä", page_icon=":material/emoji_objects:", layout="wide")

AUTH_MODE = os.environ.get("POHINA_AUTH", "none")

filters.language()
if AUTH_MODE == "none":
    st.sidebar.warning(t("auth.none_banner"), icon=":material/lock_open:")

pages = [
    st.Page(
        "pages/overview.py", title=t("nav.overview"), icon=":material/dashboard:", default=True
    ),
    st.Page("pages/pilots.py", title=t("nav.pilots"), icon=":material/groups:"),
    st.Page("pages/activities.py", title=t("nav.activities"), icon=":material/event:"),
    st.Page("pages/ideas.py", title=t("nav.ideas"), icon=":material/lightbulb:"),
    st.Page("pages/idea_form.py", title=t("nav.idea_form"), icon=":material/edit_note:"),
    st.Page("pages/triage.py", title=t("nav.triage"), icon=":material/rule:"),
    st.Page("pages/standings.py", title=t("nav.standings"), icon=":material/emoji_events:"),
    st.Page("pages/survey.py", title=t("nav.survey"), icon=":material/query_stats:"),
    st.Page("pages/benchmark.py", title=t("nav.benchmark"), icon=":material/leaderboard:"),
    st.Page("pages/practices.py", title=t("nav.practices"), icon=":material/menu_book:"),
    # admin only once roles exist (a later issue): loads files, shows the log, backs up
    st.Page("pages/data.py", title=t("nav.data"), icon=":material/upload_file:"),
]
with nav.routed():
    st.navigation(pages).run()
