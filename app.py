"""Pöhinä: the one router. Sets up the page, the user, the language and the pages they may open."""

from pathlib import Path

import streamlit as st

from ui import access, chrome, filters, nav, style
from ui.i18n import t

# The page icon is a file of the app's own: a `:material/…:` page icon is fetched from Google's
# font host (the menu icons below are drawn with the font Streamlit serves itself).
ICON = Path(__file__).resolve().parent / "ui" / "assets" / "pohina.svg"
st.set_page_config(page_title="Pöhinä", page_icon=str(ICON), layout="wide")

# Every page in pages/ with its menu icon, in menu order (metrics.access.PAGES names them all).
ICONS = {
    "overview": ":material/dashboard:",
    "pack": ":material/summarize:",  # the steering group's meeting pack
    "unit": ":material/apartment:",
    "pilots": ":material/groups:",
    "activities": ":material/event:",
    "ideas": ":material/lightbulb:",
    "idea_form": ":material/edit_note:",
    "triage": ":material/rule:",
    "campaigns": ":material/campaign:",  # idea campaigns: a question to the staff
    "standings": ":material/emoji_events:",
    "survey": ":material/query_stats:",
    "survey_summary": ":material/fact_check:",  # the staff survey's summary, for everyone
    "benchmark": ":material/leaderboard:",
    "practices": ":material/menu_book:",
    "data": ":material/upload_file:",  # admin: loads files, shows the log, backs up
}

# An unexpected error: a friendly message with a reference, the details in the server's log.
with nav.guarded():
    filters.language()
    style.inject()  # a focus ring keyboard users can see (ui/style.py)
    # The demo banner; or the login, or a refusal, and nothing else (ui.access).
    user = access.gate()
    # Only the pages the user's role may open are registered: no other page has an address.
    home = user.landing()
    pages = [
        st.Page(f"pages/{name}.py", title=t(f"nav.{name}"), icon=icon, default=name == home)
        for name, icon in ICONS.items()
        if user.may_open(name)
    ]
    with nav.routed():
        page = st.navigation(pages)
        # The tab's title names the page; the page's language, Streamlit's own words (ui.chrome).
        chrome.dress(page.title)
        page.run()
