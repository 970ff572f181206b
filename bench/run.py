"""Measure Pöhinä against the budgets in docs/design.md; `make bench` runs this.

1. Builds the demo databases bench/imatra.duckdb and bench/city.duckdb through the importer,
   timing each file (an existing database is reused unless --rebuild).
2. Times the import of a 100,000-respondent survey_responses file into a copy of the city
   database, and measures the peak memory (RSS high-water mark) of a process importing a
   25 MB survey_responses file.
3. Times every page in pages/ with streamlit's AppTest: the first load in a new session and
   the warm rerun (median of 5), at both scales. Each page runs in a fresh process so that no
   page's first load is warmed by another's.
4. Measures the server's memory with 20 sessions open on the overview at city scale.

Prints one Markdown table and writes it to bench/out/results.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/run.py` from anywhere
    sys.path.insert(0, str(ROOT))

BENCH = ROOT / "bench"
OUT = BENCH / "out"
SCALES = ("imatra", "city")
SEED = 1
AS_OF = date(2026, 11, 27)
RESPONDENTS = 100_000
WARM_RUNS = 5
SESSIONS = 20
WORKER_TIMEOUT_S = 900

# docs/design.md, "Budgets".
PAGE_WARM_S = 0.3
PAGE_FIRST_S = 2.0
IMPORT_100K_S = 10.0
MEMORY_20_SESSIONS_MB = 1024.0
IMPORT_25MB_PEAK_MB = 1024.0  # a file as large as imports.max_file_mb allows, imported
SIMILAR_CHECK_S = 0.3  # the idea form's similar-ideas check (issue 17), over every idea
# Titles as a sender might type them, reworded from the demo's own (metrics.similar_ideas).
SIMILAR_TYPED = (
    "Tekstiviesti sijaisten kutsumiseen",
    "Kokouksille 45 minuutin pituus",
    "Yhteinen kalenteri lomista ja poissaoloista",
    "Sähköinen ajanvaraus asiakkaille koko yksikössä nopeasti ja helposti",
    "Parkkipaikkojen lumityöt aikaisemmin aamulla",
)

# The 25 MB file: this many survey items, as many respondents as fit just under 25 MB.
MEMORY_FILE_MB = 24.9
MEMORY_ITEMS = 118
MEMORY_UNITS = 40


@dataclass
class Row:
    what: str
    scale: str
    measured: float | None
    unit: str
    budget: float | None = None
    note: str = ""

    def cells(self) -> list[str]:
        digits = {"MB": 0, "s": 2}.get(self.unit, 1)
        measured = "error" if self.measured is None else f"{self.measured:.{digits}f} {self.unit}"
        budget = "–" if self.budget is None else f"≤ {self.budget:g} {self.unit}"
        if self.measured is None:
            verdict = "error"
        elif self.budget is None:
            verdict = "–"
        else:
            verdict = "ok" if self.measured <= self.budget else "over"
        what = f"{self.what} ({self.note})" if self.note else self.what
        return [what, self.scale, measured, budget, verdict]


def db_file(scale: str) -> Path:
    return BENCH / f"{scale}.duckdb"


def _remove_db(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


# ------------------------------------------------------------------- 1. demo databases


def build(scale: str) -> list[Row]:
    """Build one scale's demo database as metrics.demo.build_demo does, timing each kind.

    Builds into a temporary file first, so an interrupted build never leaves a half database
    that a later run would reuse.
    """
    from metrics import demo, imports, store

    target = db_file(scale)
    partial = OUT / f"{scale}.partial.duckdb"  # bench/out/ is git-ignored
    _remove_db(partial)
    out_dir = OUT / scale
    con = store.connect(partial)
    rows = []
    try:
        started = time.perf_counter()
        files = demo.write_demo_files(out_dir, scale=scale, seed=SEED, as_of=AS_OF)
        rows.append(Row("write demo files", scale, time.perf_counter() - started, "s"))
        per_kind: dict[str, list] = {}  # kind -> [seconds, rows, files], in import order
        for file in files:
            started = time.perf_counter()
            result = imports.import_file(
                con, file.kind, file.path, round_id=file.round_id, today=AS_OF
            )
            totals = per_kind.setdefault(file.kind, [0.0, 0, 0])
            totals[0] += time.perf_counter() - started
            totals[1] += result.rows
            totals[2] += 1
        for kind, (seconds, count, file_count) in per_kind.items():
            files_note = f" in {file_count} files" if file_count > 1 else ""
            rows.append(
                Row(f"import {kind}", scale, seconds, "s", note=f"{count:,} rows{files_note}")
            )
    except BaseException:
        store.close(partial)
        _remove_db(partial)
        raise
    store.close(partial)
    _remove_db(target)
    partial.rename(target)
    return rows


# ------------------------------------------------------------------- 2. a large survey file


def write_responses(con, path: Path, round_id: str) -> int:
    """A survey_responses file of RESPONDENTS rows over the city's units and survey items."""
    import numpy as np
    import pandas as pd

    from metrics import store

    home_units = (
        "SELECT unit_id FROM units JOIN organisations USING (org_id) WHERE home ORDER BY unit_id"
    )
    units = store.read(con, home_units)["unit_id"].to_numpy()
    # The items the demo loaded from its survey_items file.
    items = store.read(con, "SELECT item_id, scale_max FROM survey_items ORDER BY item_id")
    rng = np.random.default_rng(SEED)
    frame = pd.DataFrame(
        {
            "round_id": round_id,
            "unit_id": rng.choice(units, RESPONDENTS),
            "respondent": [f"bench{i:06d}" for i in range(RESPONDENTS)],
        }
    )
    for item_id, scale_max in items.itertuples(index=False):
        answers = rng.integers(1, int(scale_max) + 1, RESPONDENTS).astype(str)
        answers[rng.random(RESPONDENTS) < 0.05] = ""  # about one answer in 20 left empty
        frame[item_id] = answers
    frame.to_csv(path, index=False)
    return len(items)


