"""Chart helpers: each takes a frame that already holds the numbers and returns a figure.

They compute nothing. Colours come from one colour-blind-safe palette (Okabe–Ito: PALETTE, and
STATUS_COLOURS for pilot projects) and, for the heatmap, one orange–purple scale
(HEATMAP_SCALE); meaning is never carried by colour alone (labels, patterns or text say it
too), and every chart is shown with its numbers available as a table by the page.

Every helper writes its chart in the language `lang` (the visitor's by default): numbers with
its separators (Plotly's `separators`) and dates with Babel's month names. Plotly's own month
names are English only (the plotly.js Streamlit ships has no other locale), so no date axis is
left to Plotly's formatting. Text on a chart is dark (TEXT, 16.9:1 on white), never the
Streamlit chart theme's grey (#808495, 3.7:1).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio
from babel.dates import format_date

from ui import i18n

# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
TEXT = "#1A1A1A"  # the theme's text colour: 16.9:1 on white (WCAG AA asks 4.5:1)
AXIS = "#595959"  # axis lines and ticks: 7.0:1 on white
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 15, "color": TEXT}
# Plotly's separators: the decimal mark, then the thousands separator (1 234,5 / 1,234.5).
SEPARATORS = {"fi": ",\u00a0", "sv": ",\u00a0", "en": ".,"}

# One status palette for pilot projects: the same colour for a status in every chart, table
# and card (ui.tables and ui.chrome read it too). Okabe–Ito hues, told apart with the common
# colour-vision deficiencies; black text on each reaches at least 5.4:1. Bars are outlined in
# AXIS (3:1 against white for any fill), and the status is always written out beside the colour.
STATUS_COLOURS = {
    "planned": "#DDDDDD",  # light grey: not started
    "on_track": "#009E73",  # bluish green
    "at_risk": "#E69F00",  # orange
    "late": "#D55E00",  # vermillion
    "done": "#56B4E9",  # sky blue
    "stopped": "#999999",  # grey
}
STATUS_TEXT = "#000000"
HATCH = {"fgcolor": STATUS_TEXT, "solidity": 0.3}  # the hatching of a highlighted bar


# Plotly's simple_white look, with the defaults of only the kinds of trace drawn here (bar,
# scatter, heatmap; box has none). A figure copies and checks its whole template whenever one is
# set, and simple_white carries defaults for two dozen kinds: that made a third of the time
# of building a chart, on every rerun. The charts look the same; each figure's spec sent to the
# browser is smaller too. Registered under its own name; plotly's default stays as it was.
TEMPLATE = "pohina"
_TRACE_KINDS = ("bar", "scatter", "heatmap")


def _template() -> go.layout.Template:
    white = pio.templates["simple_white"]
    return go.layout.Template(
        layout=white.layout, data={kind: white.data[kind] for kind in _TRACE_KINDS}
    )


pio.templates[TEMPLATE] = _template()


def _lang(lang: str | None) -> str:
    return lang or i18n.current_language()


@cache
def _look(lang: str) -> dict:
    """The common look as one layout update, built once per language: dark text everywhere
    (axes, legend, title), the language's separators, the palette."""
    axis = {"tickfont": {"color": TEXT}, "title": {"font": {"color": TEXT}}, "linecolor": AXIS,
            "tickcolor": AXIS}  # fmt: skip
    return {
        "template": TEMPLATE,
        "font": FONT,
        "title": {"font": {"color": TEXT}},
        "separators": SEPARATORS[lang],
        "margin": {"l": 10, "r": 10, "b": 10},
        "legend": {"title": {"text": ""}, "font": {"color": TEXT}},
        "colorway": PALETTE,
        "xaxis": axis,
        "yaxis": axis,
    }


def _finish(figure: go.Figure, title: str | None = None, lang: str | None = None) -> go.Figure:
    """The common look (`_look`) on a figure of one x and one y axis, as every helper here draws,
    with its title."""
    figure.update_layout(_look(_lang(lang)), title_text=title, margin_t=40 if title else 10)
    if figure.layout.annotations:
        figure.update_annotations(font_color=TEXT)
    return figure


