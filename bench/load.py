"""Capacity under load; `make bench-load` runs this (`make bench` does not).

Starts the production server (`uvicorn server:app`, as README's systemd unit runs it) on a copy
of bench/city.duckdb without a login (POHINA_AUTH=none), pinned to CPU 1 with taskset, and drives
it from CPU 0 with a lightweight client of Streamlit's own websocket protocol, so that the
clients cannot starve the server. Twenty real browsers on the same two cores took about 88 % of
the CPU: such a test measures the browsers.

The client does what Streamlit's frontend does (frontend/app/src/App.tsx, sendRerunBackMsg):
it fetches the page, the health check and the host config, opens /_stcore/stream with the
`streamlit` subprotocol and sends BackMsg.rerun_script with a ClientState; the server answers
with ForwardMsgs (new_session, navigation, deltas, …) and ends each run with script_finished.

- a first visit opens the address `/`: a ClientState without a page (the overview, the default);
- a sidebar navigation is a ClientState with the page's script hash from the `navigation`
  message, no query string (the frontend clears it on a page change) and the message hashes
  it has cached (the frontend's ForwardMsg cache: large deltas come back as references);
- the unit page is opened by its link, `?unit=ID` (the first sector, as bench/run.py does).

A navigation counts only if it is faithful: its run ends FINISHED_SUCCESSFULLY, its deltas hold
the page's title (and the unit page the unit's name), no error message and no page_not_found.
The client sends no widget states: the sidebar's widgets take their values from the session
state, so the pages run with the same choices as in a browser that changed none.

Each session walks overview → survey → standings → ideas → unit page with no pause between
steps; N = 1, 5, 10, 20, 40 sessions walk at once. Measured: the server's CPU seconds
(/proc/<pid>/stat utime + stime) per first visit and per navigation (one session at a time,
the mean of several), latency per navigation (send to script_finished) p50/p95 for each N,
the server's resident memory at its peak and after the sessions closed (at once, and after
Streamlit's disconnectedSessionTTL), and the API's throughput for a report with a read token.

Prints Markdown tables and writes them to bench/out/load.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/load.py` from anywhere
    sys.path.insert(0, str(ROOT))

BENCH = ROOT / "bench"
OUT = BENCH / "out"
SOURCE_DB = BENCH / "city.duckdb"
SERVER_CPU = 1
CLIENT_CPU = 0
SESSIONS = (1, 5, 10, 20, 40)
SINGLE_REPEATS = 5  # one session at a time, this many times: the CPU per step is their mean
PAUSE_S = (2.0, 8.0)  # the second pass: visitors read a page this long before the next click
STEPS = ("overview", "survey", "standings", "ideas", "unit")
TITLES = {
    "overview": "overview.title",
    "survey": "survey.title",
    "standings": "standings.title",
    "ideas": "ideas.title",
    "unit": "unitpage.title",
}
RUN_TIMEOUT_S = 180.0
SETTLE_S = 0.3  # after script_finished, before reading the CPU: the run's last messages go out
SESSION_TTL_S = 120  # Streamlit's server.disconnectedSessionTTL, which the server keeps
API_REPORT = "ideas_by_unit"
API_CLIENTS = 4
API_SECONDS = 10.0

# docs/design.md, "Budgets".
NAV_CPU_S = 0.15
NAV_P95_20_S = 1.5
MEMORY_MB = 1024.0

TICKS = os.sysconf("SC_CLK_TCK")
# Loopback only: no proxy from the environment.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# ------------------------------------------------------------------- the server


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str
    log_path: Path

    def cpu_s(self) -> float:
        """The server's CPU seconds so far, user and system, every thread (ticks of 10 ms)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024


