"""Names from the data never act as Markdown: a unit, round, team, project, practice, idea or
category named like a link or an image shows as its text, on every page that shows it.

The city is the fixture city with such names loaded through the importer. Every element whose
text Streamlit reads as Markdown (text, captions, headings, alerts, metric, expander, tab and
widget labels, radio options) is searched for a link or image that is not escaped.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics import store
from metrics.imports import import_file
from tests.apptest import open_page
from tests.fixtures import TODAY, fixture_files
from ui.text import plain

EVIL = "![x](http://evil.example/a.png) [click](http://evil.example)"
RENAMED = {  # file → (key column, key, column): each given EVIL in its name or title
    "units": [("unit_id", "S1", "name"), ("unit_id", "U1", "name")],
    "teams": [("team_id", "T1", "name")],
    "projects": [("project_id", "P1", "title")],
    "survey_rounds": [("round_id", "R1", "name"), ("round_id", "R2", "name")],
    "ideas": [("idea_id", "I1", "title"), ("idea_id", "I4", "title")],
}
PRACTICES = [
    {"practice_id": "HK1", "title": EVIL, "summary": f"Tiivistelmä {EVIL}", "unit_id": "U1",
     "tags": "[click](http://evil.example)", "published_on": "2026-09-01", "origin": "other"},
]  # fmt: skip

# Streamlit element kinds whose text is Markdown, and their attributes holding it
MARKDOWN_VALUES = {"markdown", "caption", "title", "header", "subheader", "heading", "alert",
                   "error", "info", "warning", "success", "toast", "exception"}  # fmt: skip
PLAIN_OPTIONS = {"selectbox", "multiselect"}  # options of these show as written


def rewrite(path: Path, changes: list[tuple[str, str, str]]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for key_column, key, column in changes:
        row = next(r for r in rows if r[key_column] == key)
        row[column] = f"{EVIL} {key}"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def evil_city(tmp_path_factory) -> Path:
    """The fixture city whose units, rounds, team, project, ideas and a practice are named
    like Markdown links and images, loaded through the importer; closed."""
    directory = tmp_path_factory.mktemp("evil_city")
    path = directory / "pohina.duckdb"
    con = store.connect(path)
    files = fixture_files(directory)
    practices = directory / "practices.csv"
    with practices.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(PRACTICES[0]))
        writer.writeheader()
        writer.writerows(PRACTICES)
    for kind, file in [*files, ("practices", practices)]:
        if kind in RENAMED:
            rewrite(file, RENAMED[kind])
        import_file(con, kind, file, today=TODAY)
    with store.transaction(con) as cur:  # a category shown on the ideas page
        cur.execute("UPDATE ideas SET category = ? WHERE idea_id = 'I1'", [EVIL])
    store.close(path)
    return path


def markdown_texts(node) -> list[str]:
    """Every text under `node` that Streamlit renders as Markdown."""
    found = []
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            found += markdown_texts(child)
    kind = getattr(node, "type", "")
    if kind in MARKDOWN_VALUES and isinstance(getattr(node, "value", None), str):
        found.append(node.value)
    label = getattr(node, "label", None)
    if isinstance(label, str) and kind != "text":
        found.append(label)
    if kind not in PLAIN_OPTIONS and kind not in MARKDOWN_VALUES:
        options = getattr(node, "options", None)
        if isinstance(options, list):
            found += [o for o in options if isinstance(o, str)]
    return found


def live_markup(text: str) -> bool:
    """A link or image Streamlit's Markdown would act on (an escaped one is text)."""
    return "](" in text or "![" in text or "http://" in text


def assert_inert(app: AppTest) -> list[str]:
    texts = markdown_texts(app._tree)
    assert texts, "no text found: the walk over the page missed it"
    live = [text for text in texts if live_markup(text)]
    assert not live, live
    return texts


def test_the_helper_escapes_links_images_html_math_and_shortcodes():
    raw = EVIL + " <img src=x> $x$ :red[a] :material/home: :smile: www.evil.example a@b.c"
    shown = plain(raw)
    # each special character is preceded by a backslash, so none of these forms is left
    assert not re.search(r"(?<!\\)[<>\[\]()!$:@./]", shown), shown
    assert re.sub(r"\\(.)", r"\1", shown) == raw  # and the text reads as it was
    assert plain("Sektori A, 2026") == "Sektori A, 2026"  # plain names stay as they are
    assert plain("otsikko\n# iso") == "otsikko \\# iso"


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("unit", {"unit": "U1", "period": "2026-Q3"}),
        ("unit", {"unit": "S1", "period": "2026-Q3"}),
        ("survey", {"unit": "S1"}),
        ("pilots", {"unit": "S1"}),
        ("practices", {"practice": "HK1"}),
        ("ideas", {"period": "2026-Q3"}),
        ("standings", {"period": "2026-Q3", "unit": "U1"}),
        ("triage", {}),
        ("idea_form", {"unit": "U1"}),
        ("overview", {"period": "2026-Q3", "unit": "U1"}),
        ("activities", {"period": "2026-Q3"}),
    ],
)
def test_no_data_name_becomes_a_link_or_an_image(evil_city, monkeypatch, page, query):
    assert_inert(open_page(evil_city, monkeypatch, page, **query))


def test_the_unit_and_round_names_show_as_their_text(evil_city, monkeypatch):
    app = open_page(evil_city, monkeypatch, "unit", unit="U1", period="2026-Q3")
    assert app.header[0].value == plain(f"{EVIL} U1")
    assert plain(f"{EVIL} S1") in app.caption[0].value  # the parent unit
    survey = open_page(evil_city, monkeypatch, "survey", unit="S1")
    assert plain(f"{EVIL} R2") in [s.value for s in survey.header][-1]
    assert any(plain(f"{EVIL} S1") in c.value for c in survey.caption)


def test_an_idea_opened_in_triage_names_its_unit_as_text(evil_city, monkeypatch):
    app = open_page(evil_city, monkeypatch, "triage")
    next(w for w in app.text_input if w.label == "…tai avaa idea numerolla").input("I1").run()
    texts = assert_inert(app)
    assert any(plain(f"{EVIL} U1") in text for text in texts)


def test_the_ideas_page_sections_show_names_as_text(evil_city, monkeypatch):
    app = open_page(evil_city, monkeypatch, "ideas", period="2026-Q3")
    for section in ("decisions", "results", "units", "list"):
        app.radio(key="ideas_section").set_value(section).run()
        assert not app.exception, app.exception
        assert_inert(app)


def test_the_form_lookup_of_a_merged_idea_names_it_as_text(evil_city, monkeypatch):
    app = open_page(evil_city, monkeypatch, "idea_form")
    next(w for w in app.text_input if w.label == "Idean numero").input("I8").run()
    assert_inert(app)