def _is_dates(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    present = values.dropna()
    return len(present) > 0 and all(isinstance(v, date) for v in present)


def _as_day(value) -> date:
    return value.date() if isinstance(value, (datetime, pd.Timestamp)) else value


def date_label(value, lang: str) -> str:
    """A date as the chart writes it: a month's first day as its month ('marraskuu 2026'), any
    other day as the language writes a day (30.4.2019)."""
    day = _as_day(value)
    if day.day != 1:
        return i18n.day(day, lang)
    return format_date(day, format="LLLL yyyy", locale=i18n.LOCALES[lang])


def _date_ticks(first: date, last: date, lang: str) -> tuple[list[str], list[str]]:
    """Tick positions (ISO dates) and labels for a date axis from `first` to `last`: the first
    of each month, quarter or year, whichever gives at most about eight ticks."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in (1, 3, 6, 12) if months / s <= 8), 12 * (months // 96 + 1))
    tick = date(first.year, 1, 1)
    values, labels = [], []
    while tick <= last:
        if tick >= date(first.year, first.month, 1):
            values.append(tick.isoformat())
            month = format_date(tick, format="LLL", locale=i18n.LOCALES[lang])
            labels.append(str(tick.year) if step >= 12 else f"{month}<br>{tick.year}")
        month = tick.month - 1 + step
        tick = date(tick.year + month // 12, month % 12 + 1, 1)
    return values, labels


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
    lang: str | None = None,
) -> go.Figure:
    """Bars with their values written on them (so no reading off colours or axes is needed).

    With `color`, the series are stacked and each part is labelled only where it is not zero
    (a zero part has no height, so its label would sit on its neighbour's: '1④')."""
    shown = text or y
    if color:
        written = frame[shown].where(frame[y] != 0, "")
        frame = frame.assign(**{"\u2063text": written})
        shown = "\u2063text"
    figure = px.bar(
        frame,
        x=y if horizontal else x,
        y=x if horizontal else y,
        color=color,
        orientation="h" if horizontal else "v",
        labels=labels,
        text=shown,
        color_discrete_sequence=PALETTE,
        hover_data={shown: False} if color else None,
        template=TEMPLATE,
    )
    # stacked, only the top part's label sits outside; the others are written inside
    figure.update_traces(
        textposition="outside", cliponaxis=False, marker_line={"color": AXIS, "width": 1}
    )
    _finish(figure, title, lang)
    value_axis = figure.update_xaxes if horizontal else figure.update_yaxes
    value_axis(rangemode="tozero")
    return figure


def line(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    color: str | None = None,
    labels: dict[str, str] | None = None,
    title: str | None = None,
    rank: bool = False,
    lang: str | None = None,
) -> go.Figure:
    """Lines with markers of different shapes per series, so series differ by more than colour.

    The value axis starts at zero, so a change is not drawn larger than it is; with `rank` it
    runs from the first place at the top to the last at the bottom, in whole places. Dates on
    the x axis are written by Babel in the language (Plotly's month names are English only)."""
    lang = _lang(lang)
    dated = _is_dates(frame[x])
    if dated:  # the dates become their labels, in order: a category axis Plotly never formats
        order = sorted(frame[x].dropna().unique())
        names = {v: date_label(v, lang) for v in order}
        frame = frame.assign(**{x: frame[x].map(names)})
    figure = px.line(
        frame,
        x=x,
        y=y,
        color=color,
        symbol=color,
        markers=True,
        labels=labels,
        color_discrete_sequence=PALETTE,
        category_orders={x: [names[v] for v in order]} if dated else None,
        template=TEMPLATE,
    )
    _finish(figure, title, lang)
    if dated:
        figure.update_xaxes(
            type="category",
            tickmode="array",
            tickvals=[names[v] for v in order],
            ticktext=[_short_month(v, i, lang) for i, v in enumerate(order)],
        )
    if rank:
        last = int(frame[y].max()) if frame[y].notna().any() else 1
        step = next((s for s in (1, 2, 5, 10, 20, 50, 100) if last / s <= 10), 200)
        figure.update_yaxes(
            range=[last + 0.5, 0.5],
            tickmode="array",
            tickvals=sorted({1, *range(step, last + 1, step)}),
        )
    else:
        figure.update_yaxes(rangemode="tozero")
    return figure


def _short_month(value, index: int, lang: str) -> str:
    """A tick under a month: its short name, with the year under the first and every January."""
    day = _as_day(value)
    if day.day != 1:
        return i18n.day(day, lang)
    name = format_date(day, format="LLL", locale=i18n.LOCALES[lang])
    return f"{name}<br>{day.year}" if index == 0 or day.month == 1 else name


def timeline(
    frame: pd.DataFrame,
    *,
    start: str,
    end: str,
    y: str,
    color: str,
    colours: dict[str, str],
    pattern: str | None = None,
    hatched: str | None = None,
    hatched_label: str | None = None,
    text: str | None = None,
    hover: dict[str, str] | None = None,
    today: date | None = None,
    today_label: str | None = None,
    labels: dict[str, str] | None = None,
    title: str | None = None,
    lang: str | None = None,
) -> go.Figure:
    """A Gantt chart: one bar per row from `start` to `end`, rows in the frame's order, top down.

    `colours` gives each value of `color` its colour, in legend order, so a status keeps its
    colour whatever the filter (one legend entry per value, nothing appended). Bars whose
    `pattern` equals `hatched` are hatched, and one legend entry `hatched_label` explains the
    hatching; `text` is written beside each bar, so a highlighted bar differs by more than
    colour. `hover` maps a column (already written as text) to its name on hover. Dates on the
    axis and on hover are written by Babel. `today` draws a dashed line labelled `today_label`.
    """
    lang = _lang(lang)
    labels = labels or {}
    rows = list(dict.fromkeys(frame[y]))
    starts = pd.to_datetime(frame[start])
    ends = pd.to_datetime(frame[end])
    hover = hover or {}
    hover_lines = [f"{labels.get(k, k)}: %{{customdata[{i}]}}" for i, k in enumerate(hover)]
    template = "<br>".join(["<b>%{y}</b>", *hover_lines]) + "<extra></extra>"
    figure = go.Figure()
    swatch = {"line": {"color": AXIS, "width": 1}}
    for value, colour in colours.items():
        part = frame[frame[color] == value]
        if part.empty:
            continue
        figure.add_trace(  # the legend entry: the status alone, plain
            go.Bar(y=[None], x=[None], orientation="h", name=value, legendgroup=value,
                   marker={"color": colour, **swatch}, hoverinfo="skip")
        )  # fmt: skip
        kinds = part[pattern] == hatched if pattern else pd.Series(False, index=part.index)
        for is_hatched in (False, True):
            bars = part[kinds == is_hatched]
            if bars.empty:
                continue
            index = bars.index
            figure.add_trace(
                go.Bar(
                    y=bars[y],
                    base=starts[index].dt.strftime("%Y-%m-%d"),
                    # a bar's length on a date axis is in milliseconds (as plotly express has it)
                    x=(ends[index] - starts[index]).dt.total_seconds() * 1000,
                    orientation="h",
                    name=value,
                    legendgroup=value,
                    showlegend=False,
                    marker={
                        "color": colour,
                        **swatch,
                        "pattern": {"shape": "/" if is_hatched else "", **HATCH},
                    },
                    text=bars[text] if text else None,
                    textposition="outside",
                    cliponaxis=False,
                    customdata=bars[list(hover)] if hover else None,
                    hovertemplate=template,
                )
            )
    if pattern and hatched_label and (frame[pattern] == hatched).any():
        figure.add_trace(  # a legend entry only: what the hatching means
            go.Bar(y=[None], x=[None], orientation="h", name=hatched_label, hoverinfo="skip",
                   marker={"color": "#FFFFFF", **swatch, "pattern": {"shape": "/", **HATCH}})
        )  # fmt: skip
    first = min(starts.min().date(), today or starts.min().date())
    last = max(ends.max().date(), today or ends.max().date())
    tickvals, ticktext = _date_ticks(first, last, lang)
    figure.update_xaxes(type="date", tickmode="array", tickvals=tickvals, ticktext=ticktext)
    figure.update_yaxes(
        type="category", categoryorder="array", categoryarray=rows, autorange="reversed",
        title_text=labels.get(y, ""),
    )  # fmt: skip
    if today is not None:
        figure.add_shape(
            type="line", x0=today, x1=today, y0=0, y1=1, yref="paper",
            line={"color": "#000000", "width": 2, "dash": "dash"},
        )  # fmt: skip
        figure.add_annotation(
            x=today, y=1, yref="paper", yanchor="bottom", text=today_label or "", showarrow=False
        )
    _finish(figure, title, lang)
    return figure.update_layout(
        barmode="overlay",
        height=200 + 30 * len(rows),
        # room for the text beside the latest bars, and for the legend below the dates
        margin={"t": 70 if title else 40, "r": 160, "b": 110},
        legend={
            "orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0,
            "traceorder": "normal",
        },
    )  # fmt: skip


def target_bars(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    text: str,
    target: float = 100,
    target_label: str = "",
    labels: dict[str, str] | None = None,
    lang: str | None = None,
) -> go.Figure:
    """Horizontal bars of how far each row reached (`x`, in percent), rows top down in the
    frame's order, each value written beside its bar, and a dashed line at the target."""
    figure = px.bar(
        frame, x=x, y=y, orientation="h", text=text, labels=labels,
        color_discrete_sequence=PALETTE, template=TEMPLATE,
    )  # fmt: skip
    figure.update_traces(
        textposition="outside", cliponaxis=False, marker_line={"color": AXIS, "width": 1}
    )
    figure.add_vline(x=target, line={"color": "#000000", "width": 2, "dash": "dash"})
    figure.add_annotation(
        x=target, y=1, yref="paper", yanchor="bottom", text=target_label, showarrow=False
    )
    reach = max(float(frame[x].max()) if frame[x].notna().any() else 0, target)
    _finish(figure, None, lang)
    figure.update_yaxes(autorange="reversed", type="category", title_text="")
    figure.update_xaxes(range=[min(0, float(frame[x].min() or 0)), reach * 1.15])
    return figure.update_layout(height=120 + 40 * len(frame), margin={"t": 30, "r": 60})


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
    lang: str | None = None,
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
            colorbar={
                "title": {"text": colorbar_title, "font": {"color": TEXT}},
                "tickfont": {"color": TEXT},
            },
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
    _finish(figure, title, lang)
    return figure.update_layout(height=120 + 34 * len(rows), plot_bgcolor="#FFFFFF")


def distribution(
    points: pd.DataFrame,
    boxes: pd.DataFrame,
    *,
    names: dict[str, str],
    value_title: str = "",
    value_range: tuple[float, float] | None = None,
    title: str | None = None,
    lang: str | None = None,
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
    _finish(figure, title, lang)
    return figure.update_layout(
        height=160 + 120 * len(boxes),
        boxmode="overlay",
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0},
        margin={"t": 40 if title else 30, "b": 90},
    )
