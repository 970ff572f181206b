"""Everything comes from the server itself: a city intranet may have no internet, and no
visitor's address should leave it. A real server read in Debian chromium records every request
the page makes and fails on any to another host; and a link straight to a page opens it without
Streamlit's "Page not found" flashing first.

Chromium's own background traffic is switched off by its flags (tests/browser.py): it is not
the page's, and is not counted here.
"""

from __future__ import annotations

import shutil
import time
from urllib.parse import urlsplit

import pytest

from tests.browser import chromium_page, require_chromium, streamlit_server, wait_until_idle
from tests.test_browser_access import SECRETS

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Streamlit's "Page not found" dialog (in English whatever the language) caught as it appears,
# however briefly: an observer records every text the page shows while it loads.
WATCH_FOR_NOT_FOUND = """
window.__pageNotFound = [];
new MutationObserver(() => {
  const text = document.body ? document.body.innerText : "";
  if (/page not found/i.test(text)) window.__pageNotFound.push(text.slice(0, 300));
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
SETTLE_S = 2.0  # after the run: the favicon and late requests (fonts, images) have time to go


def outside(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob") and parts.hostname not in LOCAL_HOSTS


CASES = {
    "demo overview": ("none", "/", "Ohjelman yleiskuva"),
    "demo deep link": ("none", "/ideas?period=2026-Q3", "Kehittämisideat"),
    "login, deep link": ("oidc", "/ideas", "Kirjaudu sisään"),
    "not configured, deep link": (None, "/survey", "Pöhinän asetukset ovat kesken"),
}


@pytest.mark.parametrize(("auth", "address", "shown"), CASES.values(), ids=CASES.keys())
def test_a_page_asks_nothing_of_another_host_and_never_says_page_not_found(
    fixture_db_path, tmp_path, auth, address, shown
):
    require_chromium()
    db = tmp_path / "pohina.duckdb"
    shutil.copy(fixture_db_path, db)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(SECRETS if auth == "oidc" else "", encoding="utf-8")
    env = {"POHINA_AUTH": auth, "STREAMLIT_SECRETS_FILES": str(secrets)}
    with streamlit_server(db_path=db, env=env) as server, chromium_page() as page:
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.add_init_script(WATCH_FOR_NOT_FOUND)
        page.goto(server.url(address))
        wait_until_idle(page)
        page.locator('[data-testid="stMain"]').get_by_text(shown).first.wait_for()
        time.sleep(SETTLE_S)
        assert requests, "no request was recorded"
        assert [url for url in requests if outside(url)] == []
        assert page.evaluate("window.__pageNotFound") == []
