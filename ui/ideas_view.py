"""Pieces the idea pages share: status and band labels, the idea table, refusal messages.

Formatting only: every figure comes from metrics.ideas; nothing here computes one.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from babel.dates import format_date

from metrics import catalogue, idea_actions, ideas
from metrics.idea_actions import ChangeRefused, Problem
from ui import charts, i18n, tables
from ui.data import cached, connection
from ui.i18n import t
from ui.text import plain


def status_label(status: str) -> str:
    return t(f"idea.status.{status}")


def band_label(from_days, to_days) -> str:
    """'0–7 pv' / '181– pv': a band of DAY_BANDS (to_days empty for the open band)."""
    if pd.isna(to_days):
        return t("ideas.band_open", low=i18n.number(from_days))
    return t("ideas.band", low=i18n.number(from_days), high=i18n.number(to_days))


def unit_label(name: str, depth: int) -> str:
    """A unit's name indented by its depth in the tree, as the sidebar shows it."""
    return "\u00a0\u00a0" * int(depth) + name


def show(table: pd.DataFrame, *, chart: str, data: pd.DataFrame | None = None, **args) -> None:
    """A chart (`bar` or `line` of ui.charts, drawn from `data`, by default the table itself),
    with its numbers as a table just below it (WCAG: never the chart alone)."""
    lang = i18n.current_language()  # in the cache's key: a figure is written in a language
    figure = _figure(chart, table if data is None else data, lang=lang, **args)
    st.plotly_chart(figure, width="stretch", config={"displayModeBar": False})
    with st.expander(t("table.show")):
        tables.show(table)


@st.cache_resource(show_spinner=False, max_entries=256)
def _figure(chart: str, data: pd.DataFrame, **args):
    """The same figure for the same numbers, built once: plotly express takes 70–100 ms a
    figure, more than a warm rerun's whole budget for five charts. st.plotly_chart only reads
    the figure, so sharing it between sessions is safe."""
    figure = {"bar": charts.bar, "line": charts.line}[chart](data, **args)
    if args.get("horizontal"):  # read top down, in the table's order
        figure.update_yaxes(autorange="reversed")
    return figure


def idea_table(frame: pd.DataFrame) -> pd.DataFrame:
    """metrics.ideas.idea_list as a table to read: number, title, unit, status, sent, age,
    supporters and the person responsible (where one is named). Titles stay plain text
    (st.dataframe never interprets them)."""
    lang = i18n.current_language()
    return pd.DataFrame(
        {
            col("number"): frame["idea_id"],
            col("title"): frame["title"],
            col("unit"): frame["unit_name"],
            col("status"): each(frame["status"], status_label),
            col("submitted_on"): each(frame["submitted_on"], lambda d: i18n.day(_date(d), lang)),
            col("age_days"): frame["age_days"],
            col("supporters"): frame["supporters"],
            col("responsible"): frame["responsible"].fillna(""),
        }
    )


def done_table(frame: pd.DataFrame) -> pd.DataFrame:
    """metrics.idea_list.implemented_recently ("you said, we did"): the idea, its unit, when it
    was implemented, its estimated yearly benefit, who was responsible, its supporters."""
    lang = i18n.current_language()
    return pd.DataFrame(
        {
            col("number"): frame["idea_id"],
            col("title"): frame["title"],
            col("unit"): frame["unit_name"],
            col("implemented_on"): each(
                frame["implemented_on"], lambda d: i18n.day(_date(d), lang)
            ),
            col("benefit_hours"): each(frame["benefit_hours_per_year"], i18n.number),
            col("benefit_eur"): each(frame["benefit_eur_per_year"], i18n.number),
            col("responsible"): frame["responsible"].fillna(""),
            col("supporters"): frame["supporters"],
        }
    )


def similar_list(found: pd.DataFrame, on_support) -> None:
    """The ideas like the one being written (metrics.similar_ideas), each with its number,
    status, unit and supporters, and a button to support it: `on_support(idea_id)`."""
    if found.empty:
        st.caption(t("form.similar_none"))
        return
    st.caption(t("form.similar_intro"))
    for row in found.itertuples():
        box = st.container(border=True)
        box.text(row.title)
        box.caption(
            t(
                "form.similar_item",
                number=plain(row.idea_id),
                status=status_label(row.status),
                unit=plain(row.unit_name),
                supporters=i18n.number(row.supporters),
            )
        )
        if box.button(t("form.support_this"), key=f"similar_support_{row.idea_id}"):
            on_support(row.idea_id)


