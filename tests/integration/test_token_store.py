"""The ledger-backed token store: compare-and-swap saves and a refresh lock one process holds at a time."""

from __future__ import annotations

import threading
import time

from integration.adapters.token_store import LedgerTokenStore
from integration.store import Store


def test_a_fresh_connect_then_a_refresh_from_a_stale_version_is_refused(store: Store) -> None:
    tokens = LedgerTokenStore(store, "xero")
    assert tokens.load() is None
    assert tokens.save(
        {"access_token": "a1", "expires_at": 1_800_000_000}, previous_version=None, tenant_id="t-1"
    )
    first = tokens.load()
    assert first is not None and first.tenant_id == "t-1" and first.expires_at is not None
    assert tokens.save({"access_token": "a2"}, previous_version=first.version)
    assert not tokens.save({"access_token": "a3"}, previous_version=first.version)
    latest = tokens.load()
    assert latest is not None and latest.tokens["access_token"] == "a2" and latest.tenant_id == "t-1"


def test_only_one_process_holds_the_refresh_lock_at_a_time(store: Store) -> None:
    inside = 0
    most_inside = 0
    guard = threading.Lock()

    def refresher() -> None:
        nonlocal inside, most_inside
        with LedgerTokenStore(store, "actionstep", wait_for_lock=20).refresh_lock() as got:
            assert got
            with guard:
                inside += 1
                most_inside = max(most_inside, inside)
            time.sleep(0.05)
            with guard:
                inside -= 1

    threads = [threading.Thread(target=refresher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert most_inside == 1


def test_a_refresh_lock_not_had_in_time_says_so(store: Store) -> None:
    holder = LedgerTokenStore(store, "xero")
    waiter = LedgerTokenStore(store, "xero", wait_for_lock=0.2)
    with holder.refresh_lock() as got, waiter.refresh_lock() as also:
        assert got and not also
