"""One unit on one page, as its head opens it from a link (?unit=ID): its ideas, its place in
the incentive standings, its survey indicators beside the whole organisation, its pilot
projects, its part in the programme's activities and its sub-units. Every figure comes from
metrics; the unit is checked against the visitor's units before any of them is read."""

from datetime import date

import streamlit as st

from metrics import activities, ideas, incentives, pilots, settings, units
from metrics.contract import DECIDED_STATUSES
from ui import access, actions_view, filters, i18n, ideas_view, nav
from ui import standings_view as standings
from ui import unit_view as view
from ui.data import cached, require_data
from ui.i18n import t

nav.require_router()
user = access.require("unit")

require_data()
tree = cached(units.units)

st.title(t("unitpage.title"))
names = dict(zip(tree["unit_id"], tree["name"], strict=True))
wanted = st.query_params.get("unit")
if wanted is not None and wanted not in names:
    st.warning(t("unitpage.unknown", unit=view.plain(wanted)))
    st.query_params.pop("unit")
    st.session_state.pop("unit", None)
# the visitor's units only; one from the address outside them is refused here, before any figure
unit = filters.unit(user.units, place=st, whole=False, ask=True)
if unit is None:  # no unit in the address and none of their own: ask which
    if wanted is None or wanted in names:  # (an unknown one was answered above)
        st.info(t("unitpage.ask"))
    st.stop()
period = filters.period()
today = date.today()
span = t("period.range", start=i18n.day(period.start), end=i18n.day(period.end))
parent = tree.set_index("unit_id").at[unit, "parent_id"]
st.header(view.plain(names[unit]))
has_below = (tree["parent_id"] == unit).any()
st.caption(
    t(
        "unitpage.intro" if has_below else "unitpage.intro_single",
        staff=i18n.number(cached(units.headcount, on=today, unit=unit)),
        parent=view.plain(names.get(parent, t("sidebar.unit.all"))),
    )
)

SECTIONS = ("ideas", "standings", "survey", "pilots", "activities", "units", "actions")
tabs = st.tabs([t(f"unitpage.tab.{k}") for k in SECTIONS])

with tabs[0]:
    st.caption(t("unitpage.ideas_period", period=span))
    flow = cached(ideas.idea_flow, period=period, unit=unit)
    waiting = cached(ideas.backlog_totals, on=today, unit=unit)["waiting"]
    shown = {"ideas_submitted": "submitted", "ideas_decided": "decided",
             "ideas_implemented": "implemented"}  # fmt: skip
    ideas_view.catalogue_figures(
        {**{k: flow[c] for k, c in shown.items()}, "ideas_waiting": waiting}
    )
    st.caption(t("ideas.flow_explain"))
    view.heading("ideas.funnel_heading")
    view.show(ideas_view.funnel_table(cached(ideas.status_funnel, period=period, unit=unit)))
    target = settings.load().decision_target_days
    view.heading("unitpage.overdue", days=target, day=i18n.day(today))
    overdue = cached(ideas.overdue_ideas, on=today, unit=unit)
    if overdue.empty:
        st.caption(t("unitpage.none_overdue"))
    else:
        st.caption(ideas_view.list_caption(overdue))
        view.show(ideas_view.idea_table(overdue))
    view.heading("unitpage.decisions")
    decided = cached(
        ideas.idea_list, on=today, unit=unit, statuses=DECIDED_STATUSES, order="decided", limit=10
    )
    if decided.empty:
        st.caption(t("unitpage.no_decisions"))
    else:
        view.show(view.decisions_table(decided))

with tabs[1]:
    st.caption(t("unitpage.standings_period", period=span))
    try:
        rules = incentives.load_rules()
    except incentives.RulesError:
        rules = None
        st.error(t("standings.rules_error"))
    level = cached(incentives.level_of, unit=unit)
    if rules is None:
        pass
    elif level is None:
        st.info(t("unitpage.not_ranked"))
    else:
        args = {"period": period, "level": level, "rules": rules}
        row = cached(incentives.standings, **args).set_index("unit_id").loc[unit]
        if not row["ranked"]:
            st.info(t("unitpage.left_out"))
        else:
            standings.explain(row, cached(incentives.breakdown, unit=unit, **args))

with tabs[2]:
    view.survey_section(unit, period)

with tabs[3]:
    st.caption(t("pilots.as_of", today=i18n.day(today)))
    projects = cached(pilots.projects, unit=unit, today=today)
    if projects.empty:
        st.info(t("pilots.no_projects"))
    else:
        summary = cached(pilots.project_summary, unit=unit, today=today)
        keys = ("on_track", "at_risk", "late", "done", "overdue")
        view.figures({f"pilots.summary.{k}": i18n.number(summary[k]) for k in keys})
        view.show(view.projects_table(projects))

with tabs[4]:
    st.caption(t("unitpage.activities_period", period=span))
    totals = cached(activities.activity_totals, period=period, unit=unit, today=today)
    keys = ("supervisor_workshops", "workshop_participants", "seminars", "change_agent_meetings")
    view.figures({f"activities.total.{k}": i18n.number(totals[k]) for k in keys})
    reached = i18n.percent(totals["supervisors_reached_pct"])
    st.caption(t("unitpage.reached", reached=reached) + " " + t("activities.reached.explain"))

with tabs[5]:
    st.caption(t("unitpage.units_explain", period=span))
    rows = cached(ideas.ideas_by_unit, period=period, unit=unit, on=today)
    below = rows[rows["unit_id"] != unit]
    if below.empty:
        st.caption(t("unitpage.no_units"))
    else:
        coverage = cached(activities.activity_coverage, unit=unit, today=period.end)
        view.show(view.subunits_table(below, coverage))

with tabs[6]:
    actions_view.unit_tab(user, unit, today)
