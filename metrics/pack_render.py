"""The meeting pack laid out: its words in the chosen language and its blocks (headings,
paragraphs, tables, SVG charts) in reading order. metrics/pack_document.py writes the blocks as
one HTML file and a PDF; the meeting-pack page (ui/pack_view.py) writes the same blocks with
Streamlit's elements.

Every text from the data (titles, names) is escaped when written; numbers and dates are
written for the language by metrics/formats.py, the words come from metrics/pack_texts.toml.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import pandas as pd

from metrics import catalogue, formats, pack_svg
from metrics.contract import PROGRAMME_INDICATORS
from metrics.pack import Pack
from metrics.pack_words import day_text, int_text, label, period_range, texts, title, write

# ----------------------------------------------------------------------------- the blocks


@dataclass(frozen=True)
class Block:
    """One piece of the pack's layout, in reading order. `html` writes each as HTML; the
    meeting-pack page (ui/pack_view.py) writes the same blocks with Streamlit's elements.

    kind: open and close (a section: text the tag, css its class), h1, h2, h3, p (text, css),
    table (headers, rows of plain-text cells, numeric: the right-aligned columns), chart (text:
    an SVG), sentences (items: (tone, sentence)), definitions (items: (term, definition)).
    Every text is plain text, escaped only when written."""

    kind: str
    text: str = ""
    css: str = ""
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    numeric: tuple[int, ...] = ()
    keep: tuple[int, ...] = ()
    alt: str = ""  # a chart's text alternative (its title)
    items: tuple[tuple[str, str], ...] = ()


def _open(css: str, tag: str = "section") -> Block:
    return Block("open", tag, css)


def _close(tag: str = "section") -> Block:
    return Block("close", tag)


def _table(
    headers: list[str],
    rows: list[list[str]],
    numeric: tuple[int, ...] = (),
    css: str = "",
    keep: tuple[int, ...] = (),
) -> Block:
    """A table of plain-text cells; `numeric` columns are right-aligned and, with the `keep`
    columns (ids, dates), never broken across lines."""
    return Block(
        "table",
        css=css,
        headers=tuple(headers),
        rows=tuple(tuple(str(c) for c in row) for row in rows),
        numeric=numeric,
        keep=keep,
    )


def _p(words: str, css: str = "") -> Block:
    return Block("p", words, css)


def _h(level: int, words: str, css: str = "") -> Block:
    return Block(f"h{level}", words, css)


def _figure(svg: str, alt: str) -> Block:
    return Block("chart", svg, alt=alt)


def written(block: Block) -> str:
    """One block as HTML: every text escaped (a chart is pack_svg's SVG, escaped there)."""
    extra = f' class="{block.css}"' if block.css else ""
    if block.kind == "open":
        return f"<{block.text}{extra}>"
    if block.kind == "close":
        return f"</{block.text}>"
    if block.kind in ("h1", "h2", "h3", "p"):
        return f"<{block.kind}{extra}>{escape(block.text)}</{block.kind}>"
    if block.kind == "chart":
        return f'<div class="chart">{block.text}</div>'
    if block.kind == "sentences":
        items = "".join(f'<li class="tone-{tone}">{escape(s)}</li>' for tone, s in block.items)
        return f'<ul class="sentences">{items}</ul>'
    if block.kind == "definitions":
        items = "".join(f"<dt>{escape(a)}</dt><dd>{escape(b)}</dd>" for a, b in block.items)
        return f'<dl class="definitions">{items}</dl>'

    def cell(tag: str, n: int, words: str) -> str:
        classes = ["num"] if n in block.numeric else []
        classes += ["keep"] if tag == "td" and n in block.keep else []
        align = f' class="{" ".join(classes)}"' if classes else ""
        return f"<{tag}{align}>{escape(words)}</{tag}>"

    head = "".join(cell("th", n, h) for n, h in enumerate(block.headers))
    body = "".join(
        "<tr>" + "".join(cell("td", n, c) for n, c in enumerate(row)) + "</tr>"
        for row in block.rows
    )
    return f"<table{extra}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _status(value: str, lang: str) -> str:
    return formats.text(f"status.{value}", lang)


def _direction(row, lang: str) -> str:
    """▲/▼ by the change's sign, and in words whether it is for the better."""
    t = texts(lang)
    if row.better is None or (isinstance(row.better, float) and math.isnan(row.better)):
        return t("direction.same") if row.change == 0 else formats.MISSING
    arrow = "▲" if row.change > 0 else "▼"
    return f"{arrow} {t('direction.better' if row.better else 'direction.worse')}"


# ----------------------------------------------------------------------------- sections


def _cover(pack: Pack, lang: str) -> list[Block]:
    t = texts(lang)
    window = pack.window
    scope = t("pack.scope_unit", unit=pack.unit_name) if pack.unit else t("pack.scope_all")
    covers = t(
        "pack.covers_meeting" if window.previous_meeting else "pack.covers",
        period=period_range(window.period, lang),
        days=int_text(window.period.days, lang),
        previous=period_range(window.previous, lang),
    )
    load = formats.day(pack.last_load.date(), lang) if pack.last_load else formats.MISSING
    generated = t("pack.generated", day=formats.day(pack.generated_on, lang), load=load)
    return [
        _open("cover", "header"),
        _p(f"Pöhinä · {t('pack.kicker')}", "kicker"),
        _h(1, t("pack.title")),
        _p(title(pack, lang), "meeting"),
        _p(scope, "scope"),
        _p(covers),
        _p(generated, "muted"),
        _close("header"),
    ]


def _summary(pack: Pack, lang: str) -> list[Block]:
    t = texts(lang)
    items = tuple((s.tone, write(s, lang)) for s in pack.sentences)
    return [
        _open("summary"),
        _h(2, t("pack.summary")),
        Block("sentences", items=items),
        _p(t("pack.tones"), "muted small"),
        _close(),
    ]


def _headline(pack: Pack, lang: str) -> list[Block]:
    t = texts(lang)
    rows = [
        [
            label(r.metric, lang),
            formats.figure(r.value, r.unit, lang),
            formats.figure(r.previous, r.unit, lang),
            formats.figure_change(r.change, r.unit, lang),
            _direction(r, lang),
        ]
        for r in pack.headline.itertuples()
    ]
    headers = [t("col.figure"), t("col.now"), t("col.previous"), t("col.change"),
               t("col.direction")]  # fmt: skip
    return [
        _open("headline"),
        _h(2, t("pack.headline")),
        _p(
            t(
                "pack.headline_note",
                period=period_range(pack.window.period, lang),
                previous=period_range(pack.window.previous, lang),
            ),
            "muted small",
        ),
        _table(headers, rows, numeric=(1, 2, 3), css="figures"),
        _close(),
    ]


def _month(day_value, first: bool, lang: str) -> str:
    month = formats.month(day_value, lang)
    return f"{month}\n{day_value.year}" if first or day_value.month == 1 else month


def _flow_chart(pack: Pack, lang: str) -> Block:
    t = texts(lang)
    flow = pack.monthly_flow
    months = [_month(m, n == 0, lang) for n, m in enumerate(flow["month"])]
    series = [
        (t("chart.submitted"), list(flow["submitted"].astype(float)),
         [int_text(v, lang) for v in flow["submitted"]]),
        (t("chart.decided"), list(flow["decided"].astype(float)),
         [int_text(v, lang) for v in flow["decided"]]),
    ]  # fmt: skip
    title = t("chart.flow_title")
    return _figure(pack_svg.columns(months, series, title=title), title)


def _ideas(pack: Pack, lang: str) -> list[Block]:
    if pack.decisions is None:
        return []
    t = texts(lang)
    out = [_open("ideas"), _h(2, t("pack.ideas")), _h(3, t("chart.flow_title"))]
    out.append(_flow_chart(pack, lang))
    total = int(pack.figure("ideas_decided")["value"])
    out.append(_h(3, t("pack.decisions", count=total)))
    if pack.decisions.empty:
        out.append(_p(t("pack.decisions_none")))
    else:
        rows = [
            [r.idea_id, r.title, r.unit_name, _status(r.status, lang), day_text(r.decided_on, lang)]
            for r in pack.decisions.itertuples()
        ]
        headers = [t("col.idea"), t("col.title"), t("col.unit"), t("col.decision"),
                   t("col.decided_on")]  # fmt: skip
        out.append(_table(headers, rows, css="ideas", keep=(0, 4)))
        if total > len(rows):
            out.append(_p(t("pack.latest_of", shown=len(rows), count=total), "muted small"))
    out.append(
        _h(
            3,
            t(
                "pack.waiting",
                count=pack.waiting_total,
                overdue=pack.overdue_total,
                target=pack.target_days,
            ),
        )  # fmt: skip
    )
    if pack.waiting.empty:
        out.append(_p(t("pack.waiting_none")))
    else:
        rows = [
            [r.idea_id, r.title, r.unit_name, _status(r.status, lang),
             day_text(r.submitted_on, lang), int_text(r.age_days, lang),
             t("yes") if r.overdue else t("no")]
            for r in pack.waiting.itertuples()
        ]  # fmt: skip
        headers = [t("col.idea"), t("col.title"), t("col.unit"), t("col.status"),
                   t("col.submitted_on"), t("col.age"), t("col.overdue")]  # fmt: skip
        out.append(_table(headers, rows, numeric=(5,), css="ideas", keep=(0, 4)))
    out.append(_close())
    return out


def _pilots(pack: Pack, lang: str) -> list[Block]:
    if pack.projects is None:
        return []
    t = texts(lang)
    counts = pack.project_counts
    out = [_open("pilots page"), _h(2, t("pack.pilots"))]
    out.append(
        _p(
            t(
                "pack.project_counts",
                on_track=int_text(counts["on_track"], lang),
                at_risk=int_text(counts["at_risk"], lang),
                late=int_text(counts["late"], lang),
                overdue=int_text(counts["overdue"], lang),
                done=int_text(counts["done"], lang),
            )
        )
    )
    out.append(_h(3, t("pack.needs_help", count=len(pack.projects))))
    if pack.projects.empty:
        out.append(_p(t("pack.needs_help_none")))
    else:
        rows = [
            [r.title, r.team_name, r.unit_name, _status(r.status, lang), day_text(r.due_on, lang),
             formats.number(r.days_overdue, 0, lang), formats.percent(r.progress_pct, 0, lang)]
            for r in pack.projects.itertuples()
        ]  # fmt: skip
        headers = [t("col.project"), t("col.team"), t("col.unit"), t("col.status"),
                   t("col.due_on"), t("col.days_overdue"), label("progress_pct", lang)]  # fmt: skip
        out.append(_table(headers, rows, numeric=(5, 6), css="projects", keep=(4,)))
    out.append(_h(3, t("pack.milestones", count=len(pack.milestones))))
    if pack.milestones.empty:
        out.append(_p(t("pack.milestones_none")))
    else:
        rows = [
            [r.title, r.project_title, r.unit_name, day_text(r.reached_on, lang)]
            for r in pack.milestones.itertuples()
        ]
        headers = [t("col.milestone"), t("col.project"), t("col.unit"), t("col.reached_on")]
        out.append(_table(headers, rows, keep=(3,)))
    out.append(_close())
    return out


def _activities(pack: Pack, lang: str) -> list[Block]:
    if pack.activity_totals is None:
        return []
    t = texts(lang)
    totals = pack.activity_totals
    out = [_open("activities"), _h(2, t("pack.activities"))]
    out.append(
        _p(
            t(
                "pack.activity_totals",
                workshops=int_text(totals["supervisor_workshops"], lang),
                participants=int_text(totals["workshop_participants"], lang),
                seminars=int_text(totals["seminars"], lang),
                reached=formats.percent(totals["supervisors_reached_pct"], 0, lang),
            )
        )
    )
    out.append(_h(3, t("pack.workshops", count=len(pack.workshops))))
    if not pack.workshops.empty:
        rows = [
            [day_text(r.held_on, lang), r.title, int_text(r.units, lang),
             int_text(r.participants, lang), int_text(r.supervisors, lang)]
            for r in pack.workshops.itertuples()
        ]  # fmt: skip
        headers = [t("col.held_on"), t("col.title"), t("col.units"), t("col.participants"),
                   t("col.supervisors")]  # fmt: skip
        out.append(_table(headers, rows, numeric=(2, 3, 4), keep=(0,)))
    out.append(_h(3, t("pack.seminars", count=len(pack.seminars))))
    if not pack.seminars.empty:
        rows = [
            [
                day_text(r.held_on, lang),
                r.title,
                int_text(r.participants, lang),
                r.organisations or "",
            ]
            for r in pack.seminars.itertuples()
        ]
        headers = [t("col.held_on"), t("col.title"), t("col.participants"),
                   t("col.organisations")]  # fmt: skip
        out.append(_table(headers, rows, numeric=(2,), keep=(0,)))
    out.append(_h(3, t("pack.not_reached", count=len(pack.not_reached), units=pack.units_total)))
    if pack.not_reached.empty:
        out.append(_p(t("pack.not_reached_none")))
    else:
        out.append(_p(", ".join(pack.not_reached["name"])))
    out.append(_close())
    return out


def _verdict(row, lang: str) -> str:
    t = texts(lang)
    if row.suppressed or pd.isna(row.change_pp):
        return t("survey.hidden")
    if pd.isna(row.significant):
        return t("survey.untested")
    return t("survey.real") if row.significant else t("survey.noise")


def _survey(pack: Pack, lang: str) -> list[Block]:
    if pack.survey is None:
        return []
    t = texts(lang)
    out = [_open("survey page"), _h(2, t("pack.survey"))]
    if pack.survey.empty:
        out += [_p(t("pack.survey_none")), _close()]
        return out
    closed = formats.day(pack.survey_to_closed, lang)
    key = "pack.survey_new" if pack.survey_new else "pack.survey_old"
    out.append(_p(t(key, to=pack.survey_to, closed=closed, **{"from": pack.survey_from})))
    rows = []
    for r in pack.survey.itertuples():
        hidden = r.suppressed or pd.isna(r.change_pp)
        words = _verdict(r, lang)
        if not hidden:
            words = f"{formats.points(r.change_pp, 1, lang)}, {words}"
        low, high = (None, None) if pd.isna(r.ci_low_pp) else (r.ci_low_pp, r.ci_high_pp)
        rows.append(
            (
                label(f"{r.indicator}_favourable_pct", lang),
                None if hidden else float(r.change_pp),
                None if hidden else low,
                None if hidden else high,
                words,
            )
        )
    svg = pack_svg.intervals(
        rows,
        title=t("chart.survey_title"),
        zero_label=t("chart.no_change"),
        tick=lambda v: formats.number(v, 0 if float(v).is_integer() else 1, lang, signed=True),
    )
    title = t("chart.survey_title")
    out += [_h(3, title), _figure(svg, title), _p(t("pack.survey_note"), "small")]
    groups = pack.survey_groups
    if groups is not None and not groups.empty:
        out.append(_h(3, t("pack.survey_groups")))
        indicators = list(pack.survey["indicator"])
        rows = []
        for _, part in groups.groupby("unit_id", sort=False):
            by = part.set_index("indicator")
            cells = [part["name"].iloc[0]]
            for indicator in indicators:
                cells.append(_group_cell(by.loc[indicator], lang) if indicator in by.index else "")
            rows.append(cells)
        headers = [t("col.unit")] + [label(f"{i}_favourable_pct", lang) for i in indicators]
        out.append(_table(headers, rows, numeric=tuple(range(1, len(headers)))))
        out.append(_p(t("pack.survey_groups_note"), "muted small"))
    out += _effect(pack, lang)
    out.append(_close())
    return out


def _effect(pack: Pack, lang: str) -> list[Block]:
    """Did acting work: the units that acted beside the others (metrics.programme_effect),
    with the honest sentence. Hidden rows say so; the unit counts stay."""
    if pack.effect is None or pack.effect.empty:
        return []
    t = texts(lang)
    hidden = t("survey.hidden")
    rows = []
    for r in pack.effect.itertuples():
        name = f"{r.indicator}_favourable_pct"
        cells = [label(name, lang) if r.indicator in PROGRAMME_INDICATORS else r.indicator]
        cells += [int_text(r.units_with, lang), int_text(r.units_without, lang)]
        for column in ("change_with_pp", "change_without_pp", "difference_pp"):
            cells.append(hidden if r.suppressed else formats.points(getattr(r, column), 1, lang))
        cells.append(hidden if r.suppressed else _interval(r, lang))
        cells.append(hidden if r.suppressed else _verdict_of(r.significant, lang))
        rows.append(cells)
    columns = ("indicator", "with", "without", "change_with", "change_without", "difference",
               "interval", "verdict")  # fmt: skip
    rounds = {"from": pack.survey_from, "to": pack.survey_to}
    return [
        _h(3, t("pack.effect")),
        _p(t("pack.effect_intro", **rounds)),
        _table([t(f"effect.col.{c}") for c in columns], rows, numeric=(1, 2, 3, 4, 5)),
        _p(t("pack.effect_honest"), "muted small"),
    ]


def _verdict_of(significant, lang: str) -> str:
    return texts(lang)("survey.real" if significant else "survey.noise")


def _interval(row, lang: str) -> str:
    """The 95 % interval in points, e.g. −0,7 … +5,5 (empty where hidden or untested)."""
    if pd.isna(row.ci_low_pp):
        return formats.MISSING
    low = formats.number(row.ci_low_pp, 1, lang, signed=True)
    return f"{low} … {formats.number(row.ci_high_pp, 1, lang, signed=True)}"


def _group_cell(row, lang: str) -> str:
    if row["suppressed"] or pd.isna(row["change_pp"]):
        return formats.text("survey.hidden", lang)
    mark = " *" if (not pd.isna(row["significant"]) and bool(row["significant"])) else ""
    return f"{formats.points(row['change_pp'], 1, lang)}{mark}"


def _standings(pack: Pack, lang: str) -> list[Block]:
    if pack.movers is None:
        return []
    t = texts(lang)
    previous = pack.period.previous()
    out = [_open("standings"), _h(2, t("pack.standings"))]
    out.append(_p(t("pack.movers_note", previous=period_range(previous, lang)), "small"))
    if pack.movers.empty:
        out += [_p(t("pack.movers_none")), _close()]
        return out
    rows = [
        (
            r.unit_name,
            float(r.score_change),
            f"{formats.figure_change(r.score_change, 'points_per_10_staff', lang)}"
            f" ({int_text(r.previous_rank, lang)} → {int_text(r.rank, lang)})",
        )
        for r in pack.movers.itertuples()
    ]
    title = t("chart.movers_title")
    out.append(_figure(pack_svg.diverging(rows, title=title), title))
    out.append(_p(t("chart.movers_legend"), "muted small"))
    out.append(_close())
    return out


def _practices(pack: Pack, lang: str) -> list[Block]:
    if pack.practices is None:
        return []
    t = texts(lang)
    out = [_open("practices"), _h(2, t("pack.practices", count=len(pack.practices)))]
    if pack.practices.empty:
        out.append(_p(t("pack.practices_none")))
    else:
        rows = [
            [r.title, r.unit_name if isinstance(r.unit_name, str) else (r.org_name or ""),
             day_text(r.published_on, lang), t(f"origin.{r.origin}")]
            for r in pack.practices.itertuples()
        ]  # fmt: skip
        headers = [t("col.title"), t("col.unit"), t("col.published_on"), t("col.origin")]
        out.append(_table(headers, rows, keep=(2,)))
    out.append(_close())
    return out


def _appendix(pack: Pack, lang: str) -> list[Block]:
    t = texts(lang)
    out = [_open("appendix page"), _h(2, t("pack.appendix"))]
    out.append(_h(3, t("pack.headline")))
    rows = [
        [label(r.metric, lang), formats.figure(r.value, r.unit, lang),
         formats.figure(r.previous, r.unit, lang), formats.figure_change(r.change, r.unit, lang)]
        for r in pack.headline.itertuples()
    ]  # fmt: skip
    window = pack.window
    headers = [
        t("col.figure"),
        period_range(window.period, lang),
        period_range(window.previous, lang),
        t("col.change"),
    ]
    out.append(_table(headers, rows, numeric=(1, 2, 3)))
    if pack.monthly_flow is not None:
        out.append(_h(3, t("chart.flow_title")))
        rows = [
            [_month(m, True, lang).replace("\n", " "), int_text(s, lang), int_text(d, lang)]
            for m, s, d in zip(
                pack.monthly_flow["month"],
                pack.monthly_flow["submitted"],
                pack.monthly_flow["decided"],
                strict=True,
            )
        ]
        headers = [t("col.month"), t("chart.submitted"), t("chart.decided")]
        out.append(_table(headers, rows, numeric=(1, 2), css="narrow"))
    if pack.survey is not None and not pack.survey.empty:
        out.append(_h(3, t("chart.survey_title")))
        rows = [
            [
                label(f"{r.indicator}_favourable_pct", lang),
                formats.percent(r.from_pct, 1, lang),
                formats.percent(r.to_pct, 1, lang),
                formats.number(r.change_pp, 1, lang, signed=True),
                formats.percent(r.change_rel_pct, 0, lang, signed=True),
                _interval(r, lang),
                _verdict(r, lang),
            ]
            for r in pack.survey.itertuples()
        ]
        headers = [t("col.indicator"), t("col.previous"), t("col.now"), label("change_pp", lang),
                   label("change_rel_pct", lang), t("col.interval"), t("col.verdict")]  # fmt: skip
        rounds = {"from": pack.survey_from, "to": pack.survey_to}
        out.append(_p(t("pack.survey_rounds", **rounds), "muted small"))
        out.append(_table(headers, rows, numeric=(1, 2, 3, 4, 5)))
    if pack.movers is not None and not pack.movers.empty:
        out.append(_h(3, t("chart.movers_title")))
        rows = [
            [r.unit_name, formats.figure(r.previous_score, "points_per_10_staff", lang),
             formats.figure(r.score, "points_per_10_staff", lang),
             formats.figure_change(r.score_change, "points_per_10_staff", lang),
             int_text(r.previous_rank, lang), int_text(r.rank, lang)]
            for r in pack.movers.itertuples()
        ]  # fmt: skip
        headers = [t("col.unit"), t("col.score_before"), t("col.score_now"),
                   label("score_change", lang), t("col.rank_before"),
                   t("col.rank_now")]  # fmt: skip
        out.append(_table(headers, rows, numeric=(1, 2, 3, 4, 5)))
    out.append(_h(3, t("pack.definitions")))
    items = tuple(
        (label(name, lang), catalogue.metric(name).definition(lang)) for name in _defined(pack)
    )
    out += [Block("definitions", items=items), _close()]
    return out


def _defined(pack: Pack) -> list[Block]:
    """The catalogue metrics the pack shows, in the pack's order."""
    names = list(pack.headline["metric"])
    if pack.survey is not None and not pack.survey.empty:
        names += [f"{i}_favourable_pct" for i in pack.survey["indicator"]]
        names += ["change_pp", "change_rel_pct"]
    if pack.movers is not None:
        names += ["score", "score_change", "rank"]
    if pack.projects is not None:
        names += ["progress_pct"]
    return list(dict.fromkeys(names))


SECTIONS = (_cover, _summary, _headline, _ideas, _pilots, _activities, _survey, _standings,
            _practices, _appendix)  # fmt: skip


def blocks(pack: Pack, lang: str = "fi") -> list[Block]:
    """The pack's layout in the language: every section's blocks, in reading order."""
    if lang not in formats.LANGUAGES:
        raise ValueError(f"no language {lang!r}; the languages are fi, sv, en")
    return [block for section in SECTIONS for block in section(pack, lang)]
