"""Pieces of the programme overview: its headline cards and the words under them.

Each card has a short label (metric.<name>.short in ui/locales, else the metric's label) that
fits a row of five on the steering group's projector (1024×768); its help holds the full
label and the catalogue's definition. Formatting only: the figures come from metrics.overview.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from metrics import catalogue
from ui import i18n
from ui.i18n import t


def short_label(name: str, lang: str | None = None) -> str:
    key = f"metric.{name}.short"
    return t(key, lang) if i18n.has(key) else t(catalogue.metric(name).label_key, lang)


def card_help(name: str, note: str = "") -> str:
    """The full label in bold, the definition, and a note (the survey's test) if any."""
    metric = catalogue.metric(name)
    lang = i18n.current_language()
    text = t("overview.card_help", label=t(metric.label_key), definition=metric.definition(lang))
    return f"{text}\n\n{note}" if note else text


def delta_colour(name: str, row: pd.Series) -> str:
    """Green for a change the catalogue calls better; a survey change only where significant
    (otherwise it may be noise, and the arrow stays grey)."""
    tested_real = pd.notna(row["significant"]) and bool(row["significant"])
    if row["unit"] == "percent" and not tested_real:
        return "off"
    return "normal" if catalogue.metric(name).higher_is_better else "inverse"


def card(name: str, row: pd.Series, *, note: str = "", verdict: str | None = None) -> None:
    """One headline figure with its change from the previous period (or round)."""
    changed = not math.isnan(row["change"])
    flat = changed and round(row["change"], 3) == 0
    st.metric(
        short_label(name),
        i18n.figure(row["value"], row["unit"]),
        delta=i18n.figure_change(row["change"], row["unit"]) if changed else None,
        delta_color="off" if flat else delta_colour(name, row),
        delta_arrow="off" if flat else "auto",
        delta_description=verdict,
        help=card_help(name, note),
        border=True,
    )


def cards(figures: pd.DataFrame, names: list[str], columns=None) -> None:
    """A row of cards, one column each (in `columns` if given)."""
    columns = columns or st.columns(len(names), gap="xsmall")
    for name, column in zip(names, columns, strict=True):
        with column:
            card(name, figures.loc[name])


def survey_note(row: pd.Series) -> str:
    """Whether a survey change is real, in full: the test, its interval, the relative change."""
    if row["suppressed"]:
        return t("overview.suppressed")
    if math.isnan(row["change"]):
        return ""
    relative = t("overview.relative", relative=i18n.percent(row["change_rel_pct"], 0, signed=True))
    if pd.isna(row["significant"]):  # a publisher's result without n: no test is made
        return relative
    key = "overview.significant" if row["significant"] else "overview.not_significant"
    interval = {"low": i18n.points(row["ci_low_pp"]), "high": i18n.points(row["ci_high_pp"])}
    return f"{t(key, **interval)} {relative}"


def survey_verdict(row: pd.Series) -> str | None:
    """The test in a word or two beside the change ('maybe noise'), where a test was made."""
    if row["suppressed"] or math.isnan(row["change"]) or pd.isna(row["significant"]):
        return None
    return t("overview.verdict.real" if row["significant"] else "overview.verdict.noise")


def table(figures: pd.DataFrame) -> pd.DataFrame:
    """Every figure of the page with its previous value and change: the cards as a table."""
    rows = list(figures.itertuples())
    return pd.DataFrame(
        {
            t("overview.table.metric"): [t(catalogue.metric(r.Index).label_key) for r in rows],
            t("overview.table.value"): [i18n.figure(r.value, r.unit) for r in rows],
            t("overview.table.previous"): [i18n.figure(r.previous, r.unit) for r in rows],
            t("overview.table.change"): [i18n.figure_change(r.change, r.unit) for r in rows],
        }
    )
