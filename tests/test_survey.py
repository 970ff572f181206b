"""Survey indicators on a hand-made organisation: scores and changes against working done
independently here, the anonymity rules against every subtraction a reader could do, vendor
results, the two reports and the survey page."""

from __future__ import annotations

import base64
import io
import json
import random
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from streamlit.testing.v1 import AppTest

from metrics import registry, store, survey
from metrics.anonymity import ORGANISATION
from metrics.cli import format_table
from metrics.imports import import_file
from tests.apptest import open_page
from tests.fixtures import TODAY, write_csv
from tests.test_cli import run

THRESHOLD = 5
# The unit tree. Respondents per round in brackets; each parent needs one rule:
#   P (own 0): A (3)  B (4)  C (5)  D (6 in R1, 4 in R2)  two or three small groups, together ≥ 5
#   Q (own 0): E (3)  F (6)  G (8)                         one small group: F must hide too
#   R (own 2): H (7)  I (9)                                two own respondents: H must hide
#   S (own 0): J (2)  K (2)  L (12)                        small groups together 4: L must hide
#   T (own 0): U (3)  V (none)  W (10)                     V is known empty: W must hide
PARENTS = {
    "P": None, "A": "P", "B": "P", "C": "P", "D": "P",
    "Q": None, "E": "Q", "F": "Q", "G": "Q",
    "R": None, "H": "R", "I": "R",
    "S": None, "J": "S", "K": "S", "L": "S",
    "T": None, "U": "T", "V": "T", "W": "T",
}  # fmt: skip
RESPONDENTS = {
    "R1": {"A": 3, "B": 4, "C": 5, "D": 6, "E": 3, "F": 6, "G": 8, "R": 2, "H": 7, "I": 9,
           "J": 2, "K": 2, "L": 12, "U": 3, "W": 10},
    "R2": {"A": 3, "B": 4, "C": 5, "D": 4, "E": 3, "F": 6, "G": 8, "R": 2, "H": 7, "I": 9,
           "J": 2, "K": 2, "L": 12, "U": 3, "W": 10},
}  # fmt: skip
# Worked by hand from the tree above (anonymity rules in docs/design.md).
HIDDEN = {
    "R1": {"A", "B", "E", "F", "H", "J", "K", "L", "U", "W"},
    "R2": {"A", "B", "D", "E", "F", "H", "J", "K", "L", "U", "W"},
}
ITEMS = [
    {"item_id": "CL1", "text_fi": "Muutoksia johdetaan hyvin", "indicator": "change_leadership",
     "text_en": "Change is led well", "reverse": ""},
    {"item_id": "CL2", "text_fi": "Muutokset tulevat yllätyksenä", "indicator": "change_leadership",
     "text_en": "Changes come as a surprise", "reverse": "true"},
    {"item_id": "SAT1", "text_fi": "Olen tyytyväinen työhöni", "indicator": "satisfaction",
     "text_en": "I am satisfied with my job", "reverse": ""},
]  # fmt: skip
# C's answers in R1, CL1 / CL2 (reversed) / SAT1, one string per person.
C_IN_R1 = ["515", "415", "324", "252", "131"]


def answer_rows() -> list[dict]:
    """Every respondent's answers; CL1 and SAT1 always answered, CL2 left empty now and then."""
    rng = random.Random(5)
    rows = []
    for round_id, counts in RESPONDENTS.items():
        lift = 1 if round_id == "R2" else 0  # R2 is a little better, so some changes are real
        for unit, n in counts.items():
            for number in range(n):
                if round_id == "R1" and unit == "C":
                    cl1, cl2, sat1 = C_IN_R1[number]
                else:
                    cl1 = str(min(5, rng.randint(1, 5) + lift))
                    cl2 = "" if rng.random() < 0.15 else str(max(1, rng.randint(1, 5) - lift))
                    sat1 = str(min(5, rng.randint(2, 5) + lift))
                person = f"{round_id}-{unit}-{number}"
                rows.append({"round_id": round_id, "unit_id": unit, "respondent": person,
                             "CL1": cl1, "CL2": cl2, "SAT1": sat1})  # fmt: skip
    return rows


