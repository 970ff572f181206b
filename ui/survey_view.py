"""Pieces of the survey page: how each survey figure is written, and its tables and charts.

Formatting only. Every figure comes from metrics.survey with the anonymity rules applied; here
a hidden figure is written as "hidden" and a count below the threshold as "< 5". Every change
says its kind: percentage points (%-yks.) or relative percent.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, i18n, tables
from ui.i18n import t


def hidden() -> str:
    return t("suppressed.short")


def indicator(slug: str) -> str:
    """The indicator's name in the language; an indicator the texts do not know, as its slug."""
    key = f"survey.indicator.{slug}"
    return t(key) if key in i18n.catalog() else slug


def respondents(row, threshold: int) -> str:
    if row.below_threshold:
        return t("survey.below", threshold=threshold)
    return i18n.number(None if pd.isna(row.respondents) else row.respondents)


def pct(row, column: str = "favourable_pct") -> str:
    return hidden() if row.suppressed else i18n.percent(getattr(row, column), 1)


def mean(row) -> str:
    return hidden() if row.suppressed else i18n.number(row.mean, 2)


def change_pp(row) -> str:
    return hidden() if row.suppressed else i18n.points(row.change_pp)


def change_rel(row) -> str:
    return hidden() if row.suppressed else i18n.percent(row.change_rel_pct, 1, signed=True)


def interval(row) -> str:
    if row.suppressed:
        return hidden()
    return t("survey.interval", low=i18n.points(row.ci_low_pp), high=i18n.points(row.ci_high_pp))


def verdict(row, short: bool = False) -> str:
    """Whether a change is real or may be noise; in full with its interval and relative size."""
    if row.suppressed or pd.isna(row.change_pp):
        if short:
            return hidden() if row.suppressed else i18n.MISSING
        return t("survey.suppressed") if row.suppressed else t("survey.no_data")
    key = "untested" if pd.isna(row.significant) else "real" if row.significant else "noise"
    if short:
        return t(f"survey.verdict.{key}")
    bounds = {"low": i18n.points(row.ci_low_pp), "high": i18n.points(row.ci_high_pp)}
    relative = i18n.percent(row.change_rel_pct, 0, signed=True)
    return f"{t(f'survey.{key}', **bounds)} {t('survey.relative', relative=relative)}"


def cell(row) -> str:
    """A heatmap cell: the unit's score and its difference from the organisation in points."""
    if row.suppressed or pd.isna(row.favourable_pct):
        return hidden() if row.suppressed else i18n.MISSING
    return f"{i18n.percent(row.favourable_pct, 1)}<br>{i18n.points(row.difference_pp)}"


def item_text(row, lang: str) -> str:
    """The question in the language (Finnish where it has no translation), reversal said."""
    text = getattr(row, f"text_{lang}")
    text = row.text_fi if pd.isna(text) or not text else text
    return f"{text} ({t('survey.reversed')})" if row.reverse else text


def answered(value: int):
    """A column writer: how many gave `value` as their answer ('–' beyond the item's scale)."""
    column = f"answers_{value}"

    def write(row) -> str:
        count = getattr(row, column)
        return hidden() if row.suppressed else i18n.number(None if pd.isna(count) else count)

    return write


def table(rows: pd.DataFrame, columns: dict) -> None:
    """A table of `rows` with one column per (title, function writing a row's cell)."""
    records = list(rows.itertuples())
    frame = pd.DataFrame({title: [write(r) for r in records] for title, write in columns.items()})
    tables.show(frame)


@st.cache_resource(show_spinner=False, max_entries=64)
def figure(helper: str, frame: pd.DataFrame, **options):
    """A ui.charts figure, built once per frame and options: building one costs ~0.1 s, more
    than the rest of a rerun."""
    return getattr(charts, helper)(frame, **options)
