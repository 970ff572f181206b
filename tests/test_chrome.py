"""Streamlit's own words in the page's language, one status palette, and charts read at a glance:
what AppTest can see (the browser's side is tests/test_browser_chrome.py)."""

from __future__ import annotations

import base64
import json
import re
import tomllib

import numpy as np
import pytest

from metrics import settings
from metrics.contract import PROJECT_STATUSES
from tests.apptest import ROOT, open_page
from tests.pilot_city import pilot_city_path
from ui import charts, chrome, i18n, tables
from ui.i18n import t

# Streamlit's English that a Finnish page must never show.
STREAMLIT_ENGLISH = (
    "Choose options",
    "Choose an option",
    "Press Enter to submit form",
    "Press Enter to apply",
    "Press Ctrl+Enter to submit form",
    "Drag and drop a file here",
    "Upload",
    "View less",
    "Open",
    "Clear all",
    "Help",
    "Link to heading",
    "Collapse sidebar",
)


@pytest.fixture(scope="module")
def pilot_db(tmp_path_factory):
    return pilot_city_path(tmp_path_factory)


def spec(app, index: int = 0) -> dict:
    return json.loads(app.get("plotly_chart")[index].proto.spec)


# ------------------------------------------------------------------ Streamlit's own words


def test_the_status_filter_asks_in_finnish(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "ideas", section="list")
    assert app.multiselect[0].proto.placeholder == "Valitse yksi tai useampi"


def test_the_data_pages_uploader_says_the_imports_real_limit(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "data")
    uploader = app.get("file_uploader")[0].proto
    assert uploader.label == "Tiedosto (CSV tai XLSX)"
    assert uploader.max_upload_size_mb == int(settings.load().max_file_mb) == 25


def test_the_servers_upload_limit_is_the_imports():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["maxUploadSize"] == int(settings.Settings.max_file_mb)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_english_string_of_streamlit_has_a_translation(lang):
    texts = chrome.texts(lang)
    words = texts["text"] | texts["attributes"]
    for english in STREAMLIT_ENGLISH:
        assert english in words, english
        assert words[english] != english, english
    assert "per file" not in texts["perFile"] and "{size}" in texts["perFile"]


def test_in_english_streamlits_own_words_stay_as_streamlit_writes_them():
    texts = chrome.texts("en")
    words = texts["text"] | texts["attributes"]
    assert all(words[english] == english for english in STREAMLIT_ENGLISH)
    # a Finnish placeholder left on the page by a change of language turns English again
    assert words["Valitse yksi tai useampi"] == "Choose options"


def test_words_streamlit_fills_in_are_kept():
    texts = chrome.texts("fi")
    patterns = dict(texts["attributePatterns"])
    help_for = next(words for source, words in patterns.items() if "Help" in source)
    assert re.match(next(s for s in patterns if "Help" in s), "Help for Ideatahti")
    assert help_for == "Ohje: {value}"


def test_the_script_carries_the_language_and_no_closing_tag_from_its_texts():
    script = chrome.script("sv")
    assert '"lang": "sv"' in script
    assert script.count("</script>") == 1


@pytest.mark.parametrize(
    ("lang", "page", "title"),
    [("fi", "ideas", "Kehittämisideat · Pöhinä"), ("sv", "pilots", "Pilotteam · Pöhinä"),
     ("en", "overview", "Overview · Pöhinä")],
)  # fmt: skip
def test_the_tab_title_names_the_page_first(lang, page, title):
    assert chrome.tab_title(t(f"nav.{page}", lang), lang) == title


# ------------------------------------------------------------------ one status palette


def test_a_status_has_one_colour_in_the_timeline_the_tables_and_the_cards(pilot_db, monkeypatch):
    app = open_page(pilot_db, monkeypatch, "pilots")
    palette = {t(f"pilots.status.{s}", "fi"): charts.STATUS_COLOURS[s] for s in PROJECT_STATUSES}
    # the timeline: one legend entry per status, in its colour, no ", Ei myöhässä" appended
    traces = spec(app)["data"]
    legend = {tr["name"]: tr["marker"]["color"] for tr in traces if tr.get("showlegend", True)}
    assert all(legend[name] == palette[name] for name in legend if name in palette)
    assert not any("," in name for name in legend)
    bars = [tr for tr in traces if "base" in tr]
    assert {tr["marker"]["color"] for tr in bars} <= set(palette.values())
    assert all(tr["marker"]["color"] == palette[tr["name"]] for tr in bars)
    # the tables: each status cell in the same colour
    table = app.dataframe[1]
    shown = table.value["Tila"].tolist()
    painted = cell_colours(table.proto.arrow_data.styler.styles)
    column = list(table.value.columns).index("Tila")
    for row, status in enumerate(shown):
        assert painted[(row, column)] == palette[status].lower(), status
    # the cards: chrome's style gives each status card the same colour
    style = chrome.style()
    for status, colour in charts.STATUS_COLOURS.items():
        assert f".st-key-status-{status} " in style and colour in style