def import_100k() -> Row:
    """Time loading a new 100,000-respondent round into a copy of the city database."""
    from metrics import imports, store

    copy = OUT / "city-import.duckdb"
    _remove_db(copy)
    shutil.copyfile(db_file("city"), copy)
    con = store.connect(copy)
    try:
        round_id = "bench-100k"
        rounds = OUT / "bench_round.csv"
        rounds.write_text(
            f"round_id,name,closed_on\n{round_id},Benchmark round,{AS_OF.isoformat()}\n",
            encoding="utf-8",
        )
        imports.import_file(con, "survey_rounds", rounds, today=AS_OF)
        responses = OUT / "survey_responses_100k.csv"
        item_count = write_responses(con, responses, round_id)
        started = time.perf_counter()
        result = imports.import_file(con, "survey_responses", responses, today=AS_OF)
        elapsed = time.perf_counter() - started
        size_mb = responses.stat().st_size / 1e6
        note = f"{result.rows:,} rows × {item_count} items, {size_mb:.0f} MB CSV"
        what = "import survey_responses, 100,000 respondents"
        return Row(what, "city", elapsed, "s", IMPORT_100K_S, note)
    finally:
        store.close(copy)
        _remove_db(copy)


def write_memory_files(directory: Path) -> tuple[Path, Path, int]:
    """A fresh database with MEMORY_UNITS units, MEMORY_ITEMS survey items and one round, and
    a survey_responses CSV of just under MEMORY_FILE_MB megabytes over them: (db, csv, rows)."""
    import numpy as np
    import pandas as pd

    from metrics import imports, store

    db = directory / "import-memory.duckdb"
    _remove_db(db)
    units = [f"M{i:02d}" for i in range(MEMORY_UNITS)]
    items = [f"Q{i:03d}" for i in range(1, MEMORY_ITEMS + 1)]
    setup = {
        "units": "unit_id,name,headcount\n" + "".join(f"{u},Yksikkö {u},500\n" for u in units),
        "survey_items": "item_id,text_fi,indicator\n"
        + "".join(f"{i},Kysymys {i},satisfaction\n" for i in items),
        "survey_rounds": f"round_id,name,closed_on\nMEM,Muistikierros,{AS_OF.isoformat()}\n",
    }
    con = store.connect(db)
    try:
        for kind, text in setup.items():
            path = directory / f"memory_{kind}.csv"
            path.write_text(text, encoding="utf-8")
            imports.import_file(con, kind, path, today=AS_OF)
    finally:
        store.close(db)
    rng = np.random.default_rng(SEED)

    def responses(count: int) -> pd.DataFrame:
        answers = rng.integers(1, 6, (count, len(items))).astype(str)
        answers[rng.random((count, len(items))) < 0.05] = ""  # one answer in 20 left empty
        frame = pd.DataFrame(answers, columns=items)
        frame.insert(0, "respondent", [f"mem{i:07d}" for i in range(count)])
        frame.insert(0, "unit_id", rng.choice(units, count))
        frame.insert(0, "round_id", "MEM")
        return frame

    sample = responses(1000).to_csv(index=False).encode()
    header = sample.index(b"\n") + 1
    count = int((MEMORY_FILE_MB * 1e6 - header) / ((len(sample) - header) / 1000) * 0.995)
    path = directory / "survey_responses_25mb.csv"
    path.write_bytes(sample[:header])
    for start in range(0, count, 10_000):  # in parts: the bench's own memory stays small
        part = responses(min(10_000, count - start))
        part["respondent"] = [f"mem{i:07d}" for i in range(start, start + len(part))]
        part.to_csv(path, mode="a", header=False, index=False)
    return db, path, count


