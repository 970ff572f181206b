"""The idea pipeline for the steering group and unit heads: are ideas decided on in time,
where do they wait, which units take part, and what have the implemented ones brought. For
everyone the idea board: the ideas, each to support and comment on, and "you said, we did"."""

from datetime import date

import streamlit as st

from metrics import idea_list, ideas, settings
from metrics.contract import IDEA_STATUSES
from ui import access, chrome, filters, i18n, nav, tables
from ui import idea_talk_view as talk
from ui import ideas_view as view
from ui.data import cached, require_data
from ui.i18n import t

nav.require_router()
user = access.require("ideas")

require_data()

period = filters.period()
unit = filters.unit(user.units)
today = date.today()
col = view.col

st.title(t("ideas.title"))
span = t("period.range", start=i18n.day(period.start), end=i18n.day(period.end))
st.caption(t("ideas.period", period=span))
# One section at a time: drawing only the chosen one keeps a rerun within the page budget.
# Staff see the idea board (the pipeline and the list); the other roles every section.
SECTIONS = access.idea_sections(user)
if st.session_state.get("ideas_section") not in SECTIONS:
    wanted = st.query_params.get("section")
    st.session_state["ideas_section"] = wanted if wanted in SECTIONS else SECTIONS[0]
section = st.radio(
    t("ideas.section"),
    SECTIONS,
    format_func=lambda s: t(f"ideas.tab.{s}"),
    horizontal=True,
    key="ideas_section",
)
st.query_params["section"] = section


if section in ("pipeline", "decisions"):
    flow = cached(ideas.idea_flow, period=period, unit=unit)
    ages = cached(ideas.backlog_by_age, on=today, unit=unit)
    backlog = cached(ideas.backlog_totals, on=today, unit=unit)

if section == "pipeline":
    st.caption(t("ideas.flow_explain"))
    view.catalogue_figures(
        {
            "ideas_submitted": flow["submitted"],
            "ideas_decided": flow["decided"],
            "ideas_implemented": flow["implemented"],
            "ideas_waiting": backlog["waiting"],
        }
    )
    st.header(t("ideas.funnel_heading"))
    table = view.funnel_table(cached(ideas.status_funnel, period=period, unit=unit))
    view.show(table, chart="bar", x=col("status"), y=col("ideas"), horizontal=True)
    st.header(t("ideas.flow_heading"))
    long, table = view.flow_tables(cached(ideas.monthly_flow, period=period, unit=unit))
    view.show(table, chart="line", data=long, x=col("month"), y=col("ideas"), color=col("series"))

if section == "decisions":
    st.header(t("ideas.decision_heading"))
    view.catalogue_figures(
        {
            "ideas_decided": flow["decided"],
            "median_days_to_decision": flow["median_days_to_decision"],
            "p80_days_to_decision": flow["p80_days_to_decision"],
        }
    )
    st.caption(t("ideas.decision_explain"))
    table = view.bands_table(cached(ideas.decision_time_bands, period=period, unit=unit))
    view.show(table, chart="bar", x=col("band"), y=col("ideas"))

    st.header(t("ideas.backlog_heading"))
    view.catalogue_figures(
        {"ideas_waiting": backlog["waiting"], "ideas_overdue": backlog["overdue"]}
    )
    target = settings.load().decision_target_days
    st.caption(t("ideas.backlog_explain", day=i18n.day(today), days=target))
    long, table = view.backlog_tables(ages)
    view.show(table, chart="bar", data=long, x=col("band"), y=col("ideas"), color=col("series"))
    st.header(t("ideas.where_heading"))
    place = cached(ideas.backlog_by_place, on=today, unit=unit)
    tables.show(view.place_table(place))

if section == "results":
    st.header(t("ideas.benefit_heading"))
    gain = cached(ideas.benefit, period=period, unit=unit)
    view.catalogue_figures(
        {
            "ideas_implemented": gain["implemented"],
            "benefit_hours_per_year": gain["benefit_hours_per_year"],
            "benefit_eur_per_year": gain["benefit_eur_per_year"],
        }
    )
    st.caption(
        t(
            "ideas.benefit_explain",
            estimated=i18n.number(gain["with_estimate"]),
            implemented=i18n.number(gain["implemented_to_date"]),
            hours=i18n.number(gain["benefit_hours_per_year_to_date"]),
            eur=i18n.number(gain["benefit_eur_per_year_to_date"]),
        )
    )
    st.header(t("ideas.category_heading"))
    table = view.category_table(cached(ideas.ideas_by_category, period=period, unit=unit))
    view.show(table, chart="bar", x=col("category"), y=col("submitted"), horizontal=True)

if section == "units":
    st.caption(t("ideas.units_explain"))
    rows = cached(ideas.ideas_by_unit, period=period, unit=unit, on=today)
    tables.show(view.unit_table(rows))

if section == "list":
    search = st.text_input(t("ideas.search"), help=t("ideas.search_help"))
    chosen = st.multiselect(
        col("status"),
        IDEA_STATUSES,
        format_func=view.status_label,
        placeholder=chrome.placeholder(),
    )
    every_period = st.toggle(t("ideas.all_periods"), help=t("ideas.all_periods_help"))
    found = cached(
        ideas.idea_list,
        on=today,
        period=None if every_period else period,
        unit=unit,
        statuses=tuple(chosen) or None,
        search=search.strip() or None,
    )
    st.caption(view.list_caption(found))
    tables.show(view.idea_table(found))
    titles = dict(zip(found["idea_id"], found["title"], strict=True))
    opened = st.selectbox(
        t("ideas.open_idea"),
        [None, *titles],
        format_func=lambda i: t("ideas.open_none") if i is None else f"{i} · {titles[i][:80]}",
    )
    if opened:
        talk.panel(opened, user)

if section == "done":
    st.caption(t("ideas.done_intro"))
    done = cached(idea_list.implemented_recently, on=today, unit=unit)
    if done.empty:
        st.info(t("ideas.done_none"))
    else:
        tables.show(view.done_table(done))
