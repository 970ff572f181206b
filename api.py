"""Pöhinä's API for the city's scheduled jobs, served by server.py beside the pages.

DuckDB lets one process hold the database file; in production that is the server, so jobs load
files, read reports and take backups through it. Every route is thin: it checks the caller's
token, then calls the same function the command line calls (metrics.imports.import_file,
metrics.cli.report_text over metrics.registry, metrics.backups.take) on the process's one
connection (metrics.store.connect, which the pages share), in a worker thread.

    GET  /api/v1/health                 no token; the database opens, schema version, last import
    POST /api/v1/imports/{kind}         scope import; multipart `file`, optional preset, round,
                                        sheet, replace_round; 200 loaded, 422 refused (every bad
                                        row), 400 wrong usage, 413 too large
    GET  /api/v1/reports/{name}         scope read; period, unit, round, from, to, lang and
                                        format (csv or json; json by default)
    POST /api/v1/backups                scope import; a backup into the backups folder

Every call but the health check needs `Authorization: Bearer <token>` (metrics/tokens.py) of the
route's scope, whatever the pages' login mode: 401 without a valid token, 403 with the other
scope. A body may be as large as an import file (imports.max_file_mb) and a little framing. Every
call is logged with the token's name on the `pohina.api` logger.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from metrics import backups, cli, health, settings, store, tokens
from metrics.import_reasons import Reason
from metrics.imports import ImportRejected, import_file
from metrics.validation import RowError

LOG = logging.getLogger("pohina.api")
if not logging.getLogger("pohina").handlers:  # as ui/nav.py: our lines beside Streamlit's
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("pohina").addHandler(_handler)
LOG.setLevel(logging.INFO)

VERSION_PATH = "/api/v1"
FRAMING_BYTES = 64 * 1024  # a multipart body is the file and its field names and boundaries
IMPORT_FIELDS = {"file", "preset", "round", "sheet", "replace_round"}
REPORT_PARAMETERS = ("period", "unit", "round", "from", "to", "lang", "format")
DRAIN_FACTOR = 4  # a body over the limit is read (and dropped) up to this many limits, so the
# client hears the 413 instead of a connection closed under it
ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class _TooLarge(Exception):
    def __init__(self, size: int):
        self.size = size


def routes(base_path: str | None = "") -> list[Route]:
    """The API's routes under the app's base path (server.baseUrlPath: `pohina` serves them
    under /pohina/api/v1/)."""
    base = "/" + base_path.strip("/") if base_path and base_path.strip("/") else ""
    prefix = base + VERSION_PATH
    return [
        Route(f"{prefix}/health", _health, methods=["GET"]),
        Route(f"{prefix}/imports/{{kind}}", _with_token("import", _import), methods=["POST"]),
        Route(f"{prefix}/reports/{{name}}", _with_token("read", _report), methods=["GET"]),
        Route(f"{prefix}/backups", _with_token("import", _backup), methods=["POST"]),
        # anything else under the API is a JSON 404, not the app's page
        Route(f"{prefix}/{{rest:path}}", _not_found, methods=ANY_METHOD),
        Route(prefix, _not_found, methods=ANY_METHOD),
    ]


@asynccontextmanager
async def lifespan(app):
    """The server opens the database as it starts, so that it holds the file from the first
    moment (a second server, or a load without the API, then fails at once and says why)."""
    con = await run_in_threadpool(store.connect)
    status = await run_in_threadpool(health.health, con)
    LOG.info("database %s open, schema version %s", store.db_path(), status["schema_version"])
    yield {}


def _limit_bytes() -> int:
    return int(settings.load().max_file_mb * 1e6)


def _reply(code: int, error: str | None = None, **more) -> JSONResponse:
    body = ({"error": error} if error is not None else {}) | more
    headers = {"WWW-Authenticate": 'Bearer realm="pohina"'} if code == 401 else None
    return JSONResponse(body, status_code=code, headers=headers)


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def _with_token(scope: str, handler):
    """The route behind its token check, the body limit and the log line."""

    async def endpoint(request: Request) -> Response:
        where = f"{request.method} {request.url.path}"
        token = await run_in_threadpool(tokens.verify, store.connect(), _bearer(request))
        if token is None:
            LOG.warning("api %s: no valid token (401)", where)
            return _reply(401, "a valid bearer token is needed (Authorization: Bearer …)")
        if token.scope != scope:
            LOG.warning("api %s by token %r of scope %s (403)", where, token.name, token.scope)
            return _reply(403, f"the token {token.name!r} may {token.scope}, not {scope}")
        limit = _limit_bytes()
        limited = Request(request.scope, _limited(request.receive, limit + FRAMING_BYTES))
        try:
            declared = int(request.headers.get("content-length") or 0)
            if declared > limit + FRAMING_BYTES:
                raise _TooLarge(declared)
            response = await handler(limited, token, limit)
        except _TooLarge as too_large:
            await _drain(request, limit * DRAIN_FACTOR)
            response = _too_large(too_large.size, limit)
        except (ValueError, FileNotFoundError) as error:
            response = _reply(400, str(error))
        except (MultiPartException, HTTPException) as error:
            response = _reply(400, f"not a multipart form: {getattr(error, 'detail', error)}")
        except Exception:
            reference = secrets.token_hex(4)
            LOG.exception("api %s by token %r failed [%s]", where, token.name, reference)
            response = _reply(500, "internal error", reference=reference)
        LOG.info("api %s by token %r: %d", where, token.name, response.status_code)
        return response

    return endpoint


def _limited(receive, most: int):
    """`receive`, raising _TooLarge once the body passes `most` bytes (a body sent in chunks
    declares no length)."""
    seen = 0

    async def wrapped():
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > most:
            raise _TooLarge(seen)
        return message

    return wrapped


async def _drain(request: Request, most: int) -> None:
    read = 0
    try:
        async for chunk in request.stream():
            read += len(chunk)
            if read > most:
                return
    except Exception:  # the stream was partly read already or the client went away
        return


def _too_large(size: int, limit: int) -> JSONResponse:
    reason = Reason("request_too_large", mb=f"{size / 1e6:.1f}", limit=limit / 1e6)
    refused = ImportRejected("upload", [RowError(0, "", "", reason)])
    return _reply(413, reason, report=refused.report())


async def _health(request: Request) -> Response:
    """No token and no data: whether the database opens, its schema version, the last load."""
    try:
        status = await run_in_threadpool(health.health, store.connect())
    except Exception:
        reference = secrets.token_hex(4)
        LOG.exception("api health: the database does not open [%s]", reference)
        return _reply(503, "the database does not open", status="unavailable", reference=reference)
    return _reply(
        200,
        status="ok",
        schema_version=status["schema_version"],
        last_import_at=health.iso(status["last_import_at"]),
    )


async def _not_found(request: Request) -> Response:
    return _reply(404, f"no such API address: {request.url.path}")


def _safe_name(name: str | None) -> str:
    """The uploaded file's own name, without any folder (a browser on Windows may send one)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base if base not in ("", ".", "..") else "upload"


