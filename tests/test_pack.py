"""The steering group's meeting pack on the fixture city: its figures worked out by hand, read
back from the PDF's own text; its pages as images; its HTML; the meetings it is cut by."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader

from metrics import formats, meetings, pack, pack_document, pack_words, periods
from metrics.meetings import Window
from tests.browser import in_ci
from tests.fixtures import TODAY, load, write

Q3 = periods.parse("2026-Q3")
OCTOBER = periods.parse("2026-10")


def build(con, period=Q3, unit=None) -> pack.Pack:
    return pack.build(con, window=meetings.window(con, period=period), unit=unit, today=TODAY)


def text_of(data: bytes) -> list[str]:
    """Each page's text, spaces made plain (a no-break space is a space to a reader)."""
    reader = PdfReader(io.BytesIO(data))
    return [" ".join(page.extract_text().replace("\u00a0", " ").split()) for page in reader.pages]


@pytest.fixture(scope="module")
def q3_pdf(city) -> bytes:
    return pack_document.pdf(build(city), "fi")


@pytest.fixture(scope="module")
def q3_pages(q3_pdf) -> list[str]:
    return text_of(q3_pdf)


# ------------------------------------------------------------------------- figures, by hand


def test_pdf_summary_says_the_q3_flow_worked_out_by_hand(q3_pages):
    # 2026-Q3: I1, I2, I3, I4, I5, I6 sent (6; Q2: I7, I9 – I8 was merged); decided I1 (10
    # days), I2 (20), I3 (30), I6 (5) → 4, median 15; implemented I1, I6 → 2; 6 × 365 / 92 ×
    # 100 / 100 staff = 23,8 ideas per 100 staff a year.
    first = q3_pages[0]
    assert "Tiivistelmä" in first
    assert "Jaksolla lähetettiin 6 ideaa (23,8 sataa työntekijää kohden vuodessa)" in first
    assert "edellisellä jaksolla 2." in first
    assert "Päätöksen sai 4 ideaa ja toteutettuja ideoita oli 2" in first
    assert "päätöstä odotettiin mediaanina 15 päivää" in first
    # P2 Intra is at risk: the one project that needs help
    assert "1 pilottihanke tarvitsee apua" in first and "Intra" in first


def test_pdf_headline_table_shows_now_previous_and_change(q3_pages):
    table = q3_pages[1]
    assert "Lähetetyt ideat 6 2 +4 ▲ parempi" in table
    assert "Päätetyt ideat 4 1 +3 ▲ parempi" in table
    assert "Toteutetut ideat 2 1 +1 ▲ parempi" in table
    # fewer days to a decision is better: 15 against 30
    assert "Päätösaika, mediaani (pv) 15 30 -15 ▼ parempi" in table
    # 5 named submitters of 100 staff (the anonymous idea names none), against 2
    assert "Osallistumisaste 5,0 % 2,0 % +3,0 %-yks. ▲ parempi" in table
    # the matured cohort (1.7.2025–30.6.2026): I7 and I9, I7 implemented; Q2's had no ideas
    assert "Toteutusaste 50,0 % – – –" in table


def test_pdf_lists_the_decisions_and_the_waiting_ideas(q3_pages):
    everything = " ".join(q3_pages)
    assert "Jaksolla päätetyt ideat: 4" in everything
    for decided in ("I1 Uutiskirje kerran kuussa", "I2 Intran etusivu uusiksi",
                    "I3 Lainausautomaatti aulaan", "I6 Yhteinen kalenteri"):  # fmt: skip
        assert decided in everything
    # waiting on 30.9.: I4 sent 1.9. (29 days) and I5 sent 10.9. (20 days); none over 30
    assert "(odottaa 2, yli 30 päivää 0)" in everything
    assert "Vuorolistat sähköisiksi" in everything and "Taukotilan kahvinkeitin" in everything


def test_every_page_has_its_number_the_period_and_the_sources(q3_pages):
    count = len(q3_pages)
    for number, page in enumerate(q3_pages, start=1):
        assert f"Sivu {number} / {count}" in page
        assert "Jakso 1.7.2026–30.9.2026 · Lähteet: Pöhinän tietokanta" in page


