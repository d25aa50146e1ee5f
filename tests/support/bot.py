"""The whole Slack app running as `xerobot serve` runs it: the real bolt app behind the real HTTP server (waitress,
on an ephemeral port), talking to a fake Slack Web API, over the demo firm: either in-memory remotes a test can
steer (`running_bot`), or the embedded demo with the real connectors and both sandboxes (`running_demo_bot`).
Requests are signed as Slack signs them; `settle()` waits until every listener and job has finished, so tests need
no sleeps.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from bot.demo import DEMO_LEDGER, build_demo
from bot.serve import Server
from bot.settings import BotSettings
from integration.app import Service
from integration.clock import Clock
from integration.store import Store, TokenCipher
from integration.store.secrets import generate_key
from integration.sync.engine import SyncEngine
from sandboxes.server import Sandboxes
from tests.fakes.slack import BOT_TOKEN, Call, FakeSlack
from tests.support.firm import Firm, demo_firm
from tests.support.slack import (
    SIGNING_SECRET,
    button_payload,
    command_body,
    interaction_body,
    signed_headers,
    submission_payload,
)

BOOKKEEPER = "UBOOK"
GROUP = "SBOOKS"
GROUP_MEMBER = "UGROUPIE"
APPROVER = "UAPPROVE"
STRANGER = "USTRANGER"
CHANNEL = "CBOOKS"
ALERTS = "CALERTS"


@dataclass
class RunningBot:
    server: Server
    slack: FakeSlack
    firm: Firm
    http: httpx.Client

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def post(
        self, body: bytes, content_type: str, *, signed: bool = True, timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:  # fmt: skip
        sent = {"Content-Type": content_type, **(signed_headers(body, timestamp=timestamp) if signed else {})}
        return self.http.post(f"{self.url}/slack/events", content=body, headers={**sent, **(headers or {})})

    def command(self, text: str, *, user: str = BOOKKEEPER, channel: str = CHANNEL) -> httpx.Response:
        return self.post(
            *command_body(text, user=user, channel=channel, response_url=self.slack.response_url(user))
        )

    def button(self, action_id: str, alert_id: int, *, user: str = BOOKKEEPER) -> dict[str, Any]:
        alert = self.firm.service.alerts.get(alert_id)
        assert alert.slack_channel and alert.slack_ts, "the alert has no message to click on"
        return button_payload(
            action_id, str(alert_id), user=user, channel=alert.slack_channel, message_ts=alert.slack_ts,
            response_url=self.slack.response_url(user),
        )  # fmt: skip

    def blocks(self, channel: str, ts: str) -> list[dict[str, Any]] | None:
        """The blocks of the message at (channel, ts) as Slack last showed them, sent along with a click on it."""
        shown = self.slack.messages.get((channel, ts))
        blocks = shown.get("blocks") if shown else None
        return json.loads(blocks) if isinstance(blocks, str) else blocks

    def click(self, action_id: str, alert_id: int, *, user: str = BOOKKEEPER) -> httpx.Response:
        return self.post(*interaction_body(self.button(action_id, alert_id, user=user)))

    def submit(
        self, callback_id: str, alert_id: int, values: dict[str, Any], *, user: str = BOOKKEEPER
    ) -> httpx.Response:
        payload = submission_payload(callback_id, {"alert": alert_id}, values, user=user)
        return self.post(*interaction_body(payload))

    def settle(self) -> None:
        assert self.server.settle(timeout=20), "listeners or jobs still busy after 20 s"

    def replies_to(self, user: str) -> list[Call]:
        """What reached `user` through response_urls, oldest first."""
        return [c for c in self.slack.of("response_url") if c.body["response_url"].endswith(f"/{user}")]

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        return self.slack.messages[(channel, ts)]


def bot_settings(slack: FakeSlack, **overrides: Any) -> BotSettings:
    values: dict[str, Any] = {
        "slack_bot_token": SecretStr(BOT_TOKEN),
        "slack_signing_secret": SecretStr(SIGNING_SECRET),
        "slack_api_url": slack.url,
        "xerobot_alerts_channel": ALERTS,
        "xerobot_bookkeepers": (BOOKKEEPER, GROUP),
        "xerobot_approvers": (APPROVER,),
        **overrides,
    }
    return BotSettings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class DemoFirm:
    """The embedded demo (`bootstrap.build_demo`): the real connectors talking to both sandboxes in-process."""

    service: Service
    sandboxes: Sandboxes
    store: Store  # the demo's ledger as another process sees it (it reads no tokens, so any key will do)


@contextmanager
def running_bot(
    database_url: str,
    *,
    validate: bool = True,
    port: int = 0,
    prepare: Callable[[Firm], None] | None = None,
    **settings: Any,
) -> Iterator[RunningBot]:
    """The app over the in-memory remotes (`tests.fakes.remotes`), serving on an ephemeral port (or `port`) until
    the block ends; `validate=False` spares the fake Slack from checking every payload (for benchmarks, where its
    work would be counted against the app's); `prepare` adjusts the firm before the server is built (a connector
    for the connect pages, say); `settings` override the bot's (`xerobot_http_read_timeout=1`)."""
    with FakeSlack(validate=validate) as slack, demo_firm(database_url) as firm:
        if prepare is not None:
            prepare(firm)
        with _serving(slack, firm, port=port, **settings) as bot:
            yield bot


@contextmanager
def replica(bot: RunningBot, database_url: str) -> Iterator[RunningBot]:
    """A second `xerobot serve` beside `bot`: its own process state and connections to the same ledger, the same
    remotes and the same Slack."""
    firm = bot.firm
    assert isinstance(firm, Firm)
    store = Store.open(database_url, TokenCipher([generate_key()]))
    service = Service(store, firm.actionstep, firm.xero, SyncEngine(store, firm.actionstep, firm.xero))
    try:
        with _serving(bot.slack, Firm(service, firm.actionstep, firm.xero, store)) as second:
            yield second
    finally:
        service.close()


@contextmanager
def running_demo_bot(directory: Path, *, clock: Clock | None = None) -> Iterator[RunningBot]:
    """The app over the embedded demo: the demo firm in both sandboxes, reached through the real connectors; on
    `clock` when given (a virtual one lets drift tests move time past the polling cursors)."""
    service, sandboxes = build_demo(directory, clock=clock)
    store = Store.open(f"sqlite:///{directory / DEMO_LEDGER}", TokenCipher([generate_key()]))
    try:
        with FakeSlack() as slack, _serving(slack, DemoFirm(service, sandboxes, store)) as bot:
            yield bot
    finally:
        store.close()
        service.close()


@contextmanager
def _serving(
    slack: FakeSlack, firm: Firm | DemoFirm, *, port: int = 0, **settings: Any
) -> Iterator[RunningBot]:
    slack.groups[GROUP] = [GROUP_MEMBER]
    server = Server(bot_settings(slack, **settings), firm.service, "127.0.0.1", port)
    thread = threading.Thread(target=server.run, name="xerobot-serve")
    thread.start()
    try:
        with httpx.Client(trust_env=False, timeout=10) as http:
            yield RunningBot(server, slack, firm, http)  # type: ignore[arg-type]
    finally:
        server.close()
        thread.join(timeout=20)
        assert not thread.is_alive(), "the server did not stop"
    assert slack.violations == [], "the app sent Slack something it would refuse"
