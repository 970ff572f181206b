"""Survey indicators for groups (a unit with all units below it, or the whole organisation).

Figures leave this module only through functions that have applied metrics.anonymity: a
hidden figure is NaN and its row says suppressed=True; the respondents of a group below the
threshold are <NA> and its row says below_threshold=True (shown as "< 5").

A round's indicator comes from the respondents' answers (survey_responses) where the round
has any for it, and otherwise from the vendor's pre-aggregated results for home units
(survey_results): those follow the same anonymity rules with their n as respondents; where n
is missing the publisher's own suppression stands and no significance test is made.

A closed round is frozen as published (docs/design.md, Anonymity): its groups are those of its own
unit tree, as it was when data about its units was first loaded (survey_round_units, kept by
metrics.imports), so that moving a unit later changes none of its figures.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from datetime import date

import numpy as np
import pandas as pd

from metrics import anonymity, store
from metrics.anonymity import ORGANISATION

# The unit tree of each chosen round: as it was when data about the round's units was first
# loaded (survey_round_units, kept by metrics.imports), so that no later move changes a figure
# of a closed round (docs/design.md, Anonymity); a round with nothing of its units loaded yet (no
# unit figures to move) follows today's units. `position` keeps the units' stored order.
ROUND_UNITS_SQL = """
    SELECT round_id, unit_id, parent_id, org_id, rowid AS position FROM survey_round_units
    WHERE round_id IN (SELECT unnest($rounds::VARCHAR[]))
    UNION ALL
    SELECT r.round_id, u.unit_id, u.parent_id, u.org_id, u.rowid
    FROM (SELECT DISTINCT unnest($rounds::VARCHAR[]) AS round_id) r CROSS JOIN units u
    WHERE r.round_id NOT IN (SELECT round_id FROM survey_round_units)
"""

# Each round's home units with their parents in that round, in the units' stored order (which
# complementary suppression follows where it has a choice, as it always has).
ROUND_HOME_UNITS_SQL = f"""
    SELECT t.round_id, t.unit_id, t.parent_id
    FROM ({ROUND_UNITS_SQL}) t JOIN organisations o USING (org_id) WHERE o.home
    ORDER BY t.round_id, t.position
"""

# Common table expressions for WITH RECURSIVE: tree (ROUND_UNITS_SQL), home_units (the
# round's home units) and closure (every unit of a round paired with itself and each unit
# below it in that round's tree: "a unit with all units below it").
_ROUND_CLOSURE_CTES = f"""
    tree AS ({ROUND_UNITS_SQL}),
    home_units AS (
        SELECT t.round_id, t.unit_id FROM tree t JOIN organisations o USING (org_id) WHERE o.home
    ),
    closure(round_id, ancestor_id, unit_id) AS (
        SELECT round_id, unit_id, unit_id FROM tree
        UNION ALL
        SELECT c.round_id, c.ancestor_id, t.unit_id
        FROM closure c JOIN tree t ON t.round_id = c.round_id AND t.parent_id = c.unit_id
    )
"""

# Every answer of the chosen rounds: `answer` as given, `value` after reversing, and whether
# it is favourable (the top two points of its scale after reversing).
SCORED_ANSWERS_SQL = """
    SELECT *, value >= scale_max - 1 AS favourable FROM (
        SELECT a.round_id, a.unit_id, a.respondent, a.item_id, i.indicator, i.scale_max,
               a.value AS answer,
               CASE WHEN i.reverse THEN i.scale_max + 1 - a.value ELSE a.value END AS value
        FROM survey_answers a JOIN survey_items i USING (item_id)
        WHERE a.round_id IN (SELECT unnest($rounds::VARCHAR[]))
    )
"""

# Per unit (own respondents only), round and indicator: the sums the pooled figures are made of,
# as the importer keeps them in survey_unit_sums (metrics.import_write.UNIT_SUMS_SQL, made of
# SCORED_ANSWERS_SQL).
STORED_UNIT_SUMS_SQL = """
    SELECT * FROM survey_unit_sums WHERE round_id IN (SELECT unnest($rounds::VARCHAR[]))
