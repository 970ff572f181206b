"""Focus areas and key drivers (metrics/focus.py) on the fixture city (tests/fixtures.py).

Round R2's answers (SAT1, COM1, COM2 reversed, CL1) are in tests/fixtures.py ANSWERS. U3 has
three respondents (hidden) and U4 is hidden beside it (S2 = U3 + U4): neither gets focus areas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics import focus, store
from tests.fixtures import ANSWERS


def r2_pairs(item: int) -> list[tuple[float, float]]:
    """(item value after reversing, SAT1) of every R2 respondent who answered both."""
    pairs = []
    for (round_id, _), people in ANSWERS.items():
        for answers in people:
            if round_id != "R2" or "-" in (answers[0], answers[item]):
                continue
            value = int(answers[item])
            value = 6 - value if item == 2 else value  # COM2 is reversed
            pairs.append((value, int(answers[0])))
    return pairs


def test_impact_is_the_correlation_with_satisfaction_across_the_organisation(city):
    drivers = focus.key_drivers(city, round_id="R2").set_index("item_id")
    for item, column in (("COM1", 1), ("COM2", 2), ("CL1", 3)):
        x, y = np.array(r2_pairs(column)).T
        assert drivers.at[item, "impact"] == pytest.approx(np.corrcoef(x, y)[0, 1])
        assert drivers.at[item, "respondents"] == len(x)
    # the satisfaction item is the outcome, never its own driver
    assert "SAT1" not in drivers.index
    assert drivers["impact_rank"].tolist() == [1, 2, 3]
    assert drivers.index.tolist() == ["COM1", "CL1", "COM2"]  # 0.68, 0.49, 0.11


def test_a_units_focus_areas_weigh_impact_by_the_room_its_answers_leave(city):
    found = focus.focus_areas(city, round_id="R2", unit="U2").set_index("item_id")
    # U2 in R2: CL1 2 of 8 favourable (25 %), COM1 4 of 8 (50 %), COM2 2 of 8 (25 %)
    assert found.loc[["CL1", "COM1", "COM2"], "favourable_pct"].tolist() == [25, 50, 25]
    impact = focus.key_drivers(city, round_id="R2").set_index("item_id")["impact"]
    assert found["priority"].tolist() == pytest.approx(
        [impact["CL1"] * 0.75, impact["COM1"] * 0.5, impact["COM2"] * 0.75]
    )
    assert found.index.tolist() == ["CL1", "COM1", "COM2"]  # highest priority first
    # why: against the organisation's 13 of 27 (48.1 %) for CL1
    assert found.at["CL1", "difference_pp"] == pytest.approx(25 - 100 * 13 / 27)


def test_an_item_everyone_favours_is_not_suggested(city):
    # U1 in R2: CL1 and COM2 6 of 6 favourable: no room, no suggestion
    assert focus.focus_areas(city, round_id="R2", unit="U1")["item_id"].tolist() == ["COM1"]


@pytest.mark.parametrize("unit", ["U3", "U4"])
def test_no_focus_areas_where_the_units_results_are_hidden(city, unit):
    # U3 has 3 respondents; U4 is hidden so that U3 cannot be worked out from S2
    assert focus.focus_areas(city, round_id="R2", unit=unit).empty
    assert focus.strengths(city, round_id="R2", unit=unit).empty


def test_the_organisations_strongest_items(city):
    strong = focus.strengths(city, round_id="R2")
    assert strong["item_id"].tolist() == ["SAT1", "COM1", "CL1"]
    assert strong["favourable_pct"].iloc[0] == pytest.approx(100 * 22 / 27)


def test_the_response_rate_counts_people_who_answered_any_item(city):
    rate = focus.response_rate(city, round_id="R2")
    # 6 + 8 + 3 + 10 respondents of 100 staff
    assert (rate["respondents"], rate["staff"], rate["response_rate_pct"]) == (27, 100, 27.0)


def test_impacts_need_the_threshold_of_respondents(empty_db, tmp_path):
    from tests.fixtures import load, write

    load(empty_db, "units", write(tmp_path, "u.csv", "unit_id,name,headcount\nA,A,4\n"))
    load(
        empty_db,
        "survey_rounds",
        write(tmp_path, "r.csv", "round_id,name,closed_on\nR,R,2026-01-31\n"),
    )
    items = "item_id,text_fi,indicator\nS,s,satisfaction\nC,c,change_leadership\n"
    load(empty_db, "survey_items", write(tmp_path, "i.csv", items))
    answers = "round_id,unit_id,S,C\n" + "".join(f"R,A,{v},{v}\n" for v in (1, 2, 4, 5))
    load(empty_db, "survey_responses", write(tmp_path, "a.csv", answers))
    assert focus.key_drivers(empty_db, round_id="R").empty  # 4 respondents: no impact shown
    assert pd.isna(focus.response_rate(empty_db, round_id="R")["respondents"])
    assert store.read(empty_db, "SELECT count(*) AS n FROM survey_answers").n[0] == 8