def build(con, directory: Path) -> list[dict]:
    units = [
        {"unit_id": u, "name": f"Yksikkö {u}", "headcount": "20", "parent_id": p or ""}
        for u, p in PARENTS.items()
    ]
    rounds = [
        {"round_id": "R1", "name": "Kysely 2025", "closed_on": "2025-10-31"},
        {"round_id": "R2", "name": "Kysely 2026", "closed_on": "2026-10-31"},
    ]
    answers = answer_rows()
    for kind, rows in (("units", units), ("survey_rounds", rounds), ("survey_items", ITEMS),
                       ("survey_responses", answers)):  # fmt: skip
        import_file(con, kind, write_csv(directory / f"{kind}.csv", rows), today=TODAY)
    return answers


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """(connection, path, answers) of the hand-made organisation, read only. The connection
    and the pages use `path`; the command line gets a copy (`closed_copy`)."""
    directory = tmp_path_factory.mktemp("survey_city")
    path = directory / "pohina.duckdb"
    con = store.connect(path)
    answers = build(con, directory)
    store.close(path)
    shutil.copy(path, directory / "closed.duckdb")
    yield store.connect(path), path, answers
    store.close(path)


def closed_copy(path: Path) -> Path:
    """The hand-made organisation in a file no connection of this process holds."""
    return path.with_name("closed.duckdb")


# ------------------------------------------------------------------ independent working


def members(group: str) -> set[str]:
    """The units whose respondents a group pools: itself and every unit below it."""
    if group == ORGANISATION:
        return set(PARENTS)
    found, frontier = {group}, [group]
    while frontier:
        parent = frontier.pop()
        kids = [u for u, p in PARENTS.items() if p == parent]
        found |= set(kids)
        frontier += kids
    return found


def expected(answers: list[dict], round_id: str, group: str, indicator: str) -> dict:
    """favourable_pct, mean and respondents worked out from the raw rows, reversing CL2."""
    items = [i["item_id"] for i in ITEMS if i["indicator"] == indicator]
    values, people = [], set()
    for row in answers:
        if row["round_id"] != round_id or row["unit_id"] not in members(group):
            continue
        for item in items:
            if row[item]:
                value = int(row[item])
                values.append(6 - value if item == "CL2" else value)
                people.add(row["respondent"])
    values = np.array(values)
    return {
        "favourable_pct": 100 * np.mean(values >= 4),
        "mean": values.mean(),
        "respondents": len(people),
        "favourable_share": np.mean(values >= 4),
    }


def recoverable(known: set[str], candidates: set[str], parents=PARENTS) -> set[str]:
    """The candidates pinned down by the equations parent = children + own staff, given the
    figures known: linear algebra over every equation at once, not the module's propagation."""
    groups = [*parents, ORGANISATION]
    children = {g: [u for u, p in parents.items() if (p or ORGANISATION) == g] for g in groups}
    variables = groups + [f"own:{g}" for g in groups if children[g]]
    column = {v: i for i, v in enumerate(variables)}
    rows = []
    for group, kids in children.items():
        if kids:
            row = np.zeros(len(variables))
            row[column[group]] = 1
            for part in [*kids, f"own:{group}"]:
                row[column[part]] = -1
            rows.append(row)
    rows += [np.eye(len(variables))[column[k]] for k in known if k in column]
    rank = np.linalg.matrix_rank(np.array(rows))
    return {
        c
        for c in candidates
        if np.linalg.matrix_rank(np.vstack([rows, np.eye(len(variables))[column[c]]])) == rank
    }


def own_counts(counts: dict[str, int]) -> dict[str, int]:
    """Respondents placed directly in each parent (the unit's own staff)."""
    totals = {g: sum(counts.get(u, 0) for u in members(g)) for g in [*PARENTS, ORGANISATION]}
    parents = [*{p for p in PARENTS.values() if p}, ORGANISATION]
    return {
        f"own:{g}": totals[g]
        - sum(totals[u] for u, p in PARENTS.items() if (p or ORGANISATION) == g)
        for g in parents
    }