def cpu_busy_s(cpu: int) -> float:
    """Seconds CPU `cpu` has been busy, by every process (/proc/stat): what others took of
    the server's CPU shows as the difference from the server's own."""
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith(f"cpu{cpu} "):
            ticks = [int(v) for v in line.split()[1:9]]
            return (sum(ticks) - ticks[3] - ticks[4]) / TICKS  # all but idle and iowait
    raise ValueError(f"no cpu{cpu} in /proc/stat")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database() -> tuple[Path, str, dict]:
    """A fresh copy of the city database with a read token: (path, token, the unit opened)."""
    from metrics import store, tokens, units

    if not SOURCE_DB.exists():
        raise SystemExit(f"{SOURCE_DB.relative_to(ROOT)} is missing: `make bench` builds it")
    copy = OUT / "load.duckdb"
    for stale in (copy, copy.with_name(copy.name + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(SOURCE_DB, copy)
    con = store.connect(copy)
    try:
        secret = tokens.create(con, "bench-load", "read")
        tree = units.units(con)
    finally:
        store.close(copy)
    sector = tree.loc[tree["depth"] == 0].iloc[0]  # as bench/run.py opens the unit page
    return copy, secret, {"unit_id": str(sector["unit_id"]), "name": str(sector["name"])}


def user_config(options: dict[str, str]) -> dict[str, str]:
    """The environment for a server with more Streamlit options: a home folder of its own whose
    .streamlit/config.toml holds them (the project's config still wins where it sets one).
    Under uvicorn, Streamlit reads no STREAMLIT_* variable but the secret ones: there is no
    `streamlit run` command line to turn them into options."""
    if not options:
        return {}
    home = OUT / "load-home"
    (home / ".streamlit").mkdir(parents=True, exist_ok=True)
    sections: dict[str, list[str]] = {}
    for name, value in options.items():
        section, key = name.split(".", 1)
        sections.setdefault(section, []).append(f"{key} = {json.dumps(_toml_value(value))}")
    text = "".join(f"[{s}]\n" + "\n".join(lines) + "\n" for s, lines in sections.items())
    (home / ".streamlit" / "config.toml").write_text(text, encoding="utf-8")
    return {"HOME": str(home)}


def _toml_value(value: str):
    return {"true": True, "false": False}.get(value, int(value) if value.isdigit() else value)


def start_server(db: Path, options: dict[str, str]) -> Server:
    """`uvicorn server:app` on a free loopback port, pinned to SERVER_CPU, until healthy."""
    port = free_port()
    env = {**os.environ, "POHINA_DB": str(db), "POHINA_AUTH": "none", **user_config(options)}
    for name in ("POHINA_URL", "POHINA_TOKEN"):
        env.pop(name, None)
    command = [
        "taskset", "-c", str(SERVER_CPU),
        sys.executable, "-m", "uvicorn", "server:app", "--host", "127.0.0.1", "--port", str(port),
        "--ws-per-message-deflate", "false",
    ]  # fmt: skip
    log_path = OUT / "load-server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    server = Server(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}: see {log_path}")
        try:
            with HTTP.open(server.base_url + "/api/v1/health", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise TimeoutError(f"the server was not healthy within 120 s: see {log_path}")


def stop_server(server: Server) -> None:
    """TERM the server's process group (it was started in its own), KILL if it lingers."""
    if server.process.poll() is not None:
        return
    os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)


# ------------------------------------------------------------------- the client


@dataclass
class Pause:
    """A visitor's time between arriving and clicking, and between clicks: uniformly between
    `low` and `high` seconds (seeded, so every run draws the same times)."""

    low: float
    high: float
    rng: random.Random = field(default_factory=lambda: random.Random(1))

    def seconds(self) -> float:
        return self.rng.uniform(self.low, self.high)

    def __str__(self) -> str:
        return f"{self.low:g}–{self.high:g} s"


@dataclass
class Step:
    page: str
    seconds: float
    cpu_s: float | None = None  # measured only one session at a time
    problem: str = ""


@dataclass
class Expect:
    """What a faithful run of each page shows: its title, and the unit's name on its page."""

    titles: dict[str, bytes]
    unit_id: str
    unit_name: bytes
    error: bytes  # the start of the friendly message ui/nav.py guarded() shows for an error


def expectations(unit: dict) -> Expect:
    from ui.i18n import t

    error = t("error.unexpected", "fi", reference="")
    return Expect(
        titles={page: t(key, "fi").encode() for page, key in TITLES.items()},
        unit_id=unit["unit_id"],
        unit_name=unit["name"].encode(),
        error=error[: error.index(".")].encode(),
    )


def _context_info(url: str):
    from streamlit.proto.ClientState_pb2 import ContextInfo

    return ContextInfo(
        timezone="Europe/Helsinki", timezone_offset=-120, locale="fi-FI", url=url,
        is_embedded=False, color_scheme="light",
    )  # fmt: skip


@dataclass
class Session:
    """One browser tab: a websocket to /_stcore/stream and the frontend's bookkeeping."""

    base_url: str
    expect: Expect
    pages: dict[str, str] = field(default_factory=dict)  # url_pathname -> page_script_hash
    cached: dict[str, int] = field(default_factory=dict)  # message hash -> run it came in
    runs: int = 0
    max_cached_age: int = 2
    ws: object = None

    async def open(self) -> Step:
        """The first visit: the page's files the browser does not cache, then the first run."""
        from websockets.asyncio.client import connect

        started = time.perf_counter()
        for path in ("/", "/_stcore/health", "/_stcore/host-config"):
            await asyncio.to_thread(_get, self.base_url + path)
        self.ws = await connect(
            self.base_url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"], max_size=None, proxy=None, open_timeout=60,
        )  # fmt: skip
        return await self._run("overview", page_hash="", query="", started=started)

    async def navigate(self, page: str) -> Step:
        """A click in the sidebar (or, for the unit page, its link with ?unit=)."""
        query = f"unit={self.expect.unit_id}" if page == "unit" else ""
        return await self._run(page, page_hash=self.pages[page], query=query)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def _run(self, page: str, *, page_hash: str, query: str, started=None) -> Step:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        url = f"{self.base_url}/{'' if page == 'overview' else page}" + (
            f"?{query}" if query else ""
        )
        state = ClientState(
            query_string=query, widget_states=WidgetStates(), page_script_hash=page_hash,
            page_name="", cached_message_hashes=self._cache_hashes(),
            context_info=_context_info(url),
        )  # fmt: skip
        started = started or time.perf_counter()
        await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
        problem = await asyncio.wait_for(self._until_finished(page), RUN_TIMEOUT_S)
        return Step(page, time.perf_counter() - started, problem=problem)

    def _cache_hashes(self) -> list[str]:
        """The hashes of the messages the frontend still keeps: those of the last
        max_cached_message_age runs."""
        return [h for h, run in self.cached.items() if self.runs - run < self.max_cached_age]

    async def _until_finished(self, page: str) -> str:
        """Read ForwardMsgs until the run ends; what was wrong with it ('' for a faithful run)."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        shown, kinds = [], []
        while True:
            data = await self.ws.recv()
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            kinds.append(_described(msg, kind))
            if kind == "new_session":
                self.runs += 1
                self.max_cached_age = msg.new_session.config.max_cached_message_age or 2
            elif kind == "navigation":
                self.pages = {p.url_pathname or "overview": p.page_script_hash
                              for p in msg.navigation.app_pages}  # fmt: skip
            elif kind == "delta":
                shown.append(data)
                if msg.metadata.cacheable and msg.hash:
                    self.cached[msg.hash] = self.runs
            elif kind == "ref_hash":
                self.cached[msg.ref_hash] = self.runs
            elif kind == "page_not_found":
                return f"page not found: {msg.page_not_found.page_name}"
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the page asked for a rerun: its next run follows
                if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                    return f"finished with status {status}"
                problem = self._check(page, b"".join(shown))
                return f"{problem} ({', '.join(kinds)})" if problem else ""

    def _check(self, page: str, shown: bytes) -> str:
        if self.expect.error in shown:
            return "the page showed an error (see bench/out/load-server.log)"
        if self.expect.titles[page] not in shown:
            return "the page's title was not among its deltas"
        if page == "unit" and self.expect.unit_name not in shown:
            return "the unit's name was not on its page"
        return ""


def _described(msg, kind: str) -> str:
    """A message's kind as a failed run's report names it, with what went wrong in it."""
    if kind == "session_event":
        event = msg.session_event.WhichOneof("type")
        if event == "script_compilation_exception":
            return f"{event}: {msg.session_event.script_compilation_exception.message[:200]}"
        return f"{kind}: {event}"
    if kind == "script_finished":
        return f"{kind}: {msg.script_finished}"
    return kind


def _get(url: str) -> int:
    with HTTP.open(url, timeout=60) as answer:
        answer.read()
        return answer.status


async def walk(
    base_url: str, expect: Expect, server: Server | None = None, pause: Pause | None = None
) -> tuple[list, object]:
    """One session's walk through STEPS, left open; with `server`, each step's CPU is read (one
    session at a time only: the steps of other sessions would count too); with `pause`, the
    visitor arrives and reads each page for a while before the next click."""
    session = Session(base_url, expect)
    steps = []
    for page in STEPS:
        if pause:
            await asyncio.sleep(pause.seconds())
        before = server.cpu_s() if server else None
        step = await (session.open() if page == "overview" else session.navigate(page))
        if server:
            await asyncio.sleep(SETTLE_S)
            step.cpu_s = server.cpu_s() - before
        steps.append(step)
    return steps, session


# ------------------------------------------------------------------- the measurements


@dataclass
class Load:
    sessions: int
    pause: Pause | None
    steps: list[Step]
    cpu_s: float
    wall_s: float
    peak_mb: float
    client_cpu_s: float
    others_cpu_s: float  # what other processes took of the server's CPU meanwhile

    def seconds(self, navigations: bool) -> list[float]:
        return [s.seconds for s in self.steps if (s.page != "overview") == navigations]

    def problems(self) -> list[str]:
        return [f"{s.page}: {s.problem}" for s in self.steps if s.problem]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


async def _sample_peak(server: Server, done: asyncio.Event, peak: list[float]) -> None:
    while not done.is_set():
        peak[0] = max(peak[0], server.rss_mb())
        await asyncio.sleep(0.2)


async def load(server: Server, expect: Expect, count: int, pause: Pause | None) -> Load:
    """`count` sessions walking at once, all kept open until the last is done, then closed."""
    done, peak = asyncio.Event(), [server.rss_mb()]
    sampler = asyncio.create_task(_sample_peak(server, done, peak))
    cpu, client, started = server.cpu_s(), time.process_time(), time.perf_counter()
    busy = cpu_busy_s(SERVER_CPU)
    walks = await asyncio.gather(
        *(walk(server.base_url, expect, pause=pause) for _ in range(count))
    )
    wall, used = time.perf_counter() - started, server.cpu_s() - cpu
    client, others = time.process_time() - client, cpu_busy_s(SERVER_CPU) - busy - used
    peak[0] = max(peak[0], server.rss_mb())
    done.set()
    await sampler
    await asyncio.gather(*(session.close() for _, session in walks))
    steps = [step for steps, _ in walks for step in steps]
    return Load(count, pause, steps, used, wall, peak[0], client, max(others, 0.0))


async def one_at_a_time(server: Server, expect: Expect, repeats: int) -> list[Step]:
    """`repeats` sessions one after another, each step's server CPU read; each closed after."""
    steps = []
    for _ in range(repeats):
        walked, session = await walk(server.base_url, expect, server)
        await session.close()
        steps += walked
    return steps


def api_throughput(server: Server, token: str, seconds: float, clients: int) -> dict:
    """GET a report through the API with a read token, `clients` at once for `seconds`."""
    url = f"{server.base_url}/api/v1/reports/{API_REPORT}?format=json"
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < deadline:
            request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
            started = time.perf_counter()
            try:
                with HTTP.open(request, timeout=120) as answer:
                    rows = len(json.loads(answer.read()))
            except (urllib.error.URLError, ValueError) as error:
                with lock:
                    failures.append(str(error))
                continue
            with lock:
                times.append(time.perf_counter() - started)
                failures.extend([] if rows else ["an empty report"])

    cpu, started = server.cpu_s(), time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(client)
    wall, used = time.perf_counter() - started, server.cpu_s() - cpu
    return {
        "requests": len(times), "per_s": len(times) / wall, "p50_s": percentile(times, 0.5),
        "p95_s": percentile(times, 0.95), "cpu_per_request_s": used / max(len(times), 1),
        "failures": failures[:3], "failed": len(failures),
    }  # fmt: skip


async def memory_settled(server: Server, expect: Expect, settle_s: float) -> float:
    """The server's memory after Streamlit's disconnectedSessionTTL: closed sessions are kept
    that long for a reconnect, and dropped only when the session store is next written, so one
    more session opens and closes first."""
    await asyncio.sleep(settle_s)
    _, session = await walk(server.base_url, expect)
    await session.close()
    await asyncio.sleep(5)
    return server.rss_mb()


# ------------------------------------------------------------------- the report


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _row(what: str, measured: str, budget: str, verdict: str) -> str:
    return f"| {what} | {measured} | {budget} | {verdict} |"


def _verdict(measured: float, budget: float) -> str:
    return "ok" if measured <= budget else "over"


def given_back(memory: dict, baseline_mb: float) -> bool:
    """Whether the server's memory came back to within 10 % (and 20 MB) of what it held after
    the warm-up, before any load."""
    return memory["settled_mb"] <= baseline_mb * 1.1 + 20


def budget_rows(facts: dict) -> list[str]:
    single, loads, memory = facts["single"], facts["loads"], facts["memory"]
    navigations = [s.cpu_s for s in single if s.page != "overview"]
    nav_cpu = statistics.mean(navigations)
    peak = max(loads, key=lambda x: x.peak_mb)
    baseline = facts["baseline_mb"]
    rows = [
        "| budget | measured | budget | ok/over |", "|---|---|---|---|",
        _row(f"server CPU per sidebar navigation (one session at a time, mean of "
             f"{len(navigations)})", f"{nav_cpu:.3f} s", f"≤ {NAV_CPU_S} s",
             _verdict(nav_cpu, NAV_CPU_S)),
    ]  # fmt: skip
    for at_20 in (x for x in loads if x.sessions == 20):
        p95 = percentile(at_20.seconds(True), 0.95)
        how = f"reading {at_20.pause} between clicks" if at_20.pause else "no pause"
        rows.append(
            _row(f"navigation p95, 20 sessions at once, {how}", f"{p95:.2f} s",
                 f"≤ {NAV_P95_20_S} s", _verdict(p95, NAV_P95_20_S))
        )  # fmt: skip
    rows += [
        _row(f"server memory at its peak ({peak.sessions} sessions open)",
             f"{peak.peak_mb:.0f} MB", f"≤ {MEMORY_MB:.0f} MB", _verdict(peak.peak_mb, MEMORY_MB)),
        _row(f"server memory {memory['settle_s']:.0f} s after the sessions closed",
             f"{memory['settled_mb']:.0f} MB", f"back to {baseline:.0f} MB (after the warm-up)",
             "given back" if given_back(memory, baseline) else "kept"),
    ]  # fmt: skip
    return rows


def steps_table(facts: dict) -> list[str]:
    single = facts["single"]
    visit_cpu = statistics.mean(s.cpu_s for s in single if s.page == "overview")
    cold = ", ".join(f"{s.page} {s.cpu_s:.2f} s" for s in facts["cold"])
    lines = [
        f"Server CPU per first visit (a new session on the overview): {visit_cpu:.3f} s. Cold, "
        f"the first session after the server started (its caches empty): {cold}.",
        "", "One session at a time, per step (server CPU: the mean; latency: the median):", "",
        "| step | server CPU | latency |", "|---|---|---|",
    ]  # fmt: skip
    for page in STEPS:
        mine = [s for s in single if s.page == page]
        cpu = statistics.mean(s.cpu_s for s in mine)
        lines.append(
            f"| {page} | {cpu:.3f} s | {_ms(statistics.median(s.seconds for s in mine))} |"
        )
    return lines


def loads_table(loads: list[Load]) -> list[str]:
    lines = [
        "Sessions walking at once (each: a first visit, then 4 navigations; with a pause, each "
        "visitor arrives and reads every page that long before the next click):", "",
        "| sessions | pause | first visit p50 / p95 | navigation p50 / p95 | server CPU per "
        f"session | CPU {SERVER_CPU}: server / others | clients (CPU {CLIENT_CPU}) | peak memory "
        "| failed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for x in loads:
        visits, navs = x.seconds(False), x.seconds(True)
        lines.append(
            f"| {x.sessions} | {x.pause or 'none'} "
            f"| {_ms(percentile(visits, 0.5))} / {_ms(percentile(visits, 0.95))} "
            f"| {_ms(percentile(navs, 0.5))} / {_ms(percentile(navs, 0.95))} "
            f"| {x.cpu_s / x.sessions:.2f} s "
            f"| {100 * x.cpu_s / x.wall_s:.0f} % / {100 * x.others_cpu_s / x.wall_s:.0f} % "
            f"| {100 * x.client_cpu_s / x.wall_s:.0f} % | {x.peak_mb:.0f} MB "
            f"| {len(x.problems())} |"
        )
    return lines


def notes(facts: dict) -> list[str]:
    memory, api = facts["memory"], facts["api"]
    peak = max(x.peak_mb for x in facts["loads"])
    lines = [
        f"Memory: {facts['baseline_mb']:.0f} MB after the warm-up, {peak:.0f} MB at the peak, "
        f"{memory['closed_mb']:.0f} MB just after the last sessions closed, "
        f"{memory['settled_mb']:.0f} MB {memory['settle_s']:.0f} s after (Streamlit keeps a "
        f"closed session {SESSION_TTL_S} s for a reconnect; the API test ran in between).",
        "",
        f"API: GET /api/v1/reports/{API_REPORT}?format=json with a read token, {API_CLIENTS} "
        f"clients at once for {api['seconds']:g} s: {api['per_s']:.1f} requests/s, p50 "
        f"{_ms(api['p50_s'])}, p95 {_ms(api['p95_s'])}, server CPU "
        f"{api['cpu_per_request_s']:.3f} s a request ({api['requests']} requests, "
        f"{api['failed']} failed).",
    ]
    if facts["problems"]:
        lines += ["", f"Unfaithful runs ({len(facts['problems'])}), the first ones:"]
        lines += [f"- {p}" for p in facts["problems"][:10]]
    return lines


def report(facts: dict) -> str:
    parts = [
        [facts["header"]],
        budget_rows(facts),
        steps_table(facts),
        loads_table(facts["loads"]),
        notes(facts),
    ]
    return "\n\n".join("\n".join(part) for part in parts) + "\n"


def header(loadavg: tuple[float, float, float]) -> str:
    import duckdb
    import streamlit

    return (
        f"Pöhinä load test, {time.strftime('%Y-%m-%d %H:%M')}: {os.cpu_count()} cores, the "
        f"server (`uvicorn server:app`) on CPU {SERVER_CPU}, the clients (Streamlit's websocket "
        f"protocol, bench/load.py) on CPU {CLIENT_CPU}; load average before the run "
        f"{loadavg[0]:.2f} / {loadavg[1]:.2f} / {loadavg[2]:.2f}. City scale "
        f"({SOURCE_DB.stat().st_size / 1e6:.0f} MB database). Python "
        f"{platform.python_version()}, streamlit {streamlit.__version__}, duckdb "
        f"{duckdb.__version__}."
    )


async def measure(server: Server, expect: Expect, token: str, args) -> dict:
    cold, session = await walk(server.base_url, expect, server)  # fills the caches
    await session.close()
    await asyncio.sleep(1)
    baseline = server.rss_mb()
    print(f"one session at a time, {args.repeats} times …", file=sys.stderr)
    single = await one_at_a_time(server, expect, args.repeats)
    loads = []
    for pause in (None, Pause(*args.pause)) if args.pause[1] > 0 else (None,):
        for count in args.sessions:
            print(f"{count} sessions at once, pause {pause or 0} …", file=sys.stderr)
            loads.append(await load(server, expect, count, pause))
            await asyncio.sleep(2)
    closed = time.monotonic()
    memory = {"closed_mb": server.rss_mb()}
    print(f"the API, {API_CLIENTS} clients for {args.api_seconds:g} s …", file=sys.stderr)
    api = await asyncio.to_thread(api_throughput, server, token, args.api_seconds, API_CLIENTS)
    api["seconds"] = args.api_seconds
    wait = max(args.settle - (time.monotonic() - closed), 0.0)
    print(f"memory after the sessions closed (waiting {wait:.0f} s more) …", file=sys.stderr)
    memory["settled_mb"] = await memory_settled(server, expect, wait)
    memory["settle_s"] = time.monotonic() - closed
    problems = [f"cold {s.page}: {s.problem}" for s in cold if s.problem]
    problems += [f"single {s.page}: {s.problem}" for s in single if s.problem]
    problems += [f"{x.sessions} sessions ({x.pause or 'no'} pause), {p}" for x in loads
                 for p in x.problems()]  # fmt: skip
    problems += [f"API: {f}" for f in api["failures"]]
    return {
        "cold": cold, "single": single, "loads": loads, "api": api, "memory": memory,
        "baseline_mb": baseline, "problems": problems,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sessions", type=int, nargs="+", default=list(SESSIONS), help="N sessions at once"
    )
    parser.add_argument("--repeats", type=int, default=SINGLE_REPEATS, help="single sessions")
    parser.add_argument(
        "--pause", type=float, nargs=2, default=list(PAUSE_S), metavar=("LOW", "HIGH"),
        help="also walk with visitors reading LOW to HIGH seconds between clicks (0 0: never)",
    )  # fmt: skip
    parser.add_argument("--api-seconds", type=float, default=API_SECONDS)
    parser.add_argument(
        "--settle", type=float, default=SESSION_TTL_S + 10,
        help="seconds to wait after the sessions closed before reading the memory again",
    )  # fmt: skip
    parser.add_argument(
        "--streamlit", action="append", default=[], metavar="OPTION=VALUE",
        help="a Streamlit option for the server, e.g. server.fileWatcherType=none",
    )  # fmt: skip
    args = parser.parse_args(argv)
    options = dict(item.split("=", 1) for item in args.streamlit)
    os.chdir(ROOT)
    if len(os.sched_getaffinity(0)) < 2 or shutil.which("taskset") is None:
        raise SystemExit("the load test needs two CPUs and taskset: one for the server, one for "
                         "the clients")  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    loadavg = os.getloadavg()
    db, token, unit = prepare_database()
    expect = expectations(unit)
    os.sched_setaffinity(0, {CLIENT_CPU})  # the clients on their own CPU, away from the server
    print("starting the server …", file=sys.stderr)
    server = start_server(db, options)
    try:
        facts = asyncio.run(measure(server, expect, token, args))
    finally:
        stop_server(server)
    facts["header"] = header(loadavg) + "".join(
        f" Server run with the Streamlit option {name} = {value}."
        for name, value in options.items()
    )
    text = report(facts)
    (OUT / "load.md").write_text(text, encoding="utf-8")
    print(text)
    return 1 if facts["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
