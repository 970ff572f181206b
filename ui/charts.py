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


def timeline(
    frame: pd.DataFrame,
    *,
    start: str,
    end: str,
    y: str,
    color: str | None = None,
    color_order: list[str] | None = None,
    pattern: str | None = None,
    hatched: str | None = None,
    text: str | None = None,
    today=None,
    today_label: str | None = None,
    labels: dict[str, str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """A Gantt chart: one bar per row from `start` to `end`, rows in the frame's order, top down.

    `color_order` fixes which colour each value of `color` gets, so a status keeps its colour
    whatever the filter. Bars whose `pattern` equals `hatched` are hatched (the others plain)
    and `text` is written beside each bar, so a highlighted bar differs by more than colour.
    `today` draws a dashed vertical line labelled `today_label`.
    """
    figure = px.timeline(
        frame,
        x_start=start,
        x_end=end,
        y=y,
        color=color,
        pattern_shape=pattern,
        pattern_shape_map=(
            {v: "/" if v == hatched else "" for v in frame[pattern].unique()} if pattern else None
        ),
        text=text,
        labels=labels,
        color_discrete_sequence=PALETTE,
        category_orders={
            y: list(dict.fromkeys(frame[y])),
            **({color: color_order} if color_order else {}),
        },
        height=200 + 30 * frame[y].nunique(),
    )
    figure.update_traces(textposition="outside", cliponaxis=False)
    if today is not None:
        figure.add_shape(
            type="line", x0=today, x1=today, y0=0, y1=1, yref="paper",
            line={"color": "#000000", "width": 2, "dash": "dash"},
        )  # fmt: skip
        figure.add_annotation(
            x=today, y=1, yref="paper", yanchor="bottom", text=today_label or "", showarrow=False
        )
    _finish(figure, title)
    return figure.update_layout(
        # room for the text beside the latest bars, and for the legend below the dates
        margin={"t": 70 if title else 40, "r": 160, "b": 110},
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0},
    )


# A lighter orange–purple (PuOr) diverging scale for heatmap cells: dark text keeps at least
# 5.5:1 contrast on every colour (WCAG AA); colour-blind safe. Orange below the reference,
# purple above.
HEATMAP_SCALE = ["#E08214", "#FDB863", "#F7F7F7", "#B2ABD2", "#998EC3"]
MARKED_FILL = "#D9D9D9"  # a marked (e.g. hidden) cell: neutral grey, never a colour of the scale


def heatmap(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    z: str,
    text: str,
    marked: str | None = None,
    colorbar_title: str = "",
    title: str | None = None,
) -> go.Figure:
    """Cells coloured by `z` on a diverging scale centred on 0, with `text` written in each cell.

    Rows keep the frame's order from the top. Where the boolean column `marked` is True the
    cell is grey, outside the colour scale, and shows only its text (which should say why), so
    such a cell is never read as data. A cell with no `z` and not marked is left blank.
    """
    rows, columns = list(dict.fromkeys(frame[y])), list(dict.fromkeys(frame[x]))
    values = frame.pivot(index=y, columns=x, values=z).reindex(index=rows, columns=columns)
    words = frame.pivot(index=y, columns=x, values=text).reindex(index=rows, columns=columns)
    flags = values.notna() & False
    if marked:
        flags = frame.pivot(index=y, columns=x, values=marked).reindex(index=rows, columns=columns)
        flags = flags.fillna(False).astype(bool)
    reach = float(values.abs().max().max()) if values.notna().any().any() else 1.0
    figure = go.Figure(
        go.Heatmap(
            z=values.where(~flags).to_numpy(dtype=float),
            x=columns,
            y=rows,
            text=words.where(~flags, "").fillna("").to_numpy(),
            texttemplate="%{text}",
            textfont={"color": FONT["color"]},
            colorscale=HEATMAP_SCALE,
            zmid=0,
            zmin=-(reach or 1.0),
            zmax=reach or 1.0,
            xgap=2,
            ygap=2,
            hoverongaps=False,
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
            colorbar={"title": {"text": colorbar_title}},
        )
    )
    if flags.to_numpy().any():
        figure.add_trace(
            go.Heatmap(
                z=flags.where(flags).astype(float).to_numpy(),
                x=columns,
                y=rows,
                text=words.where(flags, "").fillna("").to_numpy(),
                texttemplate="%{text}",
                textfont={"color": FONT["color"], "style": "italic"},
                colorscale=[[0, MARKED_FILL], [1, MARKED_FILL]],
                showscale=False,
                xgap=2,
                ygap=2,
                hoverongaps=False,
                hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
            )
        )
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(side="top", type="category")
    _finish(figure, title)
    return figure.update_layout(height=120 + 34 * len(rows), plot_bgcolor="#FFFFFF")


def distribution(
    points: pd.DataFrame,
    boxes: pd.DataFrame,
    *,
    names: dict[str, str],
    value_title: str = "",
    value_range: tuple[float, float] | None = None,
    title: str | None = None,
) -> go.Figure:
    """A distribution per category: a box drawn from quartiles given, every member as a dot,
    and one marked value (say, the home organisation among its benchmarks).

    `boxes` has a row per category, top down in its order: category, q1, median, q3, low, high
    (the box from q1 to q3 with the median line and whiskers from low to high, all computed
    already: plotly computes no quartile here), marked (the marked value; NaN for none) and
    marked_text (written beside the marker). `points` has category, value and name (on hover)
    per member; they are spread sideways so that equal values stay visible. `names` gives the
    legend's words for "points", "boxes" and "marked". The marked value is a large black
    diamond with its text in a box above it: it differs by shape and words, not by colour.
    """
    figure = go.Figure()
    figure.add_trace(
        go.Box(
            y=list(boxes["category"]),
            q1=list(boxes["q1"]),
            median=list(boxes["median"]),
            q3=list(boxes["q3"]),
            lowerfence=list(boxes["low"]),
            upperfence=list(boxes["high"]),
            orientation="h",
            name=names["boxes"],
            fillcolor="rgba(86, 180, 233, 0.35)",
            line={"color": PALETTE[0], "width": 2},
            hoverinfo="x",
        )
    )
    figure.add_trace(
        go.Box(  # only its points show: a strip of the members, jittered sideways
            x=list(points["value"]),
            y=list(points["category"]),
            orientation="h",
            name=names["points"],
            boxpoints="all",
            jitter=0.6,
            pointpos=0,
            fillcolor="rgba(0, 0, 0, 0)",
            line={"color": "rgba(0, 0, 0, 0)"},
            marker={"color": "#595959", "size": 7, "symbol": "circle-open"},
            hovertext=list(points["name"]),
            hoverinfo="text+x",
            hoveron="points",
        )
    )
    shown = boxes[boxes["marked"].notna()]
    for value, category, text in zip(
        shown["marked"], shown["category"], shown["marked_text"], strict=True
    ):
        figure.add_annotation(
            x=value, y=category, text=text, ax=0, ay=-42, arrowcolor="#000000", arrowwidth=1.5,
            bgcolor="#FFFFFF", bordercolor="#000000", borderpad=3, font=FONT,
        )  # fmt: skip
    figure.add_trace(
        go.Scatter(
            x=list(shown["marked"]),
            y=list(shown["category"]),
            mode="markers",
            text=list(shown["marked_text"]),
            marker={
                "symbol": "diamond",
                "size": 18,
                "color": "#000000",
                "line": {"color": "#FFFFFF", "width": 1.5},
            },
            name=names["marked"],
            cliponaxis=False,
            hoverinfo="text",
        )
    )
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(title_text=value_title, range=list(value_range) if value_range else None)
    _finish(figure, title)
    return figure.update_layout(
        height=160 + 120 * len(boxes),
        boxmode="overlay",
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0},
        margin={"t": 40 if title else 30, "b": 90},
    )