def assert_nothing_hidden_can_be_worked_out(shown: set[str], counts: dict[str, int]) -> None:
    """No hidden group (nor a small own-staff part) follows from the figures shown, and where a
    parent is shown its unknown parts together hold none or at least THRESHOLD respondents."""
    own = own_counts(counts)
    totals = {g: sum(counts.get(u, 0) for u in members(g)) for g in [*PARENTS, ORGANISATION]}
    empty = {g for g, n in totals.items() if n == 0} | {o for o, n in own.items() if n == 0}
    known = shown | empty
    protected = {g for g in totals if g not in known} | {
        o for o, n in own.items() if 0 < n < THRESHOLD
    }
    assert recoverable(known, protected) == set()
    for parent in [*{p for p in PARENTS.values() if p}, ORGANISATION]:
        if parent not in known:
            continue
        parts = [u for u, p in PARENTS.items() if (p or ORGANISATION) == parent]
        unknown = [x for x in [*parts, f"own:{parent}"] if x not in known]
        pooled = sum(totals.get(x, own.get(x, 0)) for x in unknown)
        assert pooled == 0 or pooled >= THRESHOLD, (parent, unknown, pooled)


# ------------------------------------------------------------------ scores and changes


def test_scores_of_every_shown_group_match_the_answers_worked_out_here(made):
    con, _, answers = made
    scores = survey.group_scores(con, round_ids=["R1", "R2"])
    shown = scores[~scores["suppressed"] & scores["favourable_pct"].notna()]
    assert len(shown) > 20
    for row in shown.itertuples():
        want = expected(answers, row.round_id, row.group_id, row.indicator)
        assert row.favourable_pct == pytest.approx(want["favourable_pct"])
        assert row.mean == pytest.approx(want["mean"])
        assert row.respondents == want["respondents"]


def test_a_sector_includes_its_units(made):
    con, _, answers = made
    # P pools A, B, C and D: 3 + 4 + 5 + 6 respondents in R1.
    scores = survey.group_scores(con, round_ids=["R1"]).set_index(["group_id", "indicator"])
    assert scores.loc[("P", "satisfaction"), "respondents"] == 18
    # the whole organisation: 18 (P) + 17 (Q) + 18 (R with its own 2) + 16 (S) + 13 (T)
    assert scores.loc[(ORGANISATION, "satisfaction"), "respondents"] == 82


def test_reverse_scored_item_counts_low_answers_as_favourable(made):
    con, _, _ = made
    # C in R1 (C_IN_R1): CL1 answers 5, 4, 3, 2, 1 → favourable 2 of 5, sum 15; CL2 is
    # reversed: answers 1, 1, 2, 5, 3 become 5, 5, 4, 1, 3 → favourable 3 of 5, sum 18.
    # change_leadership = (2 + 3) / 10 = 50 %, mean (15 + 18) / 10 = 3.3. Unreversed it
    # would be 30 % and 2.7.
    scores = survey.group_scores(con, round_ids=["R1"]).set_index(["group_id", "indicator"])
    row = scores.loc[("C", "change_leadership")]
    assert (row["favourable_pct"], row["mean"], row["respondents"]) == (
        pytest.approx(50.0),
        pytest.approx(3.3),
        5,
    )
    items = survey.item_scores(con, round_id="R1").set_index(["group_id", "item_id"])
    # The distribution is of the answers as given: CL2 was answered 1 twice, 2, 3 and 5 once.
    cl2 = items.loc[("C", "CL2")]
    assert [cl2[f"answers_{v}"] for v in range(1, 6)] == [2, 1, 1, 0, 1]
    assert cl2["favourable_pct"] == pytest.approx(60.0) and cl2["mean"] == pytest.approx(3.6)


