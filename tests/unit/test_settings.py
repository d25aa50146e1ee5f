"""A wrong setting stops start-up with a sentence naming the variable; defaults make the embedded default work."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from integration.app import bootstrap
from integration.errors import ConfigError
from integration.settings import load_settings
from integration.store.secrets import generate_key


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("XERO", "ACTIONSTEP", "DATABASE_URL", "XEROBOT")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_the_defaults_point_at_an_embedded_sqlite_ledger_and_the_real_services() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///xerobot.db" and settings.is_sqlite
    assert settings.xero_api_url == "https://api.xero.com/api.xro/2.0"
    assert settings.secret_keys == []


def test_a_wrong_database_url_names_the_variable_and_the_expected_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/x")
    with pytest.raises(ConfigError, match=r"DATABASE_URL: expected sqlite:///.* or postgresql://") as caught:
        load_settings()
    assert caught.value.variable == "DATABASE_URL"


def test_a_plain_postgres_url_is_given_the_psycopg_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://bot@db:5432/ledger")
    assert load_settings().database_url == "postgresql+psycopg://bot@db:5432/ledger"


def test_a_malformed_secret_key_is_refused_without_echoing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XEROBOT_SECRET_KEY", "hunter2-not-a-key")
    with pytest.raises(ConfigError, match="XEROBOT_SECRET_KEY: expected a Fernet key") as caught:
        load_settings()
    assert "hunter2" not in str(caught.value)


def test_every_wrong_variable_is_named_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XERO_API_URL", "api.xero.com")
    monkeypatch.setenv("ACTIONSTEP_TOKEN_URL", "ftp://x")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert set(caught.value.variables) == {"XERO_API_URL", "ACTIONSTEP_TOKEN_URL"}
    assert "expected an http(s) URL" in str(caught.value)


def test_several_keys_are_accepted_for_rotation(monkeypatch: pytest.MonkeyPatch) -> None:
    new, old = generate_key(), generate_key()
    monkeypatch.setenv("XEROBOT_SECRET_KEY", f" {new} , {old} ")
    assert load_settings().secret_keys == [new, old]


def test_settings_are_read_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("XERO_CLIENT_ID=from-dotenv\n")
    assert load_settings().xero_client_id == "from-dotenv"


def test_a_shared_database_without_a_secret_key_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot@db/ledger")
    with pytest.raises(ConfigError, match="XEROBOT_SECRET_KEY: required with a shared database"):
        bootstrap.resolve_cipher(load_settings())


def test_the_embedded_default_generates_a_private_key_file_once(tmp_path: Path) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path}/data/ledger.db")
    cipher = bootstrap.resolve_cipher(settings)
    key_file = tmp_path / "data" / "ledger.db.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = bootstrap.resolve_cipher(settings)
    assert again.decrypt(cipher.encrypt({"t": "x"})) == {"t": "x"}