def test_the_appendix_has_the_figures_tables_and_the_catalogues_definitions(q3_pages):
    appendix = " ".join(q3_pages[q3_pages.index(next(p for p in q3_pages if "Liite:" in p)) :])
    assert "Lähetetyt ja päätetyt ideat kuukausittain" in appendix
    # sent by month: July I1, I2; August I3; September I4, I5, I6. Decided: July I1 (11.7.),
    # August I2 (4.8.) and I3 (31.8.), September I6 (25.9.)
    assert "heinä 2026 2 1 elo 2026 1 2 syys 2026 3 1" in appendix
    assert "Määritelmät (metriikkaluettelo)" in appendix
    assert "Jakson aikana lähetetyt ideat vuositasolle muunnettuna" in appendix


# ------------------------------------------------------------------------- the PDF itself


def test_pdf_is_a4_with_its_fonts_embedded_and_charts_as_vectors(q3_pdf):
    reader = PdfReader(io.BytesIO(q3_pdf))
    assert len(reader.pages) >= 3  # a summary page, detail pages, an appendix
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        resources = page["/Resources"]
        for font in resources["/Font"].values():
            descriptor = font.get_object()
            if "/DescendantFonts" in descriptor:
                descriptor = descriptor["/DescendantFonts"][0].get_object()
            files = descriptor["/FontDescriptor"].get_object()
            assert "/FontFile2" in files or "/FontFile3" in files or "/FontFile" in files
        images = [
            x for x in resources.get("/XObject", {}).values()
            if x.get_object().get("/Subtype") == "/Image"
        ]  # fmt: skip
        assert not images  # the charts are drawn, not pasted in as pictures
    chart_page = next(p for p in reader.pages if "Lähetetyt Päätetyt" in p.extract_text())
    assert b" re" in chart_page.get_contents().get_data()  # the columns: rectangles


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fi", ["Tiivistelmä", "Pääluvut edelliseen jaksoon verrattuna", "Päätösaika"]),
        ("sv", ["Sammanfattning", "Föregående", "Idéer som avgjorts", "delmål nådda"]),
        ("en", ["Summary", "Headline figures against the previous period"]),
    ],
)
def test_finnish_and_swedish_letters_extract_as_text(city, lang, words):
    pages = " ".join(text_of(pack_document.pdf(build(city), lang)))
    for word in words:
        assert word in pages


