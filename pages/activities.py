"""Programme activities: supervisor workshops, joint seminars, change-agent meetings, coverage."""

from datetime import date

import streamlit as st

from metrics import activities
from ui import access, filters, i18n, nav
from ui import activities_view as view
from ui.data import cached, require_data
from ui.i18n import t

nav.require_router()
user = access.require("activities")

require_data()

period = filters.period()
unit = filters.unit(user.units)
today = date.today()
window = {"period": period, "unit": unit, "today": today}
totals = cached(activities.activity_totals, **window)

st.title(t("activities.title"))
span = t("period.range", start=i18n.day(period.start), end=i18n.day(period.end))
st.caption(t("activities.period", period=span))

workshops_tab, seminars_tab, meetings_tab, coverage_tab = st.tabs(
    [t("activities.workshops"), t("activities.seminars"), t("activities.meetings"),
     t("activities.coverage")]
)  # fmt: skip

with workshops_tab:
    view.totals_row(totals, ("supervisor_workshops", "workshop_participants",
                             "supervisors_reached_pct"))  # fmt: skip
    st.caption(t("activities.reached.explain"))
    rows = cached(activities.activity_list, kind="supervisor_workshop", **window)
    view.activity_table(rows, "units", "participants", "supervisors")

with seminars_tab:
    view.totals_row(totals, ("seminars", "seminar_participants"))
    rows = cached(activities.activity_list, kind="seminar", **window)
    view.activity_table(rows, "participants", "organisations", "other_participants")

with meetings_tab:
    view.totals_row(totals, ("change_agent_meetings",))
    rows = cached(activities.activity_list, kind="change_agent_meeting", **window)
    view.activity_table(rows, "units", "participants")

with coverage_tab:
    span_choice = st.segmented_control(
        t("activities.coverage.window"),
        ["to_date", "period"],
        default="to_date",
        required=True,
        format_func=lambda w: t(f"activities.coverage.window.{w}", end=i18n.day(period.end)),
    )
    scope = {"period": period} if span_choice == "period" else {"today": period.end}
    coverage = view.labelled(cached(activities.activity_coverage, unit=unit, **scope))
    view.coverage_cards(cached(activities.coverage_summary, unit=unit, **scope))
    view.neither_table(coverage)
    view.reached_chart(coverage)
    view.coverage_table(coverage)
