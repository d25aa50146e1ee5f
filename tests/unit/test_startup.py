"""Start-up checks settings, the database and the clients before any work: a wrong client id, an unreachable or
out-of-date database and a missing or wrong key stop `xerobot serve` with exit status 2 naming the variable, while
a firm that has not connected yet still starts (to get the `/xero connect` link)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from bot import cli
from integration.app import bootstrap, startup
from integration.errors import ConfigError
from integration.settings import Settings, load_settings
from integration.store.secrets import generate_key
from sandboxes.server import Sandboxes, settings_for
from tests.support.http import serving

BASE = "http://sandbox.local"
UNREACHABLE = "postgresql://xerobot@127.0.0.1:1/ledger"


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A headless install pointed at the sandboxes served on loopback, with Slack set for serving; the test edits it."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "XEROBOT_", "XERO_", "ACTIONSTEP_", "DATABASE_URL")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    with serving(Sandboxes.demo()) as base:
        yield {
            **settings_for(base), "DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}",
            "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
        }  # fmt: skip


def serve(env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, ["serve", "--port", "0"], env=env)
    return result.exit_code, " ".join(result.output.split())


def settings(tmp_path: Path, **changes: str) -> Settings:
    env = {name.lower(): value for name, value in settings_for(BASE).items()}
    return load_settings(**{"database_url": f"sqlite:///{tmp_path / 'ledger.db'}", **env, **changes})


def start_against(sandboxes: Sandboxes, chosen: Settings) -> ConfigError:
    with pytest.raises(ConfigError) as stopped:
        startup.start(chosen, transport=httpx.WSGITransport(app=sandboxes), clock=sandboxes.clock)
    return stopped.value


def test_serve_with_a_wrong_xero_client_id_stops_at_start_up_naming_the_variable(
    environment: dict[str, str],
) -> None:
    code, output = serve({**environment, "XERO_CLIENT_ID": "not-our-app"})
    assert code == 2
    assert "Configuration problem XERO_CLIENT_ID: Xero's token endpoint refused the client" in output


def test_serve_with_an_unreachable_database_stops_at_start_up_naming_the_variable(
    environment: dict[str, str],
) -> None:
    code, output = serve({**environment, "DATABASE_URL": UNREACHABLE, "XEROBOT_SECRET_KEY": generate_key()})
    assert code == 2 and "DATABASE_URL: the ledger database cannot be reached" in output


def test_serve_with_a_shared_database_and_no_key_stops_at_start_up_naming_the_variable(
    environment: dict[str, str],
) -> None:
    code, output = serve({**environment, "DATABASE_URL": UNREACHABLE})
    assert code == 2 and "XEROBOT_SECRET_KEY: required with a shared database" in output


def test_a_wrong_actionstep_client_secret_stops_start_up_naming_the_client_id(tmp_path: Path) -> None:
    stopped = start_against(Sandboxes.demo(), settings(tmp_path, actionstep_client_secret="wrong"))
    assert stopped.variable == "ACTIONSTEP_CLIENT_ID" and "refused the client" in str(stopped)


def test_a_missing_client_secret_stops_start_up_naming_the_variable(tmp_path: Path) -> None:
    chosen = settings(tmp_path).model_copy(update={"xero_client_secret": None})
    stopped = start_against(Sandboxes.demo(), chosen)
    assert stopped.variables == ("XERO_CLIENT_SECRET",)


def test_a_token_endpoint_that_does_not_answer_stops_start_up_naming_its_url(tmp_path: Path) -> None:
    chosen = settings(tmp_path, xero_token_url="http://127.0.0.1:1/connect/token")
    with pytest.raises(ConfigError) as stopped:
        startup.start(chosen)
    assert stopped.value.variable == "XERO_TOKEN_URL"


def test_a_refused_actionstep_refresh_token_stops_start_up_naming_the_variable(tmp_path: Path) -> None:
    stopped = start_against(Sandboxes.demo(), settings(tmp_path, actionstep_refresh_token="spent"))
    assert stopped.variable == "ACTIONSTEP_REFRESH_TOKEN"


def test_tokens_stored_under_another_key_stop_start_up_naming_the_key(tmp_path: Path) -> None:
    sandboxes = Sandboxes.demo()
    first = startup.start(
        settings(tmp_path, xerobot_secret_key=generate_key()),
        transport=httpx.WSGITransport(app=sandboxes),
        clock=sandboxes.clock,
    )
    first.close()
    stopped = start_against(sandboxes, settings(tmp_path, xerobot_secret_key=generate_key()))
    assert stopped.variable == "XEROBOT_SECRET_KEY" and "cannot be decrypted" in str(stopped)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite is upgraded at start instead
def test_a_ledger_behind_this_bot_stops_start_up_naming_the_database(database_url: str) -> None:
    chosen = settings(Path("."), database_url=database_url, xerobot_secret_key=generate_key())
    stopped = start_against(Sandboxes.demo(), chosen)
    assert stopped.variable == "DATABASE_URL" and "xerobot db upgrade" in str(stopped)


def test_a_firm_that_has_not_connected_actionstep_yet_starts_and_can_get_the_connect_link(
    tmp_path: Path,
) -> None:
    sandboxes = Sandboxes.demo()
    chosen = settings(tmp_path).model_copy(update={"actionstep_refresh_token": None})
    service = startup.start(chosen, transport=httpx.WSGITransport(app=sandboxes), clock=sandboxes.clock)
    try:
        assert service.connector is not None
        assert "/oauth/actionstep/start?ticket=" in service.connector.link("actionstep", "U1")
        assert sandboxes.actionstep.oauth.grants == {}
    finally:
        service.close()


def test_a_headless_install_is_connected_at_start_up_not_in_its_first_sync(tmp_path: Path) -> None:
    sandboxes = Sandboxes.demo()
    service = startup.start(
        settings(tmp_path), transport=httpx.WSGITransport(app=sandboxes), clock=sandboxes.clock
    )
    try:
        assert sandboxes.xero.identity.grants == {"client_credentials": 1}
        assert sandboxes.actionstep.oauth.grants == {"refresh_token": 1}
        assert bootstrap.database_status(settings(tmp_path))[0] is not None
    finally:
        service.close()
