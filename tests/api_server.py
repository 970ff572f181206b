"""The production server for tests: `uvicorn server:app` on a free loopback port, and calls to
its API with urllib (what the command line uses too).

    with uvicorn_server(db_path=path) as server:
        status, body = call(server, "GET", "/api/v1/health")

The server always stops at the end of the block; when the block fails, the server's log is
attached to the error as a note.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from metrics import store, tokens
from tests.browser import free_port, stop, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
LOG_TAIL_CHARS = 6000


@dataclass
class ApiServer:
    base_url: str
    process: subprocess.Popen
    log_path: Path

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def log(self) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return text if len(text) <= LOG_TAIL_CHARS else "…" + text[-LOG_TAIL_CHARS:]


def make_tokens(db_path: Path, **scopes: str) -> dict[str, str]:
    """Tokens made in a closed database file before the server opens it: name → secret."""
    con = store.connect(db_path)
    try:
        return {name: tokens.create(con, name, scope) for name, scope in scopes.items()}
    finally:
        store.close(db_path)


def call(
    server: ApiServer,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes, dict[str, str]]:
    """(status, body, headers) of one request; an error status is an answer, not an exception."""
    request = urllib.request.Request(
        server.url(path), data=body, method=method, headers=dict(headers or {})
    )
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read(), dict(error.headers)


def call_json(server: ApiServer, method: str, path: str, **options) -> tuple[int, dict]:
    status, body, _ = call(server, method, path, **options)
    return status, json.loads(body)


@contextmanager
def uvicorn_server(
    *,
    db_path: Path,
    env: dict[str, str] | None = None,
    timeout_s: float = 90.0,
    base: str = "",
) -> Iterator[ApiServer]:
    """`uvicorn server:app` as README's systemd unit runs it, POHINA_DB=db_path, without a login
    (POHINA_AUTH=none: the API asks for its tokens whatever the pages' login mode). `base` is
    the path it serves under (STREAMLIT_SERVER_BASE_URL_PATH in `env`)."""
    port = free_port()
    server_env = {
        **os.environ,
        "POHINA_DB": str(db_path),
        "POHINA_AUTH": "none",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        **(env or {}),
    }
    for name in ("POHINA_URL", "POHINA_TOKEN"):
        server_env.pop(name, None)
    command = [
        sys.executable, "-m", "uvicorn", "server:app", "--host", "127.0.0.1", "--port", str(port),
        "--ws-per-message-deflate", "false",
    ]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="pohina-uvicorn-") as tmp:
        log_path = Path(tmp) / "uvicorn.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=server_env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = ApiServer(f"http://127.0.0.1:{port}", process, log_path)
        try:
            wait_healthy(server, f"{base}/api/v1/health", timeout_s)
            yield server
        except BaseException as error:
            stop(process)
            error.add_note(f"--- server log ({' '.join(command)}) ---\n{server.log()}")
            raise
        finally:
            stop(process)