def _high_water_mb() -> float:
    """This process's peak resident memory so far (VmHWM). Not ru_maxrss: Linux carries that
    over from the parent process through fork and exec, so a child would report the bench's."""
    status = Path("/proc/self/status").read_text()
    return (
        next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
        / 1024
    )


def worker_import(db: str, path: str) -> dict:
    """In a fresh process: import a survey_responses file; the process's peak memory."""
    from metrics import imports, store

    con = store.connect(db)
    before_mb = _high_water_mb()
    started = time.perf_counter()
    result = imports.import_file(con, "survey_responses", Path(path), today=AS_OF)
    elapsed = time.perf_counter() - started
    peak_mb = _high_water_mb()
    store.close(db)
    return {"peak_mb": peak_mb, "before_mb": before_mb, "seconds": elapsed, "rows": result.rows}


def import_memory() -> Row:
    """Peak memory of a fresh process importing a 25 MB survey_responses file: its resident
    memory's high-water mark (VmHWM), the Python interpreter and the libraries included."""
    db, path, _ = write_memory_files(OUT)
    try:
        answer = run_worker("city", "import", str(db), str(path))
    finally:
        _remove_db(db)
    what = "import survey_responses, 25 MB file: peak memory"
    if "error" in answer:
        print(f"  import memory: {answer['error']}", file=sys.stderr)
        return Row(what, "–", None, "MB", IMPORT_25MB_PEAK_MB, answer["error"][-120:])
    note = (
        f"{answer['rows']:,} rows × {MEMORY_ITEMS} items, {path.stat().st_size / 1e6:.1f} MB "
        f"CSV, {answer['seconds']:.1f} s; {answer['before_mb']:.0f} MB before the import"
    )
    return Row(what, "–", answer["peak_mb"], "MB", IMPORT_25MB_PEAK_MB, note)


# ------------------------------------------------------------------- 3. and 4. the app


def pages() -> list[str]:
    return sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "pages").glob("*.py")
        if not p.name.startswith("_")
    )