def cell_colours(css: str) -> dict[tuple[int, int], str]:
    """(row, column) → background colour, from a pandas Styler's CSS (cells with the same
    style share a rule: "#T_x_row1_col6, #T_x_row5_col6 { … }")."""
    found = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        colour = re.search(r"background-color:\s*(#[0-9A-Fa-f]{6})", body)
        for row, column in re.findall(r"_row(\d+)_col(\d+)", selectors):
            if colour:
                found[(int(row), int(column))] = colour.group(1).lower()
    return found


def test_black_text_on_every_status_colour_reads_at_aa_contrast():
    for status, colour in charts.STATUS_COLOURS.items():
        assert contrast(colour, charts.STATUS_TEXT) >= 4.5, status


def test_chart_text_reads_at_aa_contrast_on_white():
    assert contrast(charts.TEXT, "#FFFFFF") >= 4.5
    assert contrast("#808495", "#FFFFFF") < 4.5  # Streamlit's chart grey, which we replace


def contrast(one: str, other: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# ------------------------------------------------------------------ charts and tables at a glance


def test_the_monthly_chart_counts_from_zero_in_finnish_months(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "ideas", section="pipeline", period="2026-Q3")
    layout = spec(app, 1)["layout"]
    assert layout["yaxis"]["rangemode"] == "tozero"
    assert layout["separators"] == ",\u00a0"
    months = " ".join(layout["xaxis"]["ticktext"])
    assert "heinä" in months
    assert not re.search(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b", months)


def test_the_backlog_chart_writes_no_label_for_an_empty_part(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "ideas", section="decisions", period="2026-Q3")
    backlog = spec(app, 1)["data"]
    values = [
        (y, str(text))
        for trace in backlog
        for y, text in zip(numbers(trace["y"]), trace["text"], strict=True)
    ]
    assert all(text == "" for y, text in values if y == 0)
    assert any(text != "" for y, text in values if y)


def numbers(values) -> list:
    """A trace's values: a list, or plotly's packed {"dtype", "bdata"} form."""
    if isinstance(values, dict):
        packed = base64.b64decode(values["bdata"])
        return np.frombuffer(packed, dtype=np.dtype(values["dtype"])).tolist()
    return list(values)


def test_the_rank_axis_runs_from_the_first_place(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "standings", period="2026-Q3")
    axis = spec(app, 0)["layout"]["yaxis"]
    low, high = axis["range"]
    assert high == 0.5 and low > high  # 1 at the top, never a place 0
    assert axis["tickvals"][0] == 1


def test_pilot_results_are_the_first_columns_and_a_chart(pilot_db, monkeypatch):
    app = open_page(pilot_db, monkeypatch, "pilots")
    columns = list(app.dataframe[1].value.columns)
    assert columns[:3] == ["Hanke", "Tavoitteesta saavutettu", "Mittari"]
    reached = spec(app, 1)
    assert reached["data"][0]["orientation"] == "h"
    assert "150\u00a0%" in reached["data"][0]["text"]  # Some: beyond its target


def test_a_column_with_nothing_in_it_is_left_out_and_figures_align_right():
    frame = tables.prepared({"Unit": ["A", "B"], "Note": ["", ""], "Points": ["1 234,5", "–"]})
    assert list(frame.columns) == ["Unit", "Points"]
    config = tables.alignment(frame)
    assert set(config) == {"Points"} and config["Points"]["alignment"] == "right"
    assert not tables.figures_only(frame["Unit"])
    assert not tables.figures_only(tables.pd.Series(["30.4.2019", "1.5.2019"]))  # dates
    assert tables.figures_only(tables.pd.Series(["+6,0\u00a0%-yks.", "33\u00a0%", "< 5"]))


def test_the_overview_cards_have_short_labels_and_their_full_label_as_help(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, period="2026-Q3")
    cards = {m.label: m for m in app.metric}
    for name in ("ideas_per_100_staff", "participation_rate", "median_days_to_decision"):
        card = cards[t(f"metric.{name}.short", "fi")]
        assert t(f"metric.{name}.label", "fi") in card.help
    assert all(len(label) <= 13 for label in list(cards)[:5])  # a row of five on a projector


def test_every_short_label_has_its_metric():
    shorts = [k for k in i18n.catalog() if k.startswith("metric.") and k.endswith(".short")]
    assert shorts
    for key in shorts:
        assert key.removesuffix(".short") + ".label" in i18n.catalog(), key
