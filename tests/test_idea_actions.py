"""Writing ideas: the staff form's submission and the change agents' triage, also under load."""

from __future__ import annotations

import shutil
import threading
from datetime import datetime

import pytest

from metrics import idea_actions, ideas, store
from metrics.idea_actions import ChangeRefused, IdeaInvalid
from tests.idea_city import idea_city_file

DAY1 = datetime(2026, 5, 4, 9, 30)
DAY5 = datetime(2026, 5, 8, 14, 0)
DAY9 = datetime(2026, 5, 12, 8, 0)


@pytest.fixture(scope="module")
def idea_city_path(tmp_path_factory):
    return idea_city_file(tmp_path_factory.mktemp("idea_city"))


@pytest.fixture
def con(idea_city_path, tmp_path):
    """The idea city in a fresh writable database of this test's own."""
    path = tmp_path / "ideas.duckdb"
    shutil.copyfile(idea_city_path, path)
    yield store.connect(path)
    store.close(path)


def send(con, token="tok-1", **fields):
    values = {"title": "Yhteinen kalenteri", "unit_id": "A1", "now": DAY1} | fields
    return idea_actions.submit_idea(con, token=token, **values)


def status_of(con, idea_id):
    return ideas.idea(con, idea_id=idea_id).iloc[0]


def test_a_sent_idea_gets_the_next_number_of_the_year_and_status_new(con):
    first, second = send(con, token="a"), send(con, token="b")
    assert (first.idea_id, second.idea_id) == ("I-2026-00001", "I-2026-00002")
    assert first.created and second.created
    idea = status_of(con, "I-2026-00002")
    assert (idea["status"], idea["unit_id"], idea["submitted_on"].date()) == (
        "new",
        "A1",
        DAY1.date(),
    )


def test_sending_the_same_form_twice_makes_one_idea(con):
    # A double click or a rerun sends the same token again.
    first = send(con, token="same")
    again = send(con, token="same", title="Toinen otsikko")
    assert again.idea_id == first.idea_id and not again.created
    assert store.read(con, "SELECT count(*) AS n FROM ideas WHERE idea_id LIKE 'I-%'")["n"][0] == 1


def test_an_anonymous_idea_keeps_no_submitter(con):
    sent = send(con, anonymous=True, identity="Maija Meikäläinen")
    row = store.read(
        con, "SELECT submitter, anonymous FROM ideas WHERE idea_id = ?", [sent.idea_id]
    )
    assert row["submitter"][0] is None and bool(row["anonymous"][0])


def test_a_named_idea_stores_a_pseudonym_that_counts_a_person_once(con):
    send(con, token="a", anonymous=False, identity="Maija.Meikalainen@kaupunki.fi")
    send(con, token="b", anonymous=False, identity="  maija.meikalainen@KAUPUNKI.fi ")
    stored = store.read(con, "SELECT DISTINCT submitter FROM ideas WHERE idea_id LIKE 'I-%'")
    assert len(stored) == 1
    assert "maija" not in stored["submitter"][0].lower()


def test_a_submission_is_logged_without_who_sent_it(con):
    sent = send(con, anonymous=False, identity="Maija")
    events = ideas.idea_events(con, idea_id=sent.idea_id)
    assert len(events) == 1
    assert events["changed_by"].isna().all() and events["from_status"].isna().all()
    assert events["to_status"][0] == "new"


def test_an_invalid_idea_names_every_problem_and_writes_nothing(con):
    with pytest.raises(IdeaInvalid) as refused:
        send(con, title=" x ", unit_id="NOPE", description="d" * 4001, anonymous=False)
    assert {(p.field, p.reason) for p in refused.value.problems} == {
        ("title", "too_short"),
        ("unit", "unknown_unit"),
        ("description", "too_long"),
        ("identity", "required"),
    }
    assert store.read(con, "SELECT count(*) AS n FROM ideas WHERE idea_id LIKE 'I-%'")["n"][0] == 0


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"title": ""}, ("title", "required")),
        ({"title": "x" * 201}, ("title", "too_long")),
        ({"unit_id": None}, ("unit", "required")),
    ],
)
def test_required_fields_and_lengths_are_checked(con, fields, problem):
    with pytest.raises(IdeaInvalid) as refused:
        send(con, **fields)
    assert [(p.field, p.reason) for p in refused.value.problems] == [problem]