async def _import(request: Request, token: tokens.Token, limit: int) -> Response:
    form = await request.form(max_files=1, max_fields=len(IMPORT_FIELDS))
    try:
        if unknown := sorted(set(form.keys()) - IMPORT_FIELDS):
            raise ValueError(
                f"unknown field {unknown[0]!r}; the fields are file, preset, round,"
                " sheet and replace_round"
            )
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ValueError("send the file as the multipart field `file`")
        data = await upload.read()
        options = {name: _text(form, name) for name in ("preset", "round", "sheet")}
        replace = (_text(form, "replace_round") or "false").lower()
        if replace not in ("true", "false"):
            raise ValueError(f"replace_round is true or false, not {replace!r}")
        name = _safe_name(upload.filename)
    finally:
        await form.close()
    kind = request.path_params["kind"]
    try:
        result = await run_in_threadpool(
            _load, kind, name, data, options, replace == "true", f"API ({token.name})"
        )
    except ImportRejected as refused:
        status = 413 if len(data) > limit else 422
        return _reply(
            status,
            "refused",
            file_name=refused.file_name,
            problems=len(refused.errors) + refused.unlisted,
            errors=[
                {"row": e.row, "column": e.column, "value": e.value, "reason": e.reason}
                for e in refused.errors
            ],
            unlisted=refused.unlisted,
            report=refused.report(),
        )
    return _reply(
        200,
        kind=result.kind,
        file_name=result.file_name,
        rows=result.rows,
        added=result.added,
        updated=result.updated,
        warnings=result.warnings,
        also=[
            {"kind": k, "rows": rows, "added": added, "updated": updated}
            for k, rows, added, updated in result.also
        ],
        summary=result.summary(),
    )


def _text(form, name: str) -> str | None:
    value = form.get(name)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name} is a text field, not a file")
    return value.strip() or None if value is not None else None


def _load(kind, name, data, options, replace_round, imported_by):
    """The command line's import of the uploaded file: saved under its own name in a private
    folder, so the import log and the refusal journal name it as the job's file."""
    with tempfile.TemporaryDirectory(prefix="pohina-api-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return import_file(
            store.connect(),
            kind,
            path,
            round_id=options["round"],
            sheet=options["sheet"],
            preset=options["preset"],
            imported_by=imported_by,
            replace_round=replace_round,
        )


async def _report(request: Request, token: tokens.Token, limit: int) -> Response:
    query = request.query_params
    if unknown := sorted(set(query.keys()) - set(REPORT_PARAMETERS)):
        raise ValueError(
            f"unknown parameter {unknown[0]!r}; the parameters are {', '.join(REPORT_PARAMETERS)}"
        )
    fmt = query.get("format") or "json"
    text = await run_in_threadpool(
        cli.report_text,
        store.connect(),
        request.path_params["name"],
        fmt=fmt,
        period=query.get("period") or None,
        unit=query.get("unit") or None,
        round_id=query.get("round") or None,
        from_round=query.get("from") or None,
        to_round=query.get("to") or None,
        lang=query.get("lang") or "fi",
    )
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return Response(text, media_type=media)


async def _backup(request: Request, token: tokens.Token, limit: int) -> Response:
    written = await run_in_threadpool(backups.take, store.connect(), backups.backup_root())
    return _reply(201, backup=written.name, path=str(written))