class _PageErrors(logging.Handler):
    """The errors a page logged: ui/nav.py guarded() shows them as a friendly message, which
    AppTest's `exception` does not see, and logs the traceback on the "pohina" logger."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []
        logging.getLogger("pohina").addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(self.format(record))


_page_errors: _PageErrors | None = None


def _app_test():
    from streamlit.testing.v1 import AppTest

    global _page_errors
    if _page_errors is None:  # before the first page runs
        _page_errors = _PageErrors()
    # from_file resolves a relative path against the calling file, so give it an absolute one.
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def _raise_on_exception(at, what: str) -> None:
    if at.exception:
        raise RuntimeError(f"{what} raised: {at.exception[0].message}")
    if _page_errors is not None and _page_errors.messages:
        raise RuntimeError(f"{what} failed: {_page_errors.messages[-1][-300:]}")


def _import_app_modules() -> None:
    """Import what the app imports, as a server that has served anyone already has."""
    import importlib

    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401

    for package in ("metrics", "ui"):
        for module in sorted((ROOT / package).glob("*.py")):
            if module.stem not in ("__init__", "__main__"):
                importlib.import_module(f"{package}.{module.stem}")


def worker_page(page: str) -> dict:
    """In a fresh process (the app's modules imported, as on a server that has served anyone,
    but no cached data): a new session opens `page` by its link; then the page reruns warm."""
    _import_app_modules()
    at = _app_test()
    if page == "pages/unit.py":  # a unit head's link: the first sector, with its units below
        at.query_params["unit"] = _first_sector()
    at.switch_page(page)  # before the first run: the session opens this page directly
    started = time.perf_counter()
    at.run()
    done = time.perf_counter()
    _raise_on_exception(at, page)
    warm = []
    for _ in range(WARM_RUNS):
        started_warm = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - started_warm)
        _raise_on_exception(at, page)
    return {"first_s": done - started, "warm_s": statistics.median(warm)}


def _first_sector() -> str:
    from metrics import store, units

    path = store.db_path()
    tree = units.units(store.connect(path))
    store.close(path)  # the page opens it again, as a new server process would
    return str(tree.loc[tree["depth"] == 0, "unit_id"].iloc[0])


def worker_memory() -> dict:
    """In a fresh process: SESSIONS sessions on the overview (the default page), all kept open."""
    sessions = []
    for _ in range(SESSIONS):
        at = _app_test()
        at.run()
        _raise_on_exception(at, "overview")
        sessions.append(at)
    status = Path("/proc/self/status").read_text()
    kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return {"rss_mb": kb / 1024, "sessions": len(sessions)}


def run_worker(scale: str, *args: str) -> dict:
    """Run this script as a worker process on one scale's database; return its JSON answer."""
    env = {
        **os.environ,
        "POHINA_DB": str(db_file(scale)),
        "POHINA_AUTH": "none",  # the demo: every page opens (the app stays closed without it)
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", *args]
    try:
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=WORKER_TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        return {"error": f"no answer within {WORKER_TIMEOUT_S} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"error": " | ".join(tail) or f"exit {done.returncode}"}
    return json.loads(lines[-1])


def time_pages(scale: str) -> list[Row]:
    rows = []
    for page in pages():
        answer = run_worker(scale, "page", page)
        note = answer.get("error", "")
        if note:
            print(f"  {page} at {scale}: {note}", file=sys.stderr)
        first = answer.get("first_s")
        rows.append(Row(f"{page}: first load", scale, first, "s", PAGE_FIRST_S, note[-120:]))
        warm = f"{page}: warm rerun, median of {WARM_RUNS}"
        rows.append(Row(warm, scale, answer.get("warm_s"), "s", PAGE_WARM_S))
    return rows


def similar_ideas_check(scale: str) -> Row:
    """The idea form's similar-ideas check over every idea of the scale: the slowest of
    SIMILAR_TYPED's medians of WARM_RUNS checks (metrics.similar_ideas.similar_ideas)."""
    from metrics import similar_ideas, store

    con = store.connect(db_file(scale))
    try:
        ideas = con.execute("SELECT count(*) FROM ideas").fetchone()[0]
        medians = []
        for typed in SIMILAR_TYPED:
            similar_ideas.similar_ideas(con, text=typed)  # warm
            runs = []
            for _ in range(WARM_RUNS):
                start = time.perf_counter()
                similar_ideas.similar_ideas(con, text=typed)
                runs.append(time.perf_counter() - start)
            medians.append(statistics.median(runs))
    finally:
        store.close(db_file(scale))
    what = f"similar ideas while writing, slowest of {len(SIMILAR_TYPED)} titles"
    return Row(what, scale, max(medians), "s", SIMILAR_CHECK_S, f"{ideas:,} ideas")


def memory() -> Row:
    answer = run_worker("city", "memory")
    if "error" in answer:
        print(f"  memory: {answer['error']}", file=sys.stderr)
    what = f"server memory, {SESSIONS} sessions on the overview"
    note = answer.get("error", "VmRSS")[-120:]
    return Row(what, "city", answer.get("rss_mb"), "MB", MEMORY_20_SESSIONS_MB, note)


# ------------------------------------------------------------------- report


def table(rows: list[Row]) -> str:
    lines = ["| what | scale | measured | budget | ok/over |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def header() -> str:
    import duckdb
    import streamlit

    return (
        f"Pöhinä benchmark, {time.strftime('%Y-%m-%d %H:%M')}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, streamlit {streamlit.__version__}, "
        f"duckdb {duckdb.__version__}. Demo seed {SEED}, as of {AS_OF.isoformat()}."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild the demo databases")
    parser.add_argument(
        "--scale", action="append", choices=SCALES, help="only this scale (repeatable)"
    )
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.chdir(ROOT)

    if args.worker:  # a child process started by run_worker; answers with one JSON line
        kind, *rest = args.worker
        if kind == "import":
            answer = worker_import(*rest)
        else:
            answer = worker_page(rest[0]) if kind == "page" else worker_memory()
        print(json.dumps(answer))
        return 0

    OUT.mkdir(parents=True, exist_ok=True)
    scales = [s for s in SCALES if s in (args.scale or SCALES)]
    rows: list[Row] = []
    for scale in scales:
        if args.rebuild or not db_file(scale).exists():
            print(f"building the {scale} demo database …", file=sys.stderr)
            rows += build(scale)
        else:
            size_mb = db_file(scale).stat().st_size / 1e6
            rows.append(
                Row("demo database reused (--rebuild times its imports)", scale, size_mb, "MB")
            )
    if "city" in scales:
        print("importing 100,000 respondents …", file=sys.stderr)
        rows.append(import_100k())
        print("timing the similar-ideas check …", file=sys.stderr)
        rows.append(similar_ideas_check("city"))
    print("measuring the memory of a 25 MB import …", file=sys.stderr)
    rows.append(import_memory())
    for scale in scales:
        print(f"timing the pages at {scale} …", file=sys.stderr)
        rows += time_pages(scale)
    if "city" in scales:
        print("measuring memory …", file=sys.stderr)
        rows.append(memory())

    report = f"{header()}\n\n{table(rows)}\n"
    (OUT / "results.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