"""

# Every home group (a unit with all units below it, and the whole organisation as ALL), on
# each round's own tree.
GROUP_SUMS_SQL = f"""
    WITH RECURSIVE {_ROUND_CLOSURE_CTES},
    unit_sums AS ({STORED_UNIT_SUMS_SQL})
    SELECT s.round_id, c.ancestor_id AS group_id, s.indicator,
           sum(s.respondents) AS respondents, sum(s.answers) AS answers,
           sum(s.favourable) AS favourable, sum(s.value_sum) AS value_sum
    FROM unit_sums s JOIN closure c USING (round_id, unit_id)
    JOIN home_units h ON h.round_id = c.round_id AND h.unit_id = c.ancestor_id
    GROUP BY ALL
    UNION ALL
    SELECT s.round_id, '{ORGANISATION}', s.indicator, sum(s.respondents), sum(s.answers),
           sum(s.favourable), sum(s.value_sum)
    FROM unit_sums s JOIN home_units USING (round_id, unit_id)
    GROUP BY ALL
"""

# A vendor's indicator-level results for home units (or, by org_id, the whole organisation).
PUBLISHED_SQL = f"""
    WITH tree AS ({ROUND_UNITS_SQL})
    SELECT r.round_id, coalesce(r.unit_id, '{ORGANISATION}') AS group_id, r.indicator,
           r.n AS respondents, r.favourable_pct, r.mean, r.suppressed AS published_suppressed
    FROM survey_results r
    LEFT JOIN tree u ON u.round_id = r.round_id AND u.unit_id = r.unit_id
    JOIN organisations o ON o.org_id = coalesce(u.org_id, r.org_id)
    WHERE o.home AND r.indicator IS NOT NULL
      AND r.round_id IN (SELECT unnest($rounds::VARCHAR[]))
"""

# Per home group and item of one round (on its own tree): the answers by value as given, and
# the scored sums.
ITEM_SUMS_SQL = f"""
    WITH RECURSIVE {_ROUND_CLOSURE_CTES},
    unit_sums AS (
        SELECT round_id, unit_id, item_id, answer, count(*) AS answers,
               count(*) FILTER (WHERE favourable) AS favourable, sum(value) AS value_sum
        FROM ({SCORED_ANSWERS_SQL}) GROUP BY ALL
    )
    SELECT c.ancestor_id AS group_id, s.item_id, s.answer, sum(s.answers) AS answers,
           sum(s.favourable) AS favourable, sum(s.value_sum) AS value_sum
    FROM unit_sums s JOIN closure c USING (round_id, unit_id)
    JOIN home_units h ON h.round_id = c.round_id AND h.unit_id = c.ancestor_id
    GROUP BY ALL
    UNION ALL
    SELECT '{ORGANISATION}', s.item_id, s.answer, sum(s.answers), sum(s.favourable),
           sum(s.value_sum)
    FROM unit_sums s JOIN home_units USING (round_id, unit_id)
    GROUP BY ALL
"""

ITEMS_SQL = """
    SELECT item_id, indicator, text_fi, text_sv, text_en, scale_max, reverse
    FROM survey_items ORDER BY indicator, item_id