def test_an_idea_moves_along_the_whole_path_and_the_dates_follow_the_log(con):
    sent = send(con).idea_id
    steps = [("in_review", DAY1), ("accepted", DAY5), ("in_trial", DAY5), ("implemented", DAY9)]
    for status, when in steps:
        idea_actions.change_status(con, idea_id=sent, to_status=status, who="Aino", now=when)
    idea = status_of(con, sent)
    # decided_on is the first decision (accepted on day 5), implemented_on day 9.
    assert idea["status"] == "implemented"
    assert (idea["decided_on"].date(), idea["implemented_on"].date()) == (DAY5.date(), DAY9.date())
    log = ideas.idea_events(con, idea_id=sent)
    assert log["from_status"].fillna("-").tolist() == [
        "-",
        "new",
        "in_review",
        "accepted",
        "in_trial",
    ]
    assert log["to_status"].tolist() == ["new", "in_review", "accepted", "in_trial", "implemented"]
    assert log["changed_by"].tolist()[1:] == ["Aino"] * 4


def test_each_change_records_who_when_and_the_note(con):
    idea_actions.change_status(
        con, idea_id="M4", to_status="rejected", who="Bertta", note="Ei resursseja", now=DAY5
    )
    last = ideas.idea_events(con, idea_id="M4").iloc[-1]
    assert (last["changed_by"], last["from_status"], last["to_status"]) == (
        "Bertta",
        "new",
        "rejected",
    )
    assert (last["changed_at"], last["note"]) == (DAY5, "Ei resursseja")
    assert status_of(con, "M4")["decided_on"].date() == DAY5.date()


@pytest.mark.parametrize(
    ("idea_id", "status", "wanted", "allowed"),
    [
        ("M4", "new", "implemented", ("in_review", "rejected", "parked", "merged")),
        ("M5", "in_review", "in_trial", ("accepted", "rejected", "parked", "merged")),
        ("M6", "parked", "in_review", ("rejected", "merged")),
        ("M1", "implemented", "rejected", ()),
        ("M2", "rejected", "new", ()),
    ],
)
def test_a_disallowed_change_is_refused_saying_what_is_allowed(
    con, idea_id, status, wanted, allowed
):
    before = ideas.idea_events(con, idea_id=idea_id)
    with pytest.raises(ChangeRefused) as refused:
        idea_actions.change_status(con, idea_id=idea_id, to_status=wanted, who="Aino")
    assert (refused.value.reason, refused.value.status, refused.value.allowed) == (
        "not_allowed", status, allowed,
    )  # fmt: skip
    assert f"Allowed: {', '.join(allowed) or 'nothing'}" in str(refused.value)
    assert status_of(con, idea_id)["status"] == status
    assert len(ideas.idea_events(con, idea_id=idea_id)) == len(before)


def test_any_open_status_may_be_rejected_or_parked(con):
    for status in idea_actions.OPEN_STATUSES:
        assert "rejected" in idea_actions.allowed_changes(status)
        assert status == "parked" or "parked" in idea_actions.allowed_changes(status)


def test_merging_records_the_idea_it_was_merged_into(con):
    idea_actions.merge(con, idea_id="R1", into="M4", who="Aino", note="sama idea")
    idea = status_of(con, "R1")
    assert (idea["status"], idea["merged_into"]) == ("merged", "M4")
    assert ideas.idea_events(con, idea_id="R1").iloc[-1]["merged_into"] == "M4"


@pytest.mark.parametrize(
    ("into", "reason"),
    [("R1", "merge_into_itself"), ("EI-OLE", "merge_target_missing")],
)
def test_a_merge_needs_another_existing_idea(con, into, reason):
    with pytest.raises(ChangeRefused) as refused:
        idea_actions.merge(con, idea_id="R1", into=into, who="Aino")
    assert refused.value.reason == reason
    assert status_of(con, "R1")["status"] == "new"


def test_a_merge_into_a_merged_idea_points_at_where_that_one_went(con):
    idea_actions.merge(con, idea_id="R1", into="M4", who="Aino")
    with pytest.raises(ChangeRefused) as refused:
        idea_actions.merge(con, idea_id="F2", into="R1", who="Aino")
    assert (refused.value.reason, refused.value.target_into) == ("merge_target_merged", "M4")


def test_a_change_needs_to_know_who_made_it(con):
    with pytest.raises(ChangeRefused) as refused:
        idea_actions.change_status(con, idea_id="M4", to_status="in_review", who="  ")
    assert refused.value.reason == "who_required"


def test_a_change_to_a_missing_idea_is_refused(con):
    with pytest.raises(ChangeRefused) as refused:
        idea_actions.change_status(con, idea_id="EI-OLE", to_status="in_review", who="Aino")
    assert refused.value.reason == "not_found"


def test_every_write_changes_the_data_version_so_pages_see_it_at_once(con):
    before = store.data_version(con)
    sent = send(con).idea_id
    after_send = store.data_version(con)
    idea_actions.change_status(con, idea_id=sent, to_status="in_review", who="Aino")
    assert before < after_send < store.data_version(con)


# ------------------------------------------------------------------------------ concurrency


