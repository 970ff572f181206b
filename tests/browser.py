"""A real Streamlit server and a real Debian chromium, for tests that look at the screen.

    with streamlit_server(db_path=path) as server, chromium_page() as page:
        page.goto(server.url("/?period=2019"))
        assert metric_text(page, "Ideoita") == "42"

Both context managers always clean up. When the block fails, the server's log (and a
screenshot of the page, if an `artifacts` folder is given) is attached to the error as an
exception note, so the pytest report shows what the server said.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags chromium keeps dialling out, which this
# machine's closed network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOG_TAIL_CHARS = 6000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_chromium() -> None:
    """Skip locally without Debian's chromium; in CI its absence is a failure, never a skip."""
    if os.access(CHROMIUM, os.X_OK):
        return
    how = "install it with 'apt-get install chromium' (make test does this as root)"
    if in_ci():
        pytest.fail(f"{CHROMIUM} is missing in CI: {how}", pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing: {how}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen
    log_path: Path

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def log(self) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return text if len(text) <= LOG_TAIL_CHARS else "…" + text[-LOG_TAIL_CHARS:]


def wait_healthy(server, path: str, timeout_s: float) -> None:
    """Poll `path` of a server started as a subprocess (it has .process and .url()) until it
    answers 200; raise if the process exits first or the time runs out."""
    deadline = time.monotonic() + timeout_s
    health = server.url(path)
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.process.returncode}")
        try:
            with urllib.request.urlopen(health, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"the server was not healthy at {health} within {timeout_s:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """End a server started in its own process group: TERM, then KILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def streamlit_server(
    *,
    db_path: Path,
    app: str = "app.py",
    env: dict[str, str | None] | None = None,
    timeout_s: float = 60.0,
) -> Iterator[Server]:
    """Run `streamlit run app` on a free loopback port, POHINA_DB=db_path, for the block.

    The app is the demo (POHINA_AUTH=none) unless `env` says otherwise; a None in `env` leaves
    that variable out of the server's environment."""
    port = free_port()
    server_env = {
        **os.environ,
        "POHINA_DB": str(db_path),
        "POHINA_AUTH": "none",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        **(env or {}),
    }
    server_env = {name: value for name, value in server_env.items() if value is not None}
    command = [
        sys.executable, "-m", "streamlit", "run", app,
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="pohina-server-") as tmp:
        log_path = Path(tmp) / "streamlit.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=server_env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so teardown reaches children
            )
        server = Server(f"http://127.0.0.1:{port}", process, log_path)
        try:
            wait_healthy(server, "/_stcore/health", timeout_s)
            yield server
        except BaseException as error:
            stop(process)
            error.add_note(f"--- streamlit server log ({' '.join(command)}) ---\n{server.log()}")
            raise
        finally:
            stop(process)


@contextmanager
def chromium_page(
    *,
    artifacts: Path | None = None,
    locale: str = "fi-FI",
    timeout_ms: int = 30_000,
    viewport: tuple[int, int] = (1400, 1000),
) -> Iterator:
    """A Playwright page in headless Debian chromium; screenshot into `artifacts` on failure."""
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            width, height = viewport
            context = browser.new_context(
                locale=locale, viewport={"width": width, "height": height}
            )
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            try:
                yield page
            except BaseException as error:
                if artifacts is not None:
                    shot = Path(artifacts) / "failure.png"
                    try:
                        page.screenshot(path=str(shot), full_page=True)
                        error.add_note(f"screenshot of the page: {shot}")
                    except Exception as shot_error:  # the page may be gone
                        error.add_note(f"no screenshot: {shot_error}")
                raise
        finally:
            browser.close()


def wait_until_idle(page, timeout_ms: int = 30_000) -> None:
    """Wait until the app is connected and its script run has finished (state is `initial`
    before the first run, so this cannot pass before anything was drawn)."""
    page.locator(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
        '[data-test-script-state="notRunning"]'
    ).wait_for(state="attached", timeout=timeout_ms)


def normalise_spaces(text: str) -> str:
    """Finnish numbers group thousands with a (narrow) no-break space; compare as plain spaces."""
    for space in ("\u00a0", "\u202f", "\u2007"):
        text = text.replace(space, " ")
    return " ".join(text.split())


def metric_text(page, label: str, timeout_ms: int = 30_000) -> str:
    """The value an `st.metric` labelled `label` shows on screen, spaces normalised."""
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)
    )
    value = metric.first.locator('[data-testid="stMetricValue"]')
    value.wait_for(state="visible", timeout=timeout_ms)
    return normalise_spaces(value.inner_text())