def test_change_interval_and_significance_match_a_two_proportion_z_test(made):
    con, _, answers = made
    changes = survey.change_between(con, from_round="R1", to_round="R2")
    shown = changes[~changes["suppressed"] & changes["change_pp"].notna()]  # V has no answers
    assert shown["significant"].any() and not shown["significant"].all()
    for row in shown.itertuples():
        before = expected(answers, "R1", row.group_id, row.indicator)
        after = expected(answers, "R2", row.group_id, row.indicator)
        p1, p2 = before["favourable_share"], after["favourable_share"]
        n1, n2 = before["respondents"], after["respondents"]
        se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        assert row.change_pp == pytest.approx(100 * (p2 - p1))
        assert row.change_rel_pct == pytest.approx(100 * (p2 - p1) / p1)
        assert row.ci_low_pp == pytest.approx(100 * (p2 - p1 - 1.96 * se))
        assert row.ci_high_pp == pytest.approx(100 * (p2 - p1 + 1.96 * se))
        p_value = 2 * stats.norm.sf(abs(p2 - p1) / se)
        assert bool(row.significant) == (p_value < 0.05)


def test_change_is_hidden_wherever_either_round_is(made):
    con, _, _ = made
    changes = survey.change_between(con, from_round="R1", to_round="R2")
    hidden = set(changes.loc[changes["suppressed"], "group_id"])
    assert hidden == HIDDEN["R1"] | HIDDEN["R2"]  # D: shown in R1 (6), hidden in R2 (4)
    figures = ["from_pct", "to_pct", "change_pp", "change_rel_pct", "ci_low_pp", "ci_high_pp"]
    assert changes.loc[changes["suppressed"], figures].isna().all().all()


def test_unknown_or_equal_rounds_are_refused(made):
    con, _, _ = made
    with pytest.raises(ValueError, match="no survey round 'R9'"):
        survey.change_between(con, from_round="R1", to_round="R9")
    with pytest.raises(ValueError, match="two different"):
        survey.change_between(con, from_round="R1", to_round="R1")


# ------------------------------------------------------------------ anonymity


@pytest.mark.parametrize("round_id", ["R1", "R2"])
def test_groups_of_3_4_5_6_and_their_complements_are_hidden(made, round_id):
    con, _, _ = made
    scores = survey.group_scores(con, round_ids=[round_id])
    for _, rows in scores.groupby("indicator"):
        assert set(rows.loc[rows["suppressed"], "group_id"]) == HIDDEN[round_id]
    small = scores[scores["below_threshold"]]
    assert set(small["group_id"]) == {"A", "B", "E", "J", "K", "U"} | (
        {"D"} if round_id == "R2" else set()
    )
    assert small["respondents"].isna().all()  # the count itself never leaves metrics/


@pytest.mark.parametrize("round_id", ["R1", "R2"])
def test_no_hidden_score_can_be_recovered_from_the_scores_report(made, round_id):
    con, _, _ = made
    report = registry.REPORTS["survey_scores"].build(con, period=None, round_id=round_id)
    table = pd.read_csv(io.StringIO(format_table(report, "csv")), dtype=str)
    assert list(table.columns) == list(survey.SCORES_REPORT_COLUMNS)
    for _, rows in table.groupby("indicator"):
        shown = set(rows.loc[rows["favourable_pct"].notna(), "unit_id"])
        assert_nothing_hidden_can_be_worked_out(shown, RESPONDENTS[round_id])
        hidden = rows[rows["suppressed"] == "True"]
        assert hidden["favourable_pct"].isna().all() and hidden["mean"].isna().all()
        assert set(rows.loc[rows["respondents"] == "< 5", "unit_id"]) <= HIDDEN[round_id]


