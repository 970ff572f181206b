"""The monthly e-mail digests, sent to a real SMTP server the test starts (aiosmtpd): who gets
a mail, what it links to, and that no mail names another unit's figures or a hidden group."""

from __future__ import annotations

import email
import shutil
import socket
from contextlib import contextmanager
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from metrics import cli, digest, periods, store
from tests.fixtures import TODAY

OCTOBER = periods.parse("2026-10")  # survey round R2 closed on 31.10.2026
BASE = "https://pohina.testikaupunki.fi"
STEERING = "johto@testikaupunki.fi"
HEAD_S1 = "paallikko.a@testikaupunki.fi"
HEAD_U3 = "paallikko.pieni@testikaupunki.fi"
# What belongs to units outside each head's own: names, ids in links, ideas' titles.
OUTSIDE_S1 = ["Sektori B", "Pieni yksikkö", "Iso yksikkö", "unit=S2", "unit=U3", "unit=U4",
              "Vuorolistat", "Taukotilan", "Yhteinen kalenteri",
              "Ison yksikön pilotti"]  # fmt: skip
OUTSIDE_U3 = ["Sektori A", "Viestintä", "Kirjasto", "Iso yksikkö", "unit=S1", "unit=U4",
              "Vuorolistat", "Uutiskirje", "Intra", "Viestinnän pilotti"]  # fmt: skip


