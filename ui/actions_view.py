"""Acting on the survey: the unit page's actions tab (focus areas, the action plan, its form and
inspiration) and the survey page's sections (focus areas, plan coverage, did acting work).

Formatting only: every figure comes from metrics.focus, metrics.actions and
metrics.programme_effect with the anonymity rules applied. Who may write is decided in
metrics.actions (`may_write`, checked again in `save_action` before any write); this module
offers the form only to those it allows. Titles and names are data: they go into tables
(plain text) or through `plain` before any Markdown.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from metrics import actions, focus, programme_effect, survey
from metrics.contract import ACTION_STATUSES
from metrics.imports import ImportRejected
from ui import i18n, tables
from ui import survey_view as words
from ui.data import cached, connection
from ui.i18n import t
from ui.text import plain


def status_label(status: str) -> str:
    return t(f"actions.status.{status}")


def indicator_name(slug: str) -> str:
    return words.indicator(slug)


# ----------------------------------------------------------------------------- focus areas


def why(row, whole: bool = False) -> str:
    """Why an item is suggested: its link to satisfaction and the room its answers leave (and,
    for a unit, how far it is from the whole organisation)."""
    return t(
        "actions.focus.why_whole" if whole else "actions.focus.why",
        impact=i18n.number(row.impact, 2),
        rank=int(row.impact_rank),
        ranked=int(row.items_ranked),
        pct=i18n.percent(row.favourable_pct, 0),
        difference=i18n.points(row.difference_pp),
    )


def focus_table(frame: pd.DataFrame, whole: bool = False) -> None:
    """Focus areas with why each is suggested; `whole`: the whole organisation's."""
    lang = i18n.current_language()
    rows = list(frame.itertuples())
    tables.show(
        pd.DataFrame(
            {
                t("actions.col.item"): [words.item_text(r, lang) for r in rows],
                t("survey.col.indicator"): [indicator_name(r.indicator) for r in rows],
                t("actions.col.why"): [why(r, whole) for r in rows],
            }
        )
    )


def focus_section(round_id: str, unit: str | None, round_name: str) -> None:
    """A group's suggested focus areas in a round, with what impact means in plain words."""
    st.subheader(t("actions.focus.heading", round=plain(round_name)))
    found = cached(focus.focus_areas, round_id=round_id, unit=unit)
    if found.empty:
        st.info(t("actions.focus.none"))
    else:
        focus_table(found, whole=unit is None)
    st.caption(t("actions.focus.explain"))


# ----------------------------------------------------------------------------- the action plan


def actions_table(frame: pd.DataFrame) -> None:
    rows = list(frame.itertuples())
    tables.show(
        pd.DataFrame(
            {
                t("actions.col.id"): frame["action_id"],
                t("actions.col.title"): frame["title"],
                t("actions.col.unit"): frame["unit_name"],
                t("survey.col.indicator"): [indicator_name(r.indicator) for r in rows],
                t("actions.col.owner"): frame["owner"],
                t("actions.col.due"): [i18n.day(_date(r.due_on)) for r in rows],
                t("actions.col.status"): [status_label(r.status) for r in rows],
                t("actions.col.overdue"): [
                    t("actions.overdue_days", days=int(r.days_overdue)) if r.overdue else ""
                    for r in rows
                ],
                t("actions.col.published"): [t("actions.yes") if r.published else "" for r in rows],
            }
        )
    )


def _date(value) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def unit_tab(user, unit: str, today: date) -> None:
    """The unit page's actions tab: the unit's focus areas in its latest round with results,
    its actions (with the units below it), and the form to add or edit one."""
    st.caption(t("actions.intro"))
    rounds = cached(survey.rounds)
    round_names = dict(zip(rounds["round_id"], rounds["name"], strict=True))
    order = cached(survey.rounds_with_results, unit=unit, up_to=today)
    if order:
        focus_section(order[-1], unit, round_names[order[-1]])
    st.subheader(t("actions.plan_heading"))
    mine = cached(actions.action_list, on=today, unit=unit)
    done = st.session_state.pop("actions_done", None)
    if done:
        st.success(t("actions.saved", number=plain(done)))
    if mine.empty:
        st.info(t("actions.none"))
    else:
        actions_table(mine)
    if not order:
        st.info(t("actions.no_rounds"))
        return
    if not actions.may_write(user.role, user.units, unit):
        st.caption(t("actions.read_only"))
        return
    _form(user, unit, mine, order, round_names, today)


