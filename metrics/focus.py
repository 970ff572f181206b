"""Focus areas: which survey items a unit might act on first (docs/design.md, Survey: focus
areas), and the organisation's strongest items (the staff survey summary).

Impact (key-driver analysis): for each item, the Pearson correlation, across the whole home
organisation's respondents of the round, between their answer to the item (after reversing)
and their job-satisfaction score — the mean of their answers to the satisfaction items, after
reversing. An item with a high impact is one where the people who answer it well are also the
people who are satisfied with their work. It is a link in the answers, not proof of a cause:
improving the item need not raise satisfaction. The satisfaction items themselves are the
outcome and are never suggested.

A unit's focus areas rank the items with a positive impact by priority = impact × (100 −
the unit's favourable %) / 100: an item counts most where it is strongly linked to
satisfaction and the unit's answers leave the most room. Only figures the anonymity rules show
are used (survey.item_scores: a group hidden for one item of an indicator is hidden for all),
and impacts only where the organisation has at least the threshold's respondents.
"""

from __future__ import annotations

import pandas as pd

from metrics import anonymity, store, survey, units
from metrics.anonymity import ORGANISATION

OUTCOME = "satisfaction"  # the indicator the impact is measured against
SHOWN = 3  # focus areas and strengths listed

# Per item of the round: the correlation of its answers with the respondents' satisfaction
# score (their mean of the satisfaction items, after reversing), over the home organisation's
# respondents who answered both; `respondents` is how many did. ~0.1 s a round at city scale.
DRIVERS_SQL = f"""
    WITH home AS (
        SELECT t.unit_id FROM ({survey.ROUND_HOME_UNITS_SQL}) t
    ),
    answers AS (
        SELECT a.unit_id, a.respondent, a.item_id, i.indicator,
               CASE WHEN i.reverse THEN i.scale_max + 1 - a.value ELSE a.value END AS value
        FROM survey_answers a JOIN survey_items i USING (item_id)
        WHERE a.round_id = $round AND a.unit_id IN (SELECT unit_id FROM home)
    ),
    outcome AS (
        SELECT unit_id, respondent, avg(value) AS satisfaction
        FROM answers WHERE indicator = $outcome GROUP BY ALL
    )
    SELECT a.item_id, a.indicator, corr(a.value, o.satisfaction) AS impact,
           count(*) AS respondents
    FROM answers a JOIN outcome o USING (unit_id, respondent)
    WHERE a.indicator <> $outcome
    GROUP BY ALL
"""
DRIVER_COLUMNS = ["item_id", "indicator", "impact", "impact_rank", "respondents"]
FOCUS_COLUMNS = [
    "item_id", "indicator", "text_fi", "text_sv", "text_en", "reverse", "favourable_pct",
    "organisation_pct", "difference_pp", "impact", "impact_rank", "items_ranked", "priority",
]  # fmt: skip


def key_drivers(con, *, round_id: str) -> pd.DataFrame:
    """Each item's impact in a round (see the module), strongest first.

    Columns: item_id, indicator, impact (Pearson's r, -1 to 1; NaN where undefined, e.g. every
    answer the same), impact_rank (1 the strongest), respondents (who answered the item and a
    satisfaction item). Empty where fewer than the anonymity threshold answered both.
    """
    survey.check_rounds(con, [round_id])
    params = {"rounds": [round_id], "round": round_id, "outcome": OUTCOME}
    frame = store.read(con, DRIVERS_SQL, params)
    frame = frame[frame["respondents"] >= anonymity.threshold()]
    frame = frame.sort_values(["impact", "item_id"], ascending=[False, True], na_position="last")
    frame["impact_rank"] = range(1, len(frame) + 1)
    return frame[DRIVER_COLUMNS].reset_index(drop=True)


