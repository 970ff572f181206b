"""Did acting work? The change of the units that acted on their survey results beside the change
of those that did not (`report programme_effect`; docs/design.md, Survey: the programme effect).

For two rounds (--from, --to) and each indicator:

- the units compared are the home units without sub-units in both rounds' own unit trees
  (survey_round_units: the rounds are frozen as published) that have respondents for the
  indicator in both rounds, so each group is the same units before and after;
- `units_with` are those with at least one action for the indicator that responds to the
  --from round's results (actions.round_id) and was not dropped; `units_without` the others;
- each group's favourable % in a round is pooled over its units' respondents exactly as
  survey.group_scores pools a unit (favourable answers / answers, from survey_unit_sums), and
  its n is the group's respondents in that round;
- change_*_pp = the group's --to figure − its --from figure; difference_pp = with − without;
  its 95 % interval is difference ± 1.96 × 100 × √(Σ p(1−p)/n) over the four group-round
  figures (survey.change_ci's idea, respondents as the sampling unit, with four terms where a
  change has two); significant where it excludes 0;
- a row is suppressed (its figures empty) wherever any of the four group-round figures has
  fewer respondents than the anonymity threshold (metrics.anonymity.threshold), an empty group
  included; and wherever a group is one unit whose own result the survey hides in either round
  (complementary suppression may hide a unit of enough respondents, so that a smaller one
  cannot be worked out by subtraction: its change must not be shown here either). The unit
  counts stay: they are counts of units, not of people.

This is an association between acting and change, not proof that acting caused it: units that
chose to act may differ from the others in ways the survey does not see.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from metrics import anonymity, store, survey
from metrics.contract import PROGRAMME_INDICATORS

REPORT_COLUMNS = (
    "indicator", "units_with", "units_without", "change_with_pp", "change_without_pp",
    "difference_pp", "ci_low_pp", "ci_high_pp", "significant", "suppressed",
)  # fmt: skip
FIGURES = ("change_with_pp", "change_without_pp", "difference_pp", "ci_low_pp", "ci_high_pp")

# Per indicator and unit without sub-units in both rounds' trees: its own sums in each round
# (survey_unit_sums, which the importer keeps), and whether it acted on the first round's
# results. Only units with respondents in both rounds.
UNIT_SUMS_SQL = f"""
    WITH RECURSIVE tree AS ({survey.ROUND_UNITS_SQL}),
    leaves AS (
        SELECT t.round_id, t.unit_id FROM tree t JOIN organisations o USING (org_id)
        WHERE o.home AND NOT EXISTS (
            SELECT 1 FROM tree c WHERE c.round_id = t.round_id AND c.parent_id = t.unit_id
        )
    ),
    sums AS (
        SELECT s.* FROM survey_unit_sums s JOIN leaves l USING (round_id, unit_id)
        WHERE s.respondents > 0
    )
    SELECT b.indicator, b.unit_id,
           b.respondents AS respondents_from, b.answers AS answers_from,
           b.favourable AS favourable_from,
           a.respondents AS respondents_to, a.answers AS answers_to, a.favourable AS favourable_to,
           EXISTS (
               SELECT 1 FROM actions x
               WHERE x.unit_id = b.unit_id AND x.indicator = b.indicator
                 AND x.round_id = $from_round AND x.status <> 'dropped'
           ) AS acted
    FROM sums b JOIN sums a USING (indicator, unit_id)
    WHERE b.round_id = $from_round AND a.round_id = $to_round
"""
INDICATORS_SQL = "SELECT DISTINCT indicator FROM survey_items"


def indicators(con) -> list[str]:
    """The programme's indicators, then every other indicator with items, by name."""
    others = sorted(set(store.read(con, INDICATORS_SQL)["indicator"]) - set(PROGRAMME_INDICATORS))
    return [*PROGRAMME_INDICATORS, *others]


