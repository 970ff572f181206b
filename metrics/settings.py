"""Programme settings a city may change: read from data/settings.toml (or POHINA_SETTINGS).

Only what docs/design.md calls configurable lives here; every value has a documented default.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PATH = Path("data/settings.toml")
LOWEST_ANONYMITY_THRESHOLD = 3


@dataclass(frozen=True)
class Settings:
    # no survey figure for a group with fewer respondents than this (never below 3)
    min_respondents: int = 5
    # an idea undecided for longer than this many days is overdue
    decision_target_days: int = 30
    # a signed-in person may send at most this many ideas a day (named or anonymous)
    max_sends_per_day: int = 20
    # a file larger than this many megabytes is refused before it is read (imports)
    max_file_mb: float = 25
    # a file's sheet may have at most this many rows, columns and cells (rows × columns); an
    # XLSX workbook may unpack to at most max_unpacked_mb megabytes. Checked before reading.
    max_rows: int = 1_000_000
    max_columns: int = 1_000
    max_cells: int = 20_000_000
    max_unpacked_mb: float = 500
    # a survey round's answers may be replaced (--replace-round) this many days after their
    # first load; after that the round is frozen as published
    correction_window_days: int = 14
    # whom to ask for access: shown to someone signed in who is not in the role table
    admin_contact: str = ""


def load(path: str | Path | None = None) -> Settings:
    path = Path(path or os.environ.get("POHINA_SETTINGS") or DEFAULT_PATH)
    values = tomllib.loads(path.read_text("utf-8")) if path.exists() else {}
    anonymity, ideas = values.get("anonymity", {}), values.get("ideas", {})
    imports, access = values.get("imports", {}), values.get("access", {})
    survey = values.get("survey", {})
    settings = Settings(
        min_respondents=int(anonymity.get("min_respondents", Settings.min_respondents)),
        decision_target_days=int(ideas.get("decision_target_days", Settings.decision_target_days)),
        max_sends_per_day=int(ideas.get("max_sends_per_day", Settings.max_sends_per_day)),
        max_file_mb=float(imports.get("max_file_mb", Settings.max_file_mb)),
        max_rows=int(imports.get("max_rows", Settings.max_rows)),
        max_columns=int(imports.get("max_columns", Settings.max_columns)),
        max_cells=int(imports.get("max_cells", Settings.max_cells)),
        max_unpacked_mb=float(imports.get("max_unpacked_mb", Settings.max_unpacked_mb)),
        correction_window_days=int(
            survey.get("correction_window_days", Settings.correction_window_days)
        ),
        admin_contact=str(access.get("admin_contact", Settings.admin_contact)).strip(),
    )
    if settings.min_respondents < LOWEST_ANONYMITY_THRESHOLD:
        raise ValueError(
            f"{path}: anonymity.min_respondents is {settings.min_respondents}; "
            f"it can never be below {LOWEST_ANONYMITY_THRESHOLD}"
        )
    if settings.correction_window_days < 0:
        raise ValueError(
            f"{path}: survey.correction_window_days is {settings.correction_window_days}; "
            "it is a number of days, 0 or more"
        )
    return settings