class Inbox:
    """An SMTP server's handler that keeps every message, and refuses the addresses in
    `refuse` as a real server refuses an unknown mailbox."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> email.message.EmailMessage:
        return next(m for rcpt, m in self.messages if rcpt == [address])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(monkeypatch, secrets: Path):
    """A real SMTP server on this machine, and the digest's settings pointing at it."""
    inbox = Inbox()
    port = free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    for name, value in {
        "POHINA_SMTP_HOST": "127.0.0.1",
        "POHINA_SMTP_PORT": str(port),
        "POHINA_MAIL_FROM": "Pöhinä <pohina@testikaupunki.fi>",
        "POHINA_BASE_URL": BASE + "/",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("POHINA_SMTP_STARTTLS", "POHINA_SMTP_USER", "POHINA_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(digest, "SECRETS", secrets)  # no secrets file of the machine's
    try:
        yield inbox
    finally:
        server.stop()


@contextmanager
def copy_of(source: Path, directory: Path, monkeypatch):
    path = directory / "pohina.duckdb"
    shutil.copy(source, path)
    monkeypatch.setenv("POHINA_DB", str(path))
    try:
        yield store.connect(path)
    finally:
        store.close(path)


@pytest.fixture
def smtp(monkeypatch, tmp_path):
    with smtp_server(monkeypatch, tmp_path / "no-secrets.toml") as inbox:
        yield inbox


@pytest.fixture
def roles_db(role_city_path, tmp_path, monkeypatch):
    """A copy of the fixture city with its role table: one person per role."""
    with copy_of(role_city_path, tmp_path, monkeypatch) as con:
        yield con


@pytest.fixture(scope="module")
def sent(role_city_path, tmp_path_factory):
    """October's digests of the fixture city, sent once to a real SMTP server: its inbox."""
    directory = tmp_path_factory.mktemp("digest")
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        smtp_server(monkeypatch, directory / "no-secrets.toml") as inbox,
        copy_of(role_city_path, directory, monkeypatch) as con,
    ):
        assert digest.run(con, period=OCTOBER, today=TODAY) == (3, 0)
        yield inbox


def body(message, kind: str) -> str:
    content = message.get_body((kind,)).get_content()
    return content.replace("\r\n", "\n").replace("\u00a0", " ")


def test_each_unit_head_and_steering_member_gets_one_mail_and_nobody_else(sent):
    recipients = sorted(rcpt[0] for rcpt, _ in sent.messages)
    # not the change agent, the staff member nor the admin
    assert recipients == sorted([STEERING, HEAD_S1, HEAD_U3])
    for _, message in sent.messages:
        assert message["From"] == "Pöhinä <pohina@testikaupunki.fi>"
        assert message["Auto-Submitted"] == "auto-generated"


def test_a_unit_heads_mail_links_to_their_unit_page_and_tells_its_figures(sent):
    mail = sent.to(HEAD_S1)
    assert mail["Subject"] == "Pöhinä: Sektori A – kooste 1.10.2026–31.10.2026"
    link = f"{BASE}/unit?unit=S1&period=2026-10"
    text, html = body(mail, "plain"), body(mail, "html")
    assert f"Yksikön sivu: {link}" in text
    assert f'href="{link.replace("&", "&amp;")}"' in html
    # October in S1: nothing sent or decided; Intra (Viestinnän pilotti) is at risk
    assert "- Lähetetyt ideat: 0 (0)" in text
    assert "Apua tarvitsevat pilottihankkeet: 1\n- Intra (Viestinnän pilotti), riskissä" in text
    # a new round closed in October: S1's change from R1 to R2, with real-or-noise
    assert "Uusi henkilöstökysely Henkilöstökysely 2026" in text
    assert "(todellinen muutos)" in text or "(voi olla satunnaisvaihtelua)" in text


def test_no_mail_names_another_units_figures(sent):
    for address, outside in ((HEAD_S1, OUTSIDE_S1), (HEAD_U3, OUTSIDE_U3)):
        mail = sent.to(address)
        for part in (body(mail, "plain"), body(mail, "html"), mail["Subject"]):
            named = [words for words in outside if words in part]
            assert not named, (address, named)


def test_a_hidden_survey_group_stays_hidden_in_its_heads_mail(sent):
    text = body(sent.to(HEAD_U3), "plain")
    survey = text.split("Uusi henkilöstökysely", 1)[1].split("\n\n", 1)[0]
    # U3 has 3 respondents in each round, below the threshold of 5
    assert survey.count("piilotettu tietosuojan vuoksi") == 3
    assert "%" not in survey and "66,7" not in text  # U3's own share: 2 of 3 favourable


def test_steering_members_get_the_packs_summary_with_the_pdf(sent):
    mail = sent.to(STEERING)
    assert mail["Subject"] == "Pöhinä: ohjausryhmän kooste 1.10.2026–31.10.2026"
    text = body(mail, "plain")
    assert "työtyytyväisyys +25,9 %-yks. (todellinen muutos)" in text
    assert f"Kokousaineisto Pöhinässä: {BASE}/pack" in text
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "pohina-kokousaineisto-2026-10.pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_a_failed_mail_does_not_stop_the_others_and_the_exit_code_counts_it(smtp, roles_db):
    smtp.refuse.add(HEAD_S1)
    assert cli.main(["digest", "--period", "2026-10"]) == 1
    assert sorted(rcpt[0] for rcpt, _ in smtp.messages) == sorted([STEERING, HEAD_U3])


def test_a_dry_run_writes_eml_files_and_sends_nothing(smtp, roles_db, tmp_path, monkeypatch):
    monkeypatch.delenv("POHINA_SMTP_HOST")
    out = tmp_path / "mails"
    assert cli.main(["digest", "--period", "2026-10", "--dry-run", str(out)]) == 0
    written = sorted(p.name for p in out.glob("*.eml"))
    assert written == [
        f"001-steering-{STEERING}.eml",
        f"002-unit_head-{HEAD_S1}.eml",
        f"003-unit_head-{HEAD_U3}.eml",
    ]
    assert not smtp.messages
    saved = email.message_from_bytes((out / written[1]).read_bytes(), policy=policy.default)
    assert saved["To"] == HEAD_S1


def test_missing_settings_are_named_and_nothing_is_sent(smtp, roles_db, monkeypatch, capsys):
    monkeypatch.delenv("POHINA_BASE_URL")
    assert cli.main(["digest", "--period", "2026-10"]) == cli.EXIT_USAGE
    assert "POHINA_BASE_URL not set" in capsys.readouterr().err
    assert not smtp.messages
