"""Ideas like the one being written: the form shows them so that a sender can support an idea
already sent instead of splitting its support with a second copy.

The matcher is DuckDB's own string functions over the ideas' titles, measured at city scale
before it was chosen (bench/run.py, step `similar_ideas`: about 0.1 s a check over 100,000
ideas on 2 cores, against a budget of 0.3 s). Finnish inflects by endings and builds compounds,
so whole-word and edit-distance matches miss the rewordings that matter ("Sijaisten kutsuminen
tekstiviestillä" / "Tekstiviesti sijaisten kutsumiseen"); so:

- a title's *stems* are its words of three letters or more, lower case, cut to their first five
  letters, without the few function words in STOPWORDS ("sijaisten" and "sijaiset" are both
  `sijai`);
- a prefilter keeps the ideas whose title contains any of the typed title's stems (one regular
  expression over the titles, the cheap step);
- each of those is scored by how much the two titles share both ways, counting a stem as shared
  where it occurs inside the other title (so a compound, "tekstiviesti", shares `viest` with
  "viesti"): score = (typed stems found in the title + the title's stems found in the typed
  text) / (both stem counts). 1 is every stem shared; below MIN_SCORE nothing is shown.
  Ties go to the closer spelling (jaro_winkler_similarity).

Equal titles are shown once: the idea of the sender's own unit first, then one still open, then
the newest. Merged ideas are never offered (support goes to the idea they were merged into).
"""

from __future__ import annotations

import re

import pandas as pd

from metrics import store

STEM_LENGTH = 5
MIN_WORD = 3
MAX_STEMS = 8  # the first stems of a long title are enough, and keep the check in budget
SHOWN = 5
MIN_SCORE = 0.4
# Function words and the vaguest adverbs, which say nothing of what an idea is about.
STOPWORDS = frozenset(
    {
        "että", "eikä", "joka", "jotka", "jossa", "jonka", "kanssa", "koko", "kun", "kuin", "mutta",
        "myös", "niin", "ensin", "ensi", "sekä", "tai", "tämä", "tämän", "nämä", "sen", "sitä",
        "ole", "ovat", "olla", "oma", "omat", "vain", "jotta", "jos", "yhdessä", "kaikki",
        "kaikille", "vuoden", "alusta", "alkaen", "and", "the", "for", "with", "och", "för", "med",
    }
)  # fmt: skip
_WORD = re.compile(r"[^\w]+")
OPEN_STATUSES = ("new", "in_review", "accepted", "in_trial", "parked")


def stems(text: str | None) -> list[str]:
    """A title's stems, in order of first appearance (at most MAX_STEMS)."""
    words = [w for w in _WORD.split((text or "").lower()) if w]
    kept = (w[:STEM_LENGTH] for w in words if len(w) >= MIN_WORD and w not in STOPWORDS)
    return list(dict.fromkeys(s for s in kept if not s.isdigit()))[:MAX_STEMS]


# The title's stems in SQL, as stems() makes them (the letters of any language: \p{L}).
_TITLE_STEMS = (
    "list_distinct(list_transform(list_filter("
    r"regexp_split_to_array(lower(i.title), '[^\p{L}\p{N}_]+'),"
    " lambda w: length(w) >= 3 AND NOT list_contains($stopwords, w)),"
    " lambda w: left(w, 5)))"
)
SIMILAR_SQL = f"""
    WITH candidates AS (
        SELECT i.idea_id, i.title, i.status, i.unit_id, i.submitted_on,
               lower(i.title) AS lowered, {_TITLE_STEMS} AS title_stems
        FROM ideas i
        WHERE i.status <> 'merged' AND regexp_matches(lower(i.title), $pattern)
    ),
    scored AS (
        SELECT *,
               (len(list_filter($stems, lambda s: contains(lowered, s)))
                + len(list_filter(title_stems, lambda s: contains($typed, s))))
               / (len(title_stems) + len($stems)) AS score,
               jaro_winkler_similarity(lowered, $typed) AS spelling
        FROM candidates
    ),
    one_per_title AS (
        SELECT *, row_number() OVER (
            PARTITION BY lowered
            ORDER BY unit_id = $unit DESC NULLS LAST,
                     list_contains($open, status) DESC, submitted_on DESC, idea_id DESC
        ) AS nth
        FROM scored WHERE score >= $min_score
    )
    SELECT o.idea_id, o.title, o.status, o.unit_id, u.name AS unit_name, o.submitted_on,
           (SELECT count(*) FROM idea_supports s WHERE s.idea_id = o.idea_id) AS supporters,
           o.score
    FROM one_per_title o JOIN units u USING (unit_id)
    WHERE o.nth = 1
    ORDER BY o.score DESC, o.spelling DESC, o.submitted_on DESC, o.idea_id
    LIMIT $limit
"""
COLUMNS = ["idea_id", "title", "status", "unit_id", "unit_name", "submitted_on", "supporters",
           "score"]  # fmt: skip


def similar_ideas(con, *, text: str, unit: str | None = None, limit: int = SHOWN) -> pd.DataFrame:
    """Up to `limit` ideas whose titles are like `text` (the title being typed), the most alike
    first: idea_id, title, status, unit_id, unit_name, submitted_on, supporters (how many
    support it), score (0-1, see the module). `unit` is the sender's unit: among equal titles
    its own idea is shown. No submitter. Empty for a text without stems."""
    typed = stems(text)
    if not typed:
        return pd.DataFrame(columns=COLUMNS)
    params = {
        "stems": typed,
        "typed": (text or "").lower(),
        "pattern": "|".join(re.escape(s) for s in typed),
        "stopwords": sorted(STOPWORDS),
        "unit": unit,
        "open": list(OPEN_STATUSES),
        "min_score": MIN_SCORE,
        "limit": limit,
    }
    return store.read(con, SIMILAR_SQL, params)
