"""Monthly e-mail digests: each unit head their own units, each steering member the pack.

`python -m metrics digest [--period P] [--dry-run DIR]` (metrics/cli.py) mails, through the
city's SMTP server,

- every `unit_head` of the role table one message (plain text and HTML) about the units the
  table names for them, each with every unit below it and nothing else: the link to the unit's
  page, the period's idea flow against the period before, the ideas waiting longer than the
  decision target, the pilot projects that need help, and a new survey round's change where
  one closed in the period (hidden figures stay hidden: the pack's survey rows arrive with the
  anonymity rules applied);
- every `steering` member the meeting pack's summary, with the pack as a PDF attached.

Nobody else gets anything. A mail that fails is reported on standard error and the others are
still sent; `run` returns how many failed (the command's exit code). `--dry-run DIR` writes
each message to DIR as an .eml file instead of sending it.

Settings, each from the environment or, failing that, a top-level key of
.streamlit/secrets.toml: POHINA_SMTP_HOST, POHINA_SMTP_PORT (25), POHINA_MAIL_FROM,
POHINA_BASE_URL (the app's address, e.g. https://intra.example.fi/pohina), and optionally
POHINA_SMTP_STARTTLS (true/false), POHINA_SMTP_USER and POHINA_SMTP_PASSWORD.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape
from pathlib import Path
from urllib.parse import urlencode

from metrics import formats, pack, pack_document, pack_words, store, units
from metrics.meetings import Window
from metrics.periods import Period

SECRETS = Path(".streamlit/secrets.toml")
DIGEST_SECTIONS = ("ideas", "pilots", "survey")
FLOW = ("ideas_submitted", "ideas_decided", "ideas_implemented", "median_days_to_decision")
LISTED = 10  # overdue ideas and projects listed per unit; the unit's page has the rest
HEADLINE_IN_MAIL = ("ideas_submitted", "ideas_decided", "ideas_implemented", "ideas_overdue",
                    "decision_rate", "projects_on_track")  # fmt: skip
_TRUE = {"1", "true", "yes", "on"}


# ----------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    mail_from: str
    base_url: str
    starttls: bool = False
    user: str = ""
    password: str = ""


def _setting(name: str, secrets: dict) -> str:
    value = os.environ.get(name)
    if value is None:
        value = secrets.get(name, "")
    return str(value).strip()


def _secrets(path: Path) -> dict:
    """The top-level keys of the secrets file (as Streamlit reads them), or nothing."""
    try:
        values = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} cannot be read: {error}") from None
    return {k: v for k, v in values.items() if not isinstance(v, dict)}


def mail_settings(*, sending: bool = True, secrets: Path | None = None) -> MailSettings:
    """The mail settings; a missing one raises ValueError naming it. Without `sending` (a dry
    run) no SMTP server is needed. `secrets` is the secrets file (SECRETS)."""
    found = _secrets(secrets or SECRETS)
    values = {
        name: _setting(name, found)
        for name in (
            "POHINA_SMTP_HOST", "POHINA_SMTP_PORT", "POHINA_MAIL_FROM", "POHINA_BASE_URL",
            "POHINA_SMTP_STARTTLS", "POHINA_SMTP_USER", "POHINA_SMTP_PASSWORD",
        )
    }  # fmt: skip
    needed = ["POHINA_MAIL_FROM", "POHINA_BASE_URL"] + (["POHINA_SMTP_HOST"] if sending else [])
    missing = [name for name in needed if not values[name]]
    if missing:
        raise ValueError(
            f"{', '.join(missing)} not set: the digest needs the sender, the app's address"
            " and (to send) the SMTP server; see the README, E-mail digests"
        )
    port = values["POHINA_SMTP_PORT"] or "25"
    if not port.isdigit():
        raise ValueError(f"POHINA_SMTP_PORT is {port!r}; it must be a port number")
    return MailSettings(
        host=values["POHINA_SMTP_HOST"],
        port=int(port),
        mail_from=values["POHINA_MAIL_FROM"],
        base_url=values["POHINA_BASE_URL"].rstrip("/"),
        starttls=values["POHINA_SMTP_STARTTLS"].lower() in _TRUE,
        user=values["POHINA_SMTP_USER"],
        password=values["POHINA_SMTP_PASSWORD"],
    )


# ----------------------------------------------------------------------------- recipients

RECIPIENTS_SQL = """
    SELECT email, role, units FROM roles WHERE role IN ('unit_head', 'steering')
    ORDER BY role, email
