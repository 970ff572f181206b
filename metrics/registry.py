"""Every report by name: what it shows, its columns and the options it accepts.

`python -m metrics report`, `report --list` and the server's API (GET /api/v1/reports/…) read
this, and docs/data-contract.md's list of reports is generated from it (`make docs`);
tests/test_docs.py checks that the README names every report. What each figure means is in the
metric catalogue (metrics/catalogue.toml, `report definitions`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from metrics import activities, benchmark, catalogue, ideas, incentives, overview, pilots, survey
from metrics import programme_effect as effect
from metrics.campaigns import REPORT_COLUMNS as CAMPAIGN_COLUMNS
from metrics.campaigns import campaigns_report


@dataclass(frozen=True)
class Report:
    name: str
    description: str
    columns: tuple[str, ...]
    options: tuple[str, ...]  # of: period, unit, round, from_round, to_round, lang
    build: Callable[..., pd.DataFrame]
    # figure columns named otherwise than their metric in the catalogue: column → metric
    figures: dict[str, str] = field(default_factory=dict)


# Columns that are no figure: ids, names, dates, statuses, flags and the overview's generic
# value columns (its `metric` column names the catalogue metric of each row).
NOT_FIGURES = frozenset(
    {
        "metric", "value", "previous", "change", "unit", "higher_is_better", "definition",
        "project_id", "team_id", "title", "status", "phase", "due_on", "overdue", "unit_id",
        "has_change_agent", "idea_id", "submitted_on", "decided_on", "implemented_on",
        "merged_into", "category", "round_id", "indicator", "suppressed", "significant",
        "period", "event", "campaign_id", "opens_on", "closes_on",
    }
)  # fmt: skip


def _overview(con, *, period, unit=None, **_) -> pd.DataFrame:
    return overview.overview(con, period=period, unit=unit)


def _projects(con, *, unit=None, today=None, **_) -> pd.DataFrame:
    """pilots.projects as of today (no period: statuses keep no history); due_on as YYYY-MM-DD."""
    frame = pilots.projects(con, unit=unit, today=today)
    return frame.assign(due_on=frame["due_on"].dt.strftime("%Y-%m-%d"))


def _activity_coverage(con, *, period, unit=None, **_) -> pd.DataFrame:
    """activities.activity_coverage of the programme so far: every activity held on or before
    the period's end (the coverage question is "reached yet?", not "reached this month?")."""
    return activities.activity_coverage(con, unit=unit, today=period.end)


def _ideas_by_unit(con, *, period, unit=None, today=None, **_) -> pd.DataFrame:
    return ideas.ideas_by_unit(con, period=period, unit=unit, on=today)


def _ideas(con, *, period, unit=None, today=None, **_) -> pd.DataFrame:
    return ideas.ideas_report(con, period=period, unit=unit, on=today)


def _survey_scores(con, *, round_id=None, **_) -> pd.DataFrame:
    return survey.scores_report(con, round_id=round_id)


def _survey_change(con, *, from_round=None, to_round=None, **_) -> pd.DataFrame:
    return survey.change_report(con, from_round=from_round, to_round=to_round)


def _programme_effect(con, *, from_round=None, to_round=None, **_) -> pd.DataFrame:
    return effect.effect_report(con, from_round=from_round, to_round=to_round)


def _benchmark(con, *, round_id=None, **_) -> pd.DataFrame:
    return benchmark.benchmark_report(con, round_id=round_id)


def _standings(con, *, period, unit=None, **_) -> pd.DataFrame:
    """incentives.standings of the units without sub-units; the left-out units are not listed."""
    frame = incentives.standings(con, period=period, unit=unit)
    return frame[frame["ranked"]]


def _standings_breakdown(con, *, period, unit=None, **_) -> pd.DataFrame:
    return incentives.breakdown(con, period=period, unit=unit)


def _definitions(con, *, lang="fi", **_) -> pd.DataFrame:
    return catalogue.definitions(lang)


