"""The ledger's record of Slack requests served: a request is served once across replicas within Slack's replay
window, its keys are forgotten after it, and of two replicas racing on one request exactly one serves it."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

from bot.dedupe import Deliveries
from integration.app.replays import ReplayGuard
from integration.store import Store
from integration.store.tables import SeenRequestRow
from integration.store.types import utcnow


def test_a_request_is_first_once_and_a_retry_sharing_one_key_is_not(store: Store) -> None:
    guard = ReplayGuard(store)
    assert guard.first_time(["signature:v0=aa", "event:Ev1"])
    assert not guard.first_time(["signature:v0=aa", "event:Ev1"])  # the same capture again
    assert not guard.first_time(["signature:v0=bb", "event:Ev1"])  # Slack's retry, signed anew
    assert guard.first_time(["signature:v0=cc", "trigger:1.2"])


def test_a_second_replica_on_the_same_ledger_sees_what_the_first_served(store: Store) -> None:
    assert ReplayGuard(store).first_time(["signature:v0=aa"])
    assert not ReplayGuard(store).first_time(["signature:v0=aa"])


def test_keys_are_stored_as_digests_whatever_their_length(store: Store) -> None:
    ReplayGuard(store).first_time(["trigger:" + "x" * 100_000])
    with store.unit_of_work() as uow:
        (key,) = uow.session.scalars(select(SeenRequestRow.request_key))
    assert len(key) == 64


def test_a_request_is_served_again_only_after_its_window_and_old_keys_are_deleted(store: Store) -> None:
    long_ago = utcnow() - timedelta(hours=1)
    with store.unit_of_work() as uow:
        assert uow.seen_requests.record(
            ["old", "older"], now=long_ago, until=long_ago + timedelta(minutes=10)
        )
        uow.commit()
    assert ReplayGuard(store).first_time(["old"])  # expired: served, and recorded anew
    with store.unit_of_work() as uow:
        keys = set(uow.session.scalars(select(SeenRequestRow.request_key)))
    assert "older" not in keys  # swept by the first request of this process


def test_of_two_replicas_racing_on_one_request_exactly_one_serves_it(store: Store) -> None:
    start = threading.Barrier(8)

    def serve(_: int) -> bool:
        start.wait()
        return ReplayGuard(store).first_time(["signature:v0=race", "trigger:9.9"])

    with ThreadPoolExecutor(8) as pool:
        served = list(pool.map(serve, range(8)))
    assert served.count(True) == 1
    with store.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(SeenRequestRow)) == 2


class _SlowLedger:
    """A ledger that records only once `release` is set (SQLite while a sync holds the writer)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.recorded: list[list[str]] = []

    def first_time(self, keys: Sequence[str]) -> bool:
        self.release.wait(10)
        self.recorded.append(list(keys))
        return True


def test_an_ack_waits_for_a_slow_ledger_only_briefly_and_the_record_completes_after() -> None:
    ledger = _SlowLedger()
    deliveries = Deliveries(ledger, wait=0.05)
    started = time.monotonic()
    assert deliveries.first_time(["signature:v0=aa"])  # decided by this process's memory
    assert not deliveries.first_time(["signature:v0=aa"])  # which still drops a replay to this process
    assert time.monotonic() - started < 2
    ledger.release.set()
    deadline = time.monotonic() + 5
    while len(ledger.recorded) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ledger.recorded == [["signature:v0=aa"]] * 2


def test_when_the_ledger_answers_in_time_it_decides_for_every_replica(store: Store) -> None:
    first, second = Deliveries(ReplayGuard(store)), Deliveries(ReplayGuard(store))
    assert first.first_time(["signature:v0=aa", "trigger:1.1"])
    assert not second.first_time(["signature:v0=aa", "trigger:1.1"])