"""


@dataclass(frozen=True)
class Mail:
    to: str
    role: str
    message: EmailMessage


def unit_link(base_url: str, unit: str, period: Period) -> str:
    """The unit page's address: POHINA_BASE_URL/unit?unit=ID (and the period, where the
    sidebar offers it, so the page opens on the digest's month)."""
    query = {"unit": unit}
    if period.kind in ("month", "quarter", "year"):
        query["period"] = str(period)
    return f"{base_url}/unit?{urlencode(query)}"


# ----------------------------------------------------------------------------- composing


def compose(
    con,
    *,
    period: Period,
    settings: MailSettings,
    lang: str = "fi",
    today: date | None = None,
) -> list[Mail]:
    """Every digest of the period, unit heads' and steering members', ready to send."""
    window = Window(period, period.previous())
    recipients = store.read(con, RECIPIENTS_SQL)
    known = set(units.units(con)["unit_id"])
    packs: dict[str | None, pack.Pack] = {}

    def pack_of(unit: str | None) -> pack.Pack:
        if unit not in packs:
            sections = pack.SECTIONS if unit is None else DIGEST_SECTIONS
            packs[unit] = pack.build(con, window=window, unit=unit, sections=sections, today=today)
        return packs[unit]

    mails, attachment = [], None
    for row in recipients.itertuples():
        if row.role == "unit_head":
            given = row.units if isinstance(row.units, str) else ""
            mine = [u for u in given.split(";") if u in known]
            if mine:
                parts = [pack_of(u) for u in mine]
                mails.append(Mail(row.email, row.role, _head_mail(row.email, parts, settings,
                                                                  lang)))  # fmt: skip
        else:
            whole = pack_of(None)
            if attachment is None:
                attachment = pack_document.pdf(whole, lang)
            mails.append(
                Mail(
                    row.email,
                    row.role,
                    _steering_mail(row.email, whole, attachment, settings, lang),
                )  # fmt: skip
            )
    return mails


