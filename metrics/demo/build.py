"""Draw the demo world, write its contract files, and load them through the importer."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from metrics.demo import (
    actions,
    activities,
    campaigns,
    ideas,
    organisation,
    pilots,
    practices,
    survey,
)
from metrics.demo.dates import weekday_on_or_after, years_before
from metrics.demo.model import SCALES, DemoFile, Scale, World, rng
from metrics.imports import ImportResult, import_file

# The columns of each file the demo writes, in the order written (docs/data-contract.md).
COLUMNS: dict[str, tuple[str, ...]] = {
    "organisations": ("org_id", "name", "group", "home"),
    "units": (
        "unit_id",
        "name",
        "headcount",
        "parent_id",
        "org_id",
        "supervisors",
        "head_email",
        "change_agent",
        "as_of",
    ),
    "teams": ("team_id", "name", "unit_id", "started_on", "ended_on", "change_agent"),
    "ideas": (
        "idea_id",
        "unit_id",
        "submitted_on",
        "title",
        "status",
        "description",
        "category",
        "status_changed_on",
        "decided_on",
        "implemented_on",
        "submitter",
        "anonymous",
        "merged_into",
        "team_id",
        "benefit_hours_per_year",
        "benefit_eur_per_year",
        "campaign_id",
        "responsible",
    ),
    "campaigns": (
        "campaign_id",
        "title",
        "opens_on",
        "closes_on",
        "why",
        "units",
        "indicator",
        "focus",
    ),
    "projects": (
        "project_id",
        "team_id",
        "title",
        "status",
        "goal",
        "phase",
        "started_on",
        "due_on",
        "done_on",
        "progress_pct",
        "measure",
        "baseline_value",
        "target_value",
        "result_value",
    ),
    "milestones": ("milestone_id", "project_id", "title", "due_on", "reached_on"),
    "activities": (
        "activity_id",
        "kind",
        "held_on",
        "title",
        "unit_id",
        "org_id",
        "participants",
        "supervisors",
    ),
    "practices": (
        "practice_id",
        "title",
        "summary",
        "unit_id",
        "org_id",
        "idea_id",
        "project_id",
        "tags",
        "published_on",
    ),
    "survey_rounds": ("round_id", "name", "closed_on", "opened_on"),
    "survey_results": ("round_id", "org_id", "indicator", "favourable_pct", "n", "response_rate"),
    "survey_items": (
        "item_id",
        "text_fi",
        "indicator",
        "text_en",
        "text_sv",
        "scale_max",
        "reverse",
    ),
    "actions": (
        "action_id",
        "unit_id",
        "round_id",
        "indicator",
        "item_id",
        "title",
        "owner",
        "created_on",
        "due_on",
        "status",
        "published",
    ),
}


def write_demo_files(
    out_dir: Path | str,
    *,
    scale: str = "imatra",
    seed: int = 1,
    as_of: date,
) -> list[DemoFile]:
    """Write the demo's contract files into out_dir; return them in import order.

    Deterministic: the same scale, seed and as_of give byte-identical files. The wall clock is
    never read; every date is on or before as_of.
    """
    params = SCALES[scale]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    world = build_world(params, seed, as_of)
    campaigns.attach_to_ideas(world, seed)
    files = [
        _write(out, "organisations", organisation.organisation_rows(params)),
        _write(out, "units", organisation.unit_rows(world)),
        _write(out, "teams", organisation.team_rows(world)),
        _write(out, "campaigns", campaigns.campaign_rows(world)),  # the ideas name them
        _write(out, "ideas", world.idea_rows, as_text=False),
        _write(out, "projects", world.project_rows),
        _write(out, "milestones", world.milestone_rows),
        _write(out, "activities", activities.activity_rows(world, rng(seed, "activities"))),
        _write(out, "practices", practices.practice_rows(world, rng(seed, "practices"))),
        _write(out, "survey_rounds", survey.round_rows(world)),
        _write(out, "survey_items", survey.item_rows()),
    ]
    files += survey.write_survey_responses(out, world, rng(seed, "survey"))
    peers = survey.peer_result_rows(world, rng(seed, "peers"))
    files.append(_write(out, "survey_results", peers))
    # units' actions on their results, after the rounds and items they respond to
    files.append(_write(out, "actions", actions.action_rows(world, seed)))
    return files


def build_demo(
    con,
    scale: str = "imatra",
    seed: int = 1,
    out_dir: Path | str | None = None,
    as_of: date | None = None,
) -> list[ImportResult]:
    """Write the demo files and load each one through the importer; return the ImportResults.

    out_dir defaults to data/demo/<scale> and as_of to today. The importer checks dates against
    as_of, so a demo dated in the past or the future loads the same way.
    """
    as_of = as_of or date.today()
    out = Path(out_dir) if out_dir is not None else Path("data/demo") / scale
    files = write_demo_files(out, scale=scale, seed=seed, as_of=as_of)
    loaded = [import_file(con, f.kind, f.path, round_id=f.round_id, today=as_of) for f in files]
    campaigns.add_talk(con, seed=seed, as_of=as_of)  # staff's supports and comments: no file
    return loaded


def build_world(scale: Scale, seed: int, as_of: date) -> World:
    """Everything the files are written from; each part draws from its own random stream."""
    units = organisation.build_units(scale, rng(seed, "units"))
    rounds = survey.survey_rounds(scale, as_of)
    programme_start = weekday_on_or_after(
        rounds[scale.baseline_round].closed_on + timedelta(days=30)
    )
    ideas_from = years_before(as_of, scale.idea_years) + timedelta(days=1)
    organisation.place_new_units(units, scale, rng(seed, "history"), as_of)
    world = World(scale, as_of, units, rounds, programme_start, ideas_from, [])
    world.teams = organisation.build_teams(world, rng(seed, "teams"))
    ideas.build_ideas(world, rng(seed, "ideas"))
    pilots.build_projects(world, rng(seed, "projects"))
    return world


def _write(out: Path, kind: str, rows: list[list], *, as_text: bool = True) -> DemoFile:
    """One contract CSV; as_text=False for rows whose cells are already strings."""
    path = out / f"{kind}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS[kind])
        writer.writerows(([_cell(v) for v in row] for row in rows) if as_text else rows)
    return DemoFile(kind, path)


def _cell(value) -> str:
    kind = type(value)  # exact types first: this runs for every cell of the large files
    if kind is str:
        return value
    if value is None:
        return ""
    if kind is bool or kind is np.bool_:
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
