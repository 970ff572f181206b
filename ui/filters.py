"""The sidebar: language, period and organisation. Choices live in session state and in the
address (?lang=en&period=2026-Q3&unit=U1), so a link opens the same view."""

from __future__ import annotations

import functools
from datetime import date

import streamlit as st
from babel.dates import format_date

from metrics import ideas, periods, units
from metrics.periods import Period
from ui import access, i18n, runs
from ui.data import cached
from ui.i18n import t

PERIOD_KINDS = ("month", "quarter", "year")


def language() -> str:
    """Choose the language (Finnish by default) before anything is written."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", i18n.DEFAULT_LANGUAGE)
        st.session_state["lang"] = wanted if wanted in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    languages = list(i18n.LANGUAGES)
    chosen = st.sidebar.selectbox(
        t("sidebar.language"),
        languages,
        index=languages.index(st.session_state["lang"]),
        format_func=i18n.LANGUAGES.get,
    )
    st.session_state["lang"] = chosen
    runs.remember("lang", chosen)  # i18n.current_language asks no session state again this run
    if chosen == i18n.DEFAULT_LANGUAGE:
        st.query_params.pop("lang", None)
    else:
        st.query_params["lang"] = chosen
    return chosen


def _period_choices(kind: str, first: date, today: date) -> list[Period]:
    """Every complete period of the kind back to the first idea, newest first."""
    current = periods.last_complete(kind, today)
    found = []
    while not found or (current.end >= first and len(found) < 200):
        found.append(current)
        current = current.previous()
    return found


@functools.lru_cache(maxsize=4096)  # the period selectbox writes every choice on every rerun
def _period_label(period: Period, lang: str) -> str:
    if period.kind == "month":
        return format_date(period.start, format="LLLL yyyy", locale=i18n.LOCALES[lang])
    if period.kind == "quarter":
        return f"Q{(period.start.month - 1) // 3 + 1}/{period.start.year}"
    return str(period)


def period(today: date | None = None) -> Period:
    """The chosen period (default: the last complete month)."""
    today = today or date.today()
    if "period" not in st.session_state:
        st.session_state["period"] = _initial_period(today)
    chosen: Period = st.session_state["period"]
    kinds = list(PERIOD_KINDS)
    # Labels are bound to the language now: Streamlit may call format_func outside this run.
    lang = i18n.current_language()
    kind = st.sidebar.radio(
        t("sidebar.period_kind"),
        kinds,
        index=kinds.index(chosen.kind) if chosen.kind in kinds else 0,
        format_func=lambda k: t(f"sidebar.period_kind.{k}", lang),
        horizontal=True,
    )
    first = cached(ideas.first_submission) or today
    options = _period_choices(kind, min(first, chosen.start), today)
    if chosen not in options:
        chosen = options[0]
    chosen = st.sidebar.selectbox(
        t("sidebar.period"),
        options,
        index=options.index(chosen),
        format_func=lambda p: _period_label(p, lang),
    )
    st.session_state["period"] = chosen
    st.query_params["period"] = str(chosen)
    return chosen


def _initial_period(today: date) -> Period:
    try:
        chosen = periods.parse(st.query_params.get("period", ""))
    except ValueError:
        return periods.last_complete_month(today)
    return chosen if chosen.kind in PERIOD_KINDS else periods.last_complete_month(today)


def unit(
    scope: tuple[str, ...] | None | str = "visitor",
    *,
    place=None,
    whole: bool = True,
    ask: bool = False,
):
    """The chosen unit (with every unit below it), or None for the whole organisation.

    Only the units in `scope` are offered: None offers every unit and the whole organisation
    (unless `whole` is False); the default is the signed-in visitor's units (ui.access). A unit
    in the address outside the scope is refused here, before any figure is read; an unknown one
    is ignored. With a single unit to offer, no picker is drawn. `place` is where the picker goes
    (the sidebar unless told).

    With nothing chosen yet (no unit in the address or from an earlier page), the picker opens on
    the visitor's own unit: the first of the highest of their units. One who may see every unit
    has no unit of their own: with `ask` the picker then opens empty and None is returned until
    they choose (the page asks which); without it, the first option.
    """
    if scope == "visitor":
        scope = access.visitor().units
    tree = cached(units.units)
    names = dict(zip(tree["unit_id"], tree["name"], strict=True))
    depth = dict(zip(tree["unit_id"], tree["depth"], strict=True))
    wanted = st.query_params.get("unit")
    if scope is not None and wanted in names and wanted not in scope:
        access.refuse_unit()
    allowed = [u for u in tree["unit_id"] if scope is None or u in scope]
    if not allowed and scope is not None:
        access.refuse_unit()
    options = [None, *allowed] if scope is None and whole else allowed
    if not options:  # no units at all: only the whole organisation
        return None
    if "unit" not in st.session_state:
        st.session_state["unit"] = wanted if wanted in names else None
    current = st.session_state["unit"]
    top = min(depth[u] for u in allowed) if allowed else 0
    everything = t("sidebar.unit.all")
    if current in options:
        index = options.index(current)
    elif scope is not None:  # their own unit
        index = options.index(next(u for u in allowed if depth[u] == top))
    else:
        index = None if ask else 0
    if len(options) == 1:
        chosen = options[0]
    else:
        chosen = (place or st.sidebar).selectbox(
            t("sidebar.unit"),
            options,
            index=index,
            format_func=lambda u: (
                everything if u is None else "\u00a0\u00a0" * (depth[u] - top) + names[u]
            ),
            placeholder=t("sidebar.unit.choose"),
        )
    if chosen is None and None not in options:  # asked, not chosen yet
        st.query_params.pop("unit", None)
        return None
    st.session_state["unit"] = chosen
    if chosen is None:
        st.query_params.pop("unit", None)
    else:
        st.query_params["unit"] = chosen
    return chosen
