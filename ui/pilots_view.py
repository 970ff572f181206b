"""Pieces of the pilot-teams page: status cards, the project tables, the timeline and the
results against target.

Formatting only: every figure comes from metrics.pilots; nothing here computes one. A status
has one colour everywhere (ui.charts.STATUS_COLOURS): its card's stripe, its bars and its
cells in the tables; and it is always written out too, never shown by colour alone.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from metrics.contract import PROJECT_STATUSES
from ui import charts, i18n, tables
from ui.i18n import t

SUMMARY = ("on_track", "at_risk", "late", "done", "overdue")


def col(key: str) -> str:
    return t(f"pilots.col.{key}")


def status_label(status, lang: str | None = None) -> str:
    return t(f"pilots.status.{status}", lang)


def status_colours(lang: str | None = None) -> dict[str, str]:
    """Each status as written in the language, with its colour, in the statuses' order."""
    return {status_label(s, lang): charts.STATUS_COLOURS[s] for s in PROJECT_STATUSES}


def late_note(row, lang: str | None = None) -> str:
    """'Overdue 27 days', said in words beside the bar and in the tables, never by colour."""
    return t("pilots.overdue_days", lang, days=int(row.days_overdue)) if row.overdue else ""


def _labels(prefix: str, values: pd.Series, lang: str) -> pd.Series:
    """Each value's text `prefix.value`, each distinct value looked up once; '–' for none."""
    texts = {v: t(f"{prefix}.{v}", lang) for v in values.dropna().unique()}
    return values.map(texts).fillna(i18n.MISSING)


def summary_cards(summary) -> None:
    """The count of projects of each status, each card in its status colour (ui.chrome draws
    the stripe of a container keyed status-<status>) and named in words; its explanation as
    help."""
    for key, column in zip(SUMMARY, st.columns(len(SUMMARY), gap="xsmall"), strict=True):
        with column, st.container(key=f"status-{key}"):
            st.metric(
                t(f"pilots.summary.{key}"),
                i18n.number(summary[key]),
                help=t(f"pilots.summary.{key}.explain"),
                border=True,
            )


def show(table, **options) -> None:
    """A project table: figures right-aligned, empty columns left out, statuses coloured."""
    tables.show(table, status=(col("status"), status_colours()), **options)


def project_table(rows: pd.DataFrame, with_measure: bool = False) -> pd.DataFrame:
    """A row per project: the project first, then (with_measure) its result against the target
    (so it is in view without scrolling sideways), then its status and dates, then the team.
    Written column by column in the language, looked up once."""
    lang = i18n.current_language()
    table = {col("project"): rows["title"]}
    if with_measure:
        table |= {
            col("reached"): i18n.percents(rows["target_reached_pct"], lang=lang),
            col("measure"): rows["measure"].fillna(i18n.MISSING),
            col("baseline"): i18n.numbers(rows["baseline_value"], 1, lang),
            col("target"): i18n.numbers(rows["target_value"], 1, lang),
            col("result"): i18n.numbers(rows["result_value"], 1, lang),
        }
    return pd.DataFrame(
        table
        | {
            col("status"): _labels("pilots.status", rows["status"], lang),
            col("overdue"): [late_note(r, lang) for r in rows.itertuples()],
            col("phase"): _labels("pilots.phase", rows["phase"], lang),
            col("progress"): i18n.percents(rows["progress_pct"], lang=lang),
            col("started"): i18n.days(rows["started_on"], lang),
            col("due"): i18n.days(rows["due_on"], lang),
            col("done"): i18n.days(rows["done_on"], lang),
            col("team"): rows["team_name"],
        }
    )


