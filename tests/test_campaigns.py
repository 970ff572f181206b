"""Idea campaigns: loaded as a `campaigns` file (every bad row named, all or nothing) or opened
in the app by the steering group or a change agent (in their own units; staff may not); the form
offers the campaigns open for the sender's unit; each campaign's page and `report campaigns`
give its ideas, participants and decisions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from metrics import campaigns, cli, store
from metrics.imports import import_file
from metrics.validation import ImportRejected
from tests.apptest import open_page
from tests.fixtures import TODAY, write_csv
from tests.test_access_pages import AGENT_U4, STAFF, STEERING, by_label
from tests.test_support import every_text
from ui.text import plain

COLUMNS = ["campaign_id", "title", "opens_on", "closes_on", "why", "units", "indicator"]


def load(db, tmp_path, rows, kind="campaigns", today=TODAY):
    return import_file(
        store.connect(db), kind, write_csv(tmp_path / f"{kind}.csv", rows), today=today
    )


def campaign(campaign_id, units="U4", opens="2026-11-01", closes="2026-12-31", **more):
    values = [campaign_id, f"Kysymys {campaign_id}", opens, closes, "", units, ""]
    row = dict(zip(COLUMNS, values, strict=True))
    return row | more


def answer(db, campaign_id, *idea_ids):
    with store.transaction(store.connect(db)) as cur:
        cur.execute(
            "UPDATE ideas SET campaign_id = ? WHERE list_contains(?, idea_id)",
            [campaign_id, list(idea_ids)],
        )


def test_a_campaigns_file_loads_and_dates_may_lie_ahead(own_city, tmp_path):
    load(own_city, tmp_path, [campaign("K1"), campaign("K2", units="S1; U4", closes="2027-03-01")])
    stored = store.read(store.connect(own_city), "SELECT campaign_id, units FROM campaigns")
    assert stored.values.tolist() == [["K1", "U4"], ["K2", "S1;U4"]]


def test_a_bad_campaigns_file_names_every_bad_row_and_writes_nothing(own_city, tmp_path):
    rows = [
        campaign("K1"),
        campaign("K2", closes="2026-10-01"),  # closes before it opens
        campaign("K3", units="U4;EI"),  # no such unit
        campaign("K4", indicator="onnellisuus"),  # no such indicator
    ]
    with pytest.raises(ImportRejected) as refused:
        load(own_city, tmp_path, rows)
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (3, "closes_on"),
        (4, "units"),
        (5, "indicator"),
    ]
    assert store.read(store.connect(own_city), "SELECT * FROM campaigns").empty


def test_an_idea_naming_a_missing_campaign_is_refused(own_city, tmp_path):
    row = {"idea_id": "X1", "unit_id": "U4", "submitted_on": "2026-11-02", "title": "Idea",
           "status": "new", "campaign_id": "EI-OLE"}  # fmt: skip
    with pytest.raises(ImportRejected) as refused:
        load(own_city, tmp_path, [row], kind="ideas")
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "campaign_id")]


def test_a_change_agent_opens_a_campaign_only_in_their_own_units(own_city):
    con = store.connect(own_city)
    when = {"opens_on": TODAY, "closes_on": TODAY + timedelta(days=30), "who": AGENT_U4}
    for units in ((), ("U1",), ("U4", "U1")):
        with pytest.raises(campaigns.CampaignRefused) as refused:
            campaigns.open_campaign(con, title="Kysymys", units=units, scope=("U4",), **when)
        assert refused.value.reason == "outside_units"
    opened = campaigns.open_campaign(con, title="Kysymys", units=("U4",), scope=("U4",), **when)
    assert opened == f"C-{date.today().year}-01"
    logged = store.read(con, "SELECT done_by FROM idea_talk_events WHERE action = 'campaign'")
    assert logged["done_by"].tolist() == [AGENT_U4]


def test_campaign_figures_and_the_report(own_city, tmp_path):
    load(own_city, tmp_path, [campaign("K1"), campaign("K2", units="", opens="2026-01-01",
                                                        closes="2026-06-30")])  # fmt: skip
    answer(own_city, "K1", "I4", "I5", "I9")  # U4: p4, anonymous, p4 (parked)
    answer(own_city, "K2", "I7", "I8")  # I7 implemented; I8 merged into it
    figures = campaigns.campaign_figures(store.connect(own_city), on=TODAY).set_index("campaign_id")
    # K1: three ideas, one named sender (p4 twice; I5 anonymous) of U4's 65 staff
    k1 = figures.loc["K1"]
    assert (k1["ideas"], k1["participants"], k1["decided"], k1["implemented"]) == (3, 1, 0, 0)
    assert (k1["units_asked"], k1["staff"]) == (1, 65)
    assert k1["participation_rate"] == pytest.approx(1 / 65)
    # K2 asks everyone (100 staff); the merged I8 counts nowhere
    k2 = figures.loc["K2"]
    assert (k2["ideas"], k2["participants"], k2["decided"], k2["implemented"]) == (1, 1, 1, 1)
    assert k2["staff"] == 100
    rows = cli.report_text(store.connect(own_city), "campaigns").splitlines()
    assert rows == [
        "campaign_id,title,opens_on,closes_on,ideas,participants,decided,implemented",
        "K1,Kysymys K1,2026-11-01,2026-12-31,3,1,0,0",
        "K2,Kysymys K2,2026-01-01,2026-06-30,1,1,1,1",
    ]


def test_staff_cannot_open_a_campaign(own_city, monkeypatch, login_on, tmp_path):
    load(own_city, tmp_path, [campaign("K1", opens=str(date.today()), closes="2099-12-31")])
    app = open_page(own_city, monkeypatch, "campaigns", user=STAFF)
    assert app.title[0].value == "Ideakampanjat"
    assert "Avaa uusi kampanja" not in [h.value for h in app.header]
    assert not [b for b in app.button if b.label in ("Avaa kampanja", "Sulje kampanja tänään")]
    assert "Kysymys K1" in every_text(app)


def test_steering_opens_a_campaign_on_the_page(own_city, monkeypatch, login_on):
    app = open_page(own_city, monkeypatch, "campaigns", user=STEERING)
    assert app.info[0].value == "Kampanjoita ei vielä ole."
    by_label(app.text_input, "Kysymys (pakollinen)").input("Miten säästämme paperia?")
    by_label(app.multiselect, "Yksiköt, joilta kysytään").set_value(["S2"])
    by_label(app.button, "Avaa kampanja").click().run()
    assert not app.exception, app.exception
    number = f"C-{date.today().year}-01"
    assert app.success[0].value == f"Kampanja {plain(number)} avattu."  # an id, as text
    stored = store.read(store.connect(own_city), "SELECT * FROM campaigns").iloc[0]
    assert (stored["title"], stored["units"]) == ("Miten säästämme paperia?", "S2")
    assert "Miten säästämme paperia?" in [h.value for h in app.header]


def test_the_form_offers_an_open_campaign_and_the_idea_answers_it(own_city, monkeypatch, tmp_path):
    today = date.today()
    load(own_city, tmp_path, [campaign("K1", opens=str(today), closes=str(today))],
         today=today)  # fmt: skip
    app = open_page(own_city, monkeypatch, "idea_form", campaign="K1")
    chosen = by_label(app.selectbox, "Kampanja, johon idea vastaa")
    assert chosen.value == "K1" and chosen.options == ["Ei kampanjaa", "Kysymys K1"]
    by_label(app.text_input, "Otsikko (pakollinen)").input("Paperiton perehdytys")
    by_label(app.selectbox, "Yksikkö, jota idea koskee (pakollinen)").set_value("U1")
    by_label(app.button, "Lähetä idea").click().run()  # U1 is not asked: refused under the field
    assert app.error[0].value.startswith("Kampanja ei ole nyt auki valitulle yksikölle")
    by_label(app.selectbox, "Yksikkö, jota idea koskee (pakollinen)").set_value("U4")
    by_label(app.button, "Lähetä idea").click().run()
    assert app.success, [e.value for e in app.error]
    stored = store.read(store.connect(own_city), "SELECT campaign_id FROM ideas WHERE title = ?",
                        ["Paperiton perehdytys"])  # fmt: skip
    assert stored["campaign_id"].tolist() == ["K1"]
