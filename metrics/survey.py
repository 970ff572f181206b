"""Survey indicators for groups (a unit with all units below it, or the whole organisation).

Figures leave this module only through functions that have applied metrics.anonymity: a
hidden figure is NaN and its row says suppressed=True.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from metrics import anonymity, settings, store
from metrics.anonymity import ORGANISATION

# Per unit (own respondents only), round and indicator: the sums the pooled figures are made of.
# An answer is favourable in the top two points of its scale after reversing.
UNIT_SUMS_SQL = """
    WITH answers AS (
        SELECT a.round_id, a.unit_id, a.respondent, i.indicator, i.scale_max,
               CASE WHEN i.reverse THEN i.scale_max + 1 - a.value ELSE a.value END AS value
        FROM survey_answers a JOIN survey_items i USING (item_id)
        WHERE a.round_id IN (SELECT unnest($rounds::VARCHAR[]))
    )
    SELECT round_id, unit_id, indicator,
           count(DISTINCT respondent) AS respondents,
           count(*) AS answers,
           count(*) FILTER (WHERE value >= scale_max - 1) AS favourable,
           sum(value) AS value_sum
    FROM answers GROUP BY ALL
"""

GROUP_SUMS_SQL = f"""
    WITH unit_sums AS ({UNIT_SUMS_SQL}),
    home_units AS (
        SELECT u.unit_id, u.parent_id FROM units u JOIN organisations o USING (org_id) WHERE o.home
    )
    SELECT s.round_id, c.ancestor_id AS group_id, s.indicator,
           sum(s.respondents) AS respondents, sum(s.answers) AS answers,
           sum(s.favourable) AS favourable, sum(s.value_sum) AS value_sum
    FROM unit_sums s JOIN unit_closure c USING (unit_id)
    GROUP BY ALL
    UNION ALL
    SELECT s.round_id, '{ORGANISATION}', s.indicator, sum(s.respondents), sum(s.answers),
           sum(s.favourable), sum(s.value_sum)
    FROM unit_sums s JOIN home_units USING (unit_id)
    GROUP BY ALL
"""


def rounds(con) -> pd.DataFrame:
    """round_id, name, opened_on, closed_on, ordered by closed_on."""
    return store.read(
        con, "SELECT round_id, name, opened_on, closed_on FROM survey_rounds ORDER BY closed_on"
    )


def group_scores(con, *, round_ids: list[str]) -> pd.DataFrame:
    """Every group's score per round and indicator, anonymity applied.

    Columns: round_id, group_id (a unit id, or ALL for the whole organisation), indicator,
    respondents (people who answered at least one item of the indicator), favourable_pct
    (percent of answered items that were favourable), mean (of the answered values after
    reversing), suppressed (True where the figures are hidden; favourable_pct and mean are
    then NaN), below_threshold (True where respondents itself is under the threshold, so it
    is shown only as "< threshold").
    """
    sums = store.read(con, GROUP_SUMS_SQL, {"rounds": list(round_ids)})
    sums["favourable_pct"] = 100 * sums["favourable"] / sums["answers"]
    sums["mean"] = sums["value_sum"] / sums["answers"]
    threshold = settings.load().min_respondents
    parents = _group_parents(con)
    parts = []
    for (_, _), frame in sums.groupby(["round_id", "indicator"]):
        respondents = dict(zip(frame["group_id"], frame["respondents"].astype(int), strict=True))
        hidden = anonymity.hidden_groups(parents, respondents, threshold)
        frame = frame.assign(suppressed=frame["group_id"].isin(hidden))
        parts.append(frame)
    columns = [
        "round_id",
        "group_id",
        "indicator",
        "respondents",
        "favourable_pct",
        "mean",
        "suppressed",
    ]
    if not parts:
        return pd.DataFrame(columns=[*columns, "below_threshold"])
    scores = pd.concat(parts, ignore_index=True)[columns]
    scores["below_threshold"] = scores["respondents"] < threshold
    scores.loc[scores["suppressed"], ["favourable_pct", "mean"]] = math.nan
    return scores


def _group_parents(con) -> dict[str, str | None]:
    frame = store.read(
        con,
        "SELECT u.unit_id, u.parent_id FROM units u"
        " JOIN organisations o USING (org_id) WHERE o.home",
    )
    parents = {u: (p if p is not None else ORGANISATION) for u, p in frame.itertuples(index=False)}
    parents[ORGANISATION] = None
    return parents


def change_ci(p_from: float, n_from: int, p_to: float, n_to: int) -> tuple[float, float, float]:
    """change_pp and its 95 % interval (DESIGN.md): respondents are the sampling unit.

    p_from and p_to are favourable shares in percent; returns (change_pp, ci_low_pp, ci_high_pp).
    """
    p1, p2 = p_from / 100, p_to / 100
    se = math.sqrt(p1 * (1 - p1) / n_from + p2 * (1 - p2) / n_to)
    change = p_to - p_from
    return change, change - 1.96 * 100 * se, change + 1.96 * 100 * se


def latest_change(con, *, unit: str | None = None, up_to: date | None = None) -> pd.DataFrame:
    """The change of each indicator between the two latest rounds closed by `up_to`.

    Columns: indicator, from_round, to_round, from_pct, to_pct, change_pp, change_rel_pct,
    ci_low_pp, ci_high_pp, significant, suppressed. A change is hidden (NaN, suppressed=True)
    wherever either round's figure is hidden.
    """
    closed = rounds(con)
    if up_to is not None:
        closed = closed[closed["closed_on"].dt.date <= up_to]
    columns = [
        "indicator",
        "from_round",
        "to_round",
        "from_pct",
        "to_pct",
        "change_pp",
        "change_rel_pct",
        "ci_low_pp",
        "ci_high_pp",
        "significant",
        "suppressed",
    ]
    if len(closed) < 2:
        return pd.DataFrame(columns=columns)
    from_round, to_round = closed["round_id"].iloc[-2], closed["round_id"].iloc[-1]
    scores = group_scores(con, round_ids=[from_round, to_round])
    scores = scores[scores["group_id"] == (unit or ORGANISATION)]
    pair = scores.pivot(index="indicator", columns="round_id")
    rows = []
    for indicator, row in pair.iterrows():
        rows.append(_change_row(indicator, row, from_round, to_round))
    return pd.DataFrame(rows, columns=columns)


def _change_row(indicator, row, from_round, to_round) -> dict:
    def get(column, round_id):
        return row.get((column, round_id))

    def shown(round_id) -> bool:
        flag = get("suppressed", round_id)
        return flag is not None and not pd.isna(flag) and not bool(flag)

    hidden = not (shown(from_round) and shown(to_round))
    result = {
        "indicator": indicator,
        "from_round": from_round,
        "to_round": to_round,
        "suppressed": hidden,
    }
    if hidden:
        return result
    p1, p2 = get("favourable_pct", from_round), get("favourable_pct", to_round)
    change, low, high = change_ci(
        p1, int(get("respondents", from_round)), p2, int(get("respondents", to_round))
    )
    return result | {
        "from_pct": p1,
        "to_pct": p2,
        "change_pp": change,
        "change_rel_pct": 100 * change / p1 if p1 else math.nan,
        "ci_low_pp": low,
        "ci_high_pp": high,
        "significant": low > 0 or high < 0,
    }