"""

SCORE_COLUMNS = [
    "round_id", "group_id", "indicator", "respondents", "favourable_pct", "mean", "suppressed",
    "below_threshold", "difference_pp", "source", "tested",
]  # fmt: skip
SCORES_REPORT_COLUMNS = (
    "round_id", "unit_id", "indicator", "respondents", "favourable_pct", "mean", "suppressed",
)  # fmt: skip
CHANGE_REPORT_COLUMNS = (
    "unit_id", "indicator", "from_pct", "to_pct", "change_pp", "change_rel_pct", "ci_low_pp",
    "ci_high_pp", "significant", "suppressed",
)  # fmt: skip
CHANGE_COLUMNS = [
    "group_id", "indicator", "from_round", "to_round", "from_pct", "to_pct", "change_pp",
    "change_rel_pct", "ci_low_pp", "ci_high_pp", "significant", "suppressed",
]  # fmt: skip


def rounds(con) -> pd.DataFrame:
    """round_id, name, opened_on, closed_on, ordered by closed_on."""
    return store.read(
        con, "SELECT round_id, name, opened_on, closed_on FROM survey_rounds ORDER BY closed_on"
    )


def check_rounds(con, round_ids) -> None:
    """Raise ValueError naming any round id that is not a survey round."""
    known = rounds(con)["round_id"].tolist()
    unknown = [r for r in round_ids if r not in known]
    if unknown:
        raise ValueError(
            f"no survey round {', '.join(map(repr, unknown))}; the rounds are: "
            + (", ".join(known) or "none yet")
        )


def group_scores(con, *, round_ids) -> pd.DataFrame:
    """Every home group's score per round and indicator, anonymity applied (see _group_scores;
    kept, see _kept_for)."""
    return _kept_for(con, _group_scores, tuple(round_ids))


def _group_scores(con, *, round_ids) -> pd.DataFrame:
    """Every home group's score per round and indicator, anonymity applied.

    One row per round, indicator and group (every home unit with the units below it in the
    round's own unit tree, and the whole organisation as ALL), for each round and indicator
    that has any data; rounds in the order they closed.
    Columns: round_id, group_id, indicator, respondents (people who answered at least one item
    of the indicator; <NA> where below_threshold, or where a publisher gave no n),
    favourable_pct (percent of answered items that were favourable), mean (of the answered
    values after reversing, on the items' scale), suppressed (True where the figures are hidden;
    favourable_pct and mean are then NaN), below_threshold (respondents is 1 to threshold-1,
    shown only as "< threshold"), difference_pp (favourable_pct minus the whole organisation's,
    in percentage points), source ("answers" or "published"), tested (respondents known, so a
    change can be tested for significance).
    """
    round_ids = list(round_ids)
    computed = store.read(con, GROUP_SUMS_SQL, {"rounds": round_ids})
    computed["favourable_pct"] = 100 * computed["favourable"] / computed["answers"]
    computed["mean"] = computed["value_sum"] / computed["answers"]
    computed["published_suppressed"] = False
    computed["source"] = "answers"
    published = store.read(con, PUBLISHED_SQL, {"rounds": round_ids})
    published["source"] = "published"
    pair = ["round_id", "indicator"]
    keep = ~pd.MultiIndex.from_frame(published[pair]).isin(pd.MultiIndex.from_frame(computed[pair]))
    threshold = anonymity.threshold()
    parents = _group_parents(con, round_ids)
    scores = pd.concat(
        [
            _anonymised(computed, parents, threshold),
            _anonymised(published[keep], parents, threshold),
        ],
        ignore_index=True,
    )
    whole = scores.loc[scores["group_id"] == ORGANISATION, ["round_id", "indicator"]]
    whole["organisation_pct"] = scores.loc[scores["group_id"] == ORGANISATION, "favourable_pct"]
    scores = scores.merge(whole, on=["round_id", "indicator"], how="left")
    scores["difference_pp"] = scores["favourable_pct"] - scores["organisation_pct"]
    position = {r: i for i, r in enumerate(rounds(con)["round_id"])}
    scores["position"] = scores["round_id"].map(position)
    scores = scores.sort_values(["position", "indicator", "group_id"], ignore_index=True)
    return scores[SCORE_COLUMNS]


def _anonymised(frame: pd.DataFrame, parents: dict, threshold: int) -> pd.DataFrame:
    """Each round and indicator's groups, completed to every home group of the round's tree
    (parents: round → group → parent), with suppression decided per round and indicator."""
    pairs = frame[["round_id", "indicator", "source"]].drop_duplicates()
    groups = pd.DataFrame(
        [(r, g) for r, tree in parents.items() for g in tree], columns=["round_id", "group_id"]
    )
    grid = pairs.merge(groups, on="round_id")
    frame = grid.merge(frame, on=["round_id", "indicator", "source", "group_id"], how="left")
    # a group without answers has no respondents (known to be none); a publisher's gap is unknown
    respondents = frame["respondents"].astype("Float64")
    respondents = respondents.mask(frame["source"].eq("answers") & respondents.isna(), 0)
    frame["respondents"] = respondents.round().astype("Int64")
    groups = frame["group_id"].to_numpy()
    counts = frame["respondents"].fillna(0).to_numpy()
    already = frame["published_suppressed"].astype("boolean").fillna(False).to_numpy(bool)
    suppressed = np.zeros(len(frame), dtype=bool)
    for (round_id, _), rows in frame.groupby(["round_id", "indicator"]).indices.items():
        known = {g: int(n) for g, n in zip(groups[rows], counts[rows], strict=True) if n > 0}
        hidden = anonymity.hidden_groups(
            parents[round_id], known, threshold, also_hidden=groups[rows][already[rows]]
        )
        suppressed[rows] = [g in hidden for g in groups[rows]]
    frame["suppressed"] = suppressed
    frame["below_threshold"] = (counts > 0) & (counts < threshold)
    frame["tested"] = counts >= threshold
    frame.loc[frame["suppressed"], ["favourable_pct", "mean"]] = math.nan
    # A hidden group's count goes too: a complement's count would give a small group's count back
    # by subtraction. Below the threshold the page says "< 5"; otherwise just "hidden".
    frame.loc[frame["suppressed"] | frame["below_threshold"], "respondents"] = pd.NA
    return frame


def _group_parents(con, round_ids) -> dict[str, dict[str, str | None]]:
    """Each round's home groups, each with its parent group in the round's own tree."""
    frame = store.read(con, ROUND_HOME_UNITS_SQL, {"rounds": list(round_ids)})
    frame["parent_id"] = (
        frame["parent_id"].astype(object).where(frame["parent_id"].notna(), ORGANISATION)
    )
    parents: dict[str, dict[str, str | None]] = {r: {} for r in round_ids}
    for round_id, rows in frame.groupby("round_id", sort=False):
        parents[round_id] = dict(zip(rows["unit_id"], rows["parent_id"], strict=True))
    for tree in parents.values():
        tree[ORGANISATION] = None
    return parents


def change_ci(p_from, n_from, p_to, n_to):
    """change_pp and its 95 % interval (docs/design.md, Survey): respondents are the sampling unit.

    p_from and p_to are favourable shares in percent; returns (change_pp, ci_low_pp,
    ci_high_pp). Works on numbers and on arrays alike.
    """
    p1, p2 = np.divide(p_from, 100), np.divide(p_to, 100)
    se = np.sqrt(p1 * (1 - p1) / n_from + p2 * (1 - p2) / n_to)
    change = np.subtract(p_to, p_from)
    return change, change - 1.96 * 100 * se, change + 1.96 * 100 * se


def change_between(con, *, from_round: str, to_round: str) -> pd.DataFrame:
    """The change of every home group's indicators from one round to another.

    Columns: group_id, indicator, from_round, to_round, from_pct and to_pct (favourable_pct in
    each round), change_pp (to_pct - from_pct, percentage points), change_rel_pct (100 ×
    change_pp / from_pct, relative percent), ci_low_pp and ci_high_pp (its 95 % interval,
    respondents as the sampling unit; NaN where a publisher gave no n), significant (the
    interval excludes 0; <NA> where untested), suppressed (True wherever either round's figure
    is hidden: every figure of the row is then empty).
    """
    check_rounds(con, [from_round, to_round])
    if from_round == to_round:
        raise ValueError("a change needs two different survey rounds")
    scores = group_scores(con, round_ids=[from_round, to_round])
    key = ["group_id", "indicator"]
    before = scores[scores["round_id"] == from_round].set_index(key)
    after = scores[scores["round_id"] == to_round].set_index(key)
    both = before.join(after, how="outer", suffixes=("_from", "_to"))
    hidden = _flag(both["suppressed_from"]) | _flag(both["suppressed_to"])
    tested = _flag(both["tested_from"]) & _flag(both["tested_to"]) & ~hidden
    p1, p2 = both["favourable_pct_from"].astype(float), both["favourable_pct_to"].astype(float)
    n1, n2 = both["respondents_from"].astype(float), both["respondents_to"].astype(float)
    change, low, high = change_ci(p1, n1, p2, n2)
    changes = pd.DataFrame(
        {
            "from_round": from_round,
            "to_round": to_round,
            "from_pct": p1,
            "to_pct": p2,
            "change_pp": change,
            "change_rel_pct": 100 * change / p1.where(p1 != 0),
            "ci_low_pp": low.where(tested),
            "ci_high_pp": high.where(tested),
            "significant": ((low > 0) | (high < 0)).astype("boolean").where(tested),
            "suppressed": hidden,
        },
        index=both.index,
    )
    figures = ["from_pct", "to_pct", "change_pp", "change_rel_pct", "ci_low_pp", "ci_high_pp"]
    changes.loc[hidden, figures] = math.nan
    return changes.reset_index()[CHANGE_COLUMNS]


def _flag(column: pd.Series) -> pd.Series:
    return column.astype("boolean").fillna(False).astype(bool)


# The rounds (of those asked for) with a figure, shown or hidden, for one group: answers of
# its respondents, or a vendor's result for it.
ROUNDS_WITH_RESULTS_SQL = f"""
    SELECT DISTINCT round_id FROM ({GROUP_SUMS_SQL})
    WHERE group_id = $group AND respondents > 0
    UNION
    SELECT DISTINCT round_id FROM ({PUBLISHED_SQL}) WHERE group_id = $group
"""


def rounds_with_results(con, *, unit: str | None = None, up_to: date | None = None) -> list[str]:
    """The home rounds with results for a group (a unit with the units below it; None: the
    whole organisation) that closed by `up_to` (None: any day), oldest first.

    A round has results for the group where any of its indicators has a figure for it, shown
    or hidden (a hidden figure still says the round is there); benchmark rounds never count,
    since only home units and the home organisation are read. The one rule for "the latest
    rounds" that the overview, the unit page, the survey page, the benchmark page and
    `report survey_change` share.
    """
    closed = rounds(con)
    if up_to is not None:
        closed = closed[closed["closed_on"].dt.date <= up_to]
    params = {"rounds": list(closed["round_id"]), "group": unit or ORGANISATION}
    found = set(store.read(con, ROUNDS_WITH_RESULTS_SQL, params)["round_id"])
    return [r for r in closed["round_id"] if r in found]


def latest_rounds(
    con, *, unit: str | None = None, up_to: date | None = None
) -> tuple[str, str] | None:
    """(from_round, to_round): the group's two latest rounds_with_results, or None."""
    found = rounds_with_results(con, unit=unit, up_to=up_to)
    return (found[-2], found[-1]) if len(found) >= 2 else None


def latest_change(con, *, unit: str | None = None, up_to: date | None = None) -> pd.DataFrame:
    """The change of each indicator between the group's latest two rounds (latest_rounds).

    Columns: indicator, from_round, to_round, from_pct, to_pct, change_pp, change_rel_pct,
    ci_low_pp, ci_high_pp, significant, suppressed; as change_between, for one group.
    """
    columns = CHANGE_COLUMNS[1:]
    pair = latest_rounds(con, unit=unit, up_to=up_to)
    if pair is None:
        return pd.DataFrame(columns=columns)
    changes = change_between(con, from_round=pair[0], to_round=pair[1])
    return changes.loc[changes["group_id"] == (unit or ORGANISATION), columns].reset_index(
        drop=True
    )


# The anonymised figures of the last few calls, by function, database file, data version,
# threshold and rounds: at city scale one call takes 0.3–0.5 s, and one page asks for the same
# rounds' figures several times over (its own tables, the focus areas, the plan coverage, the
# programme effect beside the change).
_KEPT = 16
_kept: OrderedDict = OrderedDict()
_kept_lock = threading.Lock()
DATABASE_FILE_SQL = "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"


def _kept_for(con, compute, rounds: tuple[str, ...]) -> pd.DataFrame:
    """A copy of compute(con, round_ids=rounds) as kept for the database's file as it is now (an
    in-memory database, which nothing names, is computed every time)."""
    (path,) = con.cursor().execute(DATABASE_FILE_SQL).fetchone()
    if path is None:
        return compute(con, round_ids=rounds)
    key = (compute.__name__, path, store.data_version(con), anonymity.threshold(), rounds)
    with _kept_lock:
        kept = _kept.get(key)
    if kept is None:
        kept = compute(con, round_ids=rounds)
        with _kept_lock:
            _kept[key] = kept
            while len(_kept) > _KEPT:
                _kept.popitem(last=False)
    return kept.copy()


def item_scores(con, *, round_id: str) -> pd.DataFrame:
    """Every home group's item-level figures and answer distribution in one round (see
    _item_scores; kept, see _kept_for)."""
    return _kept_for(con, _item_scores, (round_id,))


def _item_scores(con, *, round_ids: tuple[str]) -> pd.DataFrame:
    """Every home group's item-level figures and answer distribution in one round.

    One row per group and item the group's respondents answered. Columns: round_id, group_id,
    indicator, item_id, text_fi, text_sv, text_en, scale_max, reverse, respondents (answers to
    the item; <NA> where suppressed or below_threshold), favourable_pct (percent), mean (after
    reversing), suppressed, below_threshold, and answers_1 … answers_N (how many answered each
    value as given, before reversing; N the largest scale; <NA> where suppressed or off the
    scale). Figures are on the round's own unit tree, as it was when its answers were loaded.

    A group is hidden at item level wherever its indicator is hidden, and further until no
    item's equations leak (metrics.anonymity); a group hidden for one item of an indicator is
    hidden for all its items, so an item cannot be worked out from the indicator's figure.
    """
    (round_id,) = round_ids
    check_rounds(con, [round_id])
    items = store.read(con, ITEMS_SQL)
    sums = store.read(con, ITEM_SUMS_SQL, {"rounds": [round_id]})
    largest = int(items["scale_max"].max()) if len(items) else 0
    answer_columns = [f"answers_{v}" for v in range(1, largest + 1)]
    if sums.empty:
        columns = ["round_id", "group_id", *items.columns, "respondents", "favourable_pct",
                   "mean", "suppressed", "below_threshold", *answer_columns]  # fmt: skip
        return pd.DataFrame(columns=columns)
    key = ["group_id", "item_id"]
    totals = sums.groupby(key)[["answers", "favourable", "value_sum"]].sum()
    spread = sums.pivot_table(index=key, columns="answer", values="answers", aggfunc="sum")
    spread = spread.reindex(columns=range(1, largest + 1)).set_axis(answer_columns, axis=1)
    frame = totals.join(spread).reset_index().merge(items, on="item_id")
    frame["respondents"] = frame["answers"].astype("Int64")
    frame["favourable_pct"] = 100 * frame["favourable"] / frame["answers"]
    frame["mean"] = frame["value_sum"] / frame["answers"]
    hidden = _item_hidden(con, frame, round_id)
    pairs = pd.MultiIndex.from_frame(frame[["indicator", "group_id"]])
    frame["suppressed"] = pairs.isin(list(hidden)) if hidden else False
    threshold = anonymity.threshold()
    frame["below_threshold"] = frame["answers"] < threshold
    frame[answer_columns] = frame[answer_columns].fillna(0).astype("Int64")
    for value, column in enumerate(answer_columns, start=1):
        frame.loc[frame["scale_max"] < value, column] = pd.NA
    frame.loc[frame["suppressed"], ["favourable_pct", "mean", *answer_columns]] = pd.NA
    # as in group_scores: a hidden group's count would give a neighbour's back by subtraction
    frame.loc[frame["suppressed"] | frame["below_threshold"], "respondents"] = pd.NA
    frame["round_id"] = round_id
    columns = ["round_id", "group_id", *items.columns, "respondents", "favourable_pct", "mean",
               "suppressed", "below_threshold", *answer_columns]  # fmt: skip
    return frame[columns].sort_values(["indicator", "item_id", "group_id"], ignore_index=True)


def _item_hidden(con, frame: pd.DataFrame, round_id: str) -> set[tuple[str, str]]:
    """(indicator, group) pairs hidden at item level: a fixed point over the indicator's items."""
    threshold = anonymity.threshold()
    parents = _group_parents(con, [round_id])[round_id]
    indicators = group_scores(con, round_ids=[round_id])
    hidden = set()
    for indicator, items in frame.groupby("indicator"):
        shown = indicators[indicators["indicator"] == indicator]
        seed = set(shown.loc[shown["suppressed"], "group_id"])
        counts = [
            dict(zip(rows["group_id"], rows["answers"].astype(int), strict=True))
            for _, rows in items.groupby("item_id")
        ]
        while True:
            found = set(seed)
            for respondents in counts:
                found |= anonymity.hidden_groups(parents, respondents, threshold, also_hidden=seed)
            if found == seed:
                break
            seed = found
        hidden |= {(indicator, g) for g in seed}
    return hidden


def scores_report(con, *, round_id: str | None = None) -> pd.DataFrame:
    """`report survey_scores`: group_scores as the command line prints it.

    Columns: round_id, unit_id (ALL for the whole organisation), indicator, respondents (a
    count, "< 5" below the threshold, empty where a publisher gave no n), favourable_pct
    (percent), mean, suppressed. Rows in round order, the organisation first, then by unit.
    """
    order = rounds(con)["round_id"].tolist()
    if round_id is not None:
        check_rounds(con, [round_id])
    scores = group_scores(con, round_ids=[round_id] if round_id else order)
    threshold = anonymity.threshold()
    respondents = scores["respondents"].astype(object).where(scores["respondents"].notna(), "")
    respondents[scores["below_threshold"]] = f"< {threshold}"
    report = scores.assign(
        unit_id=scores["group_id"],
        respondents=respondents,
        position=scores["round_id"].map({r: i for i, r in enumerate(order)}),
        not_whole=scores["group_id"] != ORGANISATION,
    )
    report = report.sort_values(["position", "not_whole", "unit_id", "indicator"])
    return report[list(SCORES_REPORT_COLUMNS)].reset_index(drop=True)


def change_report(con, *, from_round: str | None, to_round: str | None) -> pd.DataFrame:
    """`report survey_change`: change_between as the command line prints it; without rounds,
    between the whole organisation's latest two (latest_rounds).

    Columns: unit_id (ALL for the whole organisation), indicator, from_pct, to_pct (percent),
    change_pp (percentage points), change_rel_pct (relative percent), ci_low_pp, ci_high_pp,
    significant, suppressed.
    """
    if bool(from_round) != bool(to_round):
        raise ValueError("survey_change needs both --from ROUND and --to ROUND, or neither")
    if not from_round:
        pair = latest_rounds(con)
        if pair is None:
            raise ValueError("survey_change needs two home survey rounds with results")
        from_round, to_round = pair
    changes = change_between(con, from_round=from_round, to_round=to_round)
    changes = changes.assign(
        unit_id=changes["group_id"], not_whole=changes["group_id"] != ORGANISATION
    ).sort_values(["not_whole", "unit_id", "indicator"])
    return changes[list(CHANGE_REPORT_COLUMNS)].reset_index(drop=True)
