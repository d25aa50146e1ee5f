"""The scheduler's settings: sensible defaults, and a wrong value stops start-up naming the variable."""

from __future__ import annotations

import os
from datetime import time, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot import cli
from bot.settings import load_bot_settings
from integration.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("SLACK_", "XEROBOT_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_the_defaults_are_a_summary_at_eight_in_sydney_no_auto_sync_and_six_hours_grace() -> None:
    settings = load_bot_settings()
    assert settings.xerobot_summary_time == time(8, 0) and str(settings.timezone) == "Australia/Sydney"
    assert settings.xerobot_sync_every == 0 and settings.missed_run_grace == timedelta(hours=6)
    assert settings.xerobot_summary_channel is None
    assert settings.xerobot_reconcile_day == 3


def test_good_values_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "XEROBOT_SUMMARY_CHANNEL": "C0123ABCD", "XEROBOT_SUMMARY_TIME": "7:05", "XEROBOT_TIMEZONE": "Pacific/Auckland",
        "XEROBOT_SYNC_EVERY": "15", "XEROBOT_MISSED_RUN_GRACE_HOURS": "1.5", "XEROBOT_RECONCILE_DAY": "28",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    settings = load_bot_settings()
    assert (settings.xerobot_summary_channel, settings.xerobot_summary_time) == ("C0123ABCD", time(7, 5))
    assert str(settings.timezone) == "Pacific/Auckland" and settings.xerobot_sync_every == 15
    assert (
        settings.missed_run_grace == timedelta(hours=1, minutes=30) and settings.xerobot_reconcile_day == 28
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("XEROBOT_SUMMARY_TIME", "8am", "HH:MM"),
        ("XEROBOT_SUMMARY_TIME", "24:00", "HH:MM"),
        ("XEROBOT_TIMEZONE", "AEST", "IANA time zone"),
        ("XEROBOT_TIMEZONE", "../../etc/passwd", "IANA time zone"),
        ("XEROBOT_SYNC_EVERY", "-5", "whole minutes"),
        ("XEROBOT_SYNC_EVERY", "0.5", "whole minutes"),
        ("XEROBOT_MISSED_RUN_GRACE_HOURS", "forever", "hours"),
        ("XEROBOT_SUMMARY_CHANNEL", "#books", "channel id"),
        ("XEROBOT_RECONCILE_DAY", "31", "1 to 28"),
        ("XEROBOT_RECONCILE_DAY", "0", "1 to 28"),
        ("XEROBOT_RECONCILE_DAY", "third", "1 to 28"),
    ],
)
def test_a_wrong_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=expected) as caught:
        load_bot_settings()
    assert caught.value.variable == variable


def test_serve_with_a_wrong_schedule_stops_before_serving(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("XEROBOT_TIMEZONE", "Mars/Olympus_Mons")
    result = CliRunner().invoke(cli.app, ["serve", "--port", "0"])
    assert result.exit_code == 2 and "XEROBOT_TIMEZONE" in result.output
