"""Pieces of the unit page: its headline figures and the tables each section shows.

Formatting only: every figure comes from metrics (ideas, incentives, survey, pilots,
activities); nothing here computes one. Survey figures arrive with the anonymity rules already
applied and are written by ui.survey_view ("hidden", "< 5"). Names and titles are data: they go
into tables (plain text) or through `plain` before any Markdown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import anonymity
from metrics import survey as survey_metrics
from metrics.anonymity import ORGANISATION
from metrics.periods import Period
from ui import i18n
from ui import ideas_view as ideas
from ui import survey_view as survey
from ui.data import cached
from ui.i18n import t
from ui.text import plain as plain  # the one escaping helper; pages/unit.py calls view.plain


def figures(values: dict[str, str]) -> None:
    """A row of headline figures: text key → the value already written for the language."""
    for column, (key, value) in zip(st.columns(len(values)), values.items(), strict=True):
        column.metric(t(key), value, border=True)


def show(table: pd.DataFrame) -> None:
    st.dataframe(table, hide_index=True, width="stretch")


def heading(key: str, **values) -> None:
    st.markdown(f"**{t(key, **values)}**")


def _day(value) -> str:
    return i18n.day(None if pd.isna(value) else pd.Timestamp(value).date())


def decisions_table(frame: pd.DataFrame) -> pd.DataFrame:
    """metrics.ideas.idea_list of decided ideas: number, title, decision, decided on, the
    person responsible (where named) and how many support it."""
    return pd.DataFrame(
        {
            ideas.col("number"): frame["idea_id"],
            ideas.col("title"): frame["title"],
            ideas.col("status"): ideas.each(frame["status"], ideas.status_label),
            t("unitpage.col.decided_on"): frame["decided_on"].map(_day),
            ideas.col("responsible"): frame["responsible"].fillna(""),
            ideas.col("supporters"): frame["supporters"],
        }
    )


def survey_table(mine: pd.DataFrame, whole: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """One round's indicators (metrics.survey.group_scores rows): the unit's figures beside the
    whole organisation's, and the difference in points (hidden wherever the unit's is)."""
    both = mine.merge(whole, on="indicator", suffixes=("", "_all"))
    rows = list(both.itertuples())
    return pd.DataFrame(
        {
            t("survey.col.indicator"): [survey.indicator(r.indicator) for r in rows],
            t("unitpage.col.unit_pct"): [survey.pct(r) for r in rows],
            t("unitpage.col.whole_pct"): [
                survey.hidden() if r.suppressed_all else i18n.percent(r.favourable_pct_all, 1)
                for r in rows
            ],
            t("survey.difference"): [
                survey.hidden() if r.suppressed else i18n.points(r.difference_pp) for r in rows
            ],
            t("survey.col.respondents"): [survey.respondents(r, threshold) for r in rows],
        }
    )


def change_table(changes: pd.DataFrame) -> pd.DataFrame:
    """metrics.survey.change_between rows of one group: each indicator's change and verdict."""
    rows = list(changes.itertuples())
    return pd.DataFrame(
        {
            t("survey.col.indicator"): [survey.indicator(r.indicator) for r in rows],
            t("survey.col.from"): [survey.pct(r, "from_pct") for r in rows],
            t("survey.col.to"): [survey.pct(r, "to_pct") for r in rows],
            t("survey.col.change_pp"): [survey.change_pp(r) for r in rows],
            t("survey.col.change_rel"): [survey.change_rel(r) for r in rows],
            t("survey.col.verdict"): [survey.verdict(r, short=True) for r in rows],
        }
    )


def projects_table(projects: pd.DataFrame) -> pd.DataFrame:
    """metrics.pilots.projects: team, project, status, how late, progress, due date."""
    rows = list(projects.itertuples())
    return pd.DataFrame(
        {
            t("pilots.col.team"): projects["team_name"],
            t("pilots.col.project"): projects["title"],
            t("pilots.col.status"): [t(f"pilots.status.{r.status}") for r in rows],
            t("pilots.col.overdue"): [
                t("pilots.overdue_days", days=int(r.days_overdue)) if r.overdue else ""
                for r in rows
            ],
            t("pilots.col.progress"): projects["progress_pct"].map(i18n.percent),
            t("pilots.col.due"): projects["due_on"].map(_day),
        }
    )


def subunits_table(by_unit: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """The sub-units' idea figures (metrics.ideas.ideas_by_unit, as the ideas page writes them)
    with how the programme has reached each (metrics.activities.activity_coverage)."""
    reach = coverage.set_index("unit_id").reindex(by_unit["unit_id"])
    table = ideas.unit_table(by_unit)
    table[t("activities.col.supervisors_reached_pct")] = [
        i18n.percent(v) for v in reach["supervisors_reached_pct"]
    ]
    table[t("activities.col.reach")] = [
        i18n.MISSING if pd.isna(r) else t(f"activities.reach.{r}") for r in reach["reach"]
    ]
    return table


def survey_section(unit: str, period: Period) -> None:
    """The unit's survey tab: its latest round beside the whole organisation, and the change
    from the round before, both among the unit's home rounds with results closed by the
    period's end (metrics.survey.rounds_with_results, the rule every page shares)."""
    rounds = cached(survey_metrics.rounds)
    order = cached(survey_metrics.rounds_with_results, unit=unit, up_to=period.end)
    if not order:
        st.info(t("survey.no_rounds"))
        return
    last, round_names = order[-1], dict(zip(rounds["round_id"], rounds["name"], strict=True))
    threshold = anonymity.threshold()
    st.caption(t("unitpage.survey_round", round=plain(round_names[last]), threshold=threshold))
    latest = cached(survey_metrics.group_scores, round_ids=(last,))
    mine, whole = latest[latest["group_id"] == unit], latest[latest["group_id"] == ORGANISATION]
    show(survey_table(mine, whole, threshold))
    if len(order) > 1:  # survey.latest_rounds: the last two of these
        first = order[-2]
        names_shown = {"before": round_names[first], "after": round_names[last]}
        heading("unitpage.survey_change", **{k: plain(v) for k, v in names_shown.items()})
        changes = cached(survey_metrics.change_between, from_round=first, to_round=last)
        show(change_table(changes[changes["group_id"] == unit]))
        st.caption(t("unitpage.survey_change_note"))
