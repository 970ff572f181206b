"""Pilot teams and their development projects: which need help, and what they have achieved."""

from datetime import date

import streamlit as st

from metrics import pilots
from ui import access, filters, i18n, nav, tables
from ui import pilots_view as view
from ui.data import cached, require_data
from ui.i18n import t

nav.require_router()
user = access.require("pilots")

require_data()

unit = filters.unit(user.units)
today = date.today()
projects = cached(pilots.projects, unit=unit, today=today)
summary = cached(pilots.project_summary, unit=unit, today=today)
teams = cached(pilots.teams, unit=unit, today=today)

st.title(t("pilots.title"))
st.caption(t("pilots.as_of", today=i18n.day(today)))
if projects.empty:
    st.info(t("pilots.no_projects"))
    st.stop()

view.summary_cards(summary)

st.header(t("pilots.needs_help"))
needing = projects[projects["needs_help"]]
if needing.empty:
    st.success(t("pilots.none_need_help"))
else:
    st.caption(t("pilots.needs_help.explain", count=len(needing)))
    view.show(view.project_table(needing))

st.header(t("pilots.timeline"))
st.caption(t("pilots.timeline.explain"))
view.timeline(projects, today)

st.header(t("pilots.projects"))
st.caption(t("pilots.reached.explain"))
view.results(projects)
view.show(view.project_table(projects, with_measure=True))

st.header(t("pilots.teams"))
tables.show(view.teams_table(teams))
names = dict(zip(teams["team_id"], teams["name"], strict=True))
team = st.selectbox(t("pilots.choose_team"), list(names), format_func=names.get, key="team")
view.show(view.project_table(projects[projects["team_id"] == team], with_measure=True))
ideas = cached(pilots.team_ideas, unit=unit, team=team)
st.markdown(f"**{t('pilots.team_ideas')}**")
if ideas.empty:
    st.caption(t("pilots.no_team_ideas"))
else:
    tables.show(view.ideas_table(ideas))