def each(values: pd.Series, write) -> pd.Series:
    """`write` applied to each distinct value once (a column of 500 rows holds few distinct
    dates or statuses, and formatting is the slow part); missing values are written '–'."""
    written = {v: write(v) for v in values.drop_duplicates() if not pd.isna(v)}
    return values.map(lambda v: i18n.MISSING if pd.isna(v) else written[v])


def list_caption(frame: pd.DataFrame) -> str:
    matching = int(frame["matching"].iloc[0]) if len(frame) else 0
    if matching > len(frame):
        return t(
            "ideas.list_limited", shown=i18n.number(len(frame)), matching=i18n.number(matching)
        )
    return t("ideas.list_count", matching=i18n.number(matching))


def problem_text(problem: Problem) -> str:
    """A form problem in the reader's language, e.g. 'Otsikko on liian lyhyt …'."""
    limit = problem.values.get("limit")
    return t(f"form.problem.{problem.field}.{problem.reason}", limit=limit)


def refusal_text(refused: ChangeRefused) -> str:
    """Why a triage change was refused and, for a status that does not allow it, what does.
    Idea numbers (data, or typed) are shown as text, never Markdown."""
    if refused.reason == "not_allowed":
        if not refused.allowed:
            return t(
                "triage.refused.final",
                number=plain(refused.idea_id),
                status=status_label(refused.status),
            )
        return t(
            "triage.refused.not_allowed",
            number=plain(refused.idea_id),
            status=status_label(refused.status),
            wanted=status_label(refused.wanted),
            allowed=", ".join(status_label(s) for s in refused.allowed),
        )
    return t(
        f"triage.refused.{refused.reason}",
        number=plain(refused.idea_id),
        target=plain(refused.target or ""),
        target_into=plain(refused.target_into or ""),
    )


def _date(value):
    return None if pd.isna(value) else pd.Timestamp(value).date()


# ------------------------------------------------------------------ the pipeline page's tables
# Each takes a metrics.ideas frame and returns the table a reader sees (labels translated,
# numbers formatted for the language); the chart is drawn from the same table.


def col(key: str) -> str:
    return t(f"ideas.col.{key}")


def funnel_table(funnel: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            col("status"): funnel["status"].map(status_label),
            col("ideas"): funnel["ideas"],
            col("share"): funnel["share"].map(lambda v: i18n.fraction(v, 1)),
        }
    )


def flow_tables(flow: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the chart's long frame: month, series, ideas; the table: month, submitted, decided)."""
    names = {"month": col("month"), **{k: t(f"ideas.flow.{k}") for k in ("submitted", "decided")}}
    wide = flow.rename(columns=names)
    long = wide.melt(id_vars=col("month"), var_name=col("series"), value_name=col("ideas"))
    table = wide.assign(**{col("month"): flow["month"].map(_month)})
    return long, table


def bands_table(bands: pd.DataFrame) -> pd.DataFrame:
    labels = [band_label(a, b) for a, b in zip(bands["from_days"], bands["to_days"], strict=True)]
    return pd.DataFrame({col("band"): labels, col("ideas"): bands["ideas"]})


def category_table(cats: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            col("category"): cats["category"].fillna(t("ideas.no_category")),
            col("submitted"): cats["submitted"],
            col("implemented"): cats["implemented"],
        }
    )


def backlog_tables(ages: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the chart's long frame: band, series, ideas; the table: band, within target, overdue)."""
    table = bands_table(ages).drop(columns=col("ideas"))
    table[col("within_target")] = ages["within_target"]
    table[col("overdue")] = ages["overdue"]
    long = table.melt(id_vars=col("band"), var_name=col("series"), value_name=col("ideas"))
    return long, table


def place_table(place: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            col("unit"): place["unit_name"],
            col("change_agent"): place["change_agent"].fillna(i18n.MISSING),
            col("waiting"): place["waiting"],
            col("overdue"): place["overdue"],
            col("oldest_days"): place["oldest_days"],
        }
    )


def unit_table(rows: pd.DataFrame) -> pd.DataFrame:
    lang = i18n.current_language()
    rates = ("participation_rate", "decision_rate", "implementation_rate")
    names = [unit_label(n, d) for n, d in zip(rows["unit_name"], rows["depth"], strict=True)]
    return pd.DataFrame(
        {
            col("unit"): names,
            col("submitted"): rows["submitted"],
            col("decided"): rows["decided"],
            col("implemented"): rows["implemented"],
            col("per_100"): each(rows["ideas_per_100_staff"], lambda v: i18n.number(v, 1, lang)),
            **{col(r): each(rows[r], lambda v: i18n.fraction(v, 1, lang)) for r in rates},
            col("median_days"): each(
                rows["median_days_to_decision"], lambda v: i18n.number(v, 0, lang)
            ),
            col("overdue"): rows["overdue"],
        }
    )