@pytest.mark.parametrize("round_id", ["R1", "R2"])
def test_no_hidden_item_figure_can_be_recovered(made, round_id):
    con, _, answers = made
    items = survey.item_scores(con, round_id=round_id)
    indicators = survey.group_scores(con, round_ids=[round_id]).set_index(["group_id", "indicator"])
    for item_id, rows in items.groupby("item_id"):
        counts = {}
        for row in answers:
            if row["round_id"] == round_id and row[item_id]:
                counts[row["unit_id"]] = counts.get(row["unit_id"], 0) + 1
        shown = set(rows.loc[~rows["suppressed"], "group_id"])
        assert_nothing_hidden_can_be_worked_out(shown, counts)
        # where an indicator is hidden, so are its items
        hidden_indicator = indicators.loc[(slice(None), rows["indicator"].iloc[0]), "suppressed"]
        for (group, _), hidden in hidden_indicator.items():
            if hidden:
                assert rows.loc[rows["group_id"] == group, "suppressed"].all()
    # an item is never the one unknown part of its indicator: all of a group's items are
    # hidden, or none
    per_group = items.groupby(["group_id", "indicator"])["suppressed"].agg(["all", "any"])
    assert (per_group["all"] == per_group["any"]).all()
    assert items.loc[items["suppressed"], ["answers_1", "answers_5"]].isna().all().all()


@pytest.mark.parametrize("round_id", ["R1", "R2"])
def test_item_table_hides_the_count_of_a_group_hidden_to_protect_a_neighbour(made, round_id):
    # F (6 respondents) is hidden beside E (3): its count would give E's back by subtraction
    # from Q, just as its score would.
    con, _, _ = made
    items = survey.item_scores(con, round_id=round_id)
    complements = items[items["suppressed"] & ~items["below_threshold"]]
    assert "F" in set(complements["group_id"])
    assert complements["respondents"].isna().all()
    assert items.loc[~items["suppressed"], "respondents"].notna().all()


def test_page_item_table_writes_no_count_for_a_group_hidden_to_protect_a_neighbour(
    made, monkeypatch
):
    _, path, _ = made
    app = open_page(path, monkeypatch, "survey", unit="F")
    items = app.dataframe[-1].value
    assert set(items["Myönteisiä, %"]) == {"piilotettu"}
    assert set(items["Vastaajia"]) == {"–"}  # not 6, nor any other count


# ------------------------------------------------------------------ vendor results


def test_vendor_results_follow_the_same_rules(empty_db, tmp_path, monkeypatch):
    # A round with only a vendor's results for home units: P and its units A (n 3) and
    # C (n 40), D without n but published; B suppressed by the publisher.
    build(empty_db, tmp_path)
    rounds = tmp_path / "rounds.csv"
    rounds.write_text("round_id,name,closed_on\nV0,Aiempi,2026-09-01\nV,Toimittaja,2026-09-15\n")
    import_file(empty_db, "survey_rounds", rounds, today=TODAY)
    results = tmp_path / "results.csv"
    results.write_text(
        "round_id,unit_id,org_id,indicator,favourable_pct,mean,n\n"
        "V,P,,satisfaction,70 %,3.9,60\nV,A,,satisfaction,50,3.1,3\n"
        "V,B,,satisfaction,n<10,,\nV,C,,satisfaction,75,4.0,40\n"
        "V,D,,satisfaction,68,3.8,\nV,,HOME,satisfaction,72,3.9,200\n"
    )
    import_file(empty_db, "survey_results", results, today=TODAY)
    scores = survey.group_scores(empty_db, round_ids=["V"]).set_index("group_id")
    assert set(scores["source"]) == {"published"}
    # A (n 3) is below the threshold and B was suppressed by the publisher. P = A + B + C +
    # D + own staff leaves A, B and 17 others (60 - 3 - 40) unknown together: nothing more to
    # hide. D keeps the publisher's figure, untested.
    assert set(scores.index[scores["suppressed"]]) == {"A", "B"}
    assert pd.isna(scores.loc["A", "respondents"]) and scores.loc["A", "below_threshold"]
    assert scores.loc["D", "favourable_pct"] == 68 and not scores.loc["D", "tested"]
    assert scores.loc[ORGANISATION, "favourable_pct"] == 72
    results.write_text(
        "round_id,unit_id,org_id,indicator,favourable_pct,n\n"
        "V0,D,,satisfaction,60,\nV0,,HOME,satisfaction,70,180\n"
    )
    import_file(empty_db, "survey_results", results, today=TODAY)
    change = survey.change_between(empty_db, from_round="V0", to_round="V").set_index("group_id")
    # D has no n in either round: the change is shown, but no significance test is made.
    assert change.loc["D", "change_pp"] == pytest.approx(8.0)
    assert pd.isna(change.loc["D", "significant"]) and pd.isna(change.loc["D", "ci_low_pp"])
    whole = change.loc[ORGANISATION]
    assert whole["change_pp"] == pytest.approx(2.0) and not pd.isna(whole["significant"])
    # The overview shows D's change without a significance claim: relative 8 / 60 = +13 %.
    app = open_page(tmp_path / "empty.duckdb", monkeypatch, period="2026-09", unit="D")
    notes = [c.value for c in app.caption]
    assert "Suhteellinen muutos +13\u00a0%." in notes


