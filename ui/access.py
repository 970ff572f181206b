"""Who is looking, and what they may see: the Streamlit side of metrics.access.

The auth mode is POHINA_AUTH (the environment, or a root-level key of .streamlit/secrets.toml):
- `none`: a local demo. Everyone is the demo visitor, sees every page, and a banner says so.
- `oidc`: st.login against the city's identity provider (the [auth] section of secrets.toml).
  The e-mail the provider gives is looked up in the role table (metrics.access).
Anything else fails closed: unset, empty or misspelt, a secrets.toml that cannot be read, or
`oidc` without a complete [auth] section or a pseudonym key. The visitor then sees only a "not
configured" page naming the problem (`setup()`), and the server's log says the same at ERROR.

app.py calls `gate()` before it registers pages: a visitor who is signed out sees only the login
button, one who is signed in but not in the role table a polite refusal saying whom to ask.
Every page calls `require(page)` again at its top, and every unit asked for (the address, the
sidebar) is checked against the visitor's units before any figure is read.

Tests sign a visitor in with AppTest's `at.user` ({"is_logged_in": True, "email": ...}), which
is what st.user reads; there is no test switch here.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import streamlit as st

from metrics import access, settings, units
from ui.data import cached
from ui.i18n import t

MODES = ("none", "oidc")
# What st.login() needs of the [auth] section (Streamlit's default provider: the client's keys
# at the top of [auth], or in [auth.default]).
AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
LOG = logging.getLogger("pohina.access")
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


@dataclass(frozen=True)
class Setup:
    """The login as configured. mode None: not configured, and `problem` (a key of
    ui/locales/access.toml, filled in with `details`) says why; `file` is for the log only."""

    mode: str | None
    problem: str = ""
    details: dict[str, str] = field(default_factory=dict)
    file: str = ""

    def explain(self, lang: str | None = None) -> str:
        return t(self.problem, lang, **self.details)


def setup() -> Setup:
    """POHINA_AUTH from the environment, else a root-level key of secrets.toml (Streamlit copies
    those into the environment when it reads the file), checked: only `none` and a complete
    `oidc` open the app."""
    unreadable = _unreadable_secrets()
    if unreadable is not None:
        path, error = unreadable
        return Setup(None, "access.setup.secrets_unreadable", {"error": error}, file=path)
    value = os.environ.get("POHINA_AUTH")
    if value is None and st.secrets.load_if_toml_exists():
        value = st.secrets.get("POHINA_AUTH")
    if value is None:
        section = _section_holding("POHINA_AUTH")
        if section is not None:
            return Setup(None, "access.setup.misplaced", {"section": section})
        return Setup(None, "access.setup.unset")
    chosen = str(value).strip().lower()
    if not chosen:
        return Setup(None, "access.setup.empty")
    if chosen not in MODES:
        return Setup(None, "access.bad_mode", {"mode": chosen})
    if chosen == "oidc":
        missing = _auth_missing()
        if missing is None:
            return Setup(None, "access.not_configured")
        if missing:
            return Setup(None, "access.setup.auth_incomplete", {"keys": ", ".join(missing)})
        if not pseudonym_key_set():
            return Setup(None, "access.no_pseudonym_key")
    return Setup(chosen)


def mode() -> str | None:
    """`none` or `oidc`; None when the login is not configured (setup() says why)."""
    return setup().mode


def _unreadable_secrets() -> tuple[str, str] | None:
    """The first secrets.toml Streamlit would read that cannot be read, and why (the parser's
    words, which quote no value; for a file it may not open, the reason without the path).
    Streamlit itself only logs such a file at start and carries on as if there were none."""
    for name in st.get_option("secrets.files"):
        path = Path(name).expanduser()
        if path.suffix != ".toml" or not path.exists():
            continue
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            return str(path), str(error)
        except UnicodeDecodeError:
            return str(path), "not UTF-8 text"
        except OSError as error:
            return str(path), error.strerror or type(error).__name__
    return None


def _section_holding(key: str) -> str | None:
    """The secrets.toml section that holds `key` where it belongs at the top, if one does."""
    if not st.secrets.load_if_toml_exists():
        return None
    for name, value in st.secrets.items():
        if isinstance(value, Mapping) and key in value:
            return name
    return None


def _auth_missing() -> list[str] | None:
    """The keys st.login needs that the [auth] section lacks, or still has as the example's
    placeholder (`REPLACE-…`); None when there is no [auth] section at all."""
    auth = st.secrets.get("auth") if st.secrets.load_if_toml_exists() else None
    if not isinstance(auth, Mapping):
        return None
    provider = auth.get("default")
    provider = provider if isinstance(provider, Mapping) else auth
    given = {key: auth.get(key) for key in AUTH_KEYS} | {k: provider.get(k) for k in PROVIDER_KEYS}
    return [
        key
        for key, value in given.items()
        if not str(value or "").strip() or str(value).startswith("REPLACE-")
    ]


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
    found = setup()
    if found.mode is None:
        _not_configured(found)
    if found.mode == "none":
        st.sidebar.warning(t("auth.none_banner"), icon=":material/lock_open:")
        return DEMO
    if "is_logged_in" not in _claims():  # st.user has it only when [auth] is configured
        _not_configured(Setup(None, "access.not_configured"))
    who = visitor()
    if not who.signed_in:
        _only(_login, "access.login_title")
    _sidebar(who)
    if who.role is None:
        _only(lambda: _not_in_table(who), "access.refused_title")
    if who.units == ():
        _only(lambda: st.warning(t("access.no_units", contact=contact())), "access.refused_title")
    return who


def _not_configured(found: Setup) -> NoReturn:
    """The not-configured page, naming the problem for the administrator, and nothing else."""
    where = f" ({found.file})" if found.file else ""
    LOG.error("Pöhinä is closed, not configured: %s%s", found.explain("en"), where)

    def page() -> None:
        st.title(t("access.setup.title"))
        st.error(found.explain())
        st.caption(t("access.setup.admin"))

    _only(page, "access.setup.title")


def _only(page: Callable[[], object], title: str) -> NoReturn:
    """Register this one page and nothing else, so no other page can be reached, and stop.

    The page also answers, hidden, at every page's address: a link to a page shows the login or
    the refusal there, where Streamlit would first say "Page not found" and change the address.
    Each of them runs this same function; no page script is registered."""
    gate = [st.Page(page, title=t(title), url_path="access", default=True)]
    gate += [
        st.Page(page, title=t(title), url_path=name, visibility="hidden") for name in access.PAGES
    ]
    st.navigation(gate, position="hidden").run()
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
