"""Replays dropped on every replica: each Slack request is recorded in the ledger by what identifies it, and a
request already recorded is not served again.

Slack accepts a request's timestamp for five minutes either side of the receiver's clock, so a captured request
stays valid for up to ten minutes after it was first seen: that is how long its keys are kept. Keys are stored as
digests (`sha256`), so no outside text of any length reaches the ledger. Expired keys are deleted by whichever
request comes first after `SWEEP_EVERY`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence
from datetime import timedelta

from integration.store import Store
from integration.store.types import utcnow

WINDOW = timedelta(minutes=10)
SWEEP_EVERY = 60.0  # seconds between deletions of expired keys, per process


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class ReplayGuard:
    """`Service.replays`: `first_time(keys)` is True for a request not served before on any replica."""

    def __init__(self, store: Store, *, window: timedelta = WINDOW) -> None:
        self._store = store
        self._window = window
        self._next_sweep = 0.0
        self._lock = threading.Lock()
        # Requests of this process take turns to record: on SQLite, writers that collide back off for up to tens
        # of milliseconds each, while a record in turn takes about one (as `XeroWebhooks` found).
        self._writing = threading.Lock()

    def first_time(self, keys: Sequence[str]) -> bool:
        """Record the request identified by `keys` (any of them: a retry shares one key with the first
        delivery, a replay all of them); False when it was recorded before and its window is still open."""
        digests = [digest(k) for k in keys]
        with self._writing:
            now = utcnow()
            with self._store.unit_of_work() as uow:
                first = uow.seen_requests.record(digests, now=now, until=now + self._window)
                if self._sweep_due():
                    uow.seen_requests.forget_expired(now)
                uow.commit()
        return first

    def _sweep_due(self) -> bool:
        with self._lock:
            if time.monotonic() < self._next_sweep:
                return False
            self._next_sweep = time.monotonic() + SWEEP_EVERY
            return True
