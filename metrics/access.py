"""Who may see what: the role table, the pages each role may open and the units it may see.

docs/design.md, Access. The role table (loaded as a file of the kind `roles`) gives an e-mail one
role. A unit head's and a change agent's units, each with every unit below it, are the only
units their pages show. The other roles see the whole organisation: steering and admin every
page (admin also the data page, which can download every row anyway), staff the idea form, the
idea board and the standings, which are the whole city's by design.

Nothing here imports streamlit: ui.access asks these questions for the signed-in user, and
app.py registers only the pages `may_open` allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics import store, units
from metrics.contract import ROLES, ROLES_WITH_UNITS, UNIT_SEPARATOR

# Every page of the app, by its file name in pages/ (app.py registers them in this order).
PAGES = (
    "overview", "pack", "unit", "pilots", "activities", "ideas", "idea_form", "triage",
    "campaigns", "standings", "survey", "survey_summary", "benchmark", "practices", "data",
)  # fmt: skip
# What every role may open: send an idea and see what happens to ideas and who leads the
# standings (docs/design.md: staff "send ideas, see the idea board and standings"), and the
# idea campaigns they are asked to answer; and the staff survey's summary, for everyone who
# answered it.
STAFF_PAGES = frozenset({"idea_form", "ideas", "campaigns", "standings", "survey_summary"})
MAY_OPEN: dict[str, frozenset[str]] = {
    "steering": frozenset(PAGES) - {"data"},
    "unit_head": STAFF_PAGES | {"overview", "unit", "survey", "pilots"},
    # the unit page of their units: they plan actions on the survey results with the units
    "change_agent": STAFF_PAGES | {"triage", "unit"},
    "staff": STAFF_PAGES,
    "admin": frozenset(PAGES),
}
# The sections of the ideas page; staff see the idea board: the pipeline, the list and "you
# said, we did" (the ideas implemented lately).
IDEA_SECTIONS = ("pipeline", "decisions", "results", "units", "list", "done")
IDEA_BOARD = ("pipeline", "list", "done")
# Who may open (and close early) an idea campaign: the steering group and change agents (in
# their own units), and the admin.
CAMPAIGN_OPENERS = frozenset({"steering", "change_agent", "admin"})
# The page a role opens on: the first of these it may open.
LANDING = ("overview", "triage", "idea_form")
assert set(MAY_OPEN) == set(ROLES) and all(MAY_OPEN[r] <= set(PAGES) for r in ROLES)


@dataclass(frozen=True)
class Role:
    """One row of the role table: the e-mail (lower case), its role, and for a unit head or a
    change agent the units the table names (the units below them come with them)."""

    email: str
    role: str
    units: tuple[str, ...] = ()

    @property
    def scoped(self) -> bool:
        """True for a role that sees only its own units."""
        return self.role in ROLES_WITH_UNITS


ROLE_SQL = "SELECT email, role, units FROM roles WHERE email = lower(trim($email))"


def role_for(con, *, email: str) -> Role | None:
    """The role table's row for an e-mail address (case and surrounding space ignored), or None
    for someone who is not in the table."""
    frame = store.read(con, ROLE_SQL, {"email": email or ""})
    if frame.empty:
        return None
    row = frame.iloc[0]
    text = row["units"] if isinstance(row["units"], str) else ""
    return Role(row["email"], row["role"], tuple(u for u in text.split(UNIT_SEPARATOR) if u))


def may_open(role: str | None, page: str) -> bool:
    """Whether a role may open a page (by its name in PAGES); nobody may open an unknown page."""
    return page in MAY_OPEN.get(role or "", frozenset())


def pages_for(role: str | None) -> tuple[str, ...]:
    """The pages a role may open, in the app's order."""
    return tuple(p for p in PAGES if may_open(role, p))


def landing(role: str | None) -> str | None:
    """The page a role opens on (overview where it may open it), None for no role."""
    return next((p for p in LANDING if may_open(role, p)), next(iter(pages_for(role)), None))


def may_run_campaigns(role: str | None) -> bool:
    """Whether a role may open and close idea campaigns (CAMPAIGN_OPENERS)."""
    return role in CAMPAIGN_OPENERS


def idea_sections(role: str | None) -> tuple[str, ...]:
    """The sections of the ideas page a role sees: staff the idea board, the others all."""
    return IDEA_BOARD if role == "staff" else IDEA_SECTIONS


BELOW_SQL = """
    SELECT DISTINCT unit_id FROM unit_closure
    WHERE ancestor_id IN (SELECT unnest($units::VARCHAR[]))
"""


def allowed_units(con, *, role: str, units_given: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The units a role may see: None for every unit (steering, admin, staff); for a unit head
    or a change agent the units given with every unit below them, in the order of the unit tree
    (units.units). A unit no longer in the organisation gives nothing; no units, an empty tuple.
    """
    if role not in ROLES_WITH_UNITS:
        return None
    below = set(store.read(con, BELOW_SQL, {"units": list(units_given)})["unit_id"])
    return tuple(u for u in units.units(con)["unit_id"] if u in below)
