"""The pilot and development teams' projects and their milestones.

Projects follow one another over a team's life, each with a measure, a baseline and a target;
milestones due by as_of are mostly reached. A plan may lie after as_of: an ongoing team often
has its next project agreed but not started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from metrics.demo.model import Team, World
from metrics.demo.texts import (
    GENERAL_PROJECTS,
    MILESTONE_FIRST,
    MILESTONE_LAST,
    MILESTONE_MIDDLE,
    PILOT_PROJECTS,
)


def build_projects(world: World, rng: np.random.Generator) -> None:
    """Fill in world.project_rows, world.milestone_rows and world.done_projects."""
    projects, milestones, done = [], [], []
    for team in world.teams:
        unit = world.units[team.unit]
        catalogue = PILOT_PROJECTS.get(unit.unit_id, GENERAL_PROJECTS)
        count = int(rng.integers(2, 5))
        order = rng.permutation(len(catalogue)).tolist()
        chosen = sorted(order[:count])
        # projects follow one another over the team's life: an ongoing team's latest project
        # is under way now, an ended team started its last one in time to finish it
        if team.ended_on is not None:
            last_start = team.ended_on - timedelta(days=int(rng.integers(120, 240)))
        else:
            last_start = world.as_of - timedelta(days=int(rng.integers(30, 180)))
        window = max((last_start - team.started_on).days, 0)
        for k, spec_index in enumerate(chosen):
            offset = window * k // (len(chosen) - 1) + int(rng.integers(0, 21))
            start = team.started_on + timedelta(days=offset)
            project_id = f"PRJ{len(projects) + 1:04d}"
            plan = _project_plan(world, team, catalogue[spec_index], start, rng)
            projects.append(_project_row(project_id, team, plan))
            milestones += _milestones(world, project_id, plan, len(milestones), rng)
            if plan.status == "done":
                done.append((project_id, team.unit, plan.title, plan.done_on))
        if team.ended_on is None and count < len(catalogue) and rng.random() < 0.5:
            # an ongoing team often has its next project agreed but not started
            project_id = f"PRJ{len(projects) + 1:04d}"
            start = world.as_of + timedelta(days=int(rng.integers(14, 90)))
            plan = _project_plan(world, team, catalogue[order[count]], start, rng)
            projects.append(_project_row(project_id, team, plan))
            milestones += _milestones(world, project_id, plan, len(milestones), rng)
    world.project_rows, world.milestone_rows, world.done_projects = projects, milestones, done


@dataclass(frozen=True)
class _ProjectPlan:
    title: str
    measure: str
    baseline: float
    target: float
    status: str
    started_on: date
    due_on: date  # may lie after as_of: a plan
    progress_pct: int
    phase: str
    reached_share: float  # the share of milestones reached by as_of
    done_on: date | None
    result: float | None


def _project_plan(world: World, team: Team, spec, start: date, rng) -> _ProjectPlan:
    title, measure, baseline, target = spec
    as_of = world.as_of
    finish_by = team.ended_on or date.max
    due = min(start + timedelta(days=int(rng.integers(120, 330))), finish_by)
    if start > as_of - timedelta(days=7):
        status = "planned"
    elif due <= as_of:
        status = str(rng.choice(["done", "stopped", "late"], p=[0.7, 0.1, 0.2]))
        if status == "late" and team.ended_on is not None:
            status = "done"  # a team that has ended has closed its projects
    else:
        status = str(rng.choice(["on_track", "at_risk"], p=[0.6, 0.4]))
    elapsed = min(max((as_of - start).days / max((due - start).days, 1), 0.0), 1.0)
    progress, phase, reached, result = _project_state(status, elapsed, baseline, target, rng)
    done_on = None
    if status == "done":
        done_on = due + timedelta(days=int(rng.integers(-20, 40)))
        done_on = max(min(done_on, as_of, finish_by), start + timedelta(days=1))
    return _ProjectPlan(
        title, measure, baseline, target, status, start, due, progress, phase, reached, done_on,
        result,
    )  # fmt: skip


def _project_state(status: str, elapsed: float, baseline, target, rng):
    """Progress %, PDCA phase, share of milestones reached and the latest measured result."""
    partial = baseline + (target - baseline) * elapsed * rng.uniform(0.4, 0.9)
    if status == "done":
        result = target if rng.random() < 0.65 else baseline + (target - baseline) * 0.7
        return 100, "act", 1.0, result
    if status == "stopped":
        return int(rng.integers(15, 60)), "do", 0.4, None
    if status == "late":
        return int(rng.integers(60, 91)), "check", 0.75, partial
    if status == "planned":
        return 0, "plan", 0.0, None
    progress = int(np.clip(elapsed * 100 + rng.normal(0, 8), 5, 95))
    reached = elapsed
    if status == "at_risk":  # behind: less done, fewer checkpoints reached
        progress, reached = max(int(progress * 0.6), 5), elapsed * 0.6
    phase = "plan" if progress < 25 else "do" if progress < 75 else "check"
    return progress, phase, reached, partial if progress >= 40 else None


def _project_row(project_id: str, team: Team, plan: _ProjectPlan) -> list:
    return [
        project_id,
        team.team_id,
        plan.title,
        plan.status,
        f"{plan.measure}: {_number(plan.baseline)} → {_number(plan.target)}",
        plan.phase,
        plan.started_on,  # a planned project's start and due dates may lie ahead
        plan.due_on,
        plan.done_on,
        plan.progress_pct,
        plan.measure,
        _number(plan.baseline),
        _number(plan.target),
        None if plan.result is None else _number(plan.result),
    ]


def _milestones(world: World, project_id: str, plan: _ProjectPlan, numbered: int, rng):
    """Two to five checkpoints spread over the project; those due by now are mostly reached."""
    count = int(rng.integers(2, 6))
    titles = [MILESTONE_FIRST]
    titles += [str(t) for t in rng.choice(MILESTONE_MIDDLE, size=count - 2, replace=False)]
    titles.append(str(rng.choice(MILESTONE_LAST)))
    span = (plan.due_on - plan.started_on).days
    rows = []
    for k, title in enumerate(titles):
        milestone_id = f"MS{numbered + k + 1:05d}"
        due_on = plan.started_on + timedelta(days=round(span * (k + 1) / count))
        reached = None
        if (k + 1) / count <= plan.reached_share + 1e-9 and due_on <= world.as_of:
            late_by = timedelta(days=int(rng.integers(-7, 22)))
            reached = min(max(due_on + late_by, plan.started_on), plan.done_on or world.as_of)
        # dates after as_of (a planned project, a checkpoint still ahead) are left empty
        rows.append([milestone_id, project_id, title, due_on, reached])
    return rows


def _number(x: float) -> str:
    """A measure value as written in the file: whole numbers without decimals."""
    rounded = round(float(x), 1)
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:.1f}"
