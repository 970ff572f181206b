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

from tests.browser import (
    chromium_page,
    metric_text,
    require_chromium,
    streamlit_server,
    wait_until_idle,
)

pytestmark = pytest.mark.browser

# FILL: lead wires the exact figure: the period in the link, the st.metric label the overview
# shows in Finnish, and (in expected_headline) the metrics function and column behind it.
PERIOD = "2019"
LABEL = "Ideoita"


def fi_number(value: float, decimals: int = 0) -> str:
    """A number as Finnish text, `1 234,5`, spaces plain (the screen text is normalised too)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale="fi_FI").replace("\u00a0", " ")


def expected_headline(db_path: Path) -> str:
    """The figure as metrics computes it for PERIOD, formatted as the overview should show it."""
    # FILL: lead wires the exact figure, e.g.
    #   from metrics import overview, store
    #   frame = overview.headline(store.connect(db_path), period=PERIOD)
    #   return fi_number(frame.loc[0, "ideas"])
    raise NotImplementedError("wire the overview's headline figure")


def copy_database(source: Path, folder: Path) -> Path:
    """A private copy for the server, whose connection would otherwise lock the test's file."""
    target = folder / "server.duckdb"
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))
    return target


def test_overview_shows_the_headline_figure_metrics_computes(fixture_db_path, tmp_path):
    require_chromium()
    expected = expected_headline(fixture_db_path)
    server_db = copy_database(fixture_db_path, tmp_path)

    with (
        streamlit_server(db_path=server_db) as server,
        chromium_page(artifacts=tmp_path) as page,
    ):
        page.goto(server.url(f"/?period={PERIOD}"))
        wait_until_idle(page)

        assert page.locator('[data-testid="stException"]').count() == 0
        assert metric_text(page, LABEL) == expected