# ------------------------------------------------------------------ command line


@pytest.mark.slow
def test_report_survey_scores_prints_hidden_rows_empty_with_counts_below_5(made):
    _, path, _ = made
    done = run(closed_copy(path), "report", "survey_scores", "--round", "R1")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "round_id,unit_id,indicator,respondents,favourable_pct,mean,suppressed"
    assert lines[1].startswith("R1,ALL,change_leadership,82,")
    assert "R1,A,satisfaction,< 5,,,true" in lines
    # hidden as A's complement: its count (6) is hidden too, or A's count would follow from it
    assert "R1,F,satisfaction,,,,true" in lines
    assert "R1,V,satisfaction,0,,,false" in lines  # no respondents: nothing to hide


@pytest.mark.slow
def test_report_survey_change_needs_two_known_rounds(made):
    _, path, _ = made
    path = closed_copy(path)
    missing = run(path, "report", "survey_change", "--from", "R1")
    assert missing.returncode == 2 and "needs both --from ROUND and --to ROUND" in missing.stderr
    unknown = run(path, "report", "survey_change", "--from", "R1", "--to", "2026")
    assert unknown.returncode == 2 and "no survey round '2026'" in unknown.stderr
    done = run(path, "report", "survey_change", "--from", "R1", "--to", "R2", "--format", "json")
    rows = {(r["unit_id"], r["indicator"]): r for r in json.loads(done.stdout)}
    assert list(next(iter(rows.values()))) == list(survey.CHANGE_REPORT_COLUMNS)
    assert rows[("D", "satisfaction")]["suppressed"] is True
    assert rows[("D", "satisfaction")]["change_pp"] is None


# ------------------------------------------------------------------ the page


def heatmap_cells(app: AppTest) -> dict[str, dict]:
    """The heatmap's figure: unit → indicator → (z, text) for data cells and marked cells."""
    figure = json.loads(app.get("plotly_chart")[1].proto.spec)
    data, marked = figure["data"][0], figure["data"][1:]
    z, flags = array(data["z"]), array(marked[0]["z"]) if marked else None
    cells = {}
    for i, unit in enumerate(data["y"]):
        for j, indicator in enumerate(data["x"]):
            value = None if np.isnan(z[i][j]) else z[i][j]
            hidden = bool(flags is not None and flags[i][j] == 1)
            text = (marked[0] if hidden else data)["text"][i][j]
            cells.setdefault(unit.strip(), {})[indicator] = (value, text, hidden)
    return cells


def array(values) -> np.ndarray:
    """A plotly JSON array: a plain list, or a typed array ({dtype, bdata, shape})."""
    if not isinstance(values, dict):
        return np.array(values, dtype=float)
    flat = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    shape = [int(n) for n in str(values.get("shape", len(flat))).split(",")]
    return flat.reshape(shape).astype(float)


def shown_figures(app: AppTest) -> set[str]:
    """Units whose score the page writes anywhere (tables and heatmap), by their names."""
    names = set()
    for frame in (d.value for d in app.dataframe):
        if "Yksikkö" in frame.columns and "Verrattava, %" in frame.columns:
            written = ~frame["Verrattava, %"].isin(["piilotettu", "–"])
            names |= set(frame.loc[written, "Yksikkö"])
    for unit, row in heatmap_cells(app).items():
        if any(text not in ("piilotettu", "–") for _, text, _ in row.values()):
            names.add(unit)
    return names


