"""The layers stay one-way: metrics/ never loads streamlit or plotly; pages/ and ui/ run no SQL
and compute no figure (STYLE.md 9 and 10: a page reads widgets, calls metrics, calls a chart
helper and writes the words; a chart helper draws a frame that already holds the numbers).

The pages and ui check reads the code with `ast`, so a comment or a text about SQL passes and a
query built from pieces does not. What it counts as computing a figure from data:

- arithmetic (+ - * / // % **) between two data values, or a division with one: a data value
  being a frame column or row field by name (`row["implemented"]`), an aggregate's result
  (`frame["x"].sum()`), or `len(...)`;
- an aggregate method called at all (`.sum()`, `.mean()`, `.median()`, `.div()`, …).

Arithmetic of data with a constant or a plain name passes: `100 * value` in a formatter, a
chart's height `30 * len(rows)`, the last index `len(ids) - 1`. ALLOWED lists what passes
although the rule would refuse it, each with its reason; an entry the code no longer has fails
too, so the list cannot outlive its reasons.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SQL_TEXT = re.compile(
    r"\b(SELECT|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|CREATE\s+(TABLE|VIEW|INDEX)"
    r"|GROUP\s+BY|ORDER\s+BY|JOIN)\b| FROM "
)
SQL_METHODS = {"execute", "executemany", "sql", "fetchall", "fetchone", "fetchdf", "read_sql"}
AGGREGATES = {
    "sum", "mean", "median", "quantile", "std", "var", "nunique", "cumsum", "cumprod",
    "pct_change", "agg", "aggregate", "div", "truediv", "floordiv", "mul", "multiply", "divide",
    "eval",
}  # fmt: skip
ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
DIVISION = (ast.Div, ast.FloorDiv, ast.Mod)

# (file, the expression as ast.unparse writes it) → why it may stay.
ALLOWED: dict[tuple[str, str], str] = {
    ("pages/standings.py", "ranked['points'].sum()"): (
        "a test whether anyone has points yet (the page says so instead of a table), not a figure"
    ),
    ("ui/pilots_view.py", "len(projects) - len(dated)"): (
        "the number of projects left off the timeline for want of dates: a caption, not a figure"
    ),
}


def _is_data(node: ast.AST) -> bool:
    """A value read from data: a column or field by name, an aggregate's result, or len()."""
    if isinstance(node, ast.Subscript):
        key = node.slice
        return isinstance(key, ast.Constant) and isinstance(key.value, str)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id == "len"
        return isinstance(func, ast.Attribute) and func.attr in AGGREGATES
    return False


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def boundary_violations(source: str) -> list[tuple[int, str, str]]:
    """(line, what the rule found, the expression) for each piece of SQL or computed figure."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []

    def add(node, what):
        found.append((node.lineno, what, ast.unparse(node)))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            if any((name or "").split(".")[0] == "duckdb" for name in names):
                add(node, "imports duckdb")
        elif isinstance(node, ast.Name) and node.id == "duckdb":
            add(node, "uses duckdb")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings and SQL_TEXT.search(node.value):
                add(node, "SQL text")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in SQL_METHODS:
                add(node, f"runs SQL (.{node.func.attr})")
            elif node.func.attr in AGGREGATES:
                add(node, f"computes a figure (.{node.func.attr})")
        elif isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ARITHMETIC):
            left, right = (
                (node.left, node.right)
                if isinstance(node, ast.BinOp)
                else (node.target, node.value)
            )
            data = _is_data(left) + _is_data(right)
            if data == 2 or (data and isinstance(node.op, DIVISION)):
                add(node, "computes a figure (arithmetic on data)")
    return sorted(found)


def _layer_files() -> list[Path]:
    return sorted([*(ROOT / "pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py")])


def test_metrics_imports_neither_streamlit_nor_plotly():
    code = (
        "import sys, pkgutil, importlib, metrics\n"
        "for m in pkgutil.iter_modules(metrics.__path__):\n"
        "    if m.name != '__main__': importlib.import_module('metrics.' + m.name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('streamlit', 'plotly')))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_pages_and_ui_run_no_sql_and_compute_no_figures():
    seen, refused = set(), []
    for path in _layer_files():
        name = path.relative_to(ROOT).as_posix()
        for line, what, expression in boundary_violations(path.read_text(encoding="utf-8")):
            if (name, expression) in ALLOWED:
                seen.add((name, expression))
            else:
                refused.append(f"{name}:{line}: {what}: {expression}")
    assert refused == [], "move these into metrics/ (or allow one in ALLOWED, with its reason)"
    assert set(ALLOWED) - seen == set(), "these allowed expressions are gone: drop them"


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ('share = row["implemented"] / row["submitted"]', "computes a figure (arithmetic on data)"),
        ('rate = frame["ideas"].sum() / len(frame)', "computes a figure (arithmetic on data)"),
        ('gap = row["target"] - row["result"]', "computes a figure (arithmetic on data)"),
        ('tens = row["headcount"] / 10', "computes a figure (arithmetic on data)"),
        ('total = frame["benefit_eur_per_year"].sum()', "computes a figure (.sum)"),
        ('rows = con.execute("SELECT 1").fetchall()', "runs SQL (.execute)"),
        ('query = f"SELECT count(*) FROM ideas WHERE unit_id = {unit}"', "SQL text"),
        ("import duckdb", "imports duckdb"),
    ],
)
def test_the_boundary_check_refuses_sql_and_a_figure_computed_on_a_page(line, what):
    assert what in [found for _, found, _ in boundary_violations(line)]


@pytest.mark.parametrize(
    "line",
    [
        'label = f"{100 * value:.1f} %"',  # a formatter scales a fraction it was given
        "height = 30 * len(rows)",  # a chart's size
        "last = len(ids) - 1",  # an index
        'st.caption("Ideas from the idea system, by unit")',  # words, not SQL
        'shown = row["name"] + " (" + row["unit_id"] + ")"',  # text joined, no figure
    ],
)
def test_the_boundary_check_lets_formatting_pass(line):
    assert boundary_violations(line) == []
