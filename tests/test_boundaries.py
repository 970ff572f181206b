"""The layers stay one-way: metrics/ never loads streamlit or plotly, pages never run SQL."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def test_pages_contain_no_sql():
    for page in (ROOT / "pages").glob("*.py"):
        text = page.read_text()
        assert ".execute(" not in text and "SELECT " not in text, page.name