def _form(user, unit: str, mine: pd.DataFrame, order: list[str], round_names, today) -> None:
    st.subheader(t("actions.form_heading"))
    choices = [None, *mine["action_id"]]
    titles = dict(zip(mine["action_id"], mine["title"], strict=True))
    editing = st.selectbox(
        t("actions.edit_choose"),
        choices,
        format_func=lambda a: t("actions.new") if a is None else f"{a} · {titles[a][:80]}",
        key="actions_edit",
    )
    current = mine.set_index("action_id").loc[editing] if editing else None
    round_id = st.selectbox(
        t("actions.round"),
        order[::-1],
        format_func=round_names.get,
        disabled=current is not None,
        index=order[::-1].index(current["round_id"]) if current is not None else 0,
        key="actions_round",
    )
    items = cached(survey.item_scores, round_id=round_id)
    indicators = cached(programme_effect.indicators)
    indicator = st.selectbox(
        t("survey.col.indicator"),
        indicators,
        format_func=indicator_name,
        index=indicators.index(current["indicator"]) if current is not None else 0,
        key="actions_indicator",
    )
    _inspiration(indicator, user.units)
    of_indicator = items.drop_duplicates("item_id")
    of_indicator = of_indicator[of_indicator["indicator"] == indicator]
    lang = i18n.current_language()
    item_texts = {r.item_id: words.item_text(r, lang) for r in of_indicator.itertuples()}
    saves = st.session_state.setdefault("actions_saves", 0)
    with st.form(f"action_{editing}_{indicator}_{saves}"):
        item_ids = [None, *item_texts]
        item = st.selectbox(
            t("actions.item"),
            item_ids,
            format_func=lambda i: t("actions.no_item") if i is None else item_texts[i][:120],
            index=item_ids.index(current["item_id"]) if _has(current, "item_id", item_ids) else 0,
        )
        title = st.text_input(t("actions.title_field"), value=_text(current, "title"))
        owner = st.text_input(t("actions.owner"), value=_text(current, "owner"))
        due = st.date_input(
            t("actions.due"),
            value=_date(current["due_on"]) if current is not None else today + timedelta(90),
            format="DD.MM.YYYY",
        )
        status = st.selectbox(
            t("actions.col.status"),
            ACTION_STATUSES,
            format_func=status_label,
            index=ACTION_STATUSES.index(current["status"]) if current is not None else 0,
        )
        published = None
        if user.role in actions.PUBLISHERS:
            published = st.checkbox(
                t("actions.publish"),
                value=bool(current["published"]) if current is not None else False,
                help=t("actions.publish_help"),
            )
        # signed in, the log names the visitor; in the demo whoever types their name
        who = user.email or st.text_input(
            t("actions.who"), value=st.session_state.get("actions_who", "demo")
        )
        save = st.form_submit_button(t("actions.save"), type="primary")
    if not save:
        return
    st.session_state["actions_who"] = who
    try:
        saved = actions.save_action(
            connection(),
            role=user.role,
            scope=user.units,
            who=who,
            unit_id=unit,
            round_id=round_id,
            indicator=indicator,
            item_id=item,
            title=title,
            owner=owner,
            due_on=due,
            status=status,
            published=published,
            action_id=editing,
        )
    except actions.ActionRefused as refused:
        st.error(t(f"actions.refused.{refused.reason}"))
    except ImportRejected as rejected:
        st.error(t("actions.invalid"))
        st.text("\n".join(f"{e.column}: {e.reason}" for e in rejected.errors))
    else:
        st.session_state["actions_done"] = saved.action_id
        st.session_state["actions_saves"] = saves + 1
        st.rerun()


def _text(current, column: str) -> str:
    return "" if current is None or pd.isna(current[column]) else str(current[column])


def _has(current, column: str, options: list) -> bool:
    return current is not None and current[column] in options