def _month(value) -> str:
    """'heinäkuu 2026' / 'juli 2026' / 'July 2026'."""
    lang = i18n.current_language()
    return format_date(value, format="LLLL yyyy", locale=i18n.LOCALES[lang])


def history_table(events: pd.DataFrame, *, public: bool) -> pd.DataFrame:
    """An idea's event log: day, from, to; for change agents also who, merged into and note.
    The public version (the staff lookup) never shows who or the notes."""

    def label(status) -> str:
        return t("idea.status.sent") if pd.isna(status) else status_label(status)

    table = pd.DataFrame(
        {
            col("day"): [i18n.day(_date(d)) for d in events["changed_at"]],
            col("from_status"): events["from_status"].map(label),
            col("to_status"): events["to_status"].map(status_label),
        }
    )
    if not public:
        table[col("who")] = events["changed_by"].fillna(i18n.MISSING)
        table[col("merged_into")] = events["merged_into"].fillna("")
        table[col("note")] = events["note"].fillna("")
    return table


def catalogue_figures(values: dict[str, object]) -> None:
    """A row of headline figures by metric name (metrics/catalogue.toml): each labelled,
    written for its unit and explained with its definition as the help text."""
    lang = i18n.current_language()
    for column, (name, value) in zip(st.columns(len(values)), values.items(), strict=True):
        metric = catalogue.metric(name)
        column.metric(
            t(metric.label_key),
            i18n.figure(value, metric.unit),
            help=metric.definition(lang),
            border=True,
        )


def lookup(number: str, more) -> None:
    """An idea looked up by its number (typed loosely): its title, status, history, the person
    responsible, and then `more(idea_id)` (its comments). Anyone may follow an idea so."""
    found = cached(ideas.idea, idea_id=number)
    if found.empty:
        st.warning(t("form.lookup_missing", number=plain(number)))
        return
    idea = found.iloc[0]
    st.text(f"{idea['idea_id']} · {idea['title']}")
    sent_on = i18n.day(idea["submitted_on"].date())
    st.caption(t("form.lookup_status", status=status_label(idea["status"]), day=sent_on))
    if isinstance(idea["responsible"], str):
        st.caption(t("form.lookup_responsible", name=plain(idea["responsible"])))
    history = cached(ideas.idea_events, idea_id=idea["idea_id"])
    if not history.empty:
        st.dataframe(history_table(history, public=True), hide_index=True, width="stretch")
    if idea["status"] == "merged":
        st.caption(t("form.lookup_merged", target=plain(idea["merged_into"])))
    more(idea["idea_id"])


def followed(frame: pd.DataFrame) -> None:
    """metrics.idea_talk.followed_ideas: number, title, status, last changed, comments."""
    st.caption(t("talk.followed_intro"))
    if frame.empty:
        st.caption(t("talk.followed_none"))
        return
    lang = i18n.current_language()
    table = {
        col("number"): frame["idea_id"],
        col("title"): frame["title"],
        col("status"): each(frame["status"], status_label),
        col("day"): each(frame["status_changed_on"], lambda d: i18n.day(_date(d), lang)),
        col("comments"): frame["comments"],
    }
    tables.show(table)


def responsible_form(idea, user) -> None:
    """Triage names the person responsible for an accepted (in trial, implemented) idea."""
    if idea["status"] not in idea_actions.RESPONSIBLE_STATUSES:
        return
    st.subheader(t("triage.responsible_heading"))
    done = st.session_state.pop("responsible_saved", None)
    if done:
        st.success(t("triage.responsible_saved", number=plain(done)))
    current = idea["responsible"] if isinstance(idea["responsible"], str) else ""
    with st.form(f"responsible_{idea['idea_id']}_{current}"):
        named = st.text_input(
            t("triage.responsible"), value=current, help=t("triage.responsible_help")
        )
        save = st.form_submit_button(t("triage.responsible_save"))
    if not save:
        return
    who = user.email or st.session_state.get("triage_who", "demo")
    try:
        idea_actions.set_responsible(
            connection(), idea_id=idea["idea_id"], responsible=named, who=who, units=user.units
        )
    except ChangeRefused as refused:
        st.error(refusal_text(refused))
    else:
        st.session_state["responsible_saved"] = idea["idea_id"]
        st.rerun()
