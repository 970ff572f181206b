"""Accessibility in a real browser: axe-core on every page in Finnish, and the keyboard.

One server and one chromium for the module. axe-core (the `axe-playwright-python` package's
axe.min.js, requirements-dev.txt) checks every page (metrics.access.PAGES) once, reached
through the sidebar as a person would: no critical, serious or moderate violation may remain,
except those that come from Streamlit's own markup, listed in ALLOWED with the reason. Minor
ones are left to a person's judgement.

The keyboard: Tab reaches every sidebar link with a focus ring to be seen, and the idea form's
refusal sits under the failing field and takes the focus there.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pytest

from metrics.access import PAGES
from tests.browser import chromium_page, require_chromium, streamlit_server, wait_until_idle
from ui.i18n import t

pytestmark = pytest.mark.browser

IMPACTS = ("critical", "serious", "moderate")  # every one of these fails the test
PRIMARY_RGB = "rgb(11, 79, 138)"  # #0B4F8A, ui/style.py


@dataclass(frozen=True)
class Allowed:
    """A violation in Streamlit's own markup, not Pöhinä's: axe's rule, the CSS selector of the
    element it names (or an element it is inside), and why it is not ours to mend."""

    rule: str
    inside: str
    reason: str


ALLOWED = (
    Allowed(
        "color-contrast",
        '[data-testid="stWidgetLabel"][disabled]',
        "Streamlit greys the label of a disabled widget (the practices page's topic filter when "
        "there are no topics); WCAG 1.4.3 asks no contrast of an inactive control, but axe does "
        "not see the label belongs to one.",
    ),
)


def fi(key: str, **values) -> str:
    return t(key, "fi", **values)


@pytest.fixture(scope="module")
def server(fixture_db_path, tmp_path_factory):
    """The demo on a private copy of the fixture city (the idea form may write to it)."""
    require_chromium()
    folder = tmp_path_factory.mktemp("a11y")
    db = folder / "server.duckdb"
    shutil.copyfile(fixture_db_path, db)
    with streamlit_server(db_path=db) as running:
        yield running


@pytest.fixture(scope="module")
def browser(server, tmp_path_factory):
    with chromium_page(artifacts=tmp_path_factory.mktemp("a11y_shots")) as page:
        yield page


def open_by_sidebar(page, name: str) -> None:
    """Click the page's sidebar link (showing the menu's hidden rest first, if it is there) and
    wait until its title has replaced the last page's and the run is over."""
    nav = page.get_by_test_id("stSidebarNav")
    link = nav.get_by_role("link", name=fi(f"nav.{name}"), exact=True)
    if not link.is_visible():
        page.get_by_test_id("stSidebarNavViewButton").click()
    before = page.locator("h1").first.inner_text()
    link.click()
    page.wait_for_function(
        "before => (document.querySelector('h1')?.innerText ?? before) !== before", arg=before
    )
    wait_until_idle(page)
    # charts draw after the run: wait until each has its picture
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
        ".every(chart => chart.querySelector('svg'))"
    )


def allowed(page, rule: str, node: dict) -> bool:
    """Whether a violating element is one of ALLOWED's (inside the selector it names)."""
    target = node["target"][-1]
    return any(
        a.rule == rule
        and page.evaluate("([t, s]) => !!document.querySelector(t)?.closest(s)", [target, a.inside])
        for a in ALLOWED
    )


