"""Who is looking, and what they may see: the Streamlit side of metrics.access.

The auth mode is POHINA_AUTH (the environment, or a root-level key of .streamlit/secrets.toml):
- `none`: a local demo. Everyone is the demo visitor, sees every page, and a banner says so.
- `oidc`: st.login against the city's identity provider (the [auth] section of secrets.toml).
  The e-mail the provider gives is looked up in the role table (metrics.access).
Any other value stops the app rather than open it to everyone.

app.py calls `gate()` before it registers pages: a visitor who is signed out sees only the login
button, one who is signed in but not in the role table a polite refusal saying whom to ask.
Every page calls `require(page)` again at its top, and every unit asked for (the address, the
sidebar) is checked against the visitor's units before any figure is read.

Tests sign a visitor in with AppTest's `at.user` ({"is_logged_in": True, "email": ...}), which
is what st.user reads; there is no test switch here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

import streamlit as st

from metrics import access, settings, units
from ui.data import cached
from ui.i18n import t

MODES = ("none", "oidc")
# e-mail claims in the order they are tried: providers differ (Entra ID may give only a UPN)
EMAIL_CLAIMS = ("email", "preferred_username", "upn")


@dataclass(frozen=True)
class Visitor:
    """Who is looking. role None: signed out, or signed in but not in the role table.
    units None: every unit; else the only units the visitor's pages may show."""

    email: str | None = None
    role: str | None = None
    units: tuple[str, ...] | None = None
    signed_in: bool = False
    demo: bool = False

    def may_open(self, page: str) -> bool:
        return access.may_open(self.role, page)

    def landing(self) -> str | None:
        """The page the visitor opens on."""
        return access.landing(self.role)

    def may_see(self, unit: str | None) -> bool:
        """Whether the visitor may see a unit's figures (None: the whole organisation)."""
        if self.units is None:
            return True
        return unit is not None and unit in self.units


# In the demo everyone sees everything, the data page included (the README says so).
DEMO = Visitor(role="admin", demo=True)


def mode() -> str:
    """POHINA_AUTH from the environment, else from secrets.toml; `none` when neither says."""
    value = os.environ.get("POHINA_AUTH")
    if value is None and st.secrets.load_if_toml_exists():
        value = st.secrets.get("POHINA_AUTH")
    return str(value or "none").strip().lower()


def pseudonym_key_set() -> bool:
    """Whether POHINA_PSEUDONYM_KEY (metrics.idea_actions.pseudonym) is set to a real key, not
    left unset (the demo's key), nor the placeholder of secrets.toml.example. With a known key a
    pseudonym could be traced back to the person by trying their e-mail."""
    st.secrets.load_if_toml_exists()  # its root-level keys become environment variables
    key = os.environ.get("POHINA_PSEUDONYM_KEY", "")
    return len(key) >= 16 and key != "pohina-demo" and not key.startswith("REPLACE-")


def _claims() -> dict:
    """st.user as a plain dict (the identity token's claims, and is_logged_in)."""
    return st.user.to_dict()


def _email(claims: dict) -> str | None:
    """The visitor's e-mail address in lower case; none where the provider says the address
    is not verified (email_verified false), since anyone could have typed it."""
    if claims.get("email_verified") is False:
        return None
    for claim in EMAIL_CLAIMS:
        value = claims.get(claim)
        if isinstance(value, str) and "@" in value:
            return value.strip().lower()
    return None


def visitor() -> Visitor:
    """The visitor of this script run, looked up in the role table (cached per data version, so
    a newly loaded role table applies at once)."""
    chosen = mode()
    if chosen == "none":
        return DEMO
    claims = _claims() if chosen == "oidc" else {}
    if not claims.get("is_logged_in"):
        return Visitor()
    email = _email(claims)
    found = cached(access.role_for, email=email) if email else None
    if found is None:
        return Visitor(email=email, signed_in=True)
    scope = cached(access.allowed_units, role=found.role, units_given=found.units)
    return Visitor(email=email, role=found.role, units=scope, signed_in=True)


def gate() -> Visitor:
    """app.py's door: the demo banner, or the login, or a refusal (and nothing else), or the
    signed-in visitor with their name and a log-out button in the sidebar."""
    chosen = mode()
    if chosen not in MODES:
        _only(lambda: st.error(t("access.bad_mode", mode=chosen)), "access.problem")
    if chosen == "none":
        st.sidebar.warning(t("auth.none_banner"), icon=":material/lock_open:")
        return DEMO
    if not pseudonym_key_set():
        _only(lambda: st.error(t("access.no_pseudonym_key")), "access.problem")
    if "is_logged_in" not in _claims():  # st.user has it only when [auth] is configured
        _only(lambda: st.error(t("access.not_configured")), "access.problem")
    who = visitor()
    if not who.signed_in:
        _only(_login, "access.login_title")
    _sidebar(who)
    if who.role is None:
        _only(lambda: _not_in_table(who), "access.refused_title")
    if who.units == ():
        _only(lambda: st.warning(t("access.no_units", contact=contact())), "access.refused_title")
    return who


def _only(page: Callable[[], object], title: str) -> NoReturn:
    """Register this one page and nothing else, so no other page can be reached, and stop."""
    st.navigation([st.Page(page, title=t(title), url_path="access")], position="hidden").run()
    st.stop()


def _login() -> None:
    st.title(t("app.title"))
    st.write(t("access.login_intro"))
    st.button(t("access.login"), type="primary", on_click=st.login, icon=":material/login:")


def contact() -> str:
    return settings.load().admin_contact or t("access.default_contact")


def _not_in_table(who: Visitor) -> None:
    st.title(t("access.refused_title"))
    st.info(t("access.not_in_table", contact=contact()))
    st.text(t("access.signed_in_as", email=who.email or t("access.no_email")))


def _sidebar(who: Visitor) -> None:
    st.sidebar.text(t("access.signed_in_as", email=who.email or t("access.no_email")))
    if who.role is not None:
        st.sidebar.caption(t(f"access.role.{who.role}"))
    st.sidebar.button(t("access.logout"), on_click=st.logout, icon=":material/logout:")


def require(page: str) -> Visitor:
    """A page's own check, right after nav.require_router(): the visitor may open the page, or
    sees a refusal and nothing else."""
    who = visitor()
    if not who.may_open(page):
        st.error(t("access.page_refused"))
        st.stop()
    # a unit in the address outside the visitor's units is refused before the page reads
    # anything (an id that is no unit at all is left to the page: it says so, or ignores it)
    wanted = st.query_params.get("unit")
    known = wanted is not None and wanted in set(cached(units.units)["unit_id"])
    if known and not who.may_see(wanted):
        refuse_unit()
    return who


def refuse_unit() -> NoReturn:
    """A unit outside the visitor's units: a refusal instead of its figures."""
    st.error(t("access.unit_refused", contact=contact()))
    st.stop()


def idea_sections(who: Visitor) -> tuple[str, ...]:
    """The sections of the ideas page the visitor sees (staff: the idea board)."""
    return access.idea_sections(who.role)
