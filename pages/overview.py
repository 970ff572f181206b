"""The steering group's programme overview: the period's headline figures against the previous.

Every figure, its unit, which way is better and its definition come from the metric catalogue
(metrics/catalogue.toml); this page only lays them out, compactly enough that the idea figures,
the pilots and the three survey indicators fit a projector's first screen (1024×768)."""

import streamlit as st

from metrics import ideas, overview, pilots
from ui import access, filters, i18n, nav, tables
from ui import overview_view as view
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

st.title(t("overview.title"))
previous = period.previous()
st.caption(
    t(
        "overview.compared",
        period=t("period.range", start=i18n.day(period.start), end=i18n.day(period.end)),
        previous=t("period.range", start=i18n.day(previous.start), end=i18n.day(previous.end)),
    )
)

st.header(t("overview.ideas_heading"), help=t("overview.flow_explain"))
view.cards(figures, FLOW)

cohort = ideas.matured_cohort(period)
dates = {"start": i18n.day(cohort.start), "end": i18n.day(cohort.end), "day": i18n.day(period.end)}
conversion, pilot = st.columns([2, 1])
with conversion:
    st.header(t("overview.conversion_heading"), help=t("overview.conversion_explain", **dates))
    view.cards(figures, CONVERSION)
    st.caption(t("overview.cohort_short", **dates))
with pilot:
    st.header(t("overview.pilots_heading"))
    with st.container(key="status-on_track"):  # the on-track colour, as on the pilots page
        view.card("projects_on_track", figures.loc["projects_on_track"])
    st.caption(t("overview.projects_status", at_risk=statuses["at_risk"], late=statuses["late"]))

st.header(t("overview.survey_heading"))
survey_rows = figures[figures["unit"] == "percent"]
if survey_rows["from_round"].dropna().empty:
    st.info(t("overview.no_rounds"))
columns = st.columns(len(survey_rows), gap="xsmall")
for (metric, row), column in zip(survey_rows.iterrows(), columns, strict=True):
    note = view.survey_note(row)
    with column:
        view.card(metric, row, note=note, verdict=view.survey_verdict(row))
        if note:
            st.caption(note)
rounds = survey_rows[["from_round", "to_round"]].dropna()
if not rounds.empty:  # which rounds the changes are between (round names are data: plain text)
    st.caption(t("overview.survey_rounds", **{k: plain(v) for k, v in rounds.iloc[0].items()}))

with st.expander(t("table.show")):
    tables.show(view.table(figures))
