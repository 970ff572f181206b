"""The login fails closed: the app runs without one only when POHINA_AUTH=none says so.

Unset, empty, misspelt, written under a section of secrets.toml, an unreadable secrets.toml, or
`oidc` without a complete `[auth]` section: the visitor sees a "not configured" page naming the
problem for the administrator, and nothing else (no figure, no other page registered), and the
server's log says the same at ERROR.
"""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import SIGNED_OUT, open_page

ADMIN = "hr@testikaupunki.fi"
KEY = 'POHINA_PSEUDONYM_KEY = "a-test-key-that-is-long-enough"\n'
AUTH = """[auth]
redirect_uri = "https://intra.example.fi/pohina/oauth2callback"
cookie_secret = "a-test-cookie-secret-long-enough"
client_id = "pohina"
client_secret = "not-a-real-secret"
server_metadata_url = "https://login.example.fi/.well-known/openid-configuration"
"""
TITLE = "Pöhinän asetukset ovat kesken"
NOT_TOML = KEY + AUTH + "client_secret = \n"  # a key without a value
INCOMPLETE = (  # no client_secret, and cookie_secret still the example's placeholder
    KEY
    + """[auth]
redirect_uri = "https://intra.example.fi/pohina/oauth2callback"
cookie_secret = "REPLACE-WITH-A-LONG-RANDOM-VALUE"
client_id = "pohina"
server_metadata_url = "https://login.example.fi/.well-known/openid-configuration"
"""
)


def open_app(db, monkeypatch, email: str | None = ADMIN, address: str | None = None) -> AppTest:
    """The app as `email` sees it (None: signed out; the admin unless told)."""
    return open_page(db, monkeypatch, address, user=SIGNED_OUT if email is None else email)


def assert_not_configured(app: AppTest, problem: str) -> None:
    """Only the not-configured page: its title, the problem, and no data, no other page."""
    assert [title.value for title in app.title] == [TITLE]
    assert problem in app.error[0].value
    assert [p["script_path"] for p in app._registered_pages.values() if p["script_path"]] == []
    assert not app.metric and not app.dataframe and not app.get("plotly_chart")
    assert not app.sidebar.warning  # no demo banner
    assert not [b for b in app.sidebar.button if b.label == "Kirjaudu ulos"]


CASES = {
    "unset": (None, "", "POHINA_AUTH ei ole annettu"),
    "empty": ("", "", "POHINA_AUTH on tyhjä"),
    "blank": ("  ", "", "POHINA_AUTH on tyhjä"),
    "misspelt": ("odic", KEY + AUTH, "POHINA_AUTH on `odic`"),
    "under [auth]": (None, KEY + AUTH + 'POHINA_AUTH = "oidc"\n', "osion `[auth]` alla"),
    "unparsable secrets": ("oidc", NOT_TOML, "`secrets.toml` ei voi lukea"),
    "unparsable secrets, even with none": ("none", "POHINA_AUTH = none\n", "ei voi lukea"),
    "oidc without [auth]": ("oidc", KEY, "lisää `[auth]`-osio"),
    "oidc with [auth] incomplete": ("oidc", INCOMPLETE, "cookie_secret, client_secret"),
}


@pytest.mark.parametrize(("env", "secrets", "problem"), CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("address", [None, "data", "overview"])
def test_a_login_not_configured_shows_only_what_is_wrong(
    city_path, monkeypatch, streamlit_secrets, caplog, env, secrets, problem, address
):
    streamlit_secrets(secrets)
    if env is None:
        monkeypatch.delenv("POHINA_AUTH")
    else:
        monkeypatch.setenv("POHINA_AUTH", env)
    with caplog.at_level(logging.ERROR):
        app = open_app(city_path, monkeypatch, address=address)
    assert_not_configured(app, problem)
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("not configured" in line for line in logged), "the problem is not in the log"


def test_an_unreadable_secrets_file_is_named_in_the_log_only(
    city_path, monkeypatch, streamlit_secrets, caplog
):
    path = streamlit_secrets("POHINA_AUTH = [\n")
    with caplog.at_level(logging.ERROR):
        app = open_app(city_path, monkeypatch)
    assert_not_configured(app, "ei voi lukea")
    assert str(path) not in app.error[0].value and str(path.parent) not in app.error[0].value
    assert any(str(path) in r.getMessage() for r in caplog.records)


def test_the_page_speaks_the_visitors_language(city_path, monkeypatch, streamlit_secrets):
    streamlit_secrets("")
    monkeypatch.delenv("POHINA_AUTH")
    app = open_page(city_path, monkeypatch, lang="en")
    assert app.title[0].value == "Pöhinä is not configured"
    assert app.error[0].value.startswith("The login setting POHINA_AUTH is not set.")


def test_a_complete_login_setup_opens_the_login(city_path, monkeypatch, streamlit_secrets):
    streamlit_secrets(KEY + AUTH)
    monkeypatch.setenv("POHINA_AUTH", "oidc")
    app = open_app(city_path, monkeypatch, email=None)
    assert [b.label for b in app.button] == ["Kirjaudu sisään"]


def test_the_demo_runs_only_when_asked_for_by_name(city_path, monkeypatch, streamlit_secrets):
    streamlit_secrets("")
    monkeypatch.setenv("POHINA_AUTH", " None ")
    app = open_app(city_path, monkeypatch, email=None)
    assert "Esittelytila" in app.sidebar.warning[0].value
