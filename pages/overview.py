"""The steering group's programme overview: the period's headline figures against the previous.

Every figure, its unit, which way is better and its definition come from the metric catalogue
(metrics/catalogue.toml); this page only lays them out."""

import math

import pandas as pd
import streamlit as st

from metrics import catalogue, ideas, overview, pilots
from ui import access, filters, i18n, nav
from ui.data import cached, require_data
from ui.i18n import t
from ui.text import plain

nav.require_router()
user = access.require("overview")

FLOW = ["ideas_per_100_staff", "participation_rate", "ideas_decided", "ideas_implemented",
        "median_days_to_decision"]  # fmt: skip
CONVERSION = ["decision_rate", "implementation_rate"]

require_data()

period = filters.period()
unit = filters.unit(user.units)
figures = cached(overview.overview, period=period, unit=unit).set_index("metric")
statuses = cached(pilots.project_status_counts, unit=unit)
lang = i18n.current_language()

st.title(t("overview.title"))
previous = period.previous()
st.caption(
    t(
        "overview.compared",
        period=t("period.range", start=i18n.day(period.start), end=i18n.day(period.end)),
        previous=t("period.range", start=i18n.day(previous.start), end=i18n.day(previous.end)),
    )
)


def delta_colour(metric: str, row: pd.Series) -> str:
    """Green for a change the catalogue calls better; a survey change only where significant
    (otherwise it may be noise, and the arrow stays grey)."""
    tested_real = pd.notna(row["significant"]) and bool(row["significant"])
    if row["unit"] == "percent" and not tested_real:
        return "off"
    return "normal" if catalogue.metric(metric).higher_is_better else "inverse"


def show_figure(metric: str, row: pd.Series, column) -> None:
    changed = not math.isnan(row["change"])
    flat = changed and round(row["change"], 3) == 0
    with column:
        st.metric(
            t(catalogue.metric(metric).label_key),
            i18n.figure(row["value"], row["unit"]),
            delta=i18n.figure_change(row["change"], row["unit"]) if changed else None,
            delta_color="off" if flat else delta_colour(metric, row),
            delta_arrow="off" if flat else "auto",
            border=True,
        )
        st.caption(catalogue.metric(metric).definition(lang))


def show_row(metrics_shown: list[str]) -> None:
    for metric, column in zip(metrics_shown, st.columns(len(metrics_shown)), strict=True):
        show_figure(metric, figures.loc[metric], column)


st.subheader(t("overview.ideas_heading"))
st.caption(t("overview.flow_explain"))
show_row(FLOW)
cohort = ideas.matured_cohort(period)
st.caption(
    t(
        "overview.conversion_explain",
        start=i18n.day(cohort.start),
        end=i18n.day(cohort.end),
        day=i18n.day(period.end),
    )
)
show_row(CONVERSION)

st.subheader(t("overview.pilots_heading"))
show_row(["projects_on_track"])
st.caption(t("overview.projects_status", at_risk=statuses["at_risk"], late=statuses["late"]))


def survey_note(row: pd.Series) -> str:
    if row["suppressed"]:
        return t("overview.suppressed")
    if math.isnan(row["change"]):
        return ""
    relative = t("overview.relative", relative=i18n.percent(row["change_rel_pct"], 0, signed=True))
    if pd.isna(row["significant"]):  # a publisher's result without n: no test is made
        return relative
    key = "overview.significant" if row["significant"] else "overview.not_significant"
    interval = {"low": i18n.points(row["ci_low_pp"]), "high": i18n.points(row["ci_high_pp"])}
    return f"{t(key, **interval)} {relative}"


st.subheader(t("overview.survey_heading"))
survey_rows = figures[figures["unit"] == "percent"]
rounds = survey_rows["from_round"].dropna()
if rounds.empty:
    st.info(t("overview.no_rounds"))
else:
    to_round = survey_rows["to_round"].dropna().iloc[0]
    names = {"from_round": plain(rounds.iloc[0]), "to_round": plain(to_round)}
    st.caption(t("overview.survey_rounds", **names))
for (metric, row), column in zip(survey_rows.iterrows(), st.columns(len(survey_rows)), strict=True):
    show_figure(metric, row, column)
    with column:
        note = survey_note(row)
        if note:
            st.caption(note)

with st.expander(t("table.show")):
    rows = list(figures.itertuples())
    table = pd.DataFrame(
        {
            t("overview.table.metric"): [t(catalogue.metric(r.Index).label_key) for r in rows],
            t("overview.table.value"): [i18n.figure(r.value, r.unit) for r in rows],
            t("overview.table.previous"): [i18n.figure(r.previous, r.unit) for r in rows],
            t("overview.table.change"): [i18n.figure_change(r.change, r.unit) for r in rows],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
