"""The command line, run as a scheduled job would run it: a separate process."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.snapshots import snapshot

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # each test starts the command line in a process of its own


def run(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "POHINA_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def db_snapshot(db: Path) -> dict[str, list[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return snapshot(con)
    finally:
        con.close()


@pytest.fixture
def db(fixture_db_path, tmp_path) -> Path:
    path = tmp_path / "pohina.duckdb"
    shutil.copy(fixture_db_path, path)
    return path


def test_report_overview_prints_the_contract_columns(db):
    done = run(db, "report", "overview", "--period", "2026-Q3")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert list(rows[0]) == ["metric", "value", "previous", "change"]
    by_metric = {r["metric"]: r for r in rows}
    assert by_metric["median_days_to_decision"] == {
        "metric": "median_days_to_decision",
        "value": "15.0",
        "previous": "30.0",
        "change": "-15.0",
    }
    assert by_metric["participation_rate"]["value"] == "0.05"


def test_report_hides_a_small_units_survey_figures(db):
    done = run(db, "report", "overview", "--period", "2026-10", "--unit", "U3", "--format", "json")
    rows = {r["metric"]: r for r in json.loads(done.stdout)}
    assert rows["satisfaction_favourable_pct"]["value"] is None
    assert rows["satisfaction_favourable_pct"]["change"] is None


def test_report_list_names_every_report(db):
    from metrics.registry import REPORTS

    done = run(db, "report", "--list")
    assert done.returncode == 0
    for name in REPORTS:
        assert f"\n{name} " in "\n" + done.stdout


def test_import_of_a_bad_file_exits_1_with_the_report_and_changes_nothing(db, tmp_path):
    bad = tmp_path / "units.csv"
    bad.write_text("unit_id,name,headcount\nNEW,Uusi,12\nBAD,Huono,-3\nWORSE,,x\n")
    before = db_snapshot(db)
    done = run(db, "import", "units", str(bad))
    assert done.returncode == 1
    assert "row 3, column headcount, value '-3': below 0" in done.stderr
    assert "row 4, column headcount, value 'x': not a whole number" in done.stderr
    assert "row 4, column name" in done.stderr
    after = run(db, "report", "overview", "--period", "2026-Q3")
    assert "ideas_per_100_staff,23.8043" in after.stdout  # still 100 staff: NEW was not loaded
    assert db_snapshot(db) == before
    # The refusal is journalled beside the database (3 rows rejected; -3, x and the empty name
    # are 3 problems).
    (entry,) = [json.loads(line) for line in db.with_name(db.name + ".refused.jsonl").open()]
    logged = [entry[k] for k in ("file_name", "refused", "rows_rejected", "problems")]
    assert logged == ["units.csv", True, 3, 3]
    assert entry["imported_by"].startswith("command line")


def test_import_of_a_good_file_exits_0_and_says_what_it_loaded(db, tmp_path):
    good = tmp_path / "units.csv"
    good.write_text("unit_id;name;headcount;parent_id\nU5;Uusi yksikkö;100;S2\n")
    done = run(db, "import", "units", str(good))
    assert done.returncode == 0, done.stderr
    assert "1 row(s) loaded (1 added, 0 updated)" in done.stdout
    after = run(db, "report", "overview", "--period", "2026-Q3")
    assert "ideas_per_100_staff,11.9022" in after.stdout  # 6 × 365 / 92 × 100 / 200


def test_unknown_period_is_a_usage_error(db):
    done = run(db, "report", "overview", "--period", "last week")
    assert done.returncode == 2
    assert "not a period" in done.stderr


def test_restore_undoes_an_import_made_after_the_backup(db, tmp_path):
    assert run(db, "backup", str(tmp_path / "backup")).returncode == 0
    good = tmp_path / "units.csv"
    good.write_text("unit_id,name,headcount\nU5,Uusi yksikkö,100\n")
    assert run(db, "import", "units", str(good)).returncode == 0
    done = run(db, "restore", str(tmp_path / "backup"))
    assert done.returncode == 0, done.stderr
    after = run(db, "report", "overview", "--period", "2026-Q3")
    assert "ideas_per_100_staff,23.8043" in after.stdout


@pytest.mark.parametrize(
    ("what", "args", "exit_code", "says"),
    [
        pytest.param("loaded", ["units", "{good}"], 0, "1 row(s) loaded", id="success"),
        pytest.param("refused", ["units", "{bad}"], 1, "refused, nothing was written", id="bad"),
        pytest.param("no file", ["units", "{missing}"], 2, "No such file", id="missing-file"),
        pytest.param(
            "no preset",
            ["units", "{good}", "--preset", "nope"],
            2,
            "no preset named 'nope'",
            id="unknown-preset",
        ),  # fmt: skip
        pytest.param("no kind", ["staff", "{good}"], 2, "invalid choice", id="unknown-kind"),
        pytest.param("broken db", ["units", "{good}"], 3, "not a valid DuckDB", id="internal"),
    ],
)
def test_import_exit_code_tells_a_scheduled_job_what_happened(
    db, tmp_path, what, args, exit_code, says
):
    """The exit codes README.md documents for cron: 0 loaded, 1 refused, 2 usage, 3 internal."""
    files = {
        "good": tmp_path / "good.csv",
        "bad": tmp_path / "bad.csv",
        "missing": tmp_path / "missing.csv",
    }
    files["good"].write_text("unit_id,name,headcount\nU9,Uusi,4\n")
    files["bad"].write_text("unit_id,name,headcount\nU9,Uusi,neljä\n")
    if what == "broken db":
        db.write_bytes(b"this is not a database")
    done = run(db, "import", *(a.format(**files) for a in args))
    assert done.returncode == exit_code, done.stderr
    assert says in done.stdout + done.stderr


def test_import_while_the_server_holds_the_database_exits_4_and_says_why(db, tmp_path):
    """DuckDB lets one process use the file: a cron load during opening hours must say so."""
    good = tmp_path / "units.csv"
    good.write_text("unit_id,name,headcount\nU9,Uusi,4\n")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
            "print('open', flush=True); time.sleep(60)",
        ],  # fmt: skip
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        done = run(db, "import", "units", str(good))
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 4, done.stderr
    assert "in use by another process" in done.stderr