def test_pages_render_to_images_that_are_not_blank(q3_pdf, tmp_path):
    if shutil.which("pdftoppm") is None:
        how = "install Debian's poppler-utils (make test does this as root)"
        if in_ci():
            pytest.fail(f"pdftoppm is missing in CI: {how}", pytrace=False)
        pytest.skip(f"pdftoppm is missing: {how}")
    source = tmp_path / "pack.pdf"
    source.write_bytes(q3_pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", source, tmp_path / "page"], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(PdfReader(io.BytesIO(q3_pdf)).pages)
    for path in images:
        grey = Image.open(path).convert("L")
        dark = sum(grey.histogram()[:200])  # pixels clearly darker than white paper
        assert dark > 0.01 * grey.width * grey.height, path.name


# ------------------------------------------------------------------------- the HTML


def test_html_is_one_self_contained_file_in_its_language(city):
    document = pack_document.html(build(city), "sv")
    assert document.startswith("<!DOCTYPE html>")
    assert '<html lang="sv">' in document
    assert "<script" not in document
    assert not re.search(r"""(src|href)=["']?(https?:|//)|@import|url\(""", document)
    assert document.count("<svg") >= 2  # the charts are inline
    assert "@page" in document and "@media print" in document
    assert "Sammanfattning" in document


def test_text_from_the_data_is_escaped(writable_city, tmp_path):
    ideas = write(
        tmp_path,
        "ideas.csv",
        "idea_id,unit_id,submitted_on,title,status,decided_on\n"
        'X1,U1,2026-07-02,"<script>alert(1)</script> & <b>bold</b>",rejected,2026-07-20\n',
    )
    load(writable_city, "ideas", ideas)
    document = pack_document.html(build(writable_city), "fi")
    assert "<script>" not in document and "<b>bold</b>" not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in document


# ------------------------------------------------------------------------- sentences and rules


@pytest.mark.parametrize("period", ["2026-Q3", "2026-10", "2026-11", "2026", "2025-01"])
def test_the_summary_has_five_to_eight_sentences(city, period):
    sentences = build(city, periods.parse(period)).sentences
    assert 5 <= len(sentences) <= 8
    assert all(pack_words.write(s, "en").endswith(".") for s in sentences)


def test_a_new_survey_round_says_which_changes_are_real_and_which_may_be_noise(city):
    built = build(city, OCTOBER)  # R2 closed on 31.10.2026
    survey = next(s for s in built.sentences if s.key == "sentence.survey")
    words = pack_words.write(survey, "fi").replace("\u00a0", " ")
    # the whole organisation, R1 → R2 (tests/test_overview.py): satisfaction +25,9 points and
    # significant, internal communication +13,9 and maybe noise
    assert "työtyytyväisyys +25,9 %-yks. (todellinen muutos)" in words
    assert "sisäinen viestintä +13,9 %-yks. (voi olla satunnaisvaihtelua)" in words


def test_a_small_units_survey_figures_stay_hidden_in_its_pack(city):
    # U3 has 3 respondents in each round: below the threshold of 5
    built = build(city, OCTOBER, unit="U3")
    assert built.survey["suppressed"].all()
    assert built.survey["to_pct"].isna().all()
    document = pack_document.html(built, "fi")
    assert document.count("piilotettu tietosuojan vuoksi") >= 3
    assert "66,7" not in document  # U3's own favourable share (2 of 3) in either round


def test_headline_better_follows_the_catalogues_direction(city):
    headline = build(city).headline.set_index("metric")
    assert headline.loc["median_days_to_decision", "better"] is True  # 15 days, was 30
    assert headline.loc["ideas_waiting", "better"] is False  # 2 waiting, was none
    assert headline.loc["projects_on_track", "better"] is None  # no history


# ------------------------------------------------------------------------- meetings


MEETINGS = "meeting_id,held_on,title\nM1,2026-09-07,Syyskuu\nM2,5.10.2026,Lokakuu\nM3,2026-12-14,\n"


@pytest.fixture
def with_meetings(writable_city, tmp_path):
    load(writable_city, "meetings", write(tmp_path, "meetings.csv", MEETINGS))
    return writable_city


def test_a_meetings_pack_covers_the_days_since_the_previous_meeting(with_meetings):
    window = meetings.window(with_meetings, meeting_id="M2", today=TODAY)
    assert (window.period.start, window.period.end) == (date(2026, 9, 7), date(2026, 10, 4))
    # compared with what the first meeting's pack covered: the month before it
    assert window.previous == periods.parse("2026-08")
    assert window.meeting.title == "Lokakuu" and window.previous_meeting.meeting_id == "M1"


def test_by_default_the_pack_is_for_the_next_meeting_up_to_yesterday(with_meetings):
    window = meetings.window(with_meetings, today=TODAY)  # 27.11.2026: M3 on 14.12. is next
    assert window.meeting.meeting_id == "M3"
    assert (window.period.start, window.period.end) == (date(2026, 10, 5), TODAY - timedelta(1))
    assert window.previous == Window(periods.Period(date(2026, 9, 7), date(2026, 10, 4)),
                                     periods.parse("2026-08")).period  # fmt: skip


def test_without_a_meeting_ahead_the_pack_covers_the_days_since_the_latest(with_meetings):
    later = date(2027, 1, 20)
    window = meetings.window(with_meetings, today=later)
    assert window.meeting is None and window.previous_meeting.meeting_id == "M3"
    assert (window.period.start, window.period.end) == (date(2026, 12, 14), date(2027, 1, 19))


def test_without_meetings_the_pack_covers_the_last_complete_month(city):
    window = meetings.window(city, today=TODAY)
    assert window.period == periods.parse("2026-10")
    assert window.previous == periods.parse("2026-09")


def test_a_meeting_added_on_the_page_goes_through_the_importer_and_is_logged(writable_city):
    done = meetings.add_meeting(
        writable_city, held_on=date(2026, 12, 1), title="Joulukuu", who="johto", today=TODAY
    )
    assert (done.added, done.updated) == (1, 0)
    again = meetings.add_meeting(
        writable_city, held_on=date(2026, 12, 1), title="Joulukuun kokous", today=TODAY
    )
    assert (again.added, again.updated) == (0, 1)  # the same day: retitled, not doubled
    assert [(m.meeting_id, m.title) for m in meetings.meetings(writable_city)] == [
        ("M20261201", "Joulukuun kokous")
    ]


def test_an_unknown_meeting_is_refused_naming_the_meetings(with_meetings):
    with pytest.raises(ValueError, match="M1, M2, M3"):
        meetings.window(with_meetings, meeting_id="M9", today=TODAY)


# ------------------------------------------------------------------------- words and numbers


def test_metric_labels_are_the_pages_labels():
    from ui import i18n

    pages = i18n.catalog()
    for key, versions in formats.texts().items():
        if key.startswith("metric."):
            assert pages[f"{key}.label"] == versions, key


def test_every_text_the_pack_and_the_digest_use_exists():
    from pathlib import Path

    used = set()
    for name in ("pack.py", "pack_render.py", "pack_words.py", "pack_document.py", "digest.py"):
        code = (Path(pack.__file__).parent / name).read_text()
        used |= set(re.findall(r'\bt\(\s*"([a-z_.0-9]+)"', code))
        used |= set(re.findall(r'(?:Sentence|Phrase|Label)\(\s*"([a-z_.0-9]+)"', code))
    assert used and used <= set(formats.texts()), used - set(formats.texts())


# ------------------------------------------------------------------------- the command line


@pytest.mark.slow
def test_command_line_writes_the_pack_as_pdf_and_html(fixture_db_path, tmp_path):
    database = tmp_path / "pohina.duckdb"
    shutil.copy(fixture_db_path, database)
    env = {"POHINA_DB": str(database), "PATH": "/usr/bin:/bin"}
    for fmt in ("pdf", "html"):
        out = tmp_path / f"pack.{fmt}"
        done = subprocess.run(
            [sys.executable, "-m", "metrics", "pack", "--period", "2026-Q3", "--unit", "S1",
             "--lang", "en", "--format", fmt, "--out", str(out)],
            capture_output=True, text=True, env=env, cwd=pack.__file__.rsplit("/metrics", 1)[0],
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 1000
    pages = " ".join(text_of((tmp_path / "pack.pdf").read_bytes()))
    # S1 (Viestintä and Kirjasto): I1, I2 and I3 sent and decided in Q3, I1 implemented
    assert "Scope: Sektori A with the units below it" in pages
    assert "3 ideas were sent in the period" in pages
    assert "Iso yksikkö" not in pages and "Vuorolistat" not in pages


# ------------------------------------------------------------------------- the page


@pytest.mark.parametrize(
    ("role", "may"),
    [("steering", True), ("admin", True), ("unit_head", False), ("change_agent", False),
     ("staff", False)],
)  # fmt: skip
def test_only_the_steering_group_and_admins_may_open_the_pack(role, may):
    from metrics import access

    assert access.may_open(role, "pack") is may


def test_pack_page_shows_the_summary_and_the_whole_pack(city_path, monkeypatch):
    from tests.apptest import open_page

    app = open_page(city_path, monkeypatch, "pack", lang="en")
    assert app.title[0].value == "The steering group's meeting pack"
    headers = [h.value for h in app.header]
    assert "Summary" in headers and any(h.startswith("Appendix") for h in headers)
    assert any("ideas were sent in the period" in m.value for m in app.markdown)
    assert len(app.dataframe) >= 3  # the headline figures, the appendix's tables


def test_a_meeting_added_on_the_page_opens_its_pack(fixture_db_path, tmp_path, monkeypatch):
    from tests.apptest import open_page

    database = tmp_path / "pohina.duckdb"
    shutil.copy(fixture_db_path, database)
    app = open_page(database, monkeypatch, "pack")
    ahead = date.today() + timedelta(days=3)
    app.date_input[0].set_value(ahead)
    app.text_input[0].input("Joulun kokous")
    next(b for b in app.button if b.label == "Tallenna kokous").click().run()
    assert not app.exception
    picker = next(s for s in app.selectbox if s.label == "Kokous")
    assert picker.value == f"M{ahead:%Y%m%d}"
    from metrics import store

    saved = meetings.meetings(store.connect(database))
    assert [(m.held_on, m.title) for m in saved] == [(ahead, "Joulun kokous")]
