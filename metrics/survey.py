"""Survey indicators for groups (a unit with all units below it, or the whole organisation).

Figures leave this module only through functions that have applied metrics.anonymity: a
hidden figure is NaN and its row says suppressed=True; the respondents of a group below the
threshold are <NA> and its row says below_threshold=True (shown as "< 5").

A round's indicator comes from the respondents' answers (survey_responses) where the round
has any for it, and otherwise from the vendor's pre-aggregated results for home units
(survey_results): those follow the same anonymity rules with their n as respondents; where n
is missing the publisher's own suppression stands and no significance test is made.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

from metrics import anonymity, settings, store
from metrics.anonymity import ORGANISATION

HOME_UNITS_SQL = """
    SELECT u.unit_id, u.parent_id FROM units u JOIN organisations o USING (org_id) WHERE o.home
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

# Per unit (own respondents only), round and indicator: the sums the pooled figures are made of.
UNIT_SUMS_SQL = f"""
    WITH answers AS ({SCORED_ANSWERS_SQL})
    SELECT round_id, unit_id, indicator,
           count(DISTINCT respondent) AS respondents,
           count(*) AS answers,
           count(*) FILTER (WHERE favourable) AS favourable,
           sum(value) AS value_sum
    FROM answers GROUP BY ALL
"""

# UNIT_SUMS_SQL as the importer keeps it in survey_unit_sums (metrics.imports).
STORED_UNIT_SUMS_SQL = """
    SELECT * FROM survey_unit_sums WHERE round_id IN (SELECT unnest($rounds::VARCHAR[]))
"""

# Every home group (a unit with all units below it, and the whole organisation as ALL).
GROUP_SUMS_SQL = f"""
    WITH unit_sums AS ({STORED_UNIT_SUMS_SQL}),
    home_units AS ({HOME_UNITS_SQL})
    SELECT s.round_id, c.ancestor_id AS group_id, s.indicator,
           sum(s.respondents) AS respondents, sum(s.answers) AS answers,
           sum(s.favourable) AS favourable, sum(s.value_sum) AS value_sum
    FROM unit_sums s JOIN unit_closure c USING (unit_id)
    WHERE c.ancestor_id IN (SELECT unit_id FROM home_units)
    GROUP BY ALL
    UNION ALL
    SELECT s.round_id, '{ORGANISATION}', s.indicator, sum(s.respondents), sum(s.answers),
           sum(s.favourable), sum(s.value_sum)
    FROM unit_sums s JOIN home_units USING (unit_id)
    GROUP BY ALL
"""

# A vendor's indicator-level results for home units (or, by org_id, the whole organisation).
PUBLISHED_SQL = f"""
    SELECT r.round_id, coalesce(r.unit_id, '{ORGANISATION}') AS group_id, r.indicator,
           r.n AS respondents, r.favourable_pct, r.mean, r.suppressed AS published_suppressed
    FROM survey_results r
    LEFT JOIN units u ON u.unit_id = r.unit_id
    JOIN organisations o ON o.org_id = coalesce(u.org_id, r.org_id)
    WHERE o.home AND r.indicator IS NOT NULL
      AND r.round_id IN (SELECT unnest($rounds::VARCHAR[]))
"""