def _inspiration(indicator: str, own: tuple[str, ...] | None) -> None:
    """Good practices tagged with the indicator, and what other units do about it."""
    with st.expander(t("actions.inspiration", indicator=indicator_name(indicator))):
        found = cached(actions.inspiration, indicator=indicator)
        if found.empty:
            st.caption(t("actions.inspiration_none"))
        else:
            tables.show(
                pd.DataFrame(
                    {
                        t("actions.col.practice"): found["title"],
                        t("actions.col.from"): found["unit_name"].fillna(found["org_name"]),
                        t("actions.col.summary"): found["summary"],
                    }
                )
            )
        others = cached(actions.others_actions, indicator=indicator, own=tuple(own or ()))
        if not others.empty:
            st.caption(t("actions.others"))
            tables.show(
                pd.DataFrame(
                    {
                        t("actions.col.title"): others["title"],
                        t("actions.col.unit"): others["unit_name"],
                        t("actions.col.status"): others["status"].map(status_label),
                    }
                )
            )


# ----------------------------------------------------------------------------- the survey page


def survey_sections(user, group: str | None, first: str, last: str, round_names, today) -> None:
    """The survey page's part on acting: the group's focus areas in the later round, the
    steering group's plan coverage and overdue actions, and whether acting worked."""
    focus_section(last, group, round_names[last])
    if user.role in actions.PUBLISHERS:
        _coverage(group, (first, last), round_names, today)
    effect_section(first, last, round_names)


def _coverage(group, rounds: tuple[str, ...], round_names, today: date) -> None:
    st.subheader(t("actions.coverage.heading"))
    rows = [cached(actions.plan_coverage, round_id=r, on=today, unit=group) for r in rounds]
    tables.show(
        pd.DataFrame(
            {
                t("survey.col.round"): [round_names[r["round_id"]] for r in rows],
                t("actions.coverage.units"): [i18n.number(r["units_with_results"]) for r in rows],
                t("actions.coverage.planned"): [i18n.number(r["units_with_plan"]) for r in rows],
                t("metric.action_plan_coverage.label"): [
                    i18n.fraction(r["action_plan_coverage"]) for r in rows
                ],
                t("actions.coverage.window"): [
                    t(
                        "actions.coverage.open" if r["window_open"] else "actions.coverage.closed",
                        day=i18n.day(r["window_ends_on"]),
                    )
                    for r in rows
                ],  # fmt: skip
            }
        )
    )
    st.caption(t("actions.coverage.explain", days=actions.PLAN_DAYS))
    listed = cached(actions.action_list, on=today, unit=group)
    overdue = listed[listed["overdue"]]
    st.markdown(f"**{t('metric.actions_overdue.label')}: {i18n.number(len(overdue))}**")
    if not overdue.empty:
        actions_table(overdue)


def effect_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """programme_effect rows as a table: hidden figures written as hidden."""
    rows = list(frame.itertuples())

    def points(r, column: str) -> str:
        return words.hidden() if r.suppressed else i18n.points(getattr(r, column))

    def verdict(r) -> str:
        if r.suppressed:
            return words.hidden()
        return t("survey.verdict.real" if r.significant else "survey.verdict.noise")

    return pd.DataFrame(
        {
            t("survey.col.indicator"): [indicator_name(r.indicator) for r in rows],
            t("metric.units_with_actions.label"): [i18n.number(r.units_with) for r in rows],
            t("metric.units_without_actions.label"): [i18n.number(r.units_without) for r in rows],
            t("actions.effect.change_with"): [points(r, "change_with_pp") for r in rows],
            t("actions.effect.change_without"): [points(r, "change_without_pp") for r in rows],
            t("metric.programme_effect_pp.label"): [points(r, "difference_pp") for r in rows],
            t("survey.col.ci"): [
                words.hidden()
                if r.suppressed
                else t(
                    "survey.interval", low=i18n.points(r.ci_low_pp), high=i18n.points(r.ci_high_pp)
                )
                for r in rows
            ],  # fmt: skip
            t("survey.col.verdict"): [verdict(r) for r in rows],
        }
    )


def effect_section(first: str, last: str, round_names) -> None:
    st.subheader(t("actions.effect.heading"))
    st.caption(
        t("actions.effect.intro", before=plain(round_names[first]), after=plain(round_names[last]))
    )
    frame = cached(programme_effect.programme_effect, from_round=first, to_round=last)
    tables.show(effect_rows(frame))
    st.caption(t("actions.effect.honest"))
