"""Programme activities: supervisor workshops, joint seminars, change-agent meetings, coverage."""

from datetime import date

import pandas as pd
import streamlit as st

from metrics import activities
from ui import access, charts, filters, i18n, nav
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


def day(value) -> str:
    return i18n.day(None if pd.isna(value) else value)


def activity_table(rows: pd.DataFrame, *columns: str) -> None:
    """The activities as a table: date, title and the named count columns."""
    if rows.empty:
        st.caption(t("activities.none_in_period"))
        return
    table = {t("activities.col.held_on"): rows["held_on"].map(day)}
    table[t("activities.col.title")] = rows["title"]
    for column in columns:
        values = rows[column]
        numeric = pd.api.types.is_numeric_dtype(values)
        table[t(f"activities.col.{column}")] = values.map(i18n.number) if numeric else values
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")


def figures(keys: tuple[str, ...]) -> None:
    for key, column in zip(keys, st.columns(len(keys)), strict=True):
        value = totals[key]
        shown = i18n.percent(value) if key.endswith("_pct") else i18n.number(value)
        column.metric(t(f"activities.total.{key}"), shown, border=True)


workshops_tab, seminars_tab, meetings_tab, coverage_tab = st.tabs(
    [t("activities.workshops"), t("activities.seminars"), t("activities.meetings"),
     t("activities.coverage")]
)  # fmt: skip

with workshops_tab:
    figures(("supervisor_workshops", "workshop_participants", "supervisors_reached_pct"))
    st.caption(t("activities.reached.explain"))
    rows = cached(activities.activity_list, kind="supervisor_workshop", **window)
    activity_table(rows, "units", "participants", "supervisors")

with seminars_tab:
    figures(("seminars", "seminar_participants"))
    rows = cached(activities.activity_list, kind="seminar", **window)
    activity_table(rows, "participants", "organisations", "other_participants")

with meetings_tab:
    figures(("change_agent_meetings",))
    rows = cached(activities.activity_list, kind="change_agent_meeting", **window)
    activity_table(rows, "units", "participants")

with coverage_tab:
    span_choice = st.segmented_control(
        t("activities.coverage.window"),
        ["to_date", "period"],
        default="to_date",
        required=True,
        format_func=lambda w: t(f"activities.coverage.window.{w}", end=i18n.day(period.end)),
    )
    scope = {"period": period} if span_choice == "period" else {"today": period.end}
    coverage = cached(activities.activity_coverage, unit=unit, **scope)
    summary = cached(activities.coverage_summary, unit=unit, **scope)
    keys = ("with_change_agent", "reached_by_workshop", "neither")
    for key, column in zip(keys, st.columns(len(keys)), strict=True):
        column.metric(
            t(f"activities.coverage.{key}"),
            t("activities.coverage.of", count=summary[key], units=summary["units"]),
            border=True,
        )
    st.caption(t("activities.coverage.units", units=summary["units"]))
    yes, no = t("activities.yes"), t("activities.no")
    labelled = coverage.assign(
        unit_name=[
            "\u00a0\u00a0" * d + n for d, n in zip(coverage["depth"], coverage["name"], strict=True)
        ],
        agent=coverage["has_change_agent"].map({True: yes, False: no}),
        reach_label=coverage["reach"].map(lambda r: t(f"activities.reach.{r}")),
        reached_label=coverage["supervisors_reached_pct"].map(i18n.percent),
    )
    neither = labelled[labelled["reach"] == "neither"]
    if not neither.empty:
        st.caption(t("activities.coverage.neither_list"))
        st.dataframe(
            neither[["name"]].set_axis([t("activities.col.unit")], axis=1), hide_index=True
        )
    top = labelled[labelled["depth"] == labelled["depth"].min()]
    st.markdown(f"**{t('activities.coverage.chart')}**")
    figure = charts.bar(
        top,
        x="name",
        y="supervisors_reached_pct",
        text="reached_label",
        horizontal=True,
        labels={
            "name": t("activities.col.unit"),
            "supervisors_reached_pct": t("activities.col.supervisors_reached_pct"),
        },
    )
    figure.update_layout(height=120 + 45 * len(top)).update_xaxes(range=[0, 110])
    st.plotly_chart(figure, width="stretch")
    st.caption(t("activities.reached.explain"))
    table = {
        t("activities.col.unit"): labelled["unit_name"],
        t("activities.col.has_change_agent"): labelled["agent"],
        t("activities.col.workshops"): labelled["workshops"].map(i18n.number),
        t("activities.col.workshop_participants"): labelled["workshop_participants"].map(
            i18n.number
        ),
        t("activities.col.supervisors"): labelled["supervisors"].map(i18n.number),
        t("activities.col.supervisors_reached"): labelled["supervisors_reached"].map(i18n.number),
        t("activities.col.supervisors_reached_pct"): labelled["reached_label"],
        t("activities.col.seminars"): labelled["seminars"].map(i18n.number),
        t("activities.col.change_agent_meetings"): labelled["change_agent_meetings"].map(
            i18n.number
        ),
        t("activities.col.reach"): labelled["reach_label"],
    }
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