def test_page_marks_hidden_cells_and_shows_nothing_that_gives_them_back(made, monkeypatch):
    _, path, _ = made
    shown = set()
    for unit in ("P", "Q", "R", "S", "T"):
        app = open_page(path, monkeypatch, "survey", unit=unit)
        cells = heatmap_cells(app)
        for member, row in cells.items():
            unit_id = member.removeprefix("Yksikkö ")
            for z, text, marked in row.values():
                # hidden in R2 (the round the heatmap shows): grey, marked, no value
                assert marked == (unit_id in HIDDEN["R2"]), member
                assert (text == "piilotettu") == marked
                assert (z is None) == (marked or text == "–")  # V: no respondents, no colour
        shown |= {n.removeprefix("Yksikkö ") for n in shown_figures(app)}
    app = open_page(path, monkeypatch, "survey")
    shown |= {n.removeprefix("Yksikkö ") for n in shown_figures(app)} - {"Koko organisaatio"}
    shown.add(ORGANISATION)
    assert shown == set(RESPONDENTS["R2"]) - HIDDEN["R2"] - {"R"} | {"P", "Q", "R", "S", "T", "ALL"}
    assert_nothing_hidden_can_be_worked_out(shown, RESPONDENTS["R2"])


def test_page_writes_small_counts_as_below_5_and_hides_their_items(made, monkeypatch):
    _, path, _ = made
    app = open_page(path, monkeypatch, "survey", unit="A")
    by_round = app.dataframe[0].value
    assert set(by_round["Vastaajia"]) == {"< 5"}
    assert set(by_round["Myönteisiä, %"]) == {"piilotettu"}
    items = app.dataframe[-1].value
    assert set(items["Myönteisiä, %"]) == {"piilotettu"}
    assert "1" not in items.columns  # no distribution for a hidden group
    assert all(m.value == "piilotettu" and not m.delta for m in app.metric)


def test_page_says_which_changes_are_real_and_which_kind_of_percent(city_path, monkeypatch):
    app = open_page(city_path, monkeypatch, "survey")
    # The fixture city, R1 → R2 (tests/test_overview.py works these out): satisfaction
    # 55,6 % → 81,5 %, +25,9 points, significant; internal communication is noise.
    satisfaction = next(m for m in app.metric if m.label == "Työtyytyväisyys")
    assert (satisfaction.value, satisfaction.delta) == ("81,5\u00a0%", "+25,9\u00a0%-yks.")
    notes = [c.value for c in app.caption]
    assert any(n.startswith("Todellinen muutos") and "Suhteellinen muutos +47" in n for n in notes)
    assert any(n.startswith("Voi olla satunnaisvaihtelua") for n in notes)
    changes = next(d.value for d in app.dataframe if "Muutos, %-yks." in d.value.columns)
    assert "Suhteellinen muutos, %" in changes.columns
    items = app.dataframe[-1].value
    assert list(items.columns) == ["Kysymys", "Myönteisiä, %", "Keskiarvo", "Vastaajia",
                                   "1", "2", "3", "4", "5"]  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "title", "delta"),
    [("sv", "Personalenkätens indikatorer", "+25,9\u00a0p.e."),
     ("en", "Staff survey indicators", "+25.9\u00a0pp")],
)  # fmt: skip
def test_page_in_swedish_and_english(city_path, monkeypatch, lang, title, delta):
    app = open_page(city_path, monkeypatch, "survey", lang=lang)
    assert app.title[0].value == title
    assert delta in [m.delta for m in app.metric]


def test_page_without_any_survey_results_says_how_to_get_them(empty_db, tmp_path, monkeypatch):
    rounds = tmp_path / "rounds.csv"
    rounds.write_text("round_id,name,closed_on\nR1,Kysely 2025,2025-10-31\n")
    import_file(empty_db, "survey_rounds", rounds, today=TODAY)  # a round, but no answers yet
    app = open_page(tmp_path / "empty.duckdb", monkeypatch, "survey")
    assert "Kyselytuloksia ei ole vielä tuotu" in app.info[0].value
