"""The generated parts of docs/: written from the code they describe, so they cannot drift.

Each generated part sits between two marker comments in a Markdown file,

    <!-- metrics:begin -->
    …
    <!-- metrics:end -->

and is rewritten whole; the prose around it is left as written. `make docs` (this module,
`python -m docs.generate`) rewrites them; `python -m docs.generate --check` exits 1 naming
every file whose generated parts are out of date, and tests/test_docs.py fails the same way.

- docs/design.md, `metrics`: the metric definitions, from the metric catalogue
  (metrics/catalogue.toml through metrics.catalogue).
- docs/data-contract.md, `columns`: every kind's columns, from metrics/contract.py KINDS;
  `reports`: every report, from metrics/registry.py REPORTS; `usage`: the command line, from
  metrics/cli.py's parser.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from metrics import catalogue, cli, registry
from metrics.contract import KINDS, Column, Kind

DOCS = Path(__file__).resolve().parent
# The language the docs are written in; the catalogue has Finnish and Swedish too.
LANG = "en"
LANGUAGE_NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}
USAGE_WIDTH = 100

FAMILY_TITLES = {
    "flow": "Ideas: flow (events dated in the period, whenever the idea was sent)",
    "conversion": "Ideas: conversion (what became of the matured cohort)",
    "stock": "Ideas and pilot projects: stock (the state on the day the figure is read)",
    "coverage": "Programme activities: coverage (reached so far)",
    "standings": "Incentive standings",
    "survey": "Survey indicators",
    "benchmark": "Benchmark",
}
TYPE_TEXT = {
    "id": "id",
    "text": "text",
    "int": "whole number",
    "number": "number (a decimal comma accepted)",
    "date": "date (`2019-04-30` or `30.4.2019`)",
    "bool": "true/false",
    "choice": "one of the values listed",
    "pct": "percent 0–100 (`80`, `80%` or `80 %`)",
}


def _cell(text: object) -> str:
    """Text for a Markdown table cell: pipes escaped, on one line."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def metric_definitions() -> str:
    """Every metric of the catalogue by family: name, unit, which way is better, definition."""
    by_family: dict[str, list[catalogue.Metric]] = {}
    for metric in catalogue.metrics().values():
        by_family.setdefault(metric.family, []).append(metric)
    lines = [
        f"Generated from `metrics/catalogue.toml`: {len(catalogue.metrics())} metrics, defined "
        f"here in {LANGUAGE_NAMES[LANG]} (the file holds every language). "
        "A report column named otherwise than its metric is mapped in `metrics/registry.py` "
        "(`Report.figures`).",
    ]
    for family in catalogue.FAMILIES:
        if family not in by_family:
            continue
        lines += ["", f"#### {FAMILY_TITLES.get(family, family)}", ""]
        lines += ["| metric | unit | better | definition |", "|---|---|---|---|"]
        for m in by_family[family]:
            better = "higher" if m.higher_is_better else "lower"
            unit = f"`{m.unit}`: {catalogue.UNITS[m.unit]}"
            lines.append(f"| `{m.name}` | {_cell(unit)} | {better} | {_cell(m.definition(LANG))} |")
    return "\n".join(lines)


def _column_rule(column: Column) -> str:
    parts = [TYPE_TEXT.get(column.type, column.type)]
    if column.choices:
        parts.append(", ".join(f"`{c}`" for c in column.choices))
    if column.aliases:
        parts.append("also " + ", ".join(f"`{a}`" for a in column.aliases))
    if column.minimum is not None or column.maximum is not None:
        low = "" if column.minimum is None else f"{column.minimum:g}"
        high = "" if column.maximum is None else f"{column.maximum:g}"
        parts.append(f"{low}–{high}" if low and high else f"≥ {low}" if low else f"≤ {high}")
    if column.type in ("id", "text") and column.max_len < 100_000:
        parts.append(f"≤ {column.max_len:,} characters")
    if column.target:
        parts.append(f"stored as `{column.target}`")
    return "; ".join(parts)


