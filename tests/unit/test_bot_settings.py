"""The Slack settings: read once from the environment; a wrong value names its variable and never echoes a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import load_bot_settings
from integration.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("SLACK_", "XEROBOT_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_roles_are_comma_separated_user_and_group_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XEROBOT_BOOKKEEPERS", " U012AB3CD, S0614TZR7 ,W0123ABCD")
    monkeypatch.setenv("XEROBOT_APPROVERS", "")
    settings = load_bot_settings()
    assert settings.xerobot_bookkeepers == ("U012AB3CD", "S0614TZR7", "W0123ABCD")
    assert settings.xerobot_approvers == ()


def test_a_name_instead_of_an_id_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XEROBOT_APPROVERS", "U012AB3CD,@alice")
    with pytest.raises(ConfigError, match=r"XEROBOT_APPROVERS: expected Slack user ids") as caught:
        load_bot_settings()
    assert caught.value.variable == "XEROBOT_APPROVERS"


def test_a_token_of_the_wrong_kind_is_refused_without_echoing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xapp-1-secret-value")
    with pytest.raises(ConfigError) as caught:
        load_bot_settings()
    assert caught.value.variable == "SLACK_BOT_TOKEN" and "xoxb-" in str(caught.value)
    assert "secret-value" not in str(caught.value)


def test_the_alerts_channel_must_be_a_channel_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XEROBOT_ALERTS_CHANNEL", "#bookkeeping")
    with pytest.raises(ConfigError, match="XEROBOT_ALERTS_CHANNEL: expected a channel id"):
        load_bot_settings()


def test_the_api_url_defaults_to_slack_and_always_ends_in_a_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_bot_settings().slack_api_url == "https://slack.com/api/"
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api")
    assert load_bot_settings().slack_api_url == "http://127.0.0.1:9999/api/"


def test_serving_over_http_needs_the_bot_token_and_the_signing_secret() -> None:
    with pytest.raises(ConfigError) as caught:
        load_bot_settings().require_for_serving()
    assert caught.value.variables == ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")


def test_socket_mode_needs_no_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    settings = load_bot_settings()
    settings.require_for_serving()
    assert settings.socket_mode


def test_xerobot_serve_without_slack_tokens_stops_naming_them(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "XEROBOT_"))}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--port", "0"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "SLACK_SIGNING_SECRET" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_http_limits_have_defaults_a_firm_never_reaches_and_can_be_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limits = load_bot_settings().http_limits
    assert (limits.read_timeout, limits.idle_timeout, limits.max_body, limits.connections) == (
        10.0, 30, 1024 * 1024, 1000,
    )  # fmt: skip
    monkeypatch.setenv("XEROBOT_HTTP_READ_TIMEOUT", "2.5")
    monkeypatch.setenv("XEROBOT_HTTP_MAX_BODY", "262144")
    monkeypatch.setenv("XEROBOT_HTTP_CONNECTIONS", "200")
    limits = load_bot_settings().http_limits
    assert (limits.read_timeout, limits.max_body, limits.connections) == (2.5, 262144, 200)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("XEROBOT_HTTP_READ_TIMEOUT", "0"),
        ("XEROBOT_HTTP_READ_TIMEOUT", "nan"),
        ("XEROBOT_HTTP_IDLE_TIMEOUT", "1.5"),
        ("XEROBOT_HTTP_MAX_BODY", "1e9"),
        ("XEROBOT_HTTP_CONNECTIONS", "100000"),
        ("SLACK_TEAM_ID", "acme"),
        ("SLACK_APP_ID", "U012AB3CD"),
    ],
)
def test_a_wrong_limit_or_id_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_bot_settings()
    assert caught.value.variable == variable
