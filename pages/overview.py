"""The steering group's programme overview: the period's headline figures against the previous."""

import math

import pandas as pd
import streamlit as st

from metrics import overview, pilots
from ui import access, filters, i18n, nav
from ui.data import cached, require_data
from ui.i18n import t

nav.require_router()
user = access.require("overview")

# How each kind of figure is written: its value, and its change against the previous period.
FORMATS = {
    "per 100 staff per year": (
        lambda v: i18n.number(v, 1),
        lambda c: i18n.number(c, 1, signed=True),
    ),
    "fraction": (lambda v: i18n.fraction(v, 1), lambda c: i18n.points(100 * c)),
    "days": (lambda v: i18n.number(v, 0), lambda c: i18n.number(c, 0, signed=True)),
    "projects": (lambda v: i18n.number(v, 0), lambda c: i18n.number(c, 0, signed=True)),
    "percent": (lambda v: i18n.percent(v, 1), lambda c: i18n.points(c)),
}
LOWER_IS_BETTER = {"median_days_to_decision"}
SECTIONS = {
    "overview.ideas_heading": [
        "ideas_per_100_staff",
        "participation_rate",
        "median_days_to_decision",
        "implementation_rate",
    ],
    "overview.pilots_heading": ["projects_on_track"],
}

require_data()

period = filters.period()
unit = filters.unit(user.units)
figures = cached(overview.overview, period=period, unit=unit).set_index("metric")
statuses = cached(pilots.project_status_counts, unit=unit)

st.title(t("overview.title"))
previous = period.previous()
st.caption(
    t(
        "overview.compared",
        period=t("period.range", start=i18n.day(period.start), end=i18n.day(period.end)),
        previous=t("period.range", start=i18n.day(previous.start), end=i18n.day(previous.end)),
    )
)


def explanation(metric: str) -> str:
    if metric == "projects_on_track":
        return t(f"metric.{metric}.explain", at_risk=statuses["at_risk"], late=statuses["late"])
    return t(f"metric.{metric}.explain")


def show_figure(metric: str, row: pd.Series, column) -> None:
    write_value, write_change = FORMATS[row["unit"]]
    changed = not math.isnan(row["change"])
    flat = changed and round(row["change"], 3) == 0
    with column:
        st.metric(
            t(f"metric.{metric}.label"),
            write_value(row["value"]),
            delta=write_change(row["change"]) if changed else None,
            delta_color="off" if flat else "inverse" if metric in LOWER_IS_BETTER else "normal",
            delta_arrow="off" if flat else "auto",
            border=True,
        )
        st.caption(explanation(metric))


for heading, metrics_shown in SECTIONS.items():
    st.subheader(t(heading))
    for metric, column in zip(metrics_shown, st.columns(len(metrics_shown)), strict=True):
        show_figure(metric, figures.loc[metric], column)
    if metrics_shown == ["projects_on_track"]:
        st.caption(t("overview.no_previous"))


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
    st.caption(t("overview.survey_rounds", from_round=rounds.iloc[0], to_round=to_round))
for (metric, row), column in zip(survey_rows.iterrows(), st.columns(len(survey_rows)), strict=True):
    show_figure(metric, row, column)
    with column:
        note = survey_note(row)
        if note:
            st.caption(note)

with st.expander(t("table.show")):
    table = pd.DataFrame(
        {
            t("overview.table.metric"): [t(f"metric.{m}.label") for m in figures.index],
            t("overview.table.value"): [FORMATS[r.unit][0](r.value) for r in figures.itertuples()],
            t("overview.table.previous"): [
                FORMATS[r.unit][0](r.previous) for r in figures.itertuples()
            ],
            t("overview.table.change"): [
                FORMATS[r.unit][1](r.change) for r in figures.itertuples()
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
