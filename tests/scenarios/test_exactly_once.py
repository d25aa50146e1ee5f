"""Exactly once, whatever happens: every approved document ends up in Xero once, none missing, none twice.

(a) the syncing process is killed with SIGKILL at random points, 20 times, then restarted: each point is a random
    number of Xero writes into the run, not a time, so the kills land mid-run on a fast machine and a slow one alike;
(b) Xero and Actionstep misbehave mid-run: 429s, 5xx, timeouts, answers lost after the write, tokens expiring.
Both on SQLite and PostgreSQL, over a 2,000-document backlog on top of the demo firm.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from bot.demo import DEMO_MAPPINGS
from integration.app import Service, bootstrap
from integration.clock import VirtualClock
from integration.domain import Document, RunStatus
from integration.settings import load_settings
from integration.store import Store
from integration.store.secrets import generate_key
from integration.sync.kind_pass import KIND_ORDER, Progress
from sandboxes import demo_chart
from sandboxes.actionstep.demo import DEMO_PROBLEMS
from sandboxes.server import Sandboxes, settings_for
from tests.support.engine import RELAXED, demo_service, gateways, linked_numbers, xero_copies
from tests.support.http import serving

BACKLOG = 2_000
STAYS_BLOCKED = {
    DEMO_PROBLEMS[name]
    for name in (
        "unmapped_account", "timekeeper_without_income_account", "xero_account_without_code",
        "archived_xero_account", "inside_lock_date", "malformed",
    )
}  # fmt: skip


def expected_numbers(store: Store, sandboxes: Sandboxes) -> set[str]:
    """Every approved document that should end up in Xero: all pushed kinds dated after Xero's lock date, less
    the demo firm's deliberately blocked ones, less whatever settles a document that cannot post."""
    listed = (
        gateways(store, sandboxes).actionstep.documents(kind, None) for kind in KIND_ORDER if kind.pushed
    )
    documents = {d.ref: d for listing in listed for d in listing if isinstance(d, Document)}
    postable = {
        ref
        for ref, d in documents.items()
        if d.date > demo_chart.PERIOD_LOCK_DATE and d.number not in STAYS_BLOCKED
    }
    while blocked := {
        ref for ref in postable if any(dep not in postable for dep in documents[ref].depends_on)
    }:
        postable -= blocked
    return {documents[ref].number for ref in postable}


def assert_exactly_once(sandboxes: Sandboxes, store: Store) -> None:
    copies = xero_copies(sandboxes)
    twice = {key: n for key, n in copies.items() if n > 1}
    assert not twice, f"duplicated in Xero: {twice}"
    numbers = linked_numbers(store)
    assert len(numbers) == len(set(numbers)) == sum(copies.values())
    missing = expected_numbers(store, sandboxes) - set(numbers)
    assert not missing, f"never reached Xero: {sorted(missing)[:10]}"


def sync_until_settled(service: Service, rounds: int = 12) -> None:
    statuses = []
    for _ in range(rounds):
        report = service.sync("test", "retry").report
        if report.status is RunStatus.OK:
            return
        statuses.append(f"{report.status} ({report.error_code}: {report.error})")
    pytest.fail("the syncs never completed:\n" + "\n".join(statuses))


class Mischief:
    """Injects one fault each time the engine reports progress: every kind, in a shuffled order, round and round."""

    def __init__(self, sandboxes: Sandboxes, seed: int) -> None:
        xero, actionstep = sandboxes.xero, sandboxes.actionstep
        self.faults = {
            "xero 503": lambda: xero.faults.fail_next(1, status=503),
            "xero 500 on a write": lambda: xero.faults.fail_next(1, status=500, method="PUT"),
            "xero timeout": lambda: xero.faults.time_out_next(1, method="PUT"),
            "xero answer lost after the write": lambda: xero.faults.drop_response_next(1, method="PUT"),
            "xero outage": lambda: xero.faults.fail_next(12, status=503),
            "xero 429": xero.use_up_minute,
            "xero token expired": xero.expire_tokens,
            "actionstep 429": lambda: actionstep.faults.rate_limit(1, retry_after=1),
            "actionstep 500": lambda: actionstep.faults.server_error(1),
        }
        self.order = sorted(self.faults)
        random.Random(seed).shuffle(self.order)
        self.done: list[str] = []

    def __call__(self, _: Progress) -> None:
        name = self.order[len(self.done) % len(self.order)]
        self.faults[name]()
        self.done.append(name)


