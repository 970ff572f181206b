"""The steering group's meeting pack: pick the meeting, read what changed since the previous one,
download the pack as PDF or HTML. Meetings are added here or loaded as a `meetings` file.

Every figure and sentence comes from metrics.pack (the metric functions of each area, the
catalogue's definitions, the anonymity rules applied); this page only lays them out."""

from datetime import date

import streamlit as st

from metrics import meetings, pack
from ui import access, filters, i18n, nav
from ui import pack_view as view
from ui.data import cached, require_data
from ui.i18n import t

nav.require_router()
user = access.require("pack")
require_data()

lang = i18n.current_language()
today = date.today()
unit = filters.unit(user.units)

st.title(t("pack.page.title"))
st.caption(t("pack.page.intro"))
found = cached(meetings.meetings)
chosen = view.pick_meeting(found, today)
view.add_meeting_form(today)

window = cached(meetings.window, meeting_id=chosen, today=today)
built = cached(pack.build, window=window, unit=unit, today=today)
view.window_caption(built, lang)
view.downloads(built, lang)
view.document(built, lang)
