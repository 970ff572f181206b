"""A staff member supports an idea and comments on it in a real browser: open the idea board,
open an idea from the list, press "Tue ideaa", write a comment and send it; the count and the
comment are on the screen, and the comment's text stays plain text."""

from __future__ import annotations

import pytest

from tests.browser import chromium_page, require_chromium, streamlit_server, wait_until_idle
from tests.idea_city import idea_city_file
from ui.i18n import t

pytestmark = pytest.mark.browser

COMMENT = "Hyvä idea, **kokeillaan** meilläkin"


def fi(key: str, **values) -> str:
    return t(key, "fi", **values)


def test_a_staff_member_supports_an_idea_and_comments_on_it(tmp_path):
    from playwright.sync_api import expect

    require_chromium()
    server_db = idea_city_file(tmp_path)
    with (
        streamlit_server(db_path=server_db) as server,
        chromium_page(artifacts=tmp_path) as page,
    ):
        page.goto(server.url("/ideas?period=2026-03"))
        wait_until_idle(page)
        page.get_by_text(fi("ideas.tab.list"), exact=True).click()
        wait_until_idle(page)
        page.get_by_label(fi("ideas.open_idea")).click()
        page.get_by_role("option").filter(has_text="M3 · Viikkotiedote").click()
        wait_until_idle(page)
        expect(page.get_by_text(fi("talk.supporters", count="0"))).to_be_visible()

        page.get_by_role("button", name=fi("talk.support")).click()
        expect(page.get_by_text(fi("talk.supporters", count="1"))).to_be_visible()
        expect(page.get_by_text(fi("talk.you_support"))).to_be_visible()

        page.get_by_label(fi("talk.field.body")).fill(COMMENT)
        page.get_by_label(fi("talk.field.name")).fill("Maija")
        page.get_by_text(fi("form.named"), exact=True).click()
        page.get_by_role("button", name=fi("talk.send")).click()
        expect(page.get_by_text(fi("talk.sent"))).to_be_visible()
        shown = page.get_by_test_id("stText").filter(has_text=COMMENT)
        expect(shown).to_have_text(COMMENT)  # as typed: no bold
        expect(page.get_by_label(fi("talk.field.body"))).to_have_value("")  # a new form
        expect(page.get_by_text("Maija · ")).to_be_visible()
        assert page.get_by_test_id("stException").count() == 0
