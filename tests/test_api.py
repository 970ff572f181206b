"""The server's API, called as the city's scheduled jobs call it: `uvicorn server:app` in a
subprocess holds the database, and the jobs reach it over HTTP (urllib) or through the command
line with POHINA_URL and POHINA_TOKEN set."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from metrics import store
from metrics.client import form_data
from tests.api_server import ROOT, ApiServer, call, call_json, make_tokens, uvicorn_server

pytestmark = pytest.mark.slow  # each test calls the server running in a process of its own
LIMIT_MB = 0.05  # the server's imports.max_file_mb here: 50 kB, so a test can pass it cheaply
BAD_UNITS = "unit_id,name,headcount\nNEW,Uusi,12\nBAD,Huono,-3\nWORSE,,x\n"


@dataclass
class Served:
    server: ApiServer
    db: Path
    twin: Path  # a closed copy of the server's database as it started: the local CLI reads it
    settings: Path
    tokens: dict[str, str]
    folder: Path


@pytest.fixture(scope="module")
def served(fixture_db_path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("api")
    db = folder / "server" / "pohina.duckdb"
    db.parent.mkdir()
    shutil.copy(fixture_db_path, db)
    secrets = make_tokens(db, loader="import", reader="read")
    twin = folder / "twin" / "pohina.duckdb"
    twin.parent.mkdir()
    shutil.copy(db, twin)
    settings = folder / "settings.toml"
    text = (ROOT / "data" / "settings.toml").read_text("utf-8")
    settings.write_text(re.sub(r"(?m)^max_file_mb = .*$", f"max_file_mb = {LIMIT_MB}", text))
    with uvicorn_server(db_path=db, env={"POHINA_SETTINGS": str(settings)}) as server:
        yield Served(server, db, twin, settings, secrets, folder)


def cli(served: Served, *args, token: str | None = None, db: Path | None = None, url=None):
    """python -m metrics, through the server when a token is given, else on `db` locally."""
    env = {**os.environ, "POHINA_SETTINGS": str(served.settings), "POHINA_DB": str(db or "")}
    env.pop("POHINA_URL", None)
    env.pop("POHINA_TOKEN", None)
    if token is not None:
        env |= {"POHINA_URL": url or served.server.base_url, "POHINA_TOKEN": token}
    return subprocess.run(
        [sys.executable, "-m", "metrics", *map(str, args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def upload(served: Served, kind: str, name: str, data: bytes, token: str, **fields):
    body, content_type = form_data(fields, name, data)
    return call_json(
        served.server,
        "POST",
        f"/api/v1/imports/{kind}",
        token=token,
        body=body,
        headers={"Content-Type": content_type},
    )


def test_health_needs_no_token_and_gives_no_data(served):
    status, body = call_json(served.server, "GET", "/api/v1/health")
    assert status == 200
    assert set(body) == {"status", "schema_version", "last_import_at"}
    assert body["status"] == "ok"
    assert body["schema_version"] == len(store.MIGRATIONS)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", body["last_import_at"])


ROUTES = [
    pytest.param("POST", "/api/v1/imports/units", id="import"),
    pytest.param("GET", "/api/v1/reports/overview?period=2026-Q3", id="report"),
    pytest.param("POST", "/api/v1/backups", id="backup"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("token", [None, "", "pohina_not-a-token"], ids=["none", "empty", "wrong"])
def test_every_call_without_a_valid_token_is_401(served, method, path, token):
    status, body, headers = call(served.server, method, path, token=token)
    assert status == 401
    assert headers["www-authenticate"].startswith("Bearer")
    assert b"metric" not in body and b"ideas" not in body


@pytest.mark.parametrize(
    ("method", "path", "token"),
    [
        pytest.param("POST", "/api/v1/imports/units", "reader", id="read-token-imports"),
        pytest.param("POST", "/api/v1/backups", "reader", id="read-token-backs-up"),
        pytest.param("GET", "/api/v1/reports/overview", "loader", id="import-token-reads"),
    ],
)
def test_a_token_of_the_other_scope_is_403(served, method, path, token):
    status, body = call_json(served.server, method, path, token=served.tokens[token])
    assert status == 403
    assert body["error"].startswith(f"the token '{token}' may")


def test_a_bad_file_is_refused_422_with_every_bad_row_as_the_command_line_says(served, tmp_path):
    before = cli(served, "report", "overview", "--period", "2026-Q3", db=served.twin).stdout
    status, body = upload(served, "units", "units.csv", BAD_UNITS.encode(), served.tokens["loader"])
    assert status == 422
    assert body["problems"] == 3
    assert [(e["row"], e["column"], e["value"]) for e in body["errors"]] == [
        (3, "headcount", "-3"),
        (4, "headcount", "x"),
        (4, "name", ""),
    ]
    # the same report the command line prints for the file on the same data
    bad = tmp_path / "units.csv"
    bad.write_text(BAD_UNITS)
    local = cli(served, "import", "units", bad, db=served.twin)
    assert local.returncode == 1
    assert body["report"] + "\n" == local.stderr
    # nothing changed: the server's figures are still the twin's
    status, after, _ = call(
        served.server,
        "GET",
        "/api/v1/reports/overview?period=2026-Q3&format=csv",
        token=served.tokens["reader"],
    )
    assert after.decode() == before


@pytest.mark.parametrize(
    ("kind", "fields", "says"),
    [
        pytest.param("staff", {}, "unknown kind 'staff'", id="unknown-kind"),
        pytest.param("units", {"preset": "nope"}, "no preset named 'nope'", id="unknown-preset"),
        pytest.param("units", {"colour": "red"}, "unknown field 'colour'", id="unknown-field"),
        pytest.param("units", {"replace_round": "maybe"}, "replace_round is", id="bad-flag"),
    ],
)
def test_wrong_usage_of_an_import_is_400(served, kind, fields, says):
    status, body = upload(served, kind, "u.csv", b"unit_id\nX\n", served.tokens["loader"], **fields)
    assert status == 400
    assert says in body["error"]


def test_an_import_without_a_file_is_400(served):
    status, body = call_json(
        served.server,
        "POST",
        "/api/v1/imports/units",
        token=served.tokens["loader"],
        body=b"round=R1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (status, body["error"]) == (400, "send the file as the multipart field `file`")


@pytest.mark.parametrize(
    ("path", "says"),
    [
        pytest.param("/api/v1/reports/nope", "no report named 'nope'", id="unknown-report"),
        pytest.param("/api/v1/reports/overview?period=soon", "not a period", id="bad-period"),
        pytest.param("/api/v1/reports/overview?format=xml", "csv or json", id="bad-format"),
        pytest.param("/api/v1/reports/overview?colour=red", "unknown parameter", id="bad-param"),
    ],
)
def test_wrong_usage_of_a_report_is_400(served, path, says):
    status, body = call_json(served.server, "GET", path, token=served.tokens["reader"])
    assert status == 400
    assert says in body["error"]


@pytest.mark.parametrize(
    "size",
    [
        pytest.param(int(LIMIT_MB * 1e6) + 1_000, id="file-over-the-limit"),
        pytest.param(int(LIMIT_MB * 1e6) * 3, id="body-far-over-the-limit"),
    ],
)
def test_a_body_over_the_import_limit_is_413(served, size):
    data = b"unit_id,name,headcount\n" + b"X" * size
    status, body = upload(served, "units", "big.csv", data, served.tokens["loader"])
    assert status == 413
    assert "Pöhinä loads files of up to 0.05 MB" in body["report"]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["overview", "--period", "2026-Q3"], id="overview"),
        pytest.param(["ideas_by_unit", "--period", "2026-Q3"], id="ideas_by_unit"),
        pytest.param(["ideas", "--period", "2026", "--unit", "S1"], id="ideas-of-a-unit"),
        pytest.param(["survey_scores", "--round", "R2"], id="survey_scores"),
        pytest.param(["survey_change", "--from", "R1", "--to", "R2"], id="survey_change"),
        pytest.param(["overview", "--period", "2026-10", "--unit", "U3"], id="suppressed"),
        pytest.param(["definitions", "--lang", "sv"], id="definitions"),
    ],
)
def test_a_report_through_the_api_is_the_command_lines_local_output_byte_for_byte(served, args):
    local = cli(served, "report", *args, db=served.twin)
    assert local.returncode == 0, local.stderr
    options = dict(zip(args[1::2], args[2::2], strict=True))
    names = {"--period": "period", "--unit": "unit", "--round": "round", "--from": "from"}
    names |= {"--to": "to", "--lang": "lang"}
    query = "&".join(f"{names[k]}={v}" for k, v in options.items())
    status, body, headers = call(
        served.server,
        "GET",
        f"/api/v1/reports/{args[0]}?{query}&format=csv",
        token=served.tokens["reader"],
    )
    assert status == 200
    assert headers["content-type"] == "text/csv; charset=utf-8"
    assert body == local.stdout.encode("utf-8")
    through = cli(served, "report", *args, token=served.tokens["reader"])
    assert (through.returncode, through.stdout) == (0, local.stdout)


def test_a_report_is_json_unless_csv_is_asked_for(served):
    local = cli(
        served, "report", "overview", "--period", "2026-Q3", "--format", "json", db=served.twin
    )
    status, body, headers = call(
        served.server,
        "GET",
        "/api/v1/reports/overview?period=2026-Q3",
        token=served.tokens["reader"],
    )
    assert (status, headers["content-type"]) == (200, "application/json")
    assert json.loads(body) == json.loads(local.stdout)


def test_a_good_file_loads_200_and_is_logged_with_the_tokens_name(served):
    data = b"org_id,name,group,home\nPEER2,Toinen naapuri,peer,false\n"
    status, body = upload(served, "organisations", "naapurit.csv", data, served.tokens["loader"])
    assert status == 200, body
    assert (body["rows"], body["added"], body["updated"]) == (1, 1, 0)
    assert body["summary"] == "naapurit.csv: organisations, 1 row(s) loaded (1 added, 0 updated)"
    assert "api POST /api/v1/imports/organisations by token 'loader': 200" in served.server.log()


def test_a_backup_through_the_api_lands_in_the_backups_folder(served):
    status, body = call_json(
        served.server, "POST", "/api/v1/backups", token=served.tokens["loader"]
    )
    assert status == 201
    taken = Path(body["path"])
    assert taken.parent == served.db.parent / "backups"
    assert (taken / "manifest.json").is_file()
    done = cli(served, "backup", token=served.tokens["loader"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"backup written to {served.db.parent / 'backups'}")


@pytest.mark.parametrize(
    ("args", "token", "exit_code", "says"),
    [
        pytest.param(["import", "units", "{bad}"], "loader", 1, "refused, nothing", id="refused"),
        pytest.param(["import", "units", "{big}"], "loader", 1, "up to 0.05 MB", id="too-large"),
        pytest.param(["import", "units", "{bad}"], "reader", 2, "may read", id="read-token"),
        pytest.param(["import", "units", "{bad}"], "pohina_x", 2, "not a valid", id="bad-token"),
        pytest.param(["import", "units", "{missing}"], "loader", 2, "No such file", id="no-file"),
        pytest.param(["report", "nope"], "reader", 2, "no report named", id="unknown-report"),
        pytest.param(["backup", "{folder}"], "loader", 2, "leave out DIR", id="backup-dir"),
        pytest.param(["backup"], "loader", 3, "no answer from", id="unreachable"),
    ],
)
def test_the_command_line_through_the_server_keeps_its_exit_codes(
    served, tmp_path, args, token, exit_code, says
):
    files = {"bad": tmp_path / "bad.csv", "big": tmp_path / "big.csv"}
    files["bad"].write_text(BAD_UNITS)
    files["big"].write_bytes(b"unit_id,name\n" + b"X" * int(LIMIT_MB * 3e6))
    files |= {"missing": tmp_path / "missing.csv", "folder": tmp_path / "backup"}
    url = "http://127.0.0.1:9" if says == "no answer from" else None  # the discard port
    secret = served.tokens.get(token, token)
    done = cli(served, *(a.format(**files) for a in args), token=secret, url=url)
    assert done.returncode == exit_code, done.stderr
    assert says in done.stderr


def test_without_url_and_token_a_held_database_exits_4_saying_how_to_set_them(served, tmp_path):
    good = tmp_path / "units.csv"
    good.write_text("unit_id,name,headcount\nU9,Uusi,4\n")
    done = cli(served, "import", "units", good, db=served.db)
    assert done.returncode == 4
    assert "in use by another process" in done.stderr
    assert "POHINA_URL" in done.stderr and "POHINA_TOKEN" in done.stderr


def test_only_one_of_url_and_token_is_wrong_usage(served, tmp_path):
    env = {**os.environ, "POHINA_URL": served.server.base_url, "POHINA_DB": str(served.twin)}
    env.pop("POHINA_TOKEN", None)
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "backup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "POHINA_TOKEN is not set" in done.stderr


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unknown_api_address_is_a_json_404_not_the_apps_page(served, method):
    status, body = call_json(served.server, method, "/api/v1/nothing/here")
    assert (status, body["error"]) == (404, "no such API address: /api/v1/nothing/here")


def test_the_server_takes_streamlits_options_from_streamlit_variables(tmp_path):
    """uvicorn has no command line for Streamlit to read its STREAMLIT_* variables from (the
    README's systemd unit sets one): server.py applies them itself."""
    db = tmp_path / "pohina.duckdb"
    store.connect(db)
    store.close(db)
    env = {"STREAMLIT_SERVER_BASE_URL_PATH": "pohina"}
    with uvicorn_server(db_path=db, env=env, base="/pohina") as server:
        assert call_json(server, "GET", "/pohina/api/v1/health")[0] == 200
        assert call(server, "GET", "/pohina/")[0] == 200
        assert call(server, "GET", "/api/v1/health")[0] == 404
