"""Tables as the pages show them: numbers right-aligned, empty columns left out, a pilot
project's status in its colour.

The pages write their figures as text in the reader's language (`1 234,5`, `33 %`), which
st.dataframe would align to the left like words; `show()` finds the columns that hold only
figures and aligns them right, so digits line up. A column with nothing in any row (no project
is overdue, no unit is new) is left out rather than shown blank.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from ui import charts

# A figure as ui.i18n writes it: a sign, digits with group and decimal marks, and a unit after
# it (%, %-yks., p.e., pp, pv, h); or missing (–) or suppressed (< 5). Dates (30.4.2019) are not.
FIGURE = re.compile(r"[+\-−]?\d[\d\s.,]*(?:\s?(?:%|%-yks\.|p\.e\.|pp|pv|d|h)\.?)?|–|<\s?\d+")
DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")


def _blank(value) -> bool:
    if isinstance(value, str):
        return value == ""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _written(values: pd.Series) -> set[str]:
    """The column's distinct values that are not blank (None, NaN, NaT, pandas' NA or ""), as
    text. Over the column's plain list: pandas' own operations cost more than the cells do in
    tables of this size."""
    return {str(v).strip() for v in values.tolist() if not _blank(v)}


def figures_only(values: pd.Series) -> bool:
    """Whether a column holds figures (numbers, or numbers written as text) and nothing else."""
    if pd.api.types.is_numeric_dtype(values):
        return True
    written = _written(values)
    return bool(written) and all(
        FIGURE.fullmatch(v) and not DATE.fullmatch(v) for v in written
    ) and any(v[0].isdigit() or v[0] in "+-−" for v in written)  # fmt: skip


def _empty(values: pd.Series) -> bool:
    """Whether every value of the column is blank: numbers and dates by pandas at once, text
    over its plain list."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return bool(values.isna().all())
    return all(map(_blank, values.tolist()))


def prepared(table: pd.DataFrame | dict, *, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """The table without its empty columns (every row blank); `keep` names columns to keep."""
    frame = pd.DataFrame(table)
    if frame.empty:
        return frame
    empty = [c for c in frame.columns if c not in keep and _empty(frame[c])]
    return frame.drop(columns=empty) if empty else frame


def alignment(frame: pd.DataFrame) -> dict:
    """st.dataframe's column_config: right alignment for every column of figures."""
    return {
        column: st.column_config.Column(alignment="right")
        for column in frame.columns
        if figures_only(frame[column])
    }


def status_style(column: str, colours: dict[str, str]):
    """A Styler step colouring the cells of `column` by their value (a status as written), in
    the status palette of ui.charts: the same colour for a status as in the charts."""

    def paint(styler):
        return styler.map(
            lambda v: (
                f"background-color: {colours[v]}; color: {charts.STATUS_TEXT}"
                if v in colours
                else ""
            ),
            subset=[column],
        )

    return paint


def show(
    table: pd.DataFrame | dict,
    *,
    status: tuple[str, dict[str, str]] | None = None,
    keep: tuple[str, ...] = (),
    **options,
) -> None:
    """st.dataframe with figures right-aligned and empty columns left out. `status` is (column,
    {status as written: colour}); more st.dataframe options may be given."""
    frame = prepared(table, keep=keep)
    shown = frame
    if status and status[0] in frame.columns:
        shown = status_style(*status)(frame.style)
    options = {"hide_index": True, "width": "stretch", **options}
    config = {**alignment(frame), **options.pop("column_config", {})}
    st.dataframe(shown, column_config=config, **options)
