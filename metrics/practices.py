"""The good-practice guide: practices loaded from files or added in the app, found by words and
tags, and written out as one document (HTML or Markdown) to share with other municipalities.

A practice's origin is the one it states (the `origin` column: idea, project, seminar, other);
where it states none, it is read from its links: a pilot project's practice (project_id) is
`project`, a staff idea's (idea_id) is `idea`, another organisation's practice (org_id of an
organisation that is not the home one: such practices come to the programme through the joint
seminars) is `seminar`, and anything else is `other`.

Tags are the `tags` cell split at `;` or `,`, with surrounding space removed.

Free text (titles, summaries, tags, names) is stored as given. The documents escape it: HTML
through html.escape, Markdown by backslash-escaping every character Markdown would read, so
that a shared guide shows the words exactly as written and never runs them as markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd

from metrics import store
from metrics.contract import KINDS
from metrics.validation import validate

PRACTICES_SQL = """
    SELECT p.practice_id, p.title, p.summary, p.unit_id, u.name AS unit_name, p.org_id,
           o.name AS org_name, p.idea_id, p.project_id, j.title AS project_title,
           coalesce(p.origin, CASE WHEN p.project_id IS NOT NULL THEN 'project'
                                   WHEN p.idea_id IS NOT NULL THEN 'idea'
                                   WHEN NOT o.home THEN 'seminar'
                                   ELSE 'other' END) AS origin,
           [trim(tag) FOR tag IN regexp_split_to_array(coalesce(p.tags, ''), '[;,]')
            IF trim(tag) <> ''] AS tags,
           p.published_on
    FROM practices p
    LEFT JOIN units u ON u.unit_id = p.unit_id
    LEFT JOIN organisations o ON o.org_id = p.org_id
    LEFT JOIN projects j ON j.project_id = p.project_id
"""

# The guide narrowed by words (in the title, summary, tags, unit or organisation, or the
# practice's id; case ignored), by tags (a practice must have every tag given) and by origin.
FIND_SQL = f"""
    WITH guide AS ({PRACTICES_SQL})
    SELECT * FROM guide
    WHERE ($words IS NULL OR contains(
              lower(concat_ws(' ', practice_id, title, summary, array_to_string(tags, ' '),
                              unit_name, org_name)),
              lower($words)))
      AND list_has_all(tags, $tags::VARCHAR[])
      AND ($origin IS NULL OR origin = $origin)
    ORDER BY published_on DESC NULLS LAST, practice_id
"""

TAGS_SQL = f"""
    WITH guide AS ({PRACTICES_SQL})
    SELECT tag, count(*) AS practices FROM (SELECT unnest(tags) AS tag FROM guide)
    GROUP BY tag ORDER BY practices DESC, tag
"""

NEXT_ID_SQL = """
    SELECT max(CAST(substr(practice_id, 3) AS INTEGER)) FROM practices
    WHERE regexp_full_match(practice_id, 'GP[0-9]+')