def test_twenty_simultaneous_submissions_and_triage_actions_lose_nothing(con):
    """Twenty threads at once on one database (a cursor each, as the app's sessions do):
    ten submissions (two of them the same form sent twice), and ten triage actions, several
    racing for the same idea. Afterwards: one idea per form, numbered without duplicates (a
    number taken by a transaction run again is not reused: the sequence may leave gaps);
    every successful change is in the log exactly once; every logged change is an allowed one
    and starts where the previous one ended."""
    tokens = [f"form-{n}" for n in range(8)] + ["form-0", "form-1"]
    actions = [
        *[("change", "M4", "in_review")] * 4,  # only one can win; the rest find it in review
        ("change", "R1", "rejected"),
        ("change", "R1", "parked"),
        ("change", "R1", "in_review"),
        ("merge", "R2", "M3"),
        ("change", "R2", "accepted"),
        ("change", "R2", "parked"),
    ]
    start = threading.Barrier(len(tokens) + len(actions))
    sent, changed, refused, failed = [], [], [], []

    def submit(token):
        start.wait()
        try:
            sent.append((token, send(con, token=token, title=f"Idea {token}")))
        except Exception as error:  # collected: an assertion below names it
            failed.append(error)

    def triage(kind, idea_id, target):
        start.wait()
        try:
            if kind == "merge":
                idea_actions.merge(con, idea_id=idea_id, into=target, who="agent")
            else:
                idea_actions.change_status(con, idea_id=idea_id, to_status=target, who="agent")
            changed.append(idea_id)
        except ChangeRefused as error:
            refused.append(error)
        except Exception as error:
            failed.append(error)

    threads = [threading.Thread(target=submit, args=(t,)) for t in tokens]
    threads += [threading.Thread(target=triage, args=a) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failed, failed
    assert len(sent) + len(changed) + len(refused) == 20

    # One idea per distinct form, eight distinct numbers of the year; the repeated forms got
    # their first idea back.
    by_token = {}
    for token, result in sent:
        by_token.setdefault(token, set()).add(result.idea_id)
    assert all(len(ids) == 1 for ids in by_token.values())
    numbers = sorted(ids.pop() for ids in by_token.values())
    assert len(set(numbers)) == 8 and all(n.startswith("I-2026-") for n in numbers)
    stored = store.read(con, "SELECT idea_id FROM ideas WHERE idea_id LIKE 'I-%' ORDER BY 1")
    assert stored["idea_id"].tolist() == numbers

    # M4: exactly one of the four identical changes won.
    assert changed.count("M4") == 1 and status_of(con, "M4")["status"] == "in_review"
    # The log: one event per successful change, each allowed and continuing the last.
    events = store.read(
        con,
        "SELECT idea_id, from_status, to_status FROM idea_events"
        " WHERE from_status IS NOT NULL ORDER BY event_id",
    )
    assert len(events) == len(changed)
    for idea_id, log in events.groupby("idea_id"):
        first_from = {"M4": "new", "R1": "new", "R2": "in_review"}[idea_id]
        assert log["from_status"].iloc[0] == first_from
        for before, after in zip(log["from_status"], log["to_status"], strict=True):
            assert after in idea_actions.allowed_changes(before), (idea_id, before, after)
        assert (log["from_status"].iloc[1:].tolist()) == log["to_status"].iloc[:-1].tolist()
        assert status_of(con, idea_id)["status"] == log["to_status"].iloc[-1]


def test_eighty_parallel_sends_on_one_connection_all_get_distinct_numbers(con):
    """8 threads × 10 sends at once, a cursor each as the app's sessions have: numbers come
    from a sequence, so no send collides on 'highest number + 1' and runs out of retries."""
    start = threading.Barrier(8)
    sent, failed = [], []

    def sender(n):
        start.wait()
        for k in range(10):
            try:
                sent.append(send(con, token=f"t-{n}-{k}", title=f"Idea {n}-{k}").idea_id)
            except Exception as error:  # collected: the assertion below names it
                failed.append(error)

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failed, failed[:3]
    assert len(sent) == len(set(sent)) == 80
    assert all(i.startswith("I-2026-") for i in sent)
    assert len(store.read(con, "SELECT idea_id FROM ideas WHERE idea_id LIKE 'I-%'")) == 80


def test_numbers_continue_past_an_idea_number_already_taken(con):
    # A number taken outside the sequence (an import, a restored older copy) is skipped.
    with store.transaction(con) as cur:
        cur.execute(
            "INSERT INTO ideas (idea_id, unit_id, submitted_on, title, status)"
            " VALUES ('I-2026-00041', 'A1', DATE '2026-05-01', 'Tuotu', 'new')"
        )
    first, second = send(con, token="a"), send(con, token="b")
    assert first.idea_id == "I-2026-00042"
    assert second.idea_id > first.idea_id


# ------------------------------------------------------------------ the signed-in sender


ANNA = "anna.a@kaupunki.fi"


def test_a_named_idea_of_a_signed_in_sender_stores_the_pseudonym_of_their_email(con):
    sent = send(con, anonymous=False, identity="Joku Muu", sender=ANNA)
    row = store.read(con, "SELECT submitter FROM ideas WHERE idea_id = ?", [sent.idea_id])
    assert row["submitter"][0] == idea_actions.pseudonym(ANNA)


def test_a_signed_in_sender_needs_no_typed_name(con):
    sent = send(con, anonymous=False, identity="", sender=ANNA)
    assert sent.created


@pytest.mark.parametrize("anonymous", [False, True])
def test_the_21st_send_of_a_day_is_refused(con, anonymous):
    for n in range(20):
        send(con, token=f"d-{n}", anonymous=anonymous, sender=ANNA)
    with pytest.raises(IdeaInvalid) as refused:
        send(con, token="d-20", anonymous=anonymous, sender=ANNA)
    assert [(p.field, p.reason, p.values) for p in refused.value.problems] == [
        ("sender", "daily_limit", {"limit": 20})
    ]
    count = "SELECT count(*) AS n FROM ideas WHERE idea_id LIKE 'I-%'"
    assert store.read(con, count)["n"][0] == 20
    # the same form sent again still finds its idea; another person and the next day may send
    assert not send(con, token="d-3", sender=ANNA).created
    assert send(con, token="other", anonymous=anonymous, sender="bertta@kaupunki.fi").created
    assert send(con, token="tomorrow", anonymous=anonymous, sender=ANNA, now=DAY5).created


def test_the_daily_limit_is_a_setting(con, tmp_path, monkeypatch):
    settings = tmp_path / "settings.toml"
    settings.write_text("[ideas]\nmax_sends_per_day = 2\n", encoding="utf-8")
    monkeypatch.setenv("POHINA_SETTINGS", str(settings))
    send(con, token="a", sender=ANNA)
    send(con, token="b", sender=ANNA)
    with pytest.raises(IdeaInvalid):
        send(con, token="c", sender=ANNA)


def test_the_anonymous_send_counter_keeps_no_email(con):
    send(con, token="a", anonymous=True, sender=ANNA)
    rows = store.read(con, "SELECT * FROM idea_send_counts")
    assert len(rows) == 1 and rows["sends"][0] == 1
    assert not any("anna" in str(v).lower() for v in rows.iloc[0].tolist())
    assert rows["person"][0] != idea_actions.pseudonym(ANNA)  # not linkable to named ideas


# ------------------------------------------------------------------ a change agent's scope


def test_a_change_agent_cannot_merge_into_an_idea_outside_their_units(con):
    # R1 is in A2; M5 (in review, "**Parempi** <b>kahvi</b>") is in B, outside A's units.
    with pytest.raises(ChangeRefused) as refused:
        idea_actions.merge(con, idea_id="R1", into="M5", who="Aino", units=("A", "A1", "A2"))
    assert refused.value.reason == "merge_target_not_in_units"
    assert "kahvi" not in str(refused.value) and "in_review" not in str(refused.value)
    assert status_of(con, "R1")["status"] == "new"


def test_an_out_of_scope_merged_target_is_refused_like_a_missing_one(con):
    idea_actions.merge(con, idea_id="M6", into="R2", who="Bertta")  # M6 (B) merged into R2 (B)
    outside = {}
    for into in ("M6", "EI-OLE"):
        with pytest.raises(ChangeRefused) as refused:
            idea_actions.merge(con, idea_id="R1", into=into, who="Aino", units=("A", "A1", "A2"))
        outside[into] = (refused.value.reason, refused.value.target_into)
    assert outside["M6"] == outside["EI-OLE"] == ("merge_target_not_in_units", None)


def test_a_target_merged_into_another_units_idea_does_not_name_that_idea(con):
    idea_actions.merge(con, idea_id="M4", into="M5", who="Bertta")  # M4 (A2) went to M5 (B)
    with pytest.raises(ChangeRefused) as refused:
        idea_actions.merge(con, idea_id="R1", into="M4", who="Aino", units=("A", "A1", "A2"))
    assert (refused.value.reason, refused.value.target_into) == (
        "merge_target_merged_outside",
        None,
    )
    assert "M5" not in str(refused.value)


def test_a_change_agent_merges_within_their_units(con):
    idea_actions.merge(con, idea_id="R1", into="M4", who="Aino", units=("A", "A1", "A2"))
    assert status_of(con, "R1")["merged_into"] == "M4"


def test_a_change_agent_cannot_change_an_idea_outside_their_units(con):
    with pytest.raises(ChangeRefused) as refused:
        idea_actions.change_status(
            con, idea_id="M5", to_status="rejected", who="Aino", units=("A1",)
        )
    assert refused.value.reason == "not_found"
    assert status_of(con, "M5")["status"] == "in_review"
