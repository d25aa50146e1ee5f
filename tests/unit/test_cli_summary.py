"""`xerobot summary [--post]` against the sandboxes served on loopback and the fake Slack: it prints the summary since
the last posted one, and with --post posts it to the summary channel, after which the next one starts there."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot import cli
from bot.demo import DEMO_MAPPINGS
from integration.app import bootstrap
from integration.settings import load_settings
from sandboxes.server import Sandboxes, settings_for
from tests.fakes.slack import BOT_TOKEN, FakeSlack
from tests.support.engine import RELAXED
from tests.support.http import serving

CHANNEL = "CSUMMARY"


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeSlack]:
    """The environment of a headless install pointed at the sandboxes and the fake Slack."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "XEROBOT_", "XERO_", "ACTIONSTEP_", "DATABASE_URL")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    with serving(Sandboxes.demo(limits=RELAXED)) as base, FakeSlack() as fake:
        env = {
            **settings_for(base), "DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}", "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": fake.url, "XEROBOT_SUMMARY_CHANNEL": CHANNEL, "XEROBOT_TIMEZONE": "Australia/Sydney",
        }  # fmt: skip
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield fake
        assert fake.violations == []


def test_the_summary_is_printed_and_posted_once_asked_and_the_next_starts_from_there(
    slack: FakeSlack,
) -> None:
    runner = CliRunner()
    quiet = runner.invoke(cli.app, ["summary"])
    assert quiet.exit_code == 0, quiet.output
    assert "Nothing was posted to Xero." in quiet.output and "xero: ok" in quiet.output
    assert "Next daily summary:" in quiet.output and slack.of("chat.postMessage") == []

    store = bootstrap.open_store(load_settings())
    bootstrap.seed_mappings(store, DEMO_MAPPINGS, actor="demo")
    store.close()
    assert runner.invoke(cli.app, ["sync"]).exit_code == 0

    posted = runner.invoke(cli.app, ["summary", "--post"])
    assert posted.exit_code == 0, posted.output
    assert "sales invoice" in posted.output and "Needs attention" in posted.output
    assert "[mapping.unmapped_account]" in posted.output
    [call] = slack.of("chat.postMessage")
    assert call.body["channel"] == CHANNEL and call.body["text"].startswith("Daily sync summary: ")

    after = runner.invoke(cli.app, ["summary"])
    assert "Nothing was posted to Xero." in after.output and len(slack.of("chat.postMessage")) == 1


def test_posting_without_a_summary_channel_names_the_variable(
    slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XEROBOT_SUMMARY_CHANNEL")
    result = CliRunner().invoke(cli.app, ["summary", "--post"])
    assert result.exit_code == 2 and "XEROBOT_SUMMARY_CHANNEL" in result.output
