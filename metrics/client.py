"""The command line through the running server: its API, called with urllib.

DuckDB lets one process hold the database file, and in production that is the server. With
POHINA_URL (the server's address, with its base path: http://127.0.0.1:8501/pohina) and
POHINA_TOKEN (a bearer token, metrics/tokens.py) set, `import`, `report` and `backup` ask the
server to do the work, which calls the same functions the command line calls locally, and
print what they would have printed. An answer the server refuses becomes ServerSaid, which
says which of the command line's outcomes it is (refused, usage, internal) and why.
"""

from __future__ import annotations

import json
import os
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

URL_VARIABLE, TOKEN_VARIABLE = "POHINA_URL", "POHINA_TOKEN"
API = "/api/v1"
TIMEOUT_S = 600  # a large survey file takes seconds; a hung server should not hang cron forever
HOW_TO_SET = (
    f"set {URL_VARIABLE} to the server's address with its base path (for example"
    f" http://127.0.0.1:8501/pohina) and {TOKEN_VARIABLE} to a token made with `python -m metrics"
    " token create --name NAME --scope import` (`--scope read` to read reports) or on the Data page"
)


class ServerSaid(Exception):
    """The server did not do it. `outcome` is refused (the file: nothing was written), usage
    (a wrong option, name or token) or internal; str() is the text for standard error."""

    def __init__(self, outcome: str, text: str):
        super().__init__(text)
        self.outcome = outcome


@dataclass(frozen=True)
class Remote:
    url: str
    token: str


def configured() -> Remote | None:
    """The server to go through, or None for the local database. Raises ValueError when only
    one of the two variables is set."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not url and not token:
        return None
    if not (url and token):
        missing = TOKEN_VARIABLE if url else URL_VARIABLE
        raise ValueError(f"{missing} is not set; to go through the server, {HOW_TO_SET}")
    return Remote(url.rstrip("/"), token)


def import_file(
    remote: Remote,
    kind: str,
    path: Path,
    *,
    round_id: str | None = None,
    sheet: str | None = None,
    preset: str | None = None,
    replace_round: bool = False,
) -> str:
    """POST the file to /imports/{kind}; the summary the command line prints."""
    fields = {"round": round_id, "sheet": sheet, "preset": preset}
    if replace_round:
        fields["replace_round"] = "true"
    body, content_type = form_data(fields, path.name, Path(path).read_bytes())
    answer = _call(
        remote,
        "POST",
        f"/imports/{urllib.parse.quote(kind)}",
        body=body,
        headers={"Content-Type": content_type},
    )
    return answer["summary"]


def report(remote: Remote, name: str, options: dict[str, str | None]) -> str:
    """GET /reports/{name} in the format asked for: the text the command line prints."""
    query = urllib.parse.urlencode({k: v for k, v in options.items() if v is not None})
    return _call(remote, "GET", f"/reports/{urllib.parse.quote(name)}?{query}", raw=True)


def backup(remote: Remote) -> str:
    """POST /backups: the path on the server of the backup taken."""
    return _call(remote, "POST", "/backups")["path"]


def form_data(fields: dict[str, str | None], file_name: str, data: bytes) -> tuple[bytes, str]:
    boundary = "pohina-" + secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        if value is not None:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
    # as browsers send it: the name in UTF-8, a quote mark escaped, no line breaks
    quoted = file_name.replace('"', "%22").replace("\r", "").replace("\n", "")
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _call(
    remote: Remote,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    raw: bool = False,
):
    request = urllib.request.Request(
        remote.url + API + path,
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {remote.token}", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
            text = answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        with error:
            raise _refusal(error.code, error.read().decode("utf-8", "replace")) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ServerSaid(
            "internal",
            f"error: no answer from the Pöhinä server at {remote.url} ({URL_VARIABLE}): {reason}",
        ) from None
    return text if raw else json.loads(text)


def _refusal(status: int, text: str) -> ServerSaid:
    """What the command line says about an answer other than 200."""
    try:
        said = json.loads(text)
    except ValueError:
        said = {}
    said = said if isinstance(said, dict) else {}
    error = said.get("error") or text.strip()[:500] or f"HTTP {status}"
    if status in (413, 422) and said.get("report"):
        return ServerSaid("refused", said["report"])
    if status == 413:  # a proxy's own answer (nginx: client_max_body_size)
        return ServerSaid(
            "refused", "refused, nothing was written: the file is larger than the server accepts"
        )
    if status == 401:
        return ServerSaid("usage", f"error: {error}; {TOKEN_VARIABLE} is not a valid token")
    if status == 403:
        return ServerSaid("usage", f"error: {error}")
    if status in (400, 404, 405):
        return ServerSaid("usage", f"error: {error}")
    reference = f" (reference {said['reference']})" if said.get("reference") else ""
    return ServerSaid("internal", f"error: the server answered {status}: {error}{reference}")
