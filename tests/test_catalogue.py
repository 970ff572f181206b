"""The metric catalogue (metrics/catalogue.toml): every figure defined once, listed by
`report definitions`, and read by the pages for how a figure is written and coloured."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto

from metrics import catalogue, overview, registry
from tests.apptest import open_page
from tests.test_pages import ROOT
from ui.i18n import catalog

GREY, GREEN = MetricProto.MetricColor.GRAY, MetricProto.MetricColor.GREEN


def test_every_figure_the_overview_and_the_reports_show_is_in_the_catalogue():
    defined = set(catalogue.metrics())
    assert set(overview.OVERVIEW_METRICS) <= defined
    for report in registry.REPORTS.values():
        for column in report.columns:
            name = report.figures.get(column, column)
            assert name in defined or column in registry.NOT_FIGURES, (report.name, column)
        assert set(report.figures.values()) <= defined, report.name


def test_every_metric_has_a_label_and_a_definition_in_three_languages():
    texts = catalog()
    for metric in catalogue.metrics().values():
        assert set(texts[metric.label_key]) >= {"fi", "sv", "en"}, metric.name
        assert all(metric.definition(lang) for lang in ("fi", "sv", "en")), metric.name


def run_definitions(*args: str) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "report", "definitions", *args],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


@pytest.fixture
def in_tmp_db(tmp_path, monkeypatch):
    monkeypatch.setenv("POHINA_DB", str(tmp_path / "empty.duckdb"))


@pytest.mark.slow
def test_report_definitions_prints_the_catalogue_in_finnish_by_default(in_tmp_db):
    rows = run_definitions()
    assert list(rows[0]) == ["metric", "unit", "higher_is_better", "definition"]
    assert [r["metric"] for r in rows] == list(catalogue.metrics())
    days = next(r for r in rows if r["metric"] == "median_days_to_decision")
    assert (days["unit"], days["higher_is_better"]) == ("days", "false")
    assert days["definition"].startswith("Jakson aikana päätettyjen ideoiden odotusaika")


@pytest.mark.parametrize(
    ("lang", "start"),
    [("sv", "Idéer som genomförts under perioden"), ("en", "Ideas implemented in the period")],
)
@pytest.mark.slow
def test_report_definitions_speaks_the_language_asked_for(in_tmp_db, lang, start):
    rows = run_definitions("--lang", lang)
    implemented = next(r for r in rows if r["metric"] == "ideas_implemented")
    assert implemented["definition"].startswith(start)


def test_a_survey_change_is_coloured_only_where_it_is_significant(city_path, monkeypatch):
    # October 2026 compares R1 with R2: satisfaction +25,9 points (significant), internal
    # communication +13,9 points with an interval that includes zero: grey, and "may be noise".
    app = open_page(city_path, monkeypatch, period="2026-10")
    shown = {m.label: m for m in app.metric}
    assert shown["Työtyytyväisyys"].proto.color == GREEN
    assert shown["Sisäinen viestintä"].delta.startswith("+13,9")
    assert shown["Sisäinen viestintä"].proto.color == GREY
    assert any("voi olla satunnaisvaihtelua" in c.value for c in app.caption)


def test_a_shorter_wait_for_a_decision_is_shown_as_good(city_path, monkeypatch):
    # Q3's median 15 days against Q2's 30: lower is better, so the fall is green.
    app = open_page(city_path, monkeypatch, period="2026-Q3")
    days = next(m for m in app.metric if m.label == "Päätösaika")
    assert (days.delta, days.proto.color) == ("-15", GREEN)