def _shown_items(con, round_id: str, group: str) -> pd.DataFrame:
    """The group's item figures in the round that the anonymity rules show, with the
    organisation's favourable % beside them."""
    items = survey.item_scores(con, round_id=round_id)
    shown = items[~items["suppressed"].astype(bool) & items["favourable_pct"].notna()]
    mine = shown[shown["group_id"] == group]
    whole = shown.loc[shown["group_id"] == ORGANISATION, ["item_id", "favourable_pct"]]
    mine = mine.merge(whole.rename(columns={"favourable_pct": "organisation_pct"}), "left")
    mine["favourable_pct"] = mine["favourable_pct"].astype(float)
    mine["organisation_pct"] = mine["organisation_pct"].astype(float)
    mine["difference_pp"] = mine["favourable_pct"] - mine["organisation_pct"]
    return mine


def focus_areas(
    con, *, round_id: str, unit: str | None = None, limit: int | None = SHOWN
) -> pd.DataFrame:
    """The items suggested as a group's focus in a round (a unit with the units below it; None:
    the whole organisation), highest priority first, with why (see the module).

    Columns: item_id, indicator, text_fi, text_sv, text_en, reverse, favourable_pct (the
    group's, percent), organisation_pct, difference_pp (group − organisation, percentage
    points), impact (Pearson's r with satisfaction), impact_rank (1 the strongest link),
    items_ranked (how many items have an impact), priority (impact × (100 − favourable_pct) /
    100). Empty where the group's item figures are hidden, or no item has a positive impact.
    """
    drivers = key_drivers(con, round_id=round_id)
    mine = _shown_items(con, round_id, unit or ORGANISATION)
    frame = mine.merge(drivers.drop(columns=["indicator", "respondents"]), on="item_id")
    frame = frame[(frame["indicator"] != OUTCOME) & (frame["impact"] > 0)]
    frame = frame.assign(
        items_ranked=len(drivers),
        priority=frame["impact"] * (100 - frame["favourable_pct"]) / 100,
    )
    frame = frame[frame["priority"] > 0]  # an item all favourable leaves no room
    frame = frame.sort_values(["priority", "item_id"], ascending=[False, True])
    return frame[FOCUS_COLUMNS].head(limit).reset_index(drop=True)


def strengths(
    con, *, round_id: str, unit: str | None = None, limit: int | None = SHOWN
) -> pd.DataFrame:
    """The group's items with the highest favourable % in the round (only figures shown).

    Columns: item_id, indicator, text_fi, text_sv, text_en, reverse, favourable_pct,
    organisation_pct, difference_pp.
    """
    mine = _shown_items(con, round_id, unit or ORGANISATION)
    mine = mine.sort_values(["favourable_pct", "item_id"], ascending=[False, True])
    return mine[FOCUS_COLUMNS[:9]].head(limit).reset_index(drop=True)


# The round's respondents in the home organisation: people who answered at least one item.
RESPONDENTS_SQL = f"""
    SELECT count(DISTINCT (a.unit_id, a.respondent)) AS respondents
    FROM survey_answers a JOIN ({survey.ROUND_HOME_UNITS_SQL}) h USING (round_id, unit_id)
    WHERE a.round_id = $round
"""


def response_rate(con, *, round_id: str) -> pd.Series:
    """How many of the home organisation's staff answered a round.

    respondents (people who answered at least one item; <NA> below the threshold), staff (the
    home units' headcount on the round's closed_on), response_rate_pct (100 × respondents /
    staff; NaN where hidden or without staff or answers)."""
    survey.check_rounds(con, [round_id])
    params = {"rounds": [round_id], "round": round_id}
    respondents = int(store.read(con, RESPONDENTS_SQL, params).iloc[0, 0])
    closed = survey.rounds(con).set_index("round_id").at[round_id, "closed_on"]
    staff = units.headcount(con, on=pd.Timestamp(closed).date())
    shown = respondents >= anonymity.threshold()
    rate = 100 * respondents / staff if shown and staff else float("nan")
    return pd.Series(
        {
            "respondents": respondents if shown else pd.NA,
            "staff": staff,
            "response_rate_pct": min(rate, 100.0),
        }
    )
