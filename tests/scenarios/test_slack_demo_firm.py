"""The demo firm through Slack, end to end: the real connectors and both sandboxes behind `/xero sync`, its
deliberate problems raised once each in the alerts channel, and one fixed from its alert."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import ids
from integration.domain import AlertState
from tests.support.bot import ALERTS, CHANNEL, RunningBot, running_demo_bot


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[RunningBot]:
    with running_demo_bot(tmp_path) as running:
        yield running


def alert_posts(bot: RunningBot) -> list[dict[str, object]]:
    return [c.body for c in bot.slack.of("chat.postMessage") if c.body["channel"] == ALERTS]


def test_a_sync_reports_with_deep_links_and_raises_each_problem_once(demo: RunningBot) -> None:
    demo.command("sync")
    demo.settle()
    demo.command("sync")
    demo.settle()

    first = json.dumps(demo.message(CHANNEL, demo.slack.of("chat.update")[0].body["ts"]), ensure_ascii=False)
    assert "Sync #1 finished" in first and "shortcode=%21hF9xQ" in first and "INV-1006" in first
    problems = demo.firm.service.alerts.unresolved()
    assert len(alert_posts(demo)) == len(problems) >= 5
    assert all(a.count == 2 and a.slack_ts for a in problems)
    assert {a.code for a in problems} >= {"mapping.unmapped_account", "xero.lock_date", "doc.malformed"}


def test_the_unmapped_courier_account_is_fixed_from_its_alert(demo: RunningBot) -> None:
    demo.command("sync")
    demo.settle()
    (alert,) = [a for a in demo.firm.service.alerts.unresolved() if a.subject == "account:5040"]

    demo.click(ids.ALERT_FIX, alert.id)
    demo.settle()
    chosen = {ids.FIX_ACCOUNT_BLOCK: {ids.FIX_ACCOUNT_INPUT: {"selected_option": {"value": "429"}}}}
    demo.submit(ids.FIX_MODAL, alert.id, chosen)
    demo.settle()

    assert demo.firm.service.alerts.get(alert.id).state is AlertState.RESOLVED
    assert "(resolved" in json.dumps(demo.message(ALERTS, alert.slack_ts or ""))
