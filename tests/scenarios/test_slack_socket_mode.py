"""Socket Mode, as a firm without a public URL runs it: `xerobot serve` with `SLACK_APP_TOKEN` connects out to Slack
over a WebSocket (here a local endpoint that speaks Slack's Socket Mode protocol), and commands and clicks arrive as
envelopes that the bot must acknowledge; a dropped connection is opened again."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from pydantic import SecretStr

from bot import ids
from bot.serve import Server
from sandboxes.slack_socket import SocketModeEndpoint
from tests.fakes.slack import APP_TOKEN, FakeSlack
from tests.support.bot import ALERTS, BOOKKEEPER, CHANNEL, bot_settings
from tests.support.firm import Firm, demo_firm, sales_invoice
from tests.support.slack import button_payload, command_body

REFUSAL = ("xero.account_invalid", "Account code '200' is not a valid code for this document.")


def command(slack: FakeSlack, text: str) -> dict[str, Any]:
    """A `/xero` command as Socket Mode carries it: the same fields as the HTTP form, as a JSON object."""
    body, _ = command_body(
        text, user=BOOKKEEPER, channel=CHANNEL, response_url=slack.response_url(BOOKKEEPER)
    )
    return dict(parse_qsl(body.decode()))


def answered(endpoint: SocketModeEndpoint, slack: FakeSlack) -> dict[str, Any] | None:
    """`/xero help`'s acknowledgement, sent as Slack sends it: again when not acknowledged (the SDK may still be
    swapping a connection it opened twice for one), at most three times."""
    for attempt in range(3):
        endpoint.wait_connected(endpoint.connections, timeout=15)
        if (
            ack := endpoint.send("slash_commands", command(slack, "help"), retry_attempt=attempt)
        ) is not None:
            return ack
    return None


@pytest.fixture
def socket_bot(tmp_path: Path) -> Iterator[tuple[Server, FakeSlack, SocketModeEndpoint, Firm]]:
    """The bot in Socket Mode on a SQLite ledger (the transport is what is tested, not the database)."""
    ledger = f"sqlite:///{tmp_path / 'ledger.db'}"
    with FakeSlack() as slack, SocketModeEndpoint() as endpoint, demo_firm(ledger) as firm:
        slack.sandbox.socket_url = lambda: endpoint.url
        settings = bot_settings(slack, slack_app_token=SecretStr(APP_TOKEN))
        server = Server(settings, firm.service, "127.0.0.1", 0)
        thread = threading.Thread(target=server.run, name="xerobot-serve-socket")
        thread.start()
        try:
            assert endpoint.wait_connected(1, timeout=10), "the bot never connected"
            yield server, slack, endpoint, firm
        finally:
            server.close()
            thread.join(timeout=20)
        assert not thread.is_alive()


def test_in_socket_mode_a_command_is_acknowledged_with_its_answer_and_a_click_on_an_alert_is_acted_on(
    socket_bot: tuple[Server, FakeSlack, SocketModeEndpoint, Firm],
) -> None:
    server, slack, endpoint, firm = socket_bot

    help_ack = endpoint.send("slash_commands", command(slack, "help"))

    assert help_ack is not None, "the command was not acknowledged within Slack's 3 seconds"
    assert "/xero sync" in str(help_ack.get("payload")), "the help is the acknowledgement's payload"

    firm.actionstep.add(sales_invoice("INV-9"))
    firm.xero.refuse_documents["INV-9"] = REFUSAL
    assert endpoint.send("slash_commands", command(slack, "sync")) is not None
    assert server.settle(timeout=20)
    (alert,) = firm.service.alerts.unresolved()
    assert alert.slack_channel == ALERTS and alert.slack_ts, (
        "the failed post was raised in the alerts channel"
    )
    opened_before = len(slack.of("views.open"))
    click = button_payload(
        ids.ALERT_DETAILS, str(alert.id), user=BOOKKEEPER, channel=ALERTS, message_ts=alert.slack_ts,
        response_url=slack.response_url(BOOKKEEPER),
    )  # fmt: skip

    assert endpoint.send("interactive", click) is not None, "the click was not acknowledged"
    assert server.settle(timeout=20)
    assert len(slack.of("views.open")) == opened_before + 1, "Details opened its modal"


def test_in_socket_mode_a_dropped_or_refreshed_connection_is_opened_again_and_commands_are_answered_after_it(
    socket_bot: tuple[Server, FakeSlack, SocketModeEndpoint, Firm],
) -> None:
    _, slack, endpoint, _ = socket_bot
    for cut in (endpoint.drop, endpoint.refresh):
        opened, before = len(slack.of("apps.connections.open")), endpoint.connections

        cut()

        # The SDK looks at its connection every ping interval (10 s), so a reconnect takes up to that long.
        assert endpoint.wait_connected(before + 1, timeout=30), (
            f"the bot did not reconnect after {cut.__name__}"
        )
        assert len(slack.of("apps.connections.open")) > opened, "a new URL was asked for: each is single-use"
        ack = answered(endpoint, slack)
        assert ack is not None and "/xero sync" in str(ack.get("payload"))
