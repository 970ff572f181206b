"""Open the app in Streamlit's AppTest as a visitor's browser would: one helper for every page test.

    app = open_page(city_path, monkeypatch, "unit", unit="S1", period="2026-Q3")
    app = open_page(role_city, monkeypatch, "data", user="hr@testikaupunki.fi")

The app always starts at app.py, the one router: its login, language and access checks run
before the page, as they do on a server.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
SIGNED_OUT = {"is_logged_in": False}


def open_page(
    db: Path | str,
    monkeypatch,
    page: str | None = None,
    /,
    *,
    user: str | dict | None = None,
    lang: str | None = None,
    **query: str,
) -> AppTest:
    """The app on database `db`, run once, failing the test if Streamlit raised.

    page   a page's name ("unit") or path ("pages/unit.py"), opened as its address opens it;
           None opens the bare address, where app.py chooses the user's first page.
    user   what st.user holds: an email address (signed in with it), a dict given as is
           (SIGNED_OUT, or a provider's odd answer), or None for no login at all (the demo).
    lang   the language, as ?lang= in the address gives it.
    query  the address's other parameters (period=, unit=, …; even page=, as db, monkeypatch
           and page are given by position).
    """
    monkeypatch.setenv("POHINA_DB", str(db))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if isinstance(user, str):
        app.user = {"is_logged_in": True, "email": user}
    elif user is not None:
        app.user = user
    for key, value in query.items():
        app.query_params[key] = value
    if lang is not None:
        app.query_params["lang"] = lang
        # AppTest can drop ?lang= when it opens a page by switch_page: set it as app.py would
        app.session_state["lang"] = lang
    if page is not None:
        app.switch_page(page if page.endswith(".py") else f"pages/{page}.py")
    app.run()
    assert not app.exception, app.exception
    return app
