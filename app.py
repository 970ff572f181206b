"""Pöhinä: the one router. Sets up the page, the user, the language and the pages they may open."""

import os

import streamlit as st

from ui import filters
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
]
st.navigation(pages).run()
