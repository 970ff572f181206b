"""Pieces of the activities page: the activity tables, the headline counts, and the coverage
of units by change agents and workshops as cards, a chart and a table.

Formatting only: every figure comes from metrics.activities; nothing here computes one.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, i18n, tables
from ui.i18n import t


def col(key: str) -> str:
    return t(f"activities.col.{key}")


def day(value) -> str:
    return i18n.day(None if pd.isna(value) else value)


def activity_table(rows: pd.DataFrame, *columns: str) -> None:
    """The activities as a table: date, title and the named count columns."""
    if rows.empty:
        st.caption(t("activities.none_in_period"))
        return
    table = {col("held_on"): rows["held_on"].map(day), col("title"): rows["title"]}
    for column in columns:
        values = rows[column]
        numeric = pd.api.types.is_numeric_dtype(values)
        table[col(column)] = values.map(i18n.number) if numeric else values
    tables.show(table)


def totals_row(totals, keys: tuple[str, ...]) -> None:
    """The period's headline counts, one card each."""
    for key, column in zip(keys, st.columns(len(keys)), strict=True):
        value = totals[key]
        shown = i18n.percent(value) if key.endswith("_pct") else i18n.number(value)
        column.metric(t(f"activities.total.{key}"), shown, border=True)


def coverage_cards(summary) -> None:
    keys = ("with_change_agent", "reached_by_workshop", "neither")
    for key, column in zip(keys, st.columns(len(keys)), strict=True):
        column.metric(
            t(f"activities.coverage.{key}"),
            t("activities.coverage.of", count=summary[key], units=summary["units"]),
            border=True,
        )
    st.caption(t("activities.coverage.units", units=summary["units"]))


def labelled(coverage: pd.DataFrame) -> pd.DataFrame:
    """The coverage rows with their words: the unit indented by depth, yes/no, the reach."""
    yes, no = t("activities.yes"), t("activities.no")
    return coverage.assign(
        unit_name=[
            "\u00a0\u00a0" * d + n for d, n in zip(coverage["depth"], coverage["name"], strict=True)
        ],
        agent=coverage["has_change_agent"].map({True: yes, False: no}),
        reach_label=coverage["reach"].map(lambda r: t(f"activities.reach.{r}")),
        reached_label=coverage["supervisors_reached_pct"].map(i18n.percent),
    )


def neither_table(rows: pd.DataFrame) -> None:
    """The units neither with a change agent nor reached by a workshop, if any."""
    neither = rows[rows["reach"] == "neither"]
    if not neither.empty:
        st.caption(t("activities.coverage.neither_list"))
        st.dataframe(neither[["name"]].set_axis([col("unit")], axis=1), hide_index=True)


def reached_chart(rows: pd.DataFrame) -> None:
    """The share of supervisors reached in each top-level unit, as bars."""
    top = rows[rows["depth"] == rows["depth"].min()]
    st.markdown(f"**{t('activities.coverage.chart')}**")
    figure = charts.bar(
        top,
        x="name",
        y="supervisors_reached_pct",
        text="reached_label",
        horizontal=True,
        labels={"name": col("unit"), "supervisors_reached_pct": col("supervisors_reached_pct")},
    )
    figure.update_layout(height=120 + 45 * len(top)).update_xaxes(range=[0, 110])
    st.plotly_chart(figure, width="stretch", config={"displayModeBar": False})
    st.caption(t("activities.reached.explain"))


def coverage_table(rows: pd.DataFrame) -> None:
    tables.show(
        {
            col("unit"): rows["unit_name"],
            col("has_change_agent"): rows["agent"],
            col("workshops"): rows["workshops"].map(i18n.number),
            col("workshop_participants"): rows["workshop_participants"].map(i18n.number),
            col("supervisors"): rows["supervisors"].map(i18n.number),
            col("supervisors_reached"): rows["supervisors_reached"].map(i18n.number),
            col("supervisors_reached_pct"): rows["reached_label"],
            col("seminars"): rows["seminars"].map(i18n.number),
            col("change_agent_meetings"): rows["change_agent_meetings"].map(i18n.number),
            col("reach"): rows["reach_label"],
        }
    )