def difference_ci(p, n):
    """The difference of two changes and its 95 % interval, respondents as the sampling unit.

    p and n are the four group-round figures in the order (with, from), (with, to), (without,
    from), (without, to): favourable shares in percent and respondents. Returns (difference_pp,
    ci_low_pp, ci_high_pp): (with_to − with_from) − (without_to − without_from) ± 1.96 × 100 ×
    √(Σ p(1−p)/n). survey.change_ci is the same idea for one change (two terms)."""
    shares = np.divide(p, 100)
    se = math.sqrt(float(np.sum(shares * (1 - shares) / np.asarray(n, dtype=float))))
    difference = (p[1] - p[0]) - (p[3] - p[2])
    return difference, difference - 1.96 * 100 * se, difference + 1.96 * 100 * se


def programme_effect(con, *, from_round: str, to_round: str) -> pd.DataFrame:
    """One row per indicator (indicators()): the change of the units that acted on the --from
    round's results beside the change of those that did not (see the module).

    Columns: indicator, units_with, units_without (counts of units), change_with_pp,
    change_without_pp, difference_pp, ci_low_pp, ci_high_pp (percentage points), significant
    (the interval excludes 0; <NA> where suppressed), suppressed (True where any of the four
    group-round figures has fewer respondents than the threshold: the figures are then NaN).
    """
    survey.check_rounds(con, [from_round, to_round])
    if from_round == to_round:
        raise ValueError("the programme effect needs two different survey rounds")
    params = {"rounds": [from_round, to_round], "from_round": from_round, "to_round": to_round}
    units = store.read(con, UNIT_SUMS_SQL, params)
    scores = survey.group_scores(con, round_ids=[from_round, to_round])
    hidden = scores.loc[scores["suppressed"], ["indicator", "group_id"]]
    units["hidden"] = pd.MultiIndex.from_frame(units[["indicator", "unit_id"]]).isin(
        pd.MultiIndex.from_frame(hidden)
    )
    threshold = anonymity.threshold()
    rows = [_row(units[units["indicator"] == i], i, threshold) for i in indicators(con)]
    frame = pd.DataFrame(rows, columns=list(REPORT_COLUMNS))
    frame["significant"] = frame["significant"].astype("boolean")
    return frame


def _row(units: pd.DataFrame, indicator: str, threshold: int) -> dict:
    acted = units["acted"].astype(bool)
    groups = [units[acted], units[~acted]]
    p, n = [], []
    for group in groups:
        for when in ("from", "to"):
            answers = group[f"answers_{when}"].sum()
            p.append(100 * group[f"favourable_{when}"].sum() / answers if answers else math.nan)
            n.append(int(group[f"respondents_{when}"].sum()))
    row = {"indicator": indicator, "units_with": len(groups[0]), "units_without": len(groups[1])}
    one_hidden = any(len(group) == 1 and group["hidden"].any() for group in groups)
    if min(n) < threshold or one_hidden:  # an empty group too: 0 respondents
        return row | dict.fromkeys(FIGURES, math.nan) | {"significant": pd.NA, "suppressed": True}
    difference, low, high = difference_ci(p, n)
    return row | {
        "change_with_pp": p[1] - p[0],
        "change_without_pp": p[3] - p[2],
        "difference_pp": difference,
        "ci_low_pp": low,
        "ci_high_pp": high,
        "significant": bool(low > 0 or high < 0),
        "suppressed": False,
    }


def effect_report(con, *, from_round: str | None, to_round: str | None) -> pd.DataFrame:
    """`report programme_effect`: programme_effect as the command line prints it; without
    rounds, between the whole organisation's latest two (survey.latest_rounds)."""
    if bool(from_round) != bool(to_round):
        raise ValueError("programme_effect needs both --from ROUND and --to ROUND, or neither")
    if not from_round:
        pair = survey.latest_rounds(con)
        if pair is None:
            raise ValueError("programme_effect needs two home survey rounds with results")
        from_round, to_round = pair
    return programme_effect(con, from_round=from_round, to_round=to_round)