def _message(to: str, subject: str, settings: MailSettings, lang: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    domain = settings.mail_from.rpartition("@")[2].strip("> ") or None
    message["Message-ID"] = make_msgid(domain=domain)
    message["Content-Language"] = lang
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    return message


def _html(lang: str, body: list[str]) -> str:
    style = (
        "body{font-family:Arial,sans-serif;color:#1A1A1A;line-height:1.45;max-width:42rem}"
        "h2{color:#0B4F8A;font-size:1.2rem;margin:1.4rem 0 .3rem}"
        "h3{font-size:1rem;margin:1rem 0 .2rem}td,th{padding:2px 8px 2px 0;text-align:left}"
        ".num{text-align:right}.muted{color:#404040;font-size:.9rem}"
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<style>{style}</style></head><body>" + "".join(body) + "</body></html>"
    )


def _head_mail(to: str, parts: list[pack.Pack], settings: MailSettings, lang: str):
    """A unit head's digest: one section per unit the role table names for them."""
    t = _texts(lang)
    window = parts[0].window
    period = formats.period(window.period.start, window.period.end, lang)
    names = [p.unit_name for p in parts]
    message = _message(
        to, t("digest.head.subject", units=pack_words.joined(names, lang), period=period),
        settings, lang,
    )  # fmt: skip
    text = [t("digest.head.greeting"), "", t("digest.head.intro", period=period)]
    html = [_p(t("digest.head.greeting")), _p(t("digest.head.intro", period=period))]
    for part in parts:
        link = unit_link(settings.base_url, part.unit, window.period)
        section_text, section_html = _unit_section(part, link, lang)
        text += ["", *section_text]
        html += section_html
    text += ["", t("digest.head.why")]
    html.append(_p(t("digest.head.why"), "muted"))
    message.set_content("\n".join(text) + "\n")
    message.add_alternative(_html(lang, html), subtype="html")
    return message


def _unit_section(part: pack.Pack, link: str, lang: str) -> tuple[list[str], list[str]]:
    """One unit's part of a head's digest, as plain-text lines and HTML pieces."""
    t = _texts(lang)
    text = [part.unit_name, "=" * len(part.unit_name), t("digest.head.link", link=link)]
    html = [
        f"<h2>{escape(part.unit_name)}</h2>",
        f"<p>{escape(t('digest.head.link', link=''))}"
        f'<a href="{escape(link)}">{escape(link)}</a></p>',
    ]
    # the flow of the period against the period before
    text += ["", t("digest.head.flow")]
    html.append(f"<h3>{escape(t('digest.head.flow'))}</h3><table>")
    for name in FLOW:
        row = part.figure(name)
        now = formats.figure(row["value"], row["unit"], lang)
        before = formats.figure(row["previous"], row["unit"], lang)
        text.append(f"- {pack_words.label(name, lang)}: {now} ({before})")
        html.append(
            f"<tr><td>{escape(pack_words.label(name, lang))}</td>"
            f'<td class="num">{escape(now)}</td><td class="num">({escape(before)})</td></tr>'
        )
    html.append("</table>")
    # overdue ideas, the oldest first
    overdue = part.waiting[part.waiting["overdue"]]
    heading = t("digest.head.overdue", target=part.target_days, count=part.overdue_total)
    items = [
        t("digest.head.overdue_item", idea=r.idea_id, title=r.title, unit=r.unit_name,
          age=formats.number(r.age_days, 0, lang))
        for r in overdue.head(LISTED).itertuples()
    ]  # fmt: skip
    _listing(text, html, heading, items, part.overdue_total, lang)
    # projects that need help
    projects = part.projects
    heading = t("digest.head.projects", count=len(projects))
    items = [
        t("digest.head.project_item", title=r.title, team=r.team_name,
          status=formats.text(f"status.{r.status}", lang))
        for r in projects.head(LISTED).itertuples()
    ]  # fmt: skip
    _listing(text, html, heading, items, len(projects), lang)
    # a new survey round, where one closed in the period
    if part.survey is not None and part.survey_new and not part.survey.empty:
        heading = t("digest.head.survey", round=part.survey_to, previous=part.survey_from)
        items = [pack_words.write(pack.survey_phrase(r), lang) for r in part.survey.itertuples()]
        items = [item[:1].upper() + item[1:] for item in items]
        _listing(text, html, heading, items, len(items), lang)
    return text, html


def _listing(text: list[str], html: list[str], heading: str, items: list[str], total: int, lang):
    t = _texts(lang)
    text += ["", heading] + [f"- {item}" for item in items]
    html.append(f"<h3>{escape(heading)}</h3>")
    if items:
        html.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
    if total > len(items):
        more = t("digest.head.more", count=total - len(items))
        text.append(more)
        html.append(_p(more, "muted"))


def _steering_mail(to: str, whole: pack.Pack, attachment: bytes, settings, lang: str):
    """A steering member's digest: the pack's summary, and the pack attached as a PDF."""
    t = _texts(lang)
    window = whole.window
    period = formats.period(window.period.start, window.period.end, lang)
    message = _message(to, t("digest.steering.subject", period=period), settings, lang)
    link = f"{settings.base_url}/pack"
    sentences = [pack_words.write(s, lang) for s in whole.sentences]
    rows = whole.headline.set_index("metric").loc[list(HEADLINE_IN_MAIL)]
    figures = [
        (
            pack_words.label(name, lang),
            formats.figure(r["value"], r["unit"], lang),
            formats.figure(r["previous"], r["unit"], lang),
        )
        for name, r in rows.iterrows()
    ]
    text = [t("digest.head.greeting"), "", t("digest.steering.intro", period=period), ""]
    text += [f"- {s}" for s in sentences] + [""]
    text += [f"{name}: {now} ({before})" for name, now, before in figures]
    text += ["", t("digest.steering.link", link=link), "", t("digest.steering.why")]
    html = [
        _p(t("digest.head.greeting")),
        _p(t("digest.steering.intro", period=period)),
        f"<h2>{escape(t('pack.summary'))}</h2><ul>"
        + "".join(f"<li>{escape(s)}</li>" for s in sentences)
        + "</ul>",
        f"<h2>{escape(t('pack.headline'))}</h2><table>"
        + "".join(
            f'<tr><td>{escape(n)}</td><td class="num">{escape(a)}</td>'
            f'<td class="num">({escape(b)})</td></tr>'
            for n, a, b in figures
        )
        + "</table>",
        f"<p>{escape(t('digest.steering.link', link=''))}"
        f'<a href="{escape(link)}">{escape(link)}</a></p>',
        _p(t("digest.steering.why"), "muted"),
    ]
    message.set_content("\n".join(text) + "\n")
    message.add_alternative(_html(lang, html), subtype="html")
    name = t("digest.attachment", period=str(window.period).replace("..", "_"))
    message.add_attachment(attachment, maintype="application", subtype="pdf", filename=name)
    return message


def _p(words: str, css: str = "") -> str:
    extra = f' class="{css}"' if css else ""
    return f"<p{extra}>{escape(words)}</p>"


def _texts(lang: str):
    def t(key: str, count: int | None = None, **values) -> str:
        return formats.text(key, lang, count=count, **values)

    return t


# ----------------------------------------------------------------------------- sending


def write_eml(mails: Iterable[Mail], directory: Path) -> list[Path]:
    """Each message as DIR/NNN-role-address.eml (the directory is made if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for number, mail in enumerate(mails, start=1):
        safe = re.sub(r"[^A-Za-z0-9@._-]", "_", mail.to)
        path = directory / f"{number:03d}-{mail.role}-{safe}.eml"
        path.write_bytes(mail.message.as_bytes())
        written.append(path)
    return written


def send(mails: Iterable[Mail], settings: MailSettings, *, log=sys.stderr) -> int:
    """Send every message through the SMTP server; return how many failed. A failure is
    reported on `log` and the connection opened again for the next message."""
    failed = 0
    server = None
    for mail in mails:
        try:
            if server is None:
                server = _connect(settings)
            server.send_message(mail.message)
        except (smtplib.SMTPException, OSError) as error:
            failed += 1
            print(f"error: the digest to {mail.to} was not sent: {error}", file=log)
            server = _close(server)
    _close(server)
    return failed


def _connect(settings: MailSettings) -> smtplib.SMTP:
    server = smtplib.SMTP(settings.host, settings.port, timeout=60)
    try:
        if settings.starttls:
            server.starttls(context=ssl.create_default_context())
        if settings.user:
            server.login(settings.user, settings.password)
    except BaseException:
        _close(server)
        raise
    return server


def _close(server: smtplib.SMTP | None) -> None:
    if server is None:
        return None
    try:
        server.quit()
    except (smtplib.SMTPException, OSError):
        server.close()
    return None


def run(
    con,
    *,
    period: Period,
    dry_run: Path | None = None,
    lang: str = "fi",
    today: date | None = None,
    log=sys.stderr,
) -> tuple[int, int]:
    """Compose the period's digests and send them (or write them to `dry_run`); return
    (messages, failed)."""
    settings = mail_settings(sending=dry_run is None)
    mails = compose(con, period=period, settings=settings, lang=lang, today=today)
    if dry_run is not None:
        write_eml(mails, dry_run)
        return len(mails), 0
    return len(mails), send(mails, settings, log=log)