# Per home group and item of one round: the answers by value as given, and the scored sums.
ITEM_SUMS_SQL = f"""
    WITH unit_sums AS (
        SELECT unit_id, item_id, answer, count(*) AS answers,
               count(*) FILTER (WHERE favourable) AS favourable, sum(value) AS value_sum
        FROM ({SCORED_ANSWERS_SQL}) GROUP BY ALL
    ),
    home_units AS ({HOME_UNITS_SQL})
    SELECT c.ancestor_id AS group_id, s.item_id, s.answer, sum(s.answers) AS answers,
           sum(s.favourable) AS favourable, sum(s.value_sum) AS value_sum
    FROM unit_sums s JOIN unit_closure c USING (unit_id)
    WHERE c.ancestor_id IN (SELECT unit_id FROM home_units)
    GROUP BY ALL
    UNION ALL
    SELECT '{ORGANISATION}', s.item_id, s.answer, sum(s.answers), sum(s.favourable),
           sum(s.value_sum)
    FROM unit_sums s JOIN home_units USING (unit_id)
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
    """Every home group's score per round and indicator, anonymity applied.

    One row per round, indicator and group (every home unit with the units below it, and the
    whole organisation as ALL), for each round and indicator that has any data; rounds in the
    order they closed.
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
    threshold = settings.load().min_respondents
    parents = _group_parents(con)
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
    """Each round and indicator's groups, completed to every home group, with suppression
    decided per round and indicator."""
    pairs = frame[["round_id", "indicator", "source"]].drop_duplicates()
    grid = pairs.merge(pd.DataFrame({"group_id": list(parents)}), how="cross")
    frame = grid.merge(frame, on=["round_id", "indicator", "source", "group_id"], how="left")
    # a group without answers has no respondents (known to be none); a publisher's gap is unknown
    respondents = frame["respondents"].astype("Float64")
    respondents = respondents.mask(frame["source"].eq("answers") & respondents.isna(), 0)
    frame["respondents"] = respondents.round().astype("Int64")
    groups = frame["group_id"].to_numpy()
    counts = frame["respondents"].fillna(0).to_numpy()
    already = frame["published_suppressed"].astype("boolean").fillna(False).to_numpy(bool)
    suppressed = np.zeros(len(frame), dtype=bool)
    for rows in frame.groupby(["round_id", "indicator"]).indices.values():
        known = {g: int(n) for g, n in zip(groups[rows], counts[rows], strict=True) if n > 0}
        hidden = anonymity.hidden_groups(
            parents, known, threshold, also_hidden=groups[rows][already[rows]]
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


def _group_parents(con) -> dict[str, str | None]:
    frame = store.read(con, HOME_UNITS_SQL)
    parents = {u: (p if p is not None else ORGANISATION) for u, p in frame.itertuples(index=False)}
    parents[ORGANISATION] = None
    return parents


def change_ci(p_from, n_from, p_to, n_to):
    """change_pp and its 95 % interval (DESIGN.md): respondents are the sampling unit.

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


def latest_change(con, *, unit: str | None = None, up_to: date | None = None) -> pd.DataFrame:
    """The change of each indicator between the two latest rounds closed by `up_to`.

    Columns: indicator, from_round, to_round, from_pct, to_pct, change_pp, change_rel_pct,
    ci_low_pp, ci_high_pp, significant, suppressed; as change_between, for one group.
    """
    closed = rounds(con)
    if up_to is not None:
        closed = closed[closed["closed_on"].dt.date <= up_to]
    columns = CHANGE_COLUMNS[1:]
    if len(closed) < 2:
        return pd.DataFrame(columns=columns)
    from_round, to_round = closed["round_id"].iloc[-2], closed["round_id"].iloc[-1]
    changes = change_between(con, from_round=from_round, to_round=to_round)
    return changes.loc[changes["group_id"] == (unit or ORGANISATION), columns].reset_index(
        drop=True
    )


def item_scores(con, *, round_id: str) -> pd.DataFrame:
    """Every home group's item-level figures and answer distribution in one round.

    One row per group and item the group's respondents answered. Columns: round_id, group_id,
    indicator, item_id, text_fi, text_sv, text_en, scale_max, reverse, respondents (answers to
    the item; <NA> where below_threshold), favourable_pct (percent), mean (after reversing),
    suppressed, below_threshold, and answers_1 … answers_N (how many answered each value as
    given, before reversing; N the largest scale; <NA> where suppressed or off the scale).

    A group is hidden at item level wherever its indicator is hidden, and further until no
    item's equations leak (metrics.anonymity); a group hidden for one item of an indicator is
    hidden for all its items, so an item cannot be worked out from the indicator's figure.
    """
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
    threshold = settings.load().min_respondents
    frame["below_threshold"] = frame["answers"] < threshold
    frame[answer_columns] = frame[answer_columns].fillna(0).astype("Int64")
    for value, column in enumerate(answer_columns, start=1):
        frame.loc[frame["scale_max"] < value, column] = pd.NA
    frame.loc[frame["suppressed"], ["favourable_pct", "mean", *answer_columns]] = pd.NA
    frame.loc[frame["below_threshold"], "respondents"] = pd.NA
    frame["round_id"] = round_id
    columns = ["round_id", "group_id", *items.columns, "respondents", "favourable_pct", "mean",
               "suppressed", "below_threshold", *answer_columns]  # fmt: skip
    return frame[columns].sort_values(["indicator", "item_id", "group_id"], ignore_index=True)


def _item_hidden(con, frame: pd.DataFrame, round_id: str) -> set[tuple[str, str]]:
    """(indicator, group) pairs hidden at item level: a fixed point over the indicator's items."""
    threshold = settings.load().min_respondents
    parents = _group_parents(con)
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
    threshold = settings.load().min_respondents
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
    """`report survey_change`: change_between as the command line prints it.

    Columns: unit_id (ALL for the whole organisation), indicator, from_pct, to_pct (percent),
    change_pp (percentage points), change_rel_pct (relative percent), ci_low_pp, ci_high_pp,
    significant, suppressed.
    """
    if not from_round or not to_round:
        raise ValueError("survey_change needs both --from ROUND and --to ROUND")
    changes = change_between(con, from_round=from_round, to_round=to_round)
    changes = changes.assign(
        unit_id=changes["group_id"], not_whole=changes["group_id"] != ORGANISATION
    ).sort_values(["not_whole", "unit_id", "indicator"])
    return changes[list(CHANGE_REPORT_COLUMNS)].reset_index(drop=True)