def violations(page) -> list[str]:
    """axe-core's critical, serious and moderate violations on the page as it is now, less
    ALLOWED's, each as one line naming the rule and (some of) the elements."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] not in IMPACTS:
            continue
        nodes = [n for n in violation["nodes"] if not allowed(page, violation["id"], n)]
        if nodes:
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']}: "
                + "; ".join(n["html"][:160] for n in nodes[:3])
            )
    return found


def test_every_page_in_finnish_passes_axe(server, browser):
    page, found = browser, {}
    page.goto(server.url("/unit?period=2026-Q3&unit=S1"))  # then the overview first
    wait_until_idle(page)
    page.wait_for_function("document.documentElement.lang === 'fi'")  # not Streamlit's "en"
    for name in PAGES:
        open_by_sidebar(page, name)
        assert page.get_by_test_id("stException").count() == 0, name
        found[name] = violations(page)
    problems = [f"{name}: {line}" for name, lines in found.items() for line in lines]
    assert not problems, "\n".join(problems)


def focus_ring(page) -> dict:
    """The focused element's test id and its outline as drawn (style, width in px, colour)."""
    return page.evaluate(
        """() => {
          const e = document.activeElement, s = getComputedStyle(e);
          return {id: e.getAttribute('data-testid'), text: e.innerText.trim(),
                  style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor};
        }"""
    )


def test_tab_reaches_every_sidebar_link_with_a_visible_focus_ring(server, browser):
    page = browser
    page.goto(server.url("/?period=2026-Q3"))
    wait_until_idle(page)
    names = {fi(f"nav.{name}"): name for name in PAGES}

    def press(key: str) -> str | None:
        """Press a key; the page whose link then has the focus (its ring checked), if any."""
        page.keyboard.press(key)
        ring = focus_ring(page)
        if ring["id"] != "stSidebarNavLink":
            return None
        assert ring["style"] != "none" and ring["width"] > 0, ring
        assert ring["color"] == PRIMARY_RGB, ring
        return names[ring["text"].split("\n")[-1]]

    reached: list[str] = []
    while len(reached) < 40:
        name = press("Tab")
        if name is not None:
            reached.append(name)
        elif focus_ring(page)["id"] == "stSidebarNavViewButton" and len(reached) < len(PAGES):
            # the menu shows ten pages and a button for the rest: Enter shows them above it
            page.keyboard.press("Enter")
            page.get_by_test_id("stSidebarNavLink").nth(len(PAGES) - 1).wait_for()
            rest = []
            while (name := press("Shift+Tab")) != reached[-1]:
                rest.insert(0, name)
            reached += rest
            break
        elif reached:
            press("Shift+Tab")  # back on the last link
            break
    assert reached == list(PAGES)
    # Enter follows the link in focus
    focused = names[focus_ring(page)["text"].split("\n")[-1]]
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{focused}**")


def test_the_idea_forms_refusal_is_under_the_field_and_takes_the_focus(server, browser):
    page = browser
    page.goto(server.url("/idea_form"))
    wait_until_idle(page)
    title = page.get_by_label(fi("form.field.title"))
    # nothing typed: the title's message under the title, and the focus on it
    page.get_by_role("button", name=fi("form.send")).press("Enter")
    message = page.locator(".st-key-idea_title + div").get_by_text(
        fi("form.problem.title.required")
    )
    message.wait_for()
    expect_focus(page, fi("form.field.title"))
    unit = page.get_by_label(fi("form.field.unit"))
    assert title.get_attribute("aria-invalid") == unit.get_attribute("aria-invalid") == "true"
    # a title, but no unit: the unit's message under the unit, and the focus moves there
    title.fill("Yhteinen kalenteri")
    page.get_by_role("button", name=fi("form.send")).press("Enter")
    page.locator(".st-key-idea_unit + div").get_by_text(fi("form.problem.unit.required")).wait_for()
    expect_focus(page, fi("form.field.unit"))
    assert page.get_by_text(fi("form.problem.title.required")).count() == 0
    assert title.get_attribute("aria-invalid") is None
    assert not violations(page)  # the refused form too


def test_the_unit_page_asking_which_unit_passes_axe(server, browser):
    page = browser
    page.goto(server.url("/unit"))
    page.get_by_text(fi("unitpage.ask")).wait_for()
    assert not violations(page)


def expect_focus(page, label: str) -> None:
    """Wait until the focused element is the field labelled `label`."""
    page.wait_for_function(
        "label => document.activeElement?.getAttribute('aria-label') === label", arg=label
    )
