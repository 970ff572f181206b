"""The data contract: the kinds of file Pöhinä imports, their columns and their value rules.

docs/data-contract.md in code: the importer reads it to parse and validate files, and the
contract's column tables are generated from it (`make docs`); nothing else decides what a
column means.
"""

from __future__ import annotations

from dataclasses import dataclass, field

IDEA_STATUSES = (
    "new",
    "in_review",
    "accepted",
    "in_trial",
    "implemented",
    "rejected",
    "merged",
    "parked",
)
IDEA_STATUS_ALIASES = {
    "uusi": "new",
    "käsittelyssä": "in_review",
    "hyväksytty": "accepted",
    "kokeilussa": "in_trial",
    "toteutettu": "implemented",
    "hylätty": "rejected",
    "yhdistetty": "merged",
    "odottaa": "parked",
}
DECIDED_STATUSES = ("accepted", "in_trial", "implemented", "rejected")
PROJECT_STATUSES = ("planned", "on_track", "at_risk", "late", "done", "stopped")
PROJECT_PHASES = ("plan", "do", "check", "act")
ACTIVITY_KINDS = ("supervisor_workshop", "seminar", "change_agent_meeting", "training", "other")
# Where a good practice came from: a staff idea, a pilot team's project, a joint seminar with
# other municipalities, or elsewhere. A practice that does not say is read from its links
# (metrics.practices).
PRACTICE_ORIGINS = ("idea", "project", "seminar", "other")
PRACTICE_ORIGIN_ALIASES = {
    "kehitysidea": "idea", "aloite": "idea", "pilot": "project", "projekti": "project",
    "kehittämisprojekti": "project", "seminaari": "seminar", "muu": "other",
}  # fmt: skip
# Who may see what when the app runs with a login (docs/design.md, Access; metrics.access).
ROLES = ("steering", "unit_head", "change_agent", "staff", "admin")
ROLE_ALIASES = {
    "ohjausryhmä": "steering", "esihenkilö": "unit_head", "yksikön päällikkö": "unit_head",
    "muutosagentti": "change_agent", "henkilöstö": "staff", "pääkäyttäjä": "admin",
}  # fmt: skip
# Roles that see only their own units, each with every unit below it; the others see them all.
ROLES_WITH_UNITS = ("unit_head", "change_agent")
# A role table's units are unit ids separated by this.
UNIT_SEPARATOR = ";"
PROGRAMME_INDICATORS = ("satisfaction", "internal_communication", "change_leadership")
# What a unit does about its survey results (the `actions` kind, metrics.actions): its status.
ACTION_STATUSES = ("planned", "in_progress", "done", "dropped")
ACTION_STATUS_ALIASES = {
    "suunniteltu": "planned", "suunnitteilla": "planned", "käynnissä": "in_progress",
    "valmis": "done", "hylätty": "dropped", "luovuttu": "dropped",
}  # fmt: skip
TITLE_MAX = 200
TEXT_MAX = 100_000
ANSWER_COLUMNS_FIXED = ("round_id", "unit_id", "respondent")


@dataclass(frozen=True)
class Column:
    """One column of a kind.

    type is one of: id, text, int, number, date, bool, choice, pct (0–100, a % sign accepted).
    `target` is the table column it is stored in, where that differs from the file's name.
    """

    name: str
    type: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    max_len: int = TEXT_MAX
    minimum: float | None = None
    maximum: float | None = None
    target: str | None = None

    @property
    def stored_as(self) -> str:
        return self.target or self.name