def timeline(projects: pd.DataFrame, today: date) -> None:
    """The projects as bars from start to end in their status colours, overdue ones hatched
    and saying so; the projects without dates are counted below."""
    dated = projects.dropna(subset=["started_on", "ends_on"])
    if not dated.empty:
        figure = timeline_figure(dated, today, i18n.current_language())
        with st.container(height=min(figure.layout.height + 40, 720), border=False):
            st.plotly_chart(figure, width="stretch", config={"displayModeBar": False})
    if len(dated) < len(projects):
        st.caption(t("pilots.undated", count=len(projects) - len(dated)))


# Building a Plotly figure costs a good part of the page's budget for a rerun; the figure depends
# only on its data and the language, so it is built once per data and language. A resource,
# not cache_data: cache_data would hand each rerun an unpickled copy, and unpickling a figure
# checks all of it again, which costs nearly as much as building it. Every session shares the
# one figure, so nothing may change it: st.plotly_chart only reads it.
@st.cache_resource(show_spinner=False, max_entries=64)
def timeline_figure(dated: pd.DataFrame, today: date, lang: str):
    overdue = t("pilots.overdue", lang)
    bars = dated.assign(
        label=dated["title"] + " (" + dated["project_id"] + ")",
        status_label=dated["status"].map(lambda s: status_label(s, lang)),
        schedule=dated["overdue"].map({True: overdue, False: ""}),
        note=[
            late_note(r, lang) or i18n.percent(r.progress_pct, lang=lang)
            for r in dated.itertuples()
        ],
        started=dated["started_on"].map(lambda d: i18n.day(d, lang)),
        ends=dated["ends_on"].map(lambda d: i18n.day(d, lang)),
    )
    return charts.timeline(
        bars,
        start="started_on",
        end="ends_on",
        y="label",
        color="status_label",
        colours=status_colours(lang),
        pattern="schedule",
        hatched=overdue,
        hatched_label=overdue,
        text="note",
        hover={
            "status_label": col("status"),
            "started": col("started"),
            "ends": col("ends"),
            "note": col("note"),
        },  # fmt: skip
        today=today,
        today_label=t("pilots.today", lang, today=i18n.day(today, lang)),
        labels={
            "label": t("pilots.col.project", lang),
            "status_label": t("pilots.col.status", lang),
            "started": t("pilots.col.started", lang),
            "ends": t("pilots.col.ends", lang),
            "note": t("pilots.col.note", lang),
        },
        lang=lang,
    )


def results(projects: pd.DataFrame) -> None:
    """How far each project with a target got, as bars against the target line (100 %)."""
    measured = projects.dropna(subset=["target_reached_pct"])
    if measured.empty:
        return
    figure = results_figure(measured, i18n.current_language())
    st.plotly_chart(figure, width="stretch", config={"displayModeBar": False})


@st.cache_resource(show_spinner=False, max_entries=64)  # shared, as timeline_figure
def results_figure(measured: pd.DataFrame, lang: str):
    rows = measured.assign(
        label=measured["title"],
        reached=measured["target_reached_pct"].map(lambda v: i18n.percent(v, lang=lang)),
    )
    return charts.target_bars(
        rows,
        x="target_reached_pct",
        y="label",
        text="reached",
        target_label=t("pilots.col.target", lang),
        labels={
            "target_reached_pct": t("pilots.col.reached", lang),
            "label": t("pilots.col.project", lang),
        },
    )


def teams_table(teams: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            col("team"): teams["name"],
            col("unit"): teams["unit_name"],
            col("change_agent"): teams["change_agent"].fillna(i18n.MISSING),
            col("projects"): teams["projects"],
            col("projects_done"): teams["projects_done"],
            col("needing_help"): teams["projects_needing_help"],
            col("ideas"): teams["ideas"],
        }
    )


def ideas_table(ideas: pd.DataFrame) -> pd.DataFrame:
    lang = i18n.current_language()
    return pd.DataFrame(
        {
            col("idea"): ideas["title"],
            col("idea_status"): _labels("pilots.idea_status", ideas["status"], lang),
            col("submitted"): i18n.days(ideas["submitted_on"], lang),
        }
    )