def _kind_table(kind: Kind) -> list[str]:
    lines = ["| column | required | type and values |", "|---|---|---|"]
    for column in kind.columns:
        required = "yes" if column.required else ""
        lines.append(f"| `{column.name}` | {required} | {_cell(_column_rule(column))} |")
    if kind.name == "survey_responses":
        lines.append(
            "| one column per `item_id` | | a whole number 1 to the item's `scale_max`, or empty "
            "(no answer) |"
        )
    return lines


def contract_columns() -> str:
    """Every kind: its table, the columns that identify a row, and each column's rule."""
    lines = [
        f"Generated from `metrics/contract.py` (`KINDS`, {len(KINDS)} kinds).",
        "",
        "| kind | stored in | a row is identified by | required columns | optional columns |",
        "|---|---|---|---|---|",
    ]
    for kind in KINDS.values():
        required = ", ".join(f"`{c.name}`" for c in kind.columns if c.required)
        optional = ", ".join(f"`{c.name}`" for c in kind.columns if not c.required)
        key = ", ".join(f"`{k}`" for k in kind.key)
        lines.append(f"| `{kind.name}` | `{kind.table}` | {key} | {required} | {optional} |")
    for kind in KINDS.values():
        lines += ["", f"#### `{kind.name}`", "", *_kind_table(kind)]
    return "\n".join(lines)


def reports() -> str:
    """Every report: its options, its columns and what it shows."""
    lines = [
        "Generated from `metrics/registry.py` (`REPORTS`); `python -m metrics report --list` "
        "prints the same.",
        "",
        "| report | options | columns | what it shows |",
        "|---|---|---|---|",
    ]
    for report in registry.REPORTS.values():
        options = " ".join(f"`--{o.replace('_round', '')}`" for o in report.options)
        columns = ", ".join(f"`{c}`" for c in report.columns)
        lines.append(f"| `{report.name}` | {options} | {columns} | {_cell(report.description)} |")
    return "\n".join(lines)


@contextlib.contextmanager
def _terminal_width(columns: int):
    """argparse wraps its usage to the terminal's width: fix it, so the text is the same
    wherever it is generated."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved


def _commands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """A parser's commands, each followed by its own commands (`token create`), in order."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                found += [command, *_commands(command)]
    return found


def usage() -> str:
    """Each command's usage, as `python -m metrics COMMAND --help` prints it."""
    with _terminal_width(USAGE_WIDTH):
        texts = [command.format_usage().strip() for command in _commands(cli.parser())]
    return "\n".join(
        [
            "Generated from `metrics/cli.py` (`parser()`).",
            "",
            "```text",
            *texts,
            "```",
        ]
    )


# file name in docs/ → marker name → the function that writes the part
GENERATED: dict[str, dict[str, Callable[[], str]]] = {
    "design.md": {"metrics": metric_definitions},
    "data-contract.md": {"columns": contract_columns, "reports": reports, "usage": usage},
}


def replace_part(text: str, name: str, body: str) -> str:
    """`text` with the part between the `name` markers replaced by `body`; a file without both
    markers raises ValueError."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    pattern = re.compile(rf"^{re.escape(begin)}\n.*?^{re.escape(end)}$", re.DOTALL | re.MULTILINE)
    if len(pattern.findall(text)) != 1:
        raise ValueError(f"expected one {begin} … {end} pair of lines")
    return pattern.sub(lambda _: f"{begin}\n{body}\n{end}", text)


def generated(file_name: str, text: str) -> str:
    """The file's text with every generated part written afresh."""
    for name, make in GENERATED[file_name].items():
        try:
            text = replace_part(text, name, make())
        except ValueError as error:
            raise ValueError(f"docs/{file_name}: {error}") from None
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docs.generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    stale = []
    for file_name in GENERATED:
        path = DOCS / file_name
        text = path.read_text("utf-8")
        fresh = generated(file_name, text)
        if fresh == text:
            continue
        stale.append(file_name)
        if not args.check:
            path.write_text(fresh, "utf-8")
    if args.check and stale:
        print(f"out of date: {', '.join(stale)}; run `make docs`", file=sys.stderr)
        return 1
    for file_name in stale:
        print(f"docs/{file_name} regenerated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