@pytest.mark.parametrize("high_volume", [False, True], ids=["normal", "high-volume"])
def test_faults_mid_run_never_lose_or_duplicate_a_document(store: Store, high_volume: bool) -> None:
    # On a high-volume organisation every lookup that settles an uncertain send must use optimised filters.
    sandboxes = Sandboxes.demo(
        clock=VirtualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC)), backlog=BACKLOG, high_volume=high_volume
    )
    service, _ = demo_service(store, sandboxes)
    mischief = Mischief(sandboxes, seed=7)
    statuses = []
    for _ in range(30):  # until every kind of fault has struck at least once, mid-run
        statuses.append(service.sync("test", "U1", progress=mischief).report.status)
        if set(mischief.done) == set(mischief.order):
            break
    assert set(mischief.done) == set(mischief.order)
    assert RunStatus.INTERRUPTED in statuses  # an outage stopped a run part-way, leaving sends to settle
    sync_until_settled(service)
    assert_exactly_once(sandboxes, store)
    again = service.sync("test", "U1").report
    assert again.count_posted() == 0


# (a) SIGKILL --------------------------------------------------------------------------------------------------


@pytest.fixture
def served_sandboxes() -> Iterator[tuple[Sandboxes, str]]:
    sandboxes = Sandboxes.demo(backlog=BACKLOG, limits=RELAXED)
    with serving(sandboxes) as base:
        yield sandboxes, base


def _settings_env(database_url: str, base_url: str, key: str) -> dict[str, str]:
    env = {name.lower(): value for name, value in settings_for(base_url).items()}
    return {**env, "database_url": database_url, "xerobot_secret_key": key}


def _sync_in_child(database_url: str, base_url: str, key: str) -> None:
    settings = load_settings(**_settings_env(database_url, base_url, key))
    store = bootstrap.open_store(settings)
    bootstrap.seed_mappings(store, DEMO_MAPPINGS, actor="demo")
    service = bootstrap.build_service(settings, store=store, clock=VirtualClock(datetime.now(UTC)))
    service.sync("test", "killed")


def _sent_but_unsettled(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(text("SELECT count(*) FROM postings WHERE state = 'sent'")).scalar_one()
            )
    finally:
        engine.dispose()


def _xero_writes(sandboxes: Sandboxes) -> int:
    """The writes (PUT or POST to the API) the served Xero sandbox has received so far, however it answered them."""
    return sum(len(sandboxes.xero.requests_to("/api.xro/", method=method)) for method in ("PUT", "POST"))


def _kill_after_writes(
    child: multiprocessing.process.BaseProcess, sandboxes: Sandboxes, writes: int, timeout: float = 120.0
) -> bool:
    """SIGKILL `child` the moment Xero has received `writes` more writes (the child is then waiting for the last
    answer, or has just had it); False when the sync finished first. Fails if that progress takes over `timeout`."""
    start = _xero_writes(sandboxes)
    deadline = time.monotonic() + timeout
    while child.is_alive():
        if _xero_writes(sandboxes) - start >= writes:
            os.kill(child.pid or 0, signal.SIGKILL)
            return True
        if time.monotonic() > deadline:
            os.kill(child.pid or 0, signal.SIGKILL)
            pytest.fail(f"a sync made fewer than {writes} Xero writes in {timeout:.0f} s")
        time.sleep(0.001)
    return False


def test_a_sync_killed_at_random_points_twenty_times_still_posts_each_document_once(
    database_url: str, served_sandboxes: tuple[Sandboxes, str]
) -> None:
    sandboxes, base_url = served_sandboxes
    key = generate_key()
    bootstrap.upgrade_database(load_settings(database_url=database_url))
    fork = multiprocessing.get_context("fork")
    rng = random.Random(2026)
    kills = uncertain = 0
    for _ in range(20):
        child = fork.Process(target=_sync_in_child, args=(database_url, base_url, key))
        child.start()
        # A whole sync of the backlog makes about 120 writes, so twenty kills of at most 6 writes each stay mid-run.
        kills += _kill_after_writes(child, sandboxes, writes=rng.randint(1, 6))
        child.join(timeout=30)
        uncertain += _sent_but_unsettled(database_url)
    assert kills >= 10, "the syncs finished before their kill points"
    assert uncertain > 0, "no kill landed between a send and its outcome"
    settings = load_settings(**_settings_env(database_url, base_url, key))
    store = bootstrap.open_store(settings)
    service = bootstrap.build_service(settings, store=store, clock=VirtualClock(datetime.now(UTC)))
    try:
        sync_until_settled(service)
        assert_exactly_once(sandboxes, store)
        assert service.sync("test", "U1").report.count_posted() == 0
    finally:
        service.close()
