"""Take the README's screenshots: every page at 1440×900 and the overview at 1024×768.

`make screenshots` runs this (`python -m docs.screenshots unit ideas` takes only those). It
builds the imatra demo into a temporary folder (dated today, as `make run` builds it), serves it
with the demo's settings (no login) and photographs each page of metrics.access.PAGES in Finnish
in a headless chromium, after its run has finished and its charts are drawn, into
docs/screenshots/<page>-1440x900.png. tests/test_docs.py checks that every page has one and that
the README shows them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from metrics import store, units
from metrics.access import PAGES
from metrics.demo import build_demo
from tests.browser import chromium_page, streamlit_server, wait_until_idle
from ui.i18n import t

SHOTS = Path(__file__).resolve().parent / "screenshots"
WIDE = (1440, 900)
PROJECTOR = (1024, 768)


def shot_name(page: str, size: tuple[int, int]) -> str:
    return f"{page}-{size[0]}x{size[1]}.png"


def photograph(server, page: str, address: str, size: tuple[int, int]) -> Path:
    """Open one page at one window size in a fresh browser and save what the screen shows."""
    target = SHOTS / shot_name(page, size)
    with chromium_page(viewport=size) as browser:
        browser.goto(server.url(address))
        wait_until_idle(browser, timeout_ms=120_000)
        browser.wait_for_function(  # charts draw after the run: wait until each has its picture
            "[...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
            ".every(chart => chart.querySelector('svg'))"
        )
        browser.wait_for_timeout(1500)  # Plotly draws its bars, Streamlit fades its elements in
        broken = t("error.unexpected", "fi", reference="").split(":")[0]
        if browser.get_by_test_id("stException").count() or broken in browser.content():
            raise SystemExit(f"the {page} page shows an error: no screenshot taken")
        browser.screenshot(path=str(target))
    return target


def main(pages: list[str]) -> None:
    """Photograph `pages` (every page if none is named)."""
    SHOTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pohina-shots-") as folder:
        db = Path(folder) / "demo.duckdb"
        con = store.connect(db)
        build_demo(con, "imatra", out_dir=Path(folder) / "files")
        tree = units.units(con)  # the unit page opens on a sector, as its head's link would
        sector = tree.loc[tree["depth"] == 0, "unit_id"].iloc[0]
        store.close(db)
        addresses = {"overview": "/", "unit": f"/unit?unit={sector}"}
        shots = [(page, WIDE) for page in pages or PAGES]
        shots += [("overview", PROJECTOR)] if not pages or "overview" in pages else []
        with streamlit_server(db_path=db, timeout_s=120) as server:
            for page, size in shots:
                address = addresses.get(page, f"/{page}")
                print(photograph(server, page, address, size).relative_to(SHOTS.parent.parent))


if __name__ == "__main__":
    main(sys.argv[1:])
