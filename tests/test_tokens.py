"""API tokens: made once and shown once, stored as a hash, one scope each, revocable; on the
command line (`python -m metrics token …`) and on the data page."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from metrics import store, tokens
from tests.test_pages import ROOT


def test_a_token_is_stored_only_as_its_sha256(empty_db):
    secret = tokens.create(empty_db, "nightly", "import", created_by="hr")
    assert secret.startswith(tokens.PREFIX) and len(secret) > 40
    stored = store.read(empty_db, "SELECT * FROM api_tokens")
    assert stored["token_sha256"].tolist() == [hashlib.sha256(secret.encode()).hexdigest()]
    assert secret not in stored.astype(str).to_string()
    listed = tokens.listing(empty_db)
    assert list(listed.columns) == ["name", "scope", "created_at", "created_by", "last_used_at"]
    assert listed[["name", "scope", "created_by"]].values.tolist() == [["nightly", "import", "hr"]]


def test_only_the_secret_itself_verifies_and_says_name_and_scope(empty_db):
    secret = tokens.create(empty_db, "reports", "read")
    assert tokens.listing(empty_db)["last_used_at"].isna().all()
    assert tokens.verify(empty_db, secret) == tokens.Token("reports", "read")
    assert tokens.listing(empty_db)["last_used_at"].notna().all()
    for wrong in (None, "", secret[:-1], secret + "x", hashlib.sha256(secret.encode()).hexdigest()):
        assert tokens.verify(empty_db, wrong) is None


def test_two_tokens_never_share_a_secret(empty_db):
    assert tokens.create(empty_db, "a", "read") != tokens.create(empty_db, "b", "read")


def test_a_revoked_token_is_refused(empty_db):
    secret = tokens.create(empty_db, "old-job", "import")
    tokens.revoke(empty_db, "old-job")
    assert tokens.verify(empty_db, secret) is None
    assert tokens.listing(empty_db).empty
    with pytest.raises(ValueError, match="no token named 'old-job'"):
        tokens.revoke(empty_db, "old-job")


@pytest.mark.parametrize(
    ("name", "scope", "says"),
    [
        pytest.param("taken", "read", "exists", id="name-taken"),
        pytest.param("", "read", "token name", id="empty-name"),
        pytest.param("with space", "read", "token name", id="space"),
        pytest.param("x" * 65, "read", "token name", id="too-long"),
        pytest.param("ok", "admin", "scope", id="unknown-scope"),
    ],
)
def test_a_bad_name_or_scope_makes_no_token(empty_db, name, scope, says):
    tokens.create(empty_db, "taken", "import")
    with pytest.raises(ValueError, match=says):
        tokens.create(empty_db, name, scope)
    assert tokens.listing(empty_db)["name"].tolist() == ["taken"]


def metrics_cli(db, *args):
    env = {**os.environ, "POHINA_DB": str(db)}
    env.pop("POHINA_URL", None)
    env.pop("POHINA_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_the_command_line_prints_a_new_token_once_lists_and_revokes(tmp_path):
    db = tmp_path / "pohina.duckdb"
    made = metrics_cli(db, "token", "create", "--name", "units-nightly", "--scope", "import")
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith(tokens.PREFIX) and "\n" not in secret
    assert "shown only this once" in made.stderr
    listed = metrics_cli(db, "token", "list")
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[0] == "name,scope,created_at,created_by,last_used_at"
    assert listed.stdout.splitlines()[1].startswith("units-nightly,import,")
    assert secret not in listed.stdout
    again = metrics_cli(db, "token", "create", "--name", "units-nightly", "--scope", "read")
    assert again.returncode == 2 and "exists" in again.stderr
    wrong = metrics_cli(db, "token", "create", "--name", "x", "--scope", "admin")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
    gone = metrics_cli(db, "token", "revoke", "units-nightly")
    assert (gone.returncode, gone.stdout) == (0, "token units-nightly revoked\n")
    assert metrics_cli(db, "token", "revoke", "units-nightly").returncode == 2
    con = store.connect(db)
    try:
        assert tokens.verify(con, secret) is None
    finally:
        store.close(db)


def test_an_admin_makes_and_revokes_tokens_on_the_data_page(fixture_db_path, tmp_path, monkeypatch):
    """While the server holds the database, the data page is where tokens are made."""
    db = tmp_path / "pohina.duckdb"
    shutil.copy(fixture_db_path, db)
    monkeypatch.setenv("POHINA_DB", str(db))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.switch_page("pages/data.py").run()
    assert not app.exception, app.exception
    assert "Avaimia ei ole vielä luotu." in [i.value for i in app.info]
    next(i for i in app.text_input if i.label == "Avaimen nimi").set_value("raportit")
    next(s for s in app.selectbox if s.label == "Oikeus").set_value("read")
    next(b for b in app.button if b.label == "Luo avain").click().run()
    assert not app.exception, app.exception
    assert any(s.value.startswith("Avain raportit luotu.") for s in app.success)
    (secret,) = [c.value for c in app.code if c.value.startswith(tokens.PREFIX)]
    con = store.connect(db)
    try:
        assert tokens.verify(con, secret) == tokens.Token("raportit", "read")
        app.run()  # shown once: the next run no longer shows it
        assert not [c for c in app.code if c.value == secret]
        next(s for s in app.selectbox if s.label == "Poistettava avain").set_value("raportit")
        next(b for b in app.button if b.label == "Poista avain").click().run()
        assert any(s.value.startswith("Avain raportit on poistettu") for s in app.success)
        assert tokens.verify(con, secret) is None
    finally:
        store.close(db)
