"""Columns written at once read as their cells written one by one; charts keep their look."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import plotly.io as pio
import pytest

from ui import charts, i18n

VALUES = pd.Series([1234.5, 1, 1.0, np.nan, None, -0.25, 1234.5, 2.675], index=list("abcdefgh"))
DAYS = pd.Series([date(2019, 4, 30), pd.NaT, None, date(2019, 4, 30)])


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize(
    ("column", "cell"),
    [
        (lambda v, lang: i18n.numbers(v, 1, lang), lambda x, lang: i18n.number(x, 1, lang)),
        (lambda v, lang: i18n.numbers(v, 0, lang, signed=True),
         lambda x, lang: i18n.number(x, 0, lang, signed=True)),
        (lambda v, lang: i18n.percents(v, lang=lang), lambda x, lang: i18n.percent(x, lang=lang)),
        (lambda v, lang: i18n.fractions(v, 1, lang), lambda x, lang: i18n.fraction(x, 1, lang)),
        (lambda v, lang: i18n.figures(v, "pp", lang), lambda x, lang: i18n.figure(x, "pp", lang)),
    ],
    ids=["numbers", "signed", "percents", "fractions", "figures"],
)  # fmt: skip
def test_a_column_of_figures_reads_as_its_cells_one_by_one(column, cell, lang):
    written = column(VALUES, lang)
    assert written.tolist() == [cell(v, lang) for v in VALUES]
    assert written.index.tolist() == VALUES.index.tolist()


def test_a_column_of_days_writes_a_missing_day_as_a_dash():
    assert i18n.days(DAYS, "fi").tolist() == ["30.4.2019", "–", "–", "30.4.2019"]
    assert i18n.days(list(DAYS), "en") == ["30 Apr 2019", "–", "–", "30 Apr 2019"]


def test_charts_keep_the_simple_white_look():
    figure = charts.bar(pd.DataFrame({"x": ["a", "b"], "y": [1, 2]}), x="x", y="y", lang="fi")
    white = pio.templates["simple_white"]
    assert figure.layout.template.layout == white.layout
    assert figure.layout.template.data.bar == white.data.bar
    assert figure.layout.separators == ",\u00a0"
    assert figure.layout.xaxis.tickfont.color == charts.TEXT
