"""Streamlit's own words and the page's language in a real browser, and the overview on the
steering group's projector (1024×768).

Streamlit writes `<html lang="en">`, "Choose options", "Upload", "200MB per file" and "Press
Enter to submit form" in English whatever the page's language; ui/chrome.py mends them in the
browser, so only a browser can tell whether it worked.
"""

from __future__ import annotations

import re
import shutil

import pytest

from tests.browser import chromium_page, require_chromium, streamlit_server, wait_until_idle
from ui.i18n import t

pytestmark = pytest.mark.browser

# Streamlit's English defaults (of 1.67 and of the versions before it) that no Finnish page
# may show, as text or as what a screen reader reads (a placeholder or an aria-label).
ENGLISH = (
    "Choose options",
    "Choose an option",
    "Press Enter to submit form",
    "Press Enter to apply",
    "Drag and drop file here",
    "Drag and drop a file here",
    "Browse files",
    "200MB per file",
    "per file",
    "Upload",
    "View less",
    "Open",
    "Clear all",
    "Help for",
    "Link to heading",
    "Collapse sidebar",
)
# What a person and a screen reader get of the page: its text, and its placeholders and labels.
READ_OUT = """() => [
  document.body.innerText,
  ...[...document.querySelectorAll('[placeholder], [aria-label]')].flatMap(
    e => [e.getAttribute('placeholder') || '', e.getAttribute('aria-label') || ''])
].join('\\n')"""


def fi(key: str, **values) -> str:
    return t(key, "fi", **values)


@pytest.fixture(scope="module")
def server(fixture_db_path, tmp_path_factory):
    require_chromium()
    db = tmp_path_factory.mktemp("chrome") / "server.duckdb"
    shutil.copyfile(fixture_db_path, db)
    with streamlit_server(db_path=db) as running:
        yield running


@pytest.fixture
def page(server, tmp_path):
    with chromium_page(artifacts=tmp_path) as opened:
        yield opened


def open_at(page, server, address: str) -> None:
    page.goto(server.url(address))
    wait_until_idle(page)


def english_on(page) -> list[str]:
    text = page.evaluate(READ_OUT)
    return [e for e in ENGLISH if re.search(rf"(?<![\w-]){re.escape(e)}(?![\w-])", text)]


@pytest.mark.parametrize(
    ("address", "lang"), [("/", "fi"), ("/?lang=sv", "sv"), ("/?lang=en", "en")]
)
def test_the_pages_language_is_the_one_chosen(server, page, address, lang):
    open_at(page, server, address)
    page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)
    page.goto(server.url(f"/pilots{address[1:]}"))  # and it stays so on the next page
    wait_until_idle(page)
    page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang)


def test_choosing_another_language_changes_the_pages_language(server, page):
    open_at(page, server, "/")
    page.wait_for_function("document.documentElement.lang === 'fi'")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("combobox", name=fi("sidebar.language")).click()
    page.get_by_role("option", name="Svenska").click()
    page.wait_for_function("document.documentElement.lang === 'sv'")
    assert page.title() == f"{t('nav.overview', 'sv')} · Pöhinä"


@pytest.mark.parametrize(
    ("address", "name"),
    [("/?period=2026-Q3", "overview"), ("/ideas?section=list", "ideas"),
     ("/idea_form", "idea_form"), ("/data", "data")],
)  # fmt: skip
def test_a_finnish_page_shows_none_of_streamlits_english(server, page, address, name):
    open_at(page, server, address)
    page.wait_for_function("document.documentElement.lang === 'fi'")
    assert page.title() == f"{fi(f'nav.{name}')} · Pöhinä"
    if name == "ideas":  # the search field's instructions appear once something is typed
        page.get_by_role("textbox", name=fi("ideas.search")).fill("kahvi")
        expect_instructions(page, "Ota käyttöön painamalla Enter")
    if name == "idea_form":  # a field of a form says how to send it
        page.get_by_role("textbox", name=fi("form.field.title")).fill("Uusi idea")
        expect_instructions(page, "Lähetä lomake painamalla Enter")
    if name == "data":
        uploader = page.get_by_test_id("stFileUploader").first
        expect_text(uploader, "Valitse tiedosto")
        expect_text(uploader, "Enintään 25\u00a0Mt tiedostoa kohden")
    assert english_on(page) == []


def expect_instructions(page, text: str) -> None:
    expect_text(page.get_by_test_id("InputInstructions").first, text)


def expect_text(locator, text: str) -> None:
    from playwright.sync_api import expect

    expect(locator).to_contain_text(text)


def test_the_overview_fits_a_projectors_first_screen(server, page):
    """At 1024×768 the idea figures, the conversion, the pilots and the three survey
    indicators are all on screen without scrolling, and no card's label is cut short."""
    page.set_viewport_size({"width": 1024, "height": 768})
    open_at(page, server, "/?period=2026-10")
    cards = page.get_by_test_id("stMetric")
    cards.nth(10).wait_for()
    assert cards.count() == 11
    for index in range(11):
        box = cards.nth(index).bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 768, index
    cut = page.evaluate(  # a label too long for its card is cut with an ellipsis
        """() => [...document.querySelectorAll(
                   '[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"]')]
             .filter(e => e.scrollWidth > e.clientWidth).map(e => e.innerText)"""
    )
    assert cut == []