@dataclass(frozen=True)
class Kind:
    """A kind of import file: its columns, the table it fills and the columns that identify a row.

    A survey_responses file also has one column per survey item; those are not listed here.
    """

    name: str
    table: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def _id(name: str, required: bool = True) -> Column:
    return Column(name, "id", required=required, max_len=200)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "organisations",
            "organisations",
            ("org_id",),
            (
                _id("org_id"),
                Column("name", required=True, max_len=TITLE_MAX),
                Column("group", target="group_name", max_len=TITLE_MAX),
                Column("home", "bool"),
            ),
        ),
        Kind(
            "units",
            "units",
            ("unit_id",),
            (
                _id("unit_id"),
                Column("name", required=True, max_len=TITLE_MAX),
                Column("headcount", "int", required=True, minimum=0),
                _id("parent_id", required=False),
                _id("org_id", required=False),
                Column("supervisors", "int", minimum=0),
                Column("head_email", max_len=320),
                Column("change_agent", max_len=TITLE_MAX),
                Column("as_of", "date"),
            ),
        ),
        Kind(
            "ideas",
            "ideas",
            ("idea_id",),
            (
                _id("idea_id"),
                _id("unit_id"),
                Column("submitted_on", "date", required=True),
                Column("title", required=True, max_len=TITLE_MAX),
                Column(
                    "status",
                    "choice",
                    required=True,
                    choices=IDEA_STATUSES,
                    aliases=IDEA_STATUS_ALIASES,
                ),
                Column("description"),
                Column("category", max_len=TITLE_MAX),
                Column("status_changed_on", "date"),
                Column("decided_on", "date"),
                Column("implemented_on", "date"),
                Column("submitter", max_len=200),
                Column("anonymous", "bool"),
                _id("merged_into", required=False),
                _id("team_id", required=False),
                Column("benefit_hours_per_year", "number", minimum=0),
                Column("benefit_eur_per_year", "number", minimum=0),
                # the campaign the idea answers, and who is responsible for an accepted one
                _id("campaign_id", required=False),
                Column("responsible", max_len=TITLE_MAX),
            ),
        ),
        Kind(
            "survey_rounds",
            "survey_rounds",
            ("round_id",),
            (
                _id("round_id"),
                Column("name", required=True, max_len=TITLE_MAX),
                Column("closed_on", "date", required=True),
                Column("opened_on", "date"),
            ),
        ),
        Kind(
            "survey_items",
            "survey_items",
            ("item_id",),
            (
                _id("item_id"),
                Column("text_fi", required=True, max_len=1000),
                Column("indicator", "id", required=True, max_len=100),
                Column("text_en", max_len=1000),
                Column("text_sv", max_len=1000),
                Column("scale_max", "int", minimum=2, maximum=11),
                Column("reverse", "bool"),
            ),
        ),
        Kind(
            "survey_responses",
            "survey_answers",
            ("round_id", "unit_id"),
            (_id("round_id"), _id("unit_id"), Column("respondent", "id", max_len=200)),
        ),
        Kind(
            "survey_results",
            "survey_results",
            ("round_id", "unit_id", "org_id", "item_id", "indicator"),
            (
                _id("round_id"),
                _id("unit_id", required=False),
                _id("org_id", required=False),
                _id("item_id", required=False),
                Column("indicator", "id", max_len=100),
                Column("favourable_pct", "pct", minimum=0, maximum=100),
                Column("mean", "number", minimum=0),
                Column("n", "int", minimum=0),
                Column("response_rate", "pct", minimum=0, maximum=100),
            ),
        ),
        Kind(
            "teams",
            "teams",
            ("team_id",),
            (
                _id("team_id"),
                Column("name", required=True, max_len=TITLE_MAX),
                _id("unit_id"),
                Column("started_on", "date"),
                Column("ended_on", "date"),
                Column("change_agent", max_len=TITLE_MAX),
            ),
        ),
        Kind(
            "projects",
            "projects",
            ("project_id",),
            (
                _id("project_id"),
                _id("team_id"),
                Column("title", required=True, max_len=TITLE_MAX),
                Column("status", "choice", required=True, choices=PROJECT_STATUSES),
                Column("goal"),
                Column("phase", "choice", choices=PROJECT_PHASES),
                Column("started_on", "date"),
                Column("due_on", "date"),
                Column("done_on", "date"),
                Column("progress_pct", "pct", minimum=0, maximum=100),
                Column("measure", max_len=TITLE_MAX),
                Column("baseline_value", "number"),
                Column("target_value", "number"),
                Column("result_value", "number"),
            ),
        ),
        Kind(
            "milestones",
            "milestones",
            ("milestone_id",),
            (
                _id("milestone_id"),
                _id("project_id"),
                Column("title", required=True, max_len=TITLE_MAX),
                Column("due_on", "date"),
                Column("reached_on", "date"),
            ),
        ),
        Kind(
            "activities",
            "activities",
            ("activity_id", "unit_id", "org_id"),
            (
                _id("activity_id"),
                Column("kind", "choice", required=True, choices=ACTIVITY_KINDS),
                Column("held_on", "date", required=True),
                Column("title", required=True, max_len=TITLE_MAX),
                _id("unit_id", required=False),
                _id("org_id", required=False),
                Column("participants", "int", minimum=0),
                Column("supervisors", "int", minimum=0),
            ),
        ),
        Kind(
            "practices",
            "practices",
            ("practice_id",),
            (
                _id("practice_id"),
                Column("title", required=True, max_len=TITLE_MAX),
                Column("summary", required=True),
                _id("unit_id", required=False),
                _id("org_id", required=False),
                _id("idea_id", required=False),
                _id("project_id", required=False),
                Column("tags", max_len=1000),
                Column("published_on", "date"),
                Column(
                    "origin", "choice", choices=PRACTICE_ORIGINS, aliases=PRACTICE_ORIGIN_ALIASES
                ),
            ),
        ),
        # The steering group's meeting dates: a meeting pack covers the days since the
        # previous meeting (metrics.meetings). A date may lie ahead: meetings are planned.
        Kind(
            "meetings",
            "meetings",
            ("meeting_id",),
            (
                _id("meeting_id"),
                Column("held_on", "date", required=True),
                Column("title", max_len=TITLE_MAX),
            ),
        ),
        # What a unit does about its survey results: one action of its action plan, responding
        # to the results of round_id for an indicator (and, optionally, one item of it).
        # `published`: the steering group shares it with all staff (the survey summary page).
        Kind(
            "actions",
            "actions",
            ("action_id",),
            (
                _id("action_id"),
                _id("unit_id"),
                _id("round_id"),
                Column("indicator", "id", required=True, max_len=100),
                _id("item_id", required=False),
                Column("title", required=True, max_len=TITLE_MAX),
                Column("owner", required=True, max_len=TITLE_MAX),
                Column("created_on", "date", required=True),
                Column("due_on", "date", required=True),
                Column(
                    "status",
                    "choice",
                    required=True,
                    choices=ACTION_STATUSES,
                    aliases=ACTION_STATUS_ALIASES,
                ),
                _id("practice_id", required=False),
                _id("project_id", required=False),
                Column("published", "bool"),
            ),
        ),
        # Idea campaigns: a question to the staff of some units (ids separated by ';', each with
        # the units below it; empty: everyone), open from opens_on to closes_on, optionally
        # tied to a survey indicator or a focus area (metrics.campaigns). Dates may lie ahead.
        Kind(
            "campaigns",
            "campaigns",
            ("campaign_id",),
            (
                _id("campaign_id"),
                Column("title", required=True, max_len=TITLE_MAX),
                Column("opens_on", "date", required=True),
                Column("closes_on", "date", required=True),
                Column("why", max_len=4000),
                Column("units", max_len=10_000),
                Column("indicator", "id", max_len=100),
                Column("focus", max_len=TITLE_MAX),
            ),
        ),
        Kind(
            "roles",
            "roles",
            ("email",),
            (
                Column("email", "id", required=True, max_len=320),
                Column("role", "choice", required=True, choices=ROLES, aliases=ROLE_ALIASES),
                Column("units", max_len=10_000),
            ),
        ),
    )
}
