"""The command line: python -m metrics demo | import | report | backup | restore | token.

Exit codes, so a scheduled job can tell outcomes apart: 0 done, 1 the file was refused
(nothing written), 2 wrong usage, 3 an internal error, 4 the database is in use by another
process (the running server) and no POHINA_URL and POHINA_TOKEN were given to go through it.

With POHINA_URL and POHINA_TOKEN set, import, report and backup go through the running
server's API (metrics/client.py), with the same output and exit codes.
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

from metrics import backups, catalogue, client, exports, periods, registry, store, tokens
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

    backup = commands.add_parser(
        "backup", help="write a backup to DIR (default: a new folder in the backups folder)"
    )
    backup.add_argument("dir", type=Path, nargs="?")
    restore = commands.add_parser("restore", help="replace the database from DIR")
    restore.add_argument("dir", type=Path)

    token = commands.add_parser("token", help="bearer tokens for the server's API")
    actions = token.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="make a token and print it, once")
    create.add_argument("--name", required=True)
    create.add_argument("--scope", choices=tokens.SCOPES, required=True)
    actions.add_parser("list", help="list the tokens (never their secrets)")
    revoke = actions.add_parser("revoke", help="refuse a token from now on")
    revoke.add_argument("name")

    pack = commands.add_parser("pack", help="write the steering group's meeting pack")
    days = pack.add_mutually_exclusive_group()
    days.add_argument("--period", help="a period (default: since the previous meeting)")
    days.add_argument("--since", type=date.fromisoformat, help="the days since DATE")
    days.add_argument("--meeting", help="the pack for a meeting (its meeting_id)")
    pack.add_argument("--unit")
    pack.add_argument("--lang", choices=catalogue.LANGUAGES, default="fi")
    pack.add_argument("--format", choices=("pdf", "html"), required=True)
    pack.add_argument("--out", type=Path, required=True)
    mail = commands.add_parser("digest", help="mail the monthly digests (exit: failed mails)")
    mail.add_argument("--period", help="the period (default: the last complete month)")
    mail.add_argument("--dry-run", type=Path, metavar="DIR", help="write .eml files to DIR")
    mail.add_argument("--lang", choices=catalogue.LANGUAGES, default="fi")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ImportRejected as refused:
        print(refused.report(), file=sys.stderr)
        return EXIT_REFUSED
    except client.ServerSaid as said:
        print(said, file=sys.stderr)
        return _OUTCOMES[said.outcome]
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            traceback.print_exc()
            return EXIT_INTERNAL
        # DuckDB lets one process use a database file: here, the running server.
        print(f"error: {busy(args.command)}", file=sys.stderr)
        return EXIT_BUSY
    except (ValueError, FileNotFoundError, FileExistsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception:
        traceback.print_exc()
        return EXIT_INTERNAL


_OUTCOMES = {"refused": EXIT_REFUSED, "usage": EXIT_USAGE, "internal": EXIT_INTERNAL}
THROUGH_SERVER = ("import", "report", "backup")


def busy(command: str) -> str:
    """Why a command could not open the database, and what to do instead."""
    held = (
        f"the database {store.db_path()} is in use by another process (the running Pöhinä server)"
    )
    if command in THROUGH_SERVER:
        return f"{held}; to {command} through it, {client.HOW_TO_SET}"
    return f"{held}; stop the service first (systemctl stop pohina), or use the Data page"


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
    if remote := client.configured():
        summary = client.import_file(
            remote,
            args.kind,
            args.file,
            round_id=args.round_id,
            sheet=args.sheet,
            preset=args.preset,
            replace_round=args.replace_round,
        )
        print(summary)
        return EXIT_OK
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
    options = {
        "period": args.period,
        "unit": args.unit,
        "round_id": args.round_id,
        "from_round": args.from_round,
        "to_round": args.to_round,
        "lang": args.lang,
    }
    if remote := client.configured():
        names = {"round_id": "round", "from_round": "from", "to_round": "to"}
        query = {names.get(k, k): v for k, v in options.items()} | {"format": args.format}
        sys.stdout.write(client.report(remote, args.name, query))
        return EXIT_OK
    sys.stdout.write(report_text(store.connect(), args.name, fmt=args.format, **options))
    return EXIT_OK


def report_text(
    con: duckdb.DuckDBPyConnection,
    name: str,
    *,
    fmt: str = "csv",
    period: str | None = None,
    unit: str | None = None,
    round_id: str | None = None,
    from_round: str | None = None,
    to_round: str | None = None,
    lang: str = "fi",
) -> str:
    """A report as the command line prints it (and the server's API answers it): CSV or JSON.

    `period` is a period's text (periods.parse); None is the last complete month. Raises
    ValueError for an unknown report, period, format or language."""
    if name not in registry.REPORTS:
        raise ValueError(f"no report named {name!r}; see `report --list`")
    if fmt not in ("csv", "json"):
        raise ValueError(f"the format is csv or json, not {fmt!r}")
    if lang not in catalogue.LANGUAGES:
        raise ValueError(f"the language is one of {', '.join(catalogue.LANGUAGES)}, not {lang!r}")
    report = registry.REPORTS[name]
    frame = report.build(
        con,
        period=periods.parse(period) if period else periods.last_complete_month(date.today()),
        unit=unit,
        round_id=round_id,
        from_round=from_round,
        to_round=to_round,
        lang=lang,
    )
    return format_table(frame[list(report.columns)], fmt)


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
    if remote := client.configured():
        if args.dir is not None:
            raise ValueError(
                "through the server a backup goes into the server's backups folder; leave out DIR"
            )
        print(f"backup written to {client.backup(remote)}")
        return EXIT_OK
    con = store.connect()
    if args.dir is None:
        written = backups.take(con, backups.backup_root())
    else:
        written = store.backup(con, args.dir)
    print(f"backup written to {written}")
    return EXIT_OK


def _restore(args) -> int:
    print(f"database {store.restore(args.dir)} restored from {args.dir}")
    return EXIT_OK


def _token(args) -> int:
    con = store.connect()
    if args.action == "create":
        secret = tokens.create(con, args.name, args.scope, created_by=_who())
        print(secret)
        print(
            f"token {args.name} ({args.scope}) created. It is shown only this once: keep it where"
            f" the job reads it ({client.TOKEN_VARIABLE}).",
            file=sys.stderr,
        )
    elif args.action == "list":
        sys.stdout.write(format_table(tokens.listing(con), "csv"))
    else:
        tokens.revoke(con, args.name)
        print(f"token {args.name} revoked")
    return EXIT_OK


def _pack(args) -> int:
    from metrics import meetings, pack, pack_document

    con = store.connect()
    period = periods.parse(args.period) if args.period else None
    window = meetings.window(con, meeting_id=args.meeting, period=period, since=args.since)
    built = pack.build(con, window=window, unit=args.unit)
    if args.format == "pdf":
        args.out.write_bytes(pack_document.pdf(built, args.lang))
    else:
        args.out.write_text(pack_document.html(built, args.lang), encoding="utf-8")
    print(f"meeting pack for {window.period} written to {args.out}")
    return EXIT_OK


def _digest(args) -> int:
    """Exit code: how many mails failed (0: all sent), at most 99."""
    from metrics import digest

    today = date.today()
    period = periods.parse(args.period) if args.period else periods.last_complete_month(today)
    sent, failed = digest.run(store.connect(), period=period, dry_run=args.dry_run, lang=args.lang)
    done = f"written to {args.dry_run}" if args.dry_run else "sent"
    print(f"digests for {period}: {sent - failed} of {sent} {done}")
    return min(failed, 99)


COMMANDS = {
    "pack": _pack,
    "digest": _digest,
    "demo": _demo,
    "import": _import,
    "report": _report,
    "backup": _backup,
    "restore": _restore,
    "token": _token,
}
