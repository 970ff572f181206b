"""Pilot teams and their development projects: which need help, and what they have achieved."""

from datetime import date

import pandas as pd
import streamlit as st

from metrics import pilots
from metrics.contract import PROJECT_STATUSES
from ui import access, charts, filters, i18n, nav
from ui.data import cached, require_data
from ui.i18n import t

nav.require_router()
user = access.require("pilots")

SUMMARY = ("on_track", "at_risk", "late", "done", "overdue")

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


def day(value) -> str:
    return i18n.day(None if pd.isna(value) else value)


def late_note(row) -> str:
    """'Overdue 27 days', said in words beside the bar and in the tables, never by colour."""
    return t("pilots.overdue_days", days=int(row.days_overdue)) if row.overdue else ""


def status_label(status) -> str:
    return t(f"pilots.status.{status}")


def show(table) -> None:
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")


def project_table(rows: pd.DataFrame, with_measure: bool = False) -> pd.DataFrame:
    table = {
        t("pilots.col.team"): rows["team_name"],
        t("pilots.col.project"): rows["title"],
        t("pilots.col.status"): rows["status"].map(status_label),
        t("pilots.col.overdue"): [late_note(r) for r in rows.itertuples()],
        t("pilots.col.phase"): rows["phase"].map(
            lambda p: t(f"pilots.phase.{p}") if isinstance(p, str) else i18n.MISSING
        ),
        t("pilots.col.progress"): rows["progress_pct"].map(i18n.percent),
        t("pilots.col.started"): rows["started_on"].map(day),
        t("pilots.col.due"): rows["due_on"].map(day),
        t("pilots.col.done"): rows["done_on"].map(day),
    }
    if with_measure:
        table |= {
            t("pilots.col.measure"): rows["measure"].fillna(i18n.MISSING),
            t("pilots.col.baseline"): rows["baseline_value"].map(lambda v: i18n.number(v, 1)),
            t("pilots.col.target"): rows["target_value"].map(lambda v: i18n.number(v, 1)),
            t("pilots.col.result"): rows["result_value"].map(lambda v: i18n.number(v, 1)),
            t("pilots.col.reached"): rows["target_reached_pct"].map(i18n.percent),
        }
    return pd.DataFrame(table)


columns = st.columns(len(SUMMARY))
for key, column in zip(SUMMARY, columns, strict=True):
    with column:
        st.metric(t(f"pilots.summary.{key}"), i18n.number(summary[key]), border=True)
        st.caption(t(f"pilots.summary.{key}.explain"))

st.subheader(t("pilots.needs_help"))
needing = projects[projects["needs_help"]]
if needing.empty:
    st.success(t("pilots.none_need_help"))
else:
    st.caption(t("pilots.needs_help.explain", count=len(needing)))
    show(project_table(needing))

st.subheader(t("pilots.timeline"))
dated = projects.dropna(subset=["started_on", "ends_on"])
overdue_text = t("pilots.overdue")
bars = dated.assign(
    label=dated["title"] + " (" + dated["project_id"] + ")",
    status_label=dated["status"].map(status_label),
    schedule=dated["overdue"].map({True: overdue_text, False: t("pilots.in_time")}),
    note=[late_note(r) or i18n.percent(r.progress_pct) for r in dated.itertuples()],
)
st.caption(t("pilots.timeline.explain"))
figure = charts.timeline(
    bars,
    start="started_on",
    end="ends_on",
    y="label",
    color="status_label",
    color_order=[status_label(s) for s in PROJECT_STATUSES],
    pattern="schedule",
    hatched=overdue_text,
    text="note",
    today=today,
    today_label=t("pilots.today", today=i18n.day(today)),
    labels={
        "label": t("pilots.col.project"),
        "status_label": t("pilots.col.status"),
        "schedule": t("pilots.col.overdue"),
        "note": t("pilots.col.note"),
        "started_on": t("pilots.col.started"),
        "ends_on": t("pilots.col.ends"),
    },
)
if not dated.empty:
    with st.container(height=min(figure.layout.height + 40, 720), border=False):
        st.plotly_chart(figure, width="stretch")
if len(dated) < len(projects):
    st.caption(t("pilots.undated", count=len(projects) - len(dated)))

st.subheader(t("pilots.projects"))
st.caption(t("pilots.reached.explain"))
show(project_table(projects, with_measure=True))

st.subheader(t("pilots.teams"))
show(
    {
        t("pilots.col.team"): teams["name"],
        t("pilots.col.unit"): teams["unit_name"],
        t("pilots.col.change_agent"): teams["change_agent"].fillna(i18n.MISSING),
        t("pilots.col.projects"): teams["projects"],
        t("pilots.col.projects_done"): teams["projects_done"],
        t("pilots.col.needing_help"): teams["projects_needing_help"],
        t("pilots.col.ideas"): teams["ideas"],
    }
)
names = dict(zip(teams["team_id"], teams["name"], strict=True))
team = st.selectbox(t("pilots.choose_team"), list(names), format_func=names.get, key="team")
show(project_table(projects[projects["team_id"] == team], with_measure=True))
ideas = cached(pilots.team_ideas, unit=unit, team=team)
st.markdown(f"**{t('pilots.team_ideas')}**")
if ideas.empty:
    st.caption(t("pilots.no_team_ideas"))
else:
    show(
        {
            t("pilots.col.idea"): ideas["title"],
            t("pilots.col.idea_status"): ideas["status"].map(
                lambda s: t(f"pilots.idea_status.{s}")
            ),
            t("pilots.col.submitted"): ideas["submitted_on"].map(day),
        }
    )
