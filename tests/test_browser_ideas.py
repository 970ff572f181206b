"""A staff member sends an idea through the form in a real browser, and it is in the list.

AppTest checks the pages' logic; this checks what a person does: type into the form in
Debian chromium, press the button, read the number off the confirmation, open the idea
pipeline and find the idea there by its number.
"""

from __future__ import annotations

import re

import pytest

from tests.browser import chromium_page, require_chromium, streamlit_server, wait_until_idle
from tests.idea_city import idea_city_file
from ui.i18n import t

pytestmark = pytest.mark.browser

TITLE = "Selaimella lähetetty idea: yhteinen kalenteri"
SENT_ON = re.compile(r"\d+\.\d+\.\d{4}")


def fi(key: str) -> str:
    return t(key, "fi")


def test_an_idea_sent_through_the_form_is_found_in_the_list(tmp_path):
    from playwright.sync_api import expect

    require_chromium()
    server_db = idea_city_file(tmp_path)
    with (
        streamlit_server(db_path=server_db) as server,
        chromium_page(artifacts=tmp_path) as page,
    ):
        # Start at the app's address and use the navigation, as a person does.
        page.goto(server.url("/"))
        wait_until_idle(page)
        nav = page.get_by_test_id("stSidebarNav")
        nav.get_by_role("link", name=fi("nav.idea_form")).click()

        page.get_by_label(fi("form.field.title")).fill(TITLE)
        page.get_by_label(fi("form.field.description")).fill("Lomat ja poissaolot yhteen.")
        page.get_by_label(fi("form.field.unit")).click()
        page.get_by_role("option").filter(has_text="Tiimi A2").click()
        page.get_by_role("button", name=fi("form.send")).click()

        confirmation = page.get_by_test_id("stAlertContentSuccess")
        expect(confirmation).to_contain_text("I-")
        number = re.search(r"I-\d{4}-\d{5}", confirmation.inner_text())[0]

        nav.get_by_role("link", name=fi("nav.ideas")).click()
        wait_until_idle(page)
        page.get_by_text(fi("ideas.tab.list"), exact=True).click()
        page.get_by_text(fi("ideas.all_periods"), exact=True).click()
        search = page.get_by_role("textbox", name=fi("ideas.search"))
        search.fill(number)
        search.press("Enter")

        # The data grid draws on a canvas; its accessible table holds the cells' text.
        first_row = page.get_by_test_id("stDataFrame").locator('tr[aria-rowindex="2"]')
        expect(first_row.locator("td")).to_have_text(
            # number, title, unit, status, sent, age in days, supporters
            [number, TITLE, "Tiimi A2", fi("idea.status.new"), SENT_ON, "0", "0"],
        )
        expect(page.get_by_text(t("ideas.list_count", "fi", matching="1"))).to_be_visible()
        assert page.get_by_test_id("stException").count() == 0
