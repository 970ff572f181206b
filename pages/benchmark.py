"""Benchmark: the home organisation's survey indicators among benchmark organisations' results
(for example the UK Civil Service People Survey), with the source and licence credit of the
data beside it. metrics.benchmark defines every figure; this page writes what it is given."""

import pandas as pd
import streamlit as st

from metrics import benchmark
from ui import access, i18n, nav
from ui import benchmark_view as view
from ui.data import cached
from ui.i18n import t
from ui.survey_view import indicator
from ui.text import plain

nav.require_router()
access.require("benchmark")

st.title(t("benchmark.title"))
rounds = cached(benchmark.benchmark_rounds)
if rounds.empty:
    st.info(t("benchmark.none"))
    st.stop()
st.caption(t("benchmark.intro"))

ids = list(rounds["round_id"])
round_names = dict(zip(rounds["round_id"], rounds["name"], strict=True))
round_names |= dict(zip(rounds["home_round_id"], rounds["home_round_name"], strict=True))
wanted = st.query_params.get("round")
chosen = st.selectbox(
    t("benchmark.round"),
    ids,
    index=ids.index(wanted) if wanted in ids else len(ids) - 1,
    format_func=round_names.get,
)
st.query_params["round"] = chosen
paired = rounds.set_index("round_id").loc[chosen]
if pd.isna(paired["home_round_id"]):
    st.warning(t("benchmark.no_home_round", days=i18n.number(benchmark.MAX_DAYS_APART)))
else:
    st.caption(
        t(
            "benchmark.paired",
            benchmark_closed=i18n.day(paired["closed_on"].date()),
            home=plain(paired["home_round_name"]),
            home_closed=i18n.day(paired["home_closed_on"].date()),
            days=i18n.number(abs(paired["days_apart"])),
        )
    )

figures = cached(benchmark.benchmark, round_id=chosen)
organisations = cached(benchmark.benchmark_organisations, round_id=chosen)
sources = cached(benchmark.sources, round_id=chosen)
home = cached(benchmark.home_organisation)

for row, column in zip(figures.itertuples(), st.columns(max(len(figures), 1)), strict=False):
    with column:
        label = plain(indicator(row.indicator))  # an unknown indicator is its data slug
        st.metric(label, view.home_pct(row), delta=view.home_change(row))
        for line in view.notes(row):
            st.caption(line)

st.header(t("benchmark.distribution"))
st.caption(t("benchmark.distribution_note"))
st.plotly_chart(view.chart(figures, organisations, home), config={"displayModeBar": False})
with st.expander(t("table.show")):
    view.figures_table(figures, round_names)
view.attribution(sources)

st.header(t("benchmark.organisations"))
st.caption(t("benchmark.organisations_note"))
view.organisations_table(organisations[~organisations["aggregate"]])
references = organisations[organisations["aggregate"]]
if not references.empty:
    st.header(t("benchmark.references"))
    st.caption(t("benchmark.references_note"))
    view.organisations_table(references)
view.attribution(sources)
