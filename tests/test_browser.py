"""The real thing: `streamlit run app.py` in a subprocess, read in Debian chromium.

AppTest checks the pages' logic; this test checks what a person actually sees: that the
overview opens in a browser and shows the same headline figure the metrics give, formatted
the Finnish way.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.numbers import format_decimal

from metrics import overview, periods
from tests.browser import (
    chromium_page,
    metric_text,
    require_chromium,
    streamlit_server,
    wait_until_idle,
)
from ui.i18n import t

pytestmark = pytest.mark.browser

# The figure read off the screen: the overview's first headline in the fixture city's Q3 2026
# (6 ideas in 92 days, 100 staff, so 23,8), written with one decimal as the page writes it.
PERIOD = "2026-Q3"
METRIC = "ideas_per_100_staff"
DECIMALS = 1


def fi_number(value: float, decimals: int = 0) -> str:
    """A number as Finnish text, `1 234,5`, spaces plain (the screen text is normalised too)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale="fi_FI").replace("\u00a0", " ")


def expected_headline(con) -> str:
    """The figure as metrics computes it for PERIOD, formatted as the overview should show it."""
    frame = overview.overview(con, period=periods.parse(PERIOD)).set_index("metric")
    return fi_number(frame.loc[METRIC, "value"], DECIMALS)


def copy_database(source: Path, folder: Path) -> Path:
    """A private copy for the server, whose connection would otherwise lock the test's file."""
    target = folder / "server.duckdb"
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target


def test_overview_shows_the_headline_figure_metrics_computes(fixture_db_path, city, tmp_path):
    require_chromium()
    expected = expected_headline(city)
    label = t(f"metric.{METRIC}.short", "fi")  # the card's label; the full one is its help
    server_db = copy_database(fixture_db_path, tmp_path)

    with (
        streamlit_server(db_path=server_db) as server,
        chromium_page(artifacts=tmp_path) as page,
    ):
        page.goto(server.url(f"/?period={PERIOD}"))
        wait_until_idle(page)

        assert page.locator('[data-testid="stException"]').count() == 0
        assert metric_text(page, label) == expected


def test_a_page_opened_by_its_address_goes_through_the_router(fixture_db_path, tmp_path):
    """Streamlit would run pages/pilots.py straight from /pilots on a fresh server, skipping
    app.py (its language choice, demo banner and, with login on, its access checks)."""
    require_chromium()
    server_db = copy_database(fixture_db_path, tmp_path)

    with (
        streamlit_server(db_path=server_db) as server,
        chromium_page(artifacts=tmp_path) as page,
    ):
        page.goto(server.url("/pilots"))  # the very first request this server gets
        wait_until_idle(page)

        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_text(t("sidebar.language", "fi"), exact=True).count() == 1
        assert sidebar.get_by_text(t("nav.overview", "fi"), exact=True).count() == 1
        assert page.get_by_role("heading", name=t("pilots.title", "fi")).count() == 1