REPORTS: dict[str, Report] = {
    r.name: r
    for r in (
        Report(
            "overview",
            "Programme headline figures for the period beside the previous period of equal "
            "length; change = value - previous (percentage points for survey rows). Idea "
            "figures are the period's flow, and the decision and implementation rates of the "
            "matured cohort (ideas sent 3-15 months before the period's end); survey rows "
            "compare the latest two home rounds with results closed by the period's end. "
            "Each metric is defined in `report definitions`.",
            ("metric", "value", "previous", "change"),
            ("period", "unit"),
            _overview,
        ),
        Report(
            "projects",
            "Pilot teams' projects as they stand today, those needing help first; overdue = "
            "due_on before today and status neither done nor stopped; target_reached_pct = "
            "100 x (result - baseline) / (target - baseline), also where lower is better "
            "(empty without a result). --period is not used.",
            (
                "project_id",
                "team_id",
                "title",
                "status",
                "phase",
                "progress_pct",
                "due_on",
                "overdue",
                "target_reached_pct",
            ),
            ("unit",),
            _projects,
        ),
        Report(
            "activity_coverage",
            "Which units the programme has reached, counting every activity held on or before "
            "the end of --period (default: the last complete month); each unit includes the "
            "units below it. workshop_participants = people at supervisor workshops (a person "
            "at two counts twice); supervisors_reached_pct = 100 x supervisors reached (at "
            "least: the most at any one workshop, per unit) / supervisors; seminars = joint "
            "seminars taken part in; has_change_agent = the unit's own change agent.",
            (
                "unit_id",
                "has_change_agent",
                "workshop_participants",
                "supervisors_reached_pct",
                "seminars",
            ),
            ("period", "unit"),
            _activity_coverage,
        ),
        Report(
            "ideas_by_unit",
            "Idea figures per unit in --period, each unit with the units below it (definitions "
            "in `report definitions`). Flow, events dated in the period whenever the idea was "
            "sent: submitted, decided (reached accepted, in_trial, implemented or rejected), "
            "implemented; ideas_per_100_staff = submitted x 365 / days in the period x 100 / "
            "staff; participation_rate = distinct submitters / staff; median_days_to_decision "
            "of the ideas decided in the period. Conversion of the matured cohort (ideas sent "
            "in the 12 months ending 3 months before the period's end, followed to its end): "
            "decision_rate, implementation_rate (fractions 0-1). overdue = ideas waiting today "
            "(new or in_review) longer than the decision target (ideas.decision_target_days, "
            "default 30). Merged ideas (duplicates) are counted nowhere.",
            (
                "unit_id",
                "submitted",
                "decided",
                "implemented",
                "ideas_per_100_staff",
                "participation_rate",
                "decision_rate",
                "implementation_rate",
                "median_days_to_decision",
                "overdue",
            ),
            ("period", "unit"),
            _ideas_by_unit,
            {
                "submitted": "ideas_submitted",
                "decided": "ideas_decided",
                "implemented": "ideas_implemented",
                "overdue": "ideas_overdue",
            },
        ),
        Report(
            "ideas",
            "The ideas submitted in --period, newest first, with their status and age in days "
            "today; decided_on and implemented_on where reached; supporters = people who "
            "support the idea now (each once); comments = its comments and replies not hidden. "
            "Never the submitter, nor a supporter or commenter.",
            (
                "idea_id",
                "unit_id",
                "submitted_on",
                "status",
                "age_days",
                "decided_on",
                "implemented_on",
                "merged_into",
                "category",
                "title",
                "supporters",
                "comments",
            ),
            ("period", "unit"),
            _ideas,
        ),
        Report(
            "campaigns",
            "Every idea campaign, the latest first, with what came of it so far (--period is "
            "not used): ideas = the ideas sent in answer to it (merged duplicates not counted); "
            "participants = distinct named senders of those ideas (anonymous ideas name none); "
            "decided = of its ideas, those accepted, in trial, implemented or rejected; "
            "implemented = those implemented.",
            CAMPAIGN_COLUMNS,
            (),
            lambda con, **_: campaigns_report(con),
            {
                "ideas": "campaign_ideas",
                "participants": "campaign_participants",
                "decided": "campaign_decided",
                "implemented": "campaign_implemented",
            },
        ),
        Report(
            "survey_scores",
            "Survey indicators per round (all rounds, or --round) for every unit with the units "
            "below it and the whole organisation (unit ALL): respondents = people who answered "
            "an item of the indicator; favourable_pct = 100 x favourable answers (top two "
            "points after reversing) / answers; mean on the items' scale. Hidden for privacy "
            "(suppressed=True): empty figures, respondents '< 5' under the threshold.",
            survey.SCORES_REPORT_COLUMNS,
            ("round",),
            _survey_scores,
        ),
        Report(
            "survey_change",
            "Change of each survey indicator from --from ROUND to --to ROUND per unit (with the "
            "units below it) and the whole organisation (ALL): change_pp = to_pct - from_pct in "
            "percentage points; change_rel_pct = 100 x change_pp / from_pct (relative percent); "
            "95 % interval ci_low_pp..ci_high_pp with respondents as the sampling unit; "
            "significant where it excludes 0. Hidden (suppressed=True) wherever either round is. "
            "Without --from and --to: the organisation's latest two home rounds with results.",
            survey.CHANGE_REPORT_COLUMNS,
            ("from_round", "to_round"),
            _survey_change,
            {"from_pct": "favourable_pct", "to_pct": "favourable_pct"},
        ),
        Report(
            "programme_effect",
            "Did acting work? Per survey indicator, the change from --from ROUND to --to ROUND "
            "of the units without sub-units that acted on the --from round's results "
            "(units_with: at least one action for the indicator with round_id = --from, not "
            "dropped) beside the other such units with respondents in both rounds "
            "(units_without); each group's favourable % pooled over its respondents as "
            "survey_scores pools a unit; change_*_pp = to - from; difference_pp = with - "
            "without; 95 % interval difference +- 1.96 x 100 x sqrt(sum p(1-p)/n) over the four "
            "group-round figures. Hidden (suppressed=True) wherever any of them has fewer "
            "respondents than the threshold. An association, not proof that acting caused the "
            "change. Without --from and --to: the organisation's latest two home rounds.",
            effect.REPORT_COLUMNS,
            ("from_round", "to_round"),
            _programme_effect,
            {
                "units_with": "units_with_actions",
                "units_without": "units_without_actions",
                "change_with_pp": "change_pp",
                "change_without_pp": "change_pp",
                "difference_pp": "programme_effect_pp",
                "ci_low_pp": "programme_effect_ci_low_pp",
                "ci_high_pp": "programme_effect_ci_high_pp",
            },
        ),
        Report(
            "benchmark",
            "The home organisation among the benchmark organisations (survey_results of "
            "organisations that are neither home nor a preset's aggregate rows) per benchmark "
            "round (all, or --round) and indicator: home_pct = the whole home organisation's "
            "favourable % in the home round closest in time (within a year; empty where hidden "
            "or missing); benchmark_median, benchmark_q1, benchmark_q3 of the organisations' "
            "favourable % not hidden, linear interpolation (numpy's default); home_percentile = "
            "100 x (organisations lower + half of those equal) / organisations.",
            benchmark.REPORT_COLUMNS,
            ("round",),
            _benchmark,
        ),
        Report(
            "standings",
            "Incentive standings in --period of the units without sub-units (rules in "
            "data/incentive_rules.toml): points = sum of events x their points; "
            "points_per_10_staff = points / (staff on the period's last day / 10); score = "
            "(points + k x mean) / (staff / 10 + k), the rate shrunk towards the organisation's "
            "mean points per 10 staff with prior weight k (standings.prior_weight, tens of "
            "staff); rank 1 = highest score, ties share a rank. Units without staff are left "
            "out. --unit lists that unit's units; ranks stay organisation-wide.",
            ("period", "unit_id", "points", "points_per_10_staff", "score", "rank"),
            ("period", "unit"),
            _standings,
        ),
        Report(
            "standings_breakdown",
            "Where a unit's standings points in --period come from: per event (idea_submitted, "
            "idea_implemented, milestone_reached, workshop_attendance, practice_published) how "
            "many and the points they earned; the rows sum to the unit's points. --unit is "
            "required: a unit without sub-units, or a top unit (its sector's standings).",
            ("event", "count", "points"),
            ("period", "unit"),
            _standings_breakdown,
            {"count": "events"},
        ),
        Report(
            "definitions",
            "The metric catalogue: every figure the pages and reports show, with its unit, "
            "whether higher is better, and its definition in --lang (fi, sv or en; default fi).",
            catalogue.DEFINITION_COLUMNS,
            ("lang",),
            _definitions,
        ),
    )
}
