"""Pieces of the campaigns page: the list of campaigns, one campaign's summary and ideas, and
the form that opens one.

Words and widgets only: every figure is metrics.campaigns'. Titles, reasons and names are data:
they go to st.text or tables, or through `plain` before any Markdown.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from metrics import campaigns
from metrics.contract import TITLE_MAX, UNIT_SEPARATOR
from ui import i18n, tables
from ui import ideas_view as ideas
from ui.data import connection
from ui.i18n import t
from ui.survey_view import indicator as indicator_name
from ui.text import plain

OPEN_DAYS = 30  # a new campaign's default length


def col(key: str) -> str:
    return t(f"campaigns.col.{key}")


def _day(value) -> str:
    return i18n.day(None if pd.isna(value) else pd.Timestamp(value).date())


def state_label(state: str) -> str:
    return t(f"campaigns.state.{state}")


def option(row) -> str:
    """A campaign as the chooser names it: its question, state and dates."""
    return t(
        "campaigns.option",
        title=row.title,
        state=state_label(row.state),
        opens=_day(row.opens_on),
        closes=_day(row.closes_on),
    )


def list_table(listed: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Every campaign (metrics.campaigns.campaigns) with its figures (campaign_figures)."""
    rows = listed.merge(figures.drop(columns=["title", "opens_on", "closes_on"]), on="campaign_id")
    return pd.DataFrame(
        {
            col("campaign"): rows["campaign_id"],
            col("question"): rows["title"],
            col("dates"): [
                f"{_day(a)}–{_day(b)}"
                for a, b in zip(rows["opens_on"], rows["closes_on"], strict=True)
            ],
            col("state"): rows["state"].map(state_label),
            t("metric.campaign_ideas.label"): rows["ideas"],
            t("metric.campaign_participants.label"): rows["participants"],
            t("metric.campaign_decided.label"): rows["decided"],
            t("metric.campaign_implemented.label"): rows["implemented"],
        }
    )


def summary(row, figures, names: dict[str, str]) -> None:
    """One campaign: why it is asked, whom, when, what it serves, and its figures."""
    if isinstance(row.why, str):
        st.text(row.why)
    st.caption(t("campaigns.dates", opens=_day(row.opens_on), closes=_day(row.closes_on)))
    asked = (
        [u for u in (row.units or "").split(UNIT_SEPARATOR) if u]
        if isinstance(row.units, str)
        else []
    )
    if asked:
        listed = ", ".join(plain(names.get(u, u)) for u in asked)
        st.caption(t("campaigns.asks_units", units=listed))
    else:
        st.caption(t("campaigns.asks_all"))
    if isinstance(row.indicator, str):
        st.caption(t("campaigns.serves_indicator", indicator=plain(indicator_name(row.indicator))))
    if isinstance(row.focus, str):
        st.caption(t("campaigns.serves_focus", focus=plain(row.focus)))
    ideas.catalogue_figures(
        {
            "campaign_ideas": figures["ideas"],
            "campaign_participants": figures["participants"],
            "campaign_decided": figures["decided"],
            "campaign_implemented": figures["implemented"],
        }
    )
    st.caption(
        t(
            "campaigns.participation",
            rate=i18n.fraction(figures["participation_rate"], 1),
            participants=i18n.number(figures["participants"]),
            staff=i18n.number(figures["staff"]),
            units=i18n.number(figures["units_taking_part"]),
            asked=i18n.number(figures["units_asked"]),
        )
    )


def ideas_table(frame: pd.DataFrame) -> pd.DataFrame:
    """metrics.campaigns.campaign_ideas: the ideas with their decisions, the most supported
    first."""
    lang = i18n.current_language()
    return pd.DataFrame(
        {
            ideas.col("number"): frame["idea_id"],
            ideas.col("title"): frame["title"],
            ideas.col("unit"): frame["unit_name"],
            ideas.col("status"): ideas.each(frame["status"], ideas.status_label),
            ideas.col("submitted_on"): ideas.each(
                frame["submitted_on"], lambda d: i18n.day(pd.Timestamp(d).date(), lang)
            ),
            ideas.col("supporters"): frame["supporters"],
            ideas.col("responsible"): frame["responsible"].fillna(""),
        }
    )


def refusal_text(refused: campaigns.CampaignRefused) -> str:
    values = {k: plain(v) if isinstance(v, str) else v for k, v in refused.values.items()}
    return t(f"campaigns.refused.{refused.reason}", **{"unit": "", "limit": "", **values})


def open_form(user, tree: pd.DataFrame, indicators: list[str]) -> None:
    """The steering group's or a change agent's form that opens a campaign (a change agent asks
    only their own units; metrics checks it again)."""
    names = dict(zip(tree["unit_id"], tree["name"], strict=True))
    choices = [u for u in tree["unit_id"] if user.units is None or u in user.units]
    today = date.today()
    done = st.session_state.pop("campaign_opened", None)
    if done:
        st.success(t("campaigns.opened", number=plain(done)))
    saves = st.session_state.setdefault("campaign_forms", 0)
    with st.form(f"open_campaign_{saves}"):
        title = st.text_input(t("campaigns.field.title"), max_chars=TITLE_MAX)
        why = st.text_area(t("campaigns.field.why"), max_chars=campaigns.WHY_MAX)
        units = st.multiselect(
            t("campaigns.field.units"),
            choices,
            format_func=names.get,
            help=t("campaigns.units_help"),
        )
        opens_on = st.date_input(t("campaigns.field.opens_on"), value=today, format="DD.MM.YYYY")
        closes_on = st.date_input(
            t("campaigns.field.closes_on"),
            value=today + timedelta(days=OPEN_DAYS),
            format="DD.MM.YYYY",
        )
        indicator = st.selectbox(
            t("campaigns.field.indicator"),
            [None, *indicators],
            format_func=lambda i: t("campaigns.no_indicator") if i is None else indicator_name(i),
        )
        focus = st.text_input(t("campaigns.field.focus"), max_chars=TITLE_MAX)
        who = user.email or st.text_input(t("campaigns.field.who"), value="demo")
        send = st.form_submit_button(t("campaigns.open_button"), type="primary")
    if not send:
        return
    try:
        opened = campaigns.open_campaign(
            connection(),
            title=title,
            why=why,
            units=tuple(units),
            opens_on=opens_on,
            closes_on=closes_on,
            indicator=indicator,
            focus=focus,
            who=who,
            scope=user.units,
        )
    except campaigns.CampaignRefused as refused:
        st.error(refusal_text(refused))
    else:
        st.session_state["campaign_opened"] = opened
        st.session_state["campaign_forms"] = saves + 1
        st.rerun()


def close_button(campaign_id: str, user) -> None:
    """Close an open campaign today (the steering group's, or a change agent's in their units)."""
    done = st.session_state.pop("campaign_closed", None)
    if done:
        st.success(t("campaigns.closed_done", number=plain(done)))
    if not st.button(t("campaigns.close_button"), key=f"close_{campaign_id}"):
        return
    try:
        campaigns.close_campaign(
            connection(), campaign_id=campaign_id, who=user.email or "demo", scope=user.units
        )
    except campaigns.CampaignRefused as refused:
        st.error(refusal_text(refused))
    else:
        st.session_state["campaign_closed"] = campaign_id
        st.rerun()


def show(table: pd.DataFrame) -> None:
    tables.show(table)
