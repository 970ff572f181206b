"""The command line: python -m metrics demo | import | report | backup | restore.

Exit codes, so a scheduled job can tell outcomes apart: 0 done, 1 the file was refused
(nothing written), 2 wrong usage, 3 an internal error, 4 the database is in use by another
process (the running server).
"""

from __future__ import annotations

import argparse
import getpass
import math
import sys
import tempfile
import traceback
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from metrics import catalogue, exports, periods, registry, store
from metrics.contract import KINDS
from metrics.imports import ImportRejected, import_file

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_INTERNAL, EXIT_BUSY = 0, 1, 2, 3, 4


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m metrics", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="build the demo database through the importer")
    demo.add_argument("--scale", choices=("imatra", "city"), default="imatra")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--as-of", type=date.fromisoformat, default=None, help="last day of data")

    load = commands.add_parser("import", help="validate a file and load it, all or nothing")
    load.add_argument("kind", choices=list(KINDS))
    load.add_argument("file", type=Path)
    load.add_argument("--round", dest="round_id")
    load.add_argument("--preset", help="a column-mapping preset in data/presets/ (without .toml)")
    load.add_argument("--sheet")
    load.add_argument(
        "--replace-round",
        action="store_true",
        help="replace the answers of a survey round loaded already (only within"
        " survey.correction_window_days of its first load; logged)",
    )

    report = commands.add_parser("report", help="print a report as CSV or JSON")
    report.add_argument("name", nargs="?")
    report.add_argument("--list", action="store_true", help="list the report names")
    report.add_argument("--unit")
    report.add_argument("--round", dest="round_id")
    report.add_argument("--from", dest="from_round")
    report.add_argument("--to", dest="to_round")
    report.add_argument("--period")
    report.add_argument("--format", choices=("csv", "json"), default="csv")
    report.add_argument(
        "--lang", choices=catalogue.LANGUAGES, default="fi", help="language of definitions"
    )

    for name, text in (
        ("backup", "write a backup to DIR"),
        ("restore", "replace the database from DIR"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("dir", type=Path)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ImportRejected as refused:
        print(refused.report(), file=sys.stderr)
        return EXIT_REFUSED
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            traceback.print_exc()
            return EXIT_INTERNAL
        # DuckDB lets one process use a database file: here, the running server.
        print(
            f"error: the database {store.db_path()} is in use by another process (the running"
            " Pöhinä server); stop the service for the load, or load the file on the Data page",
            file=sys.stderr,
        )
        return EXIT_BUSY
    except (ValueError, FileNotFoundError, FileExistsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception:
        traceback.print_exc()
        return EXIT_INTERNAL


def _demo(args) -> int:
    from metrics.demo import build_demo

    target = store.db_path().resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and swap in at the end, so a failed build leaves the old database.
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        fresh = Path(work) / target.name
        con = store.connect(fresh)
        results = build_demo(con, scale=args.scale, seed=args.seed, as_of=args.as_of)
        store.close(fresh)
        store.close(target)
        fresh.replace(target)
    for result in results:
        print(result.summary())
    print(f"demo database ({args.scale}, seed {args.seed}) written to {target}")
    return EXIT_OK


def _import(args) -> int:
    con = store.connect()
    result = import_file(
        con,
        args.kind,
        args.file,
        round_id=args.round_id,
        sheet=args.sheet,
        preset=args.preset,
        imported_by=_who(),
        replace_round=args.replace_round,
    )
    print(result.summary())
    return EXIT_OK


def _who() -> str:
    """Who ran the import, for the import log: the command line and the account it ran under."""
    try:
        return f"command line ({getpass.getuser()})"
    except Exception:  # no user name in some containers and cron environments
        return "command line"


def _report(args) -> int:
    if args.list or not args.name:
        for report in registry.REPORTS.values():
            options = " ".join(f"[--{o.replace('_round', '')}]" for o in report.options)
            print(f"{report.name} {options}\n    {report.description}")
        return EXIT_OK
    if args.name not in registry.REPORTS:
        raise ValueError(f"no report named {args.name!r}; see `report --list`")
    report = registry.REPORTS[args.name]
    period = (
        periods.parse(args.period) if args.period else periods.last_complete_month(date.today())
    )
    frame = report.build(
        store.connect(),
        period=period,
        unit=args.unit,
        round_id=args.round_id,
        from_round=args.from_round,
        to_round=args.to_round,
        lang=args.lang,
    )
    sys.stdout.write(format_table(frame[list(report.columns)], args.format))
    return EXIT_OK


def _rounded(value):
    return round(value, 4) if isinstance(value, float) and not math.isnan(value) else value


def _csv_cell(value):
    """Booleans as the data contract writes them (suppressed=true)."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    return value


def format_table(frame: pd.DataFrame, fmt: str) -> str:
    """CSV with a header row, or JSON records; an empty (hidden or missing) figure is empty/null."""
    frame = frame.map(_rounded)
    if fmt == "json":
        return frame.to_json(orient="records", date_format="iso", force_ascii=False) + "\n"
    frame = frame.map(_csv_cell)
    # a text cell that a spreadsheet would run as a formula is written with a leading quote
    return exports.safe_frame(frame).to_csv(index=False, lineterminator="\n")


def _backup(args) -> int:
    print(f"backup written to {store.backup(store.connect(), args.dir)}")
    return EXIT_OK


def _restore(args) -> int:
    print(f"database {store.restore(args.dir)} restored from {args.dir}")
    return EXIT_OK


COMMANDS = {
    "demo": _demo,
    "import": _import,
    "report": _report,
    "backup": _backup,
    "restore": _restore,
}
