"""A real server with the login on (POHINA_AUTH=oidc), read in Debian chromium: a signed-out
visitor who types a page's address (Streamlit would run a pages/ script straight from it) sees
the login button and nothing else.

The [auth] settings point at a provider that does not exist: nobody signs in here; AppTest's
`at.user` covers the signed-in roles (tests/test_access_pages.py).
"""

from __future__ import annotations

import shutil

import pytest

from tests.browser import chromium_page, require_chromium, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser

SECRETS = """
POHINA_PSEUDONYM_KEY = "a-browser-test-key-long-enough"
[auth]
redirect_uri = "http://127.0.0.1:9/oauth2callback"
cookie_secret = "a-browser-test-cookie-secret"
client_id = "pohina-test"
client_secret = "not-a-secret"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
"""


@pytest.mark.parametrize("address", ["/", "/data", "/unit?unit=S1", "/survey?unit=U3"])
def test_a_signed_out_visitor_sees_only_the_login_whatever_the_address(
    fixture_db_path, tmp_path, address
):
    require_chromium()
    db = tmp_path / "pohina.duckdb"
    shutil.copy(fixture_db_path, db)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(SECRETS, encoding="utf-8")
    env = {"POHINA_AUTH": "oidc", "STREAMLIT_SECRETS_FILES": str(secrets)}
    with streamlit_server(db_path=db, env=env) as server, chromium_page() as page:
        page.goto(server.url(address))
        wait_until_idle(page)
        page.get_by_role("button", name="Kirjaudu sisään").wait_for(state="visible")
        body = page.locator('[data-testid="stMain"]').inner_text()
        for other in ("Tietojen tuonti", "Yksikön sivu", "Henkilöstökyselyn mittarit"):
            assert other not in body
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # no page list
        assert page.locator('[data-testid="stMetric"]').count() == 0
