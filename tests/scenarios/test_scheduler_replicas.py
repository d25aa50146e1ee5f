"""Three `xerobot serve` processes on one ledger (PostgreSQL, and SQLite) post one summary per scheduled time to
the fake Slack, and when the replica that posted the last one is killed, the others carry on.

The summary runs every second (a test-only schedule) and each replica polls every 50 ms. The ledger's audit log
says which replica ran each slot (`schedule.run`), which is how the test finds the one to kill.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from bot.scheduler import Plan
from bot.serve import Server
from bot.settings import BotSettings
from integration.app import Service
from integration.app.slots import AUDIT_ACTION
from integration.rules.schedule import Every
from integration.store import Store, TokenCipher
from integration.store.secrets import generate_key
from integration.sync.engine import SyncEngine
from tests.fakes.remotes import FakeActionstep, FakeXero
from tests.fakes.slack import BOT_TOKEN, FakeSlack
from tests.support.slack import SIGNING_SECRET

BOOKS = "CSUMMARY"
PLAN = Plan(
    summary=Every(timedelta(seconds=1)),
    summary_channel=BOOKS,
    auto_sync=None,
    health=None,
    poll=0.05,
    lease=timedelta(seconds=1),
)
LIFETIME = 30.0  # a replica the test forgets stops by itself


def _serve(database_url: str, slack_url: str) -> None:
    """One replica: the real server and scheduler over fake remotes, until SIGTERM (or `LIFETIME`)."""
    store = Store.open(database_url, TokenCipher([generate_key()]))
    actionstep, xero = FakeActionstep(), FakeXero()
    service = Service(store, actionstep, xero, SyncEngine(store, actionstep, xero))
    settings = BotSettings(
        _env_file=None, slack_bot_token=SecretStr(BOT_TOKEN), slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=slack_url,
    )  # fmt: skip
    server = Server(settings, service, "127.0.0.1", 0, plan=PLAN)
    signal.signal(signal.SIGTERM, lambda *_: server.close())
    threading.Timer(LIFETIME, server.close).start()
    server.run()
    os._exit(0)  # the safety timer's thread must not keep the replica alive


def runs(store: Store) -> list[tuple[str, int]]:
    """(slot, pid of the replica that ran it) for every summary run, oldest first."""
    with store.unit_of_work() as uow:
        events = uow.audit.recent(1_000, action=AUDIT_ACTION)
    return [
        (e.target or "", int((e.detail or {})["holder"].split(":")[1]))
        for e in reversed(events)
        if (e.target or "").startswith("summary@")
    ]


def settled(done: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Wait (polling briefly) until `done()`; False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_three_replicas_post_one_summary_per_scheduled_time_and_survive_losing_the_last_poster(
    database_url: str,
) -> None:
    store = Store.open(database_url, TokenCipher([generate_key()]), upgrade_schema=True)
    fork = multiprocessing.get_context("fork")
    with FakeSlack() as slack:

        def summaries() -> int:
            return sum(1 for c in slack.of("chat.postMessage") if c.body["channel"] == BOOKS)

        replicas = [fork.Process(target=_serve, args=(database_url, slack.url)) for _ in range(3)]
        for replica in replicas:
            replica.start()
        try:
            assert slack.wait_for(lambda: summaries() >= 2, timeout=15), "no summaries were posted"
            assert settled(lambda: len(runs(store)) == summaries()), "a posted summary's run was not recorded"
            _, leader = runs(store)[-1]  # between runs now: the next slot is most of a second away
            os.kill(leader, signal.SIGKILL)
            killed_at, posted_before = datetime.now(UTC), summaries()
            assert slack.wait_for(lambda: summaries() >= posted_before + 2, timeout=15), "nobody took over"
        finally:
            for replica in replicas:
                if replica.is_alive() and replica.pid != leader:
                    os.kill(replica.pid or 0, signal.SIGTERM)
            for replica in replicas:
                replica.join(timeout=15)
                if replica.is_alive():
                    replica.kill()
        posted = summaries()
        assert slack.violations == []
    ran = runs(store)
    store.close()

    slots = [datetime.fromisoformat(slot.removeprefix("summary@")) for slot, _ in ran]
    assert len(slots) == len(set(slots)) == posted, "a slot was run twice, or a run was not posted"
    assert slots == [slots[0] + timedelta(seconds=n) for n in range(len(slots))], "a slot was missed"
    assert len({pid for _, pid in ran}) >= 2
    after = [pid for slot, (_, pid) in zip(slots, ran, strict=True) if slot > killed_at]
    assert len(after) >= 2 and leader not in after
