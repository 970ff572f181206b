"""Did acting work? `report programme_effect` (metrics/programme_effect.py) on a small city
worked out by hand: groups of different sizes, one indicator hidden.

The effect city: sector S (no staff of its own) with five units without sub-units, A–E. Three
items, one per programme indicator; an answer of 4 is favourable, 2 is not. Each unit's
respondents per round, and how many of them answered each item favourably:

    unit  R1: n  SAT COM CL     R2: n  SAT COM CL
    A         6   2   3   3         6   4   3   3
    B         4   1   2   2         5   4   2   3
    C        10   5   5   5        10   5   5   6
    D         5   2   1   2         5   3   5   2
    E         3   3   1   1         -   (no respondents in R2: in neither group)

Actions (round_id R1 unless said):
    satisfaction            A planned, B käynnissä (in_progress), C hylätty (dropped),
                            S planned (a sector: not a unit without sub-units), E planned
    internal_communication  D done; A planned but for R2's results (not --from)
    change_leadership       B done
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from metrics import programme_effect, store, survey
from metrics.imports import ImportRejected
from tests.fixtures import TODAY, load, write, write_csv

ROOT = Path(__file__).resolve().parent.parent
ITEMS = ("SAT1", "COM1", "CL1")
# (round, unit): respondents, favourable SAT1, COM1, CL1
ANSWERS = {
    ("R1", "A"): (6, 2, 3, 3), ("R1", "B"): (4, 1, 2, 2), ("R1", "C"): (10, 5, 5, 5),
    ("R1", "D"): (5, 2, 1, 2), ("R1", "E"): (3, 3, 1, 1),
    ("R2", "A"): (6, 4, 3, 3), ("R2", "B"): (5, 4, 2, 3), ("R2", "C"): (10, 5, 5, 6),
    ("R2", "D"): (5, 3, 5, 2),
}  # fmt: skip
ACTIONS = """action_id,unit_id,round_id,indicator,title,owner,created_on,due_on,status
X1,A,R1,satisfaction,Työn tavoitteet yhdessä,Anna,2025-11-10,2026-03-31,planned
X2,B,R1,satisfaction,Palaverikäytäntö,Bertta,2025-11-12,2026-02-28,käynnissä
X3,C,R1,satisfaction,Kehityskeskustelut,Cecilia,2025-11-15,2026-01-31,hylätty
X4,S,R1,satisfaction,Sektorin infot,Sakari,2025-11-15,2026-01-31,planned
X8,E,R1,satisfaction,Pienen yksikön tapaamiset,Eero,2025-11-20,2026-01-31,planned
X5,D,R1,internal_communication,Viikkotiedote,Daniel,2025-11-20,2026-04-30,done
X6,A,R2,internal_communication,Intran uutiset,Anna,2026-11-05,2027-01-31,planned
X7,B,R1,change_leadership,Muutosvalmennus,Bertta,2025-11-25,2026-05-31,valmis
"""


def build_effect_city(con, directory: Path) -> None:
    units = [{"unit_id": "S", "name": "Sektori", "headcount": "0", "parent_id": ""}]
    units += [
        {"unit_id": u, "name": f"Yksikkö {u}", "headcount": "12", "parent_id": "S"} for u in "ABCDE"
    ]
    rounds = [
        {"round_id": "R1", "name": "Kysely 2025", "closed_on": "2025-10-31"},
        {"round_id": "R2", "name": "Kysely 2026", "closed_on": "2026-10-31"},
    ]
    items = [
        {"item_id": "SAT1", "text_fi": "Olen tyytyväinen", "indicator": "satisfaction"},
        {"item_id": "COM1", "text_fi": "Saan tietoa", "indicator": "internal_communication"},
        {"item_id": "CL1", "text_fi": "Muutoksia johdetaan", "indicator": "change_leadership"},
    ]
    answers = []
    for (round_id, unit), (n, *favourable) in ANSWERS.items():
        for person in range(n):
            row = {"round_id": round_id, "unit_id": unit, "respondent": f"{unit}-{person}"}
            row |= {
                item: "4" if person < f else "2" for item, f in zip(ITEMS, favourable, strict=True)
            }
            answers.append(row)
    for kind, rows in (("units", units), ("survey_rounds", rounds), ("survey_items", items),
                       ("survey_responses", answers)):  # fmt: skip
        load(con, kind, write_csv(directory / f"{kind}.csv", rows))
    load(con, "actions", write(directory, "actions.csv", ACTIONS))


@pytest.fixture(scope="module")
def effect_city_path(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("effect_city")
    path = directory / "pohina.duckdb"
    build_effect_city(store.connect(path), directory)
    store.close(path)
    return path


@pytest.fixture
def effect_con(effect_city_path):
    """The effect city's connection, closed afterwards (the command line's test opens the file
    in another process, which a connection left open here would lock out)."""
    yield store.connect(effect_city_path)
    store.close(effect_city_path)


@pytest.fixture(scope="module")
def effect(effect_city_path) -> pd.DataFrame:
    con = store.connect(effect_city_path)
    frame = programme_effect.programme_effect(con, from_round="R1", to_round="R2")
    store.close(effect_city_path)
    return frame.set_index("indicator")


def test_the_units_that_acted_are_compared_with_the_others_by_hand(effect):
    row = effect.loc["satisfaction"]
    # with = A, B (C's action was dropped; S has sub-units; E has no R2 respondents)
    # without = C, D
    assert (row.units_with, row.units_without) == (2, 2)
    # with:    R1 (2 + 1) / (6 + 4) = 30 %;       R2 (4 + 4) / (6 + 5) = 72.7273 %
    # without: R1 (5 + 2) / (10 + 5) = 46.6667 %; R2 (5 + 3) / (10 + 5) = 53.3333 %
    assert row.change_with_pp == pytest.approx(72.7273 - 30, abs=1e-3)  # 42.7273
    assert row.change_without_pp == pytest.approx(53.3333 - 46.6667, abs=1e-3)  # 6.6667
    assert row.difference_pp == pytest.approx(36.0606, abs=1e-3)
    # SE = √(.3·.7/10 + (8/11)(3/11)/11 + (7/15)(8/15)/15 + (8/15)(7/15)/15)
    #    = √(.021 + .0180316 + .0165926 + .0165926) = √.0722168 = .268732
    # 1.96 × 100 × SE = 52.6714: the interval −16.61 … 88.73 includes 0
    assert row.ci_low_pp == pytest.approx(36.0606 - 52.6714, abs=1e-3)
    assert row.ci_high_pp == pytest.approx(36.0606 + 52.6714, abs=1e-3)
    assert not row.significant and not row.suppressed


def test_a_group_of_one_unit_beside_a_group_of_three(effect):
    row = effect.loc["internal_communication"]
    # with = D alone (A's action answers R2, not --from); without = A, B, C
    assert (row.units_with, row.units_without) == (1, 3)
    # with:    R1 1/5 = 20 %, R2 5/5 = 100 %: +80
    # without: R1 (3 + 2 + 5)/20 = 50 %, R2 (3 + 2 + 5)/21 = 47.6190 %: −2.3810
    assert row.change_with_pp == pytest.approx(80)
    assert row.change_without_pp == pytest.approx(-2.3810, abs=1e-3)
    assert row.difference_pp == pytest.approx(82.3810, abs=1e-3)
    # SE = √(.2·.8/5 + 1·0/5 + .5·.5/20 + (10/21)(11/21)/21) = √(.032 + 0 + .0125 + .0118772)
    #    = √.0563772 = .237440; 1.96 × 100 × SE = 46.5382: 35.84 … 128.92 excludes 0
    assert row.ci_low_pp == pytest.approx(82.3810 - 46.5382, abs=1e-3)
    assert row.ci_high_pp == pytest.approx(82.3810 + 46.5382, abs=1e-3)
    assert row.significant and not row.suppressed


def test_a_group_below_the_threshold_hides_the_whole_row(effect):
    row = effect.loc["change_leadership"]
    # with = B alone: 4 respondents in R1, below the threshold of 5
    assert (row.units_with, row.units_without, row.suppressed) == (1, 3, True)
    figures = [row[c] for c in programme_effect.FIGURES]
    assert all(math.isnan(v) for v in figures) and pd.isna(row.significant)


def test_one_row_per_indicator_programme_indicators_first(effect):
    assert list(effect.index) == ["satisfaction", "internal_communication", "change_leadership"]


def test_the_same_round_twice_is_refused(effect_con):
    with pytest.raises(ValueError, match="two different"):
        programme_effect.programme_effect(effect_con, from_round="R1", to_round="R1")


@pytest.mark.slow
def test_the_command_line_prints_the_report_with_the_issues_columns(effect_city_path):
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "report", "programme_effect", "--from", "R1",
         "--to", "R2"],
        cwd=ROOT,
        env={**os.environ, "POHINA_DB": str(effect_city_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "indicator,units_with,units_without,change_with_pp,change_without_pp,difference_pp,"
        "ci_low_pp,ci_high_pp,significant,suppressed"
    )
    assert lines[1] == "satisfaction,2,2,42.7273,6.6667,36.0606,-16.6108,88.732,false,false"
    assert lines[3] == "change_leadership,1,3,,,,,,,true"


def test_an_actions_file_with_bad_rows_is_refused_naming_each(effect_city_path, tmp_path):
    path = tmp_path / "pohina.duckdb"
    path.write_bytes(effect_city_path.read_bytes())
    con = store.connect(path)
    bad = write(
        tmp_path,
        "bad_actions.csv",
        "action_id,unit_id,round_id,indicator,item_id,title,owner,created_on,due_on,status\n"
        "Y1,NOPE,R1,satisfaction,,Otsikko,Anna,2025-11-10,2026-03-31,planned\n"
        "Y2,A,R9,satisfaction,,Otsikko,Anna,2025-11-10,2026-03-31,planned\n"
        "Y3,A,R1,wellbeing,,Otsikko,Anna,2025-11-10,2026-03-31,planned\n"
        "Y4,A,R1,satisfaction,COM1,Otsikko,Anna,2025-11-10,2026-03-31,planned\n"
        "Y5,A,R1,satisfaction,,Otsikko,Anna,2025-11-10,2025-11-01,planned\n"
        "Y6,A,R1,satisfaction,,Otsikko,Anna,2025-11-10,2026-03-31,ehkä\n"
        "Y7,A,R1,satisfaction,,Otsikko,Anna,2027-01-01,2027-03-31,planned\n",
    )
    before = store.read(con, "SELECT count(*) AS n FROM actions").n[0]
    with pytest.raises(ImportRejected) as refused:
        load(con, "actions", bad)
    found = {(e.row, e.column) for e in refused.value.errors}
    assert found == {
        (2, "unit_id"), (3, "round_id"), (4, "indicator"), (5, "item_id"), (6, "due_on"),
        (7, "status"), (8, "created_on"),
    }  # fmt: skip
    assert store.read(con, "SELECT count(*) AS n FROM actions").n[0] == before  # nothing written
    store.close(path)


def test_finnish_status_words_are_stored_as_the_contracts(effect_con):
    stored = dict(store.read(effect_con, "SELECT action_id, status FROM actions").itertuples(False))
    assert (stored["X2"], stored["X3"], stored["X7"]) == ("in_progress", "dropped", "done")
    assert TODAY.year == 2026  # the files are dated against the fixture city's today


def test_the_meeting_pack_says_whether_acting_worked_and_that_it_is_no_proof(effect_con):
    from metrics import meetings, pack, pack_render, periods

    window = meetings.window(effect_con, period=periods.parse("2026-10"))
    built = pack.build(effect_con, window=window, sections=("survey",), today=TODAY)
    blocks = pack_render.blocks(built, "en")
    at = next(i for i, b in enumerate(blocks) if b.text == "Did acting work?")
    table = blocks[at + 2]
    assert table.headers[:3] == ("Indicator", "Units that acted", "Other units")
    # satisfaction: +36.1 points, its interval includes 0; change leadership hidden (B: 4 in R1)
    assert table.rows[0][5] == "+36.1\u00a0pp" and table.rows[0][7] == "may be noise"
    assert table.rows[2][3:] == ("hidden for privacy",) * 5
    assert blocks[at + 3].text.startswith("This is an association between acting and change")
    # a unit's own pack has no such section: the comparison is of the whole organisation
    own = pack.build(effect_con, window=window, unit="A", sections=("survey",), today=TODAY)
    assert own.effect is None


def test_a_group_of_one_unit_the_survey_hides_is_not_shown_by_its_change(tmp_path, monkeypatch):
    # With 7 respondents for B in R1, E's 3 are the only ones below the threshold; so that E
    # cannot be worked out from the sector's figure less its siblings', the survey hides the
    # smallest sibling too: D, with 5. D alone acted on internal communication: its change would
    # tell its hidden R1 figure (its R2 figure is shown), so the row is hidden.
    monkeypatch.setitem(ANSWERS, ("R1", "B"), (7, 1, 2, 2))
    path = tmp_path / "pohina.duckdb"
    con = store.connect(path)
    build_effect_city(con, tmp_path)
    scores = survey.group_scores(con, round_ids=["R1", "R2"])
    hidden = scores[scores["suppressed"] & (scores["indicator"] == "internal_communication")]
    assert hidden[["round_id", "group_id"]].values.tolist() == [["R1", "D"], ["R1", "E"]]
    row = programme_effect.programme_effect(con, from_round="R1", to_round="R2")
    row = row.set_index("indicator").loc["internal_communication"]
    assert (row.units_with, row.units_without, row.suppressed) == (1, 3, True)
    assert math.isnan(row.change_with_pp)
    store.close(path)