"""

COLUMNS = [
    "practice_id", "title", "summary", "unit_id", "unit_name", "org_id", "org_name", "idea_id",
    "project_id", "project_title", "origin", "tags", "published_on",
]  # fmt: skip


def practices(
    con, *, words: str | None = None, tags: tuple[str, ...] = (), origin: str | None = None
) -> pd.DataFrame:
    """The practices of the guide that match, newest first.

    Columns: practice_id, title, summary, unit_id, unit_name (the home unit it comes from),
    org_id, org_name (another organisation it comes from), idea_id, project_id, project_title,
    origin (idea, project, seminar or other; see the module), tags (a list of words),
    published_on (date).
    """
    params = {"words": (words or "").strip() or None, "tags": list(tags), "origin": origin}
    return store.read(con, FIND_SQL, params)[COLUMNS]


def tags(con) -> pd.DataFrame:
    """Every tag in the guide with how many practices carry it, the commonest first.

    Columns: tag, practices (count)."""
    return store.read(con, TAGS_SQL)


@dataclass(frozen=True)
class Added:
    practice_id: str
    created: bool  # False when the form's token had added it already (a double click, a rerun)


def add_practice(
    con: duckdb.DuckDBPyConnection,
    *,
    title: str,
    summary: str,
    unit_id: str | None = None,
    origin: str | None = None,
    idea_id: str | None = None,
    project_id: str | None = None,
    tags: str = "",
    published_on: date | None = None,
    who: str | None = None,
    token: str | None = None,
    now: datetime | None = None,
) -> Added:
    """Add a practice to the guide, with who added it in practice_events; return its number.

    The practice is checked by the same rules as a practices file (metrics.validation: title
    and summary required, the title at most 200 characters, the unit, idea and project must
    exist, origin one of idea, project, seminar, other) and raises ImportRejected naming every
    problem; nothing is written then. Its number is the next GP0001, GP0002, …; `token` (the
    form's) makes sending the same form twice add one practice, not two.
    """
    now = now or datetime.now()
    row = {
        "practice_id": "GP0",  # a placeholder: the number is taken inside the transaction
        "title": (title or "").strip(),
        "summary": (summary or "").strip(),
        "unit_id": unit_id or "",
        "idea_id": (idea_id or "").strip(),
        "project_id": (project_id or "").strip(),
        "tags": (tags or "").strip(),
        "published_on": (published_on or now.date()).isoformat(),
        "origin": origin or "",
    }
    kind = KINDS["practices"]
    staged = validate(con, kind, pd.DataFrame([row], dtype=str), "form", now.date())
    columns = ["practice_id"] + [c for c in row if c != "practice_id"]

    def write(cur) -> Added:
        if token:
            found = cur.execute(
                "SELECT practice_id FROM practice_events WHERE token = ?", [token]
            ).fetchone()
            if found:
                return Added(found[0], created=False)
        number = (cur.execute(NEXT_ID_SQL).fetchone()[0] or 0) + 1
        practice_id = f"GP{number:04d}"
        values = [practice_id] + [staged[c].iloc[0] for c in columns[1:]]
        values = [None if v is None or (not isinstance(v, str) and pd.isna(v)) else v
                  for v in values]  # fmt: skip
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        cur.execute(f"INSERT INTO practices ({names}) VALUES ({marks})", values)
        cur.execute(
            "INSERT INTO practice_events (practice_id, changed_at, changed_by, action, token)"
            " VALUES (?, ?, ?, 'added', ?)",
            [practice_id, now, who, token],
        )
        return Added(practice_id, created=True)

    # A duplicate key means another writer took the number first: take the next one.
    return store.retrying(con, write, (duckdb.TransactionException, duckdb.ConstraintException))


# ----------------------------------------------------------------------------- the document


@dataclass(frozen=True)
class GuideTexts:
    """The words of a guide document in one language (the page fills them from its texts)."""

    title: str
    intro: str
    generated: str  # e.g. "Printed from Pöhinä on 30.4.2019"
    contents: str
    origin: str
    place: str
    tags: str
    published: str
    origins: dict[str, str] = field(default_factory=dict)  # idea/project/seminar/other → words
    lang: str = "fi"


def _facts(row, texts: GuideTexts, day: Callable[[date], str]) -> list[tuple[str, str]]:
    origin = texts.origins.get(row.origin, row.origin)
    link = row.idea_id if row.origin == "idea" else row.project_id
    if isinstance(link, str) and link:
        origin = f"{origin} {link}"
    if row.origin == "project" and isinstance(row.project_title, str):
        origin = f"{origin}: {row.project_title}"
    place = row.unit_name if isinstance(row.unit_name, str) else row.org_name
    facts = [(texts.origin, origin)]
    if isinstance(place, str) and place:
        facts.append((texts.place, place))
    if len(row.tags):
        facts.append((texts.tags, ", ".join(row.tags)))
    if not pd.isna(row.published_on):
        facts.append((texts.published, day(pd.Timestamp(row.published_on).date())))
    return facts


_STYLE = """
body { font-family: "Source Sans Pro", Arial, sans-serif; color: #1f1f1f; max-width: 46rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 2rem; } h2 { font-size: 1.35rem; margin-top: 2rem; }
.facts { color: #404040; font-size: 0.95rem; }
.summary { white-space: pre-line; }
article { border-top: 1px solid #bbb; page-break-inside: avoid; }
@media print { nav { page-break-after: always; } a { color: inherit; text-decoration: none; } }
"""


def guide_html(frame: pd.DataFrame, texts: GuideTexts, day: Callable[[date], str] = str) -> str:
    """The guide as one self-contained HTML page (printable; the browser's print makes a PDF).

    `frame` is practices() output in the order wanted; every text from the data is escaped."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(texts.lang)}"><head><meta charset="utf-8">',
        f"<title>{e(texts.title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(texts.title)}</h1>",
        f"<p>{e(texts.intro)}</p>",
        f'<p class="facts">{e(texts.generated)}</p>',
        f"<nav><h2>{e(texts.contents)}</h2><ol>",
    ]
    rows = list(frame.itertuples())
    parts += [f'<li><a href="#practice-{k}">{e(r.title)}</a></li>' for k, r in enumerate(rows)]
    parts.append("</ol></nav>")
    for k, row in enumerate(rows):
        facts = " · ".join(f"{e(label)}: {e(value)}" for label, value in _facts(row, texts, day))
        parts += [
            f'<article id="practice-{k}"><h2>{e(row.title)}</h2>',
            f'<p class="facts">{facts}</p>',
            f'<p class="summary">{e(row.summary)}</p></article>',
        ]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# Characters Markdown reads as markup anywhere in a line, and the starts of a line that make it
# a list item, a quote or a heading underline.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&!])")
_LINE_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def markdown_text(text: str) -> str:
    """Text that Markdown shows exactly as written: every character it could read as markup is
    backslash-escaped (CommonMark lets any ASCII punctuation be escaped), a line's indentation
    is dropped (four spaces would make it code) and each line break is kept."""
    lines = str(text).splitlines() or [""]
    escaped = []
    for line in lines:
        line = _MARKDOWN_SPECIAL.sub(r"\\\1", line.strip())
        escaped.append(_LINE_START.sub(lambda m: "\\" + m[1] if m[1] else f"{m[2]}\\{m[3]}", line))
    return "  \n".join(escaped)


def guide_markdown(frame: pd.DataFrame, texts: GuideTexts, day: Callable[[date], str] = str) -> str:
    """The guide as one Markdown document; every text from the data is escaped."""
    m = markdown_text
    parts = [f"# {m(texts.title)}", "", m(texts.intro), "", f"_{m(texts.generated)}_", ""]
    for row in frame.itertuples():
        parts += [f"## {m(row.title)}", ""]
        parts += [f"- **{m(label)}:** {m(value)}" for label, value in _facts(row, texts, day)]
        parts += ["", m(row.summary), ""]
    return "\n".join(parts)
