"""Chart helpers: each takes a frame that already holds the numbers and returns a figure.

They compute nothing. Colours come from one colour-blind-safe palette (Okabe–Ito); meaning is
never carried by colour alone (labels, patterns or text say it too), and every chart is shown
with its numbers available as a table by the page.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# A diverging scale for "difference from the organisation": blue better, orange worse.
DIVERGING = ["#B35806", "#F1A340", "#F7F7F7", "#998EC3", "#542788"]
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 15, "color": "#1F1F1F"}


def _finish(figure: go.Figure, title: str | None = None) -> go.Figure:
    figure.update_layout(
        template="simple_white",
        font=FONT,
        title=title,
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        legend_title_text="",
        colorway=PALETTE,
    )
    return figure


def bar(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str | None = None,
    horizontal: bool = False,
    labels: dict[str, str] | None = None,
    title: str | None = None,
    text: str | None = None,
) -> go.Figure:
    """Bars with their values written on them (so no reading off colours or axes is needed)."""
    figure = px.bar(
        frame,
        x=y if horizontal else x,
        y=x if horizontal else y,
        color=color,
        orientation="h" if horizontal else "v",
        labels=labels,
        text=text or y,
        color_discrete_sequence=PALETTE,
    )
    figure.update_traces(textposition="outside", cliponaxis=False)
    return _finish(figure, title)


def line(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str | None = None,
    labels: dict[str, str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """Lines with markers of different shapes per series, so series differ by more than colour."""
    figure = px.line(
        frame,
        x=x,
        y=y,
        color=color,
        symbol=color,
        markers=True,
        labels=labels,
        color_discrete_sequence=PALETTE,
    )
    return _finish(figure, title)
