"""Serving while loading: the production server (`uvicorn server:app`) holds the database, a
browser has the overview open, and a scheduled job's import through the API shows on that page
at its next rerun."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from tests.api_server import ROOT, call, make_tokens, uvicorn_server
from tests.browser import chromium_page, metric_text, require_chromium, wait_until_idle
from ui import i18n
from ui.i18n import t

pytestmark = pytest.mark.browser

# The fixture city's 2026-Q3: 6 ideas in 92 days, 100 staff, so 23,8 ideas per 100 staff; a
# seventh makes 7 × 365 / 92 = 27,8.
PERIOD = "2026-Q3"
BEFORE, AFTER = "23,8", "27,8"
NEW_IDEA = "idea_id,unit_id,submitted_on,title,status\nI10,U1,2026-08-15,Palaute verkossa,new\n"


def import_through_the_server(server, token: str, path) -> subprocess.CompletedProcess:
    """`python -m metrics import ideas FILE` as the nightly job runs it while the service runs."""
    env = {**os.environ, "POHINA_URL": server.base_url, "POHINA_TOKEN": token}
    env.pop("POHINA_DB", None)  # the job needs no database of its own: the server has it
    return subprocess.run(
        [sys.executable, "-m", "metrics", "import", "ideas", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def card_label(metric: str) -> str:
    """The overview card's label: its short label where it has one, else the metric's label."""
    short = f"metric.{metric}.short"
    return t(short, "fi") if short in i18n.catalog() else t(f"metric.{metric}.label", "fi")


def wait_for_metric(page, label: str, expected: str, timeout_s: float = 30) -> str:
    deadline = time.monotonic() + timeout_s
    shown = metric_text(page, label)
    while shown != expected and time.monotonic() < deadline:
        time.sleep(0.2)
        shown = metric_text(page, label)
    return shown


def test_an_import_through_the_api_shows_on_the_open_page_after_a_rerun(fixture_db_path, tmp_path):
    require_chromium()
    db = tmp_path / "server" / "pohina.duckdb"
    db.parent.mkdir()
    shutil.copy(fixture_db_path, db)
    secrets = make_tokens(db, nightly="import", reports="read")
    ideas = tmp_path / "ideas.csv"
    ideas.write_text(NEW_IDEA, encoding="utf-8")
    label = card_label("ideas_per_100_staff")

    with uvicorn_server(db_path=db) as server, chromium_page(artifacts=tmp_path) as page:
        page.goto(server.url(f"/?period={PERIOD}"))
        wait_until_idle(page)
        assert metric_text(page, label) == BEFORE

        # no token: 401; a read token cannot import; nothing lands
        status, _, _ = call(server, "POST", "/api/v1/imports/ideas", body=NEW_IDEA.encode())
        assert status == 401
        refused = import_through_the_server(server, secrets["reports"], ideas)
        assert refused.returncode == 2
        assert "may read, not import" in refused.stderr

        done = import_through_the_server(server, secrets["nightly"], ideas)
        assert done.returncode == 0, done.stderr
        assert done.stdout == "ideas.csv: ideas, 1 row(s) loaded (1 added, 0 updated)\n"

        page.keyboard.press("r")  # Streamlit's rerun key, in the same browser session
        assert wait_for_metric(page, label, AFTER) == AFTER
        assert page.locator('[data-testid="stException"]').count() == 0
