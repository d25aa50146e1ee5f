"""Leases: expiring locks in the ledger that keep one run of a thing going at a time, across processes and replicas.

`held(store, name, ttl)` is the one way to hold one: it takes the lease (or raises `LeaseBusy` naming the current
holder), renews it from a `Heartbeat` while the block runs and releases it on the way out. A holder that dies stops
renewing, and the lease lapses for the next taker. `lease_holder()` names every holder the same way, so that
`dead_here()` can tell a holder on this host that no longer runs (`take_over_dead` takes its lease at once).

Leases compare wall-clock times across processes, so they read real time (`SystemClock`) whatever clock a run
uses; only tests of the lease itself pass another. The SQL is in `store.leases`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from integration.clock import Clock, SystemClock
from integration.store import Store
from integration.store.leases import LeaseHolder

logger = logging.getLogger(__name__)


class Heartbeat:
    """Calls `beat` every `every` on a daemon thread until stopped: keeps a run's lease alive while it works."""

    def __init__(self, beat: Callable[[], None], every: timedelta, *, name: str = "lease-heartbeat") -> None:
        self._beat = beat
        self._every = every.total_seconds()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(self._every):
            try:
                self._beat()
            except Exception:  # a missed beat only shortens the lease; the next one may succeed
                logger.warning("could not renew a lease (%s)", self._thread.name, exc_info=True)

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)


def lease_holder() -> str:
    """A name for one holder of a lease: host, process and a random part (`dead_here` reads the first two)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def dead_here(holder: str) -> bool:
    """True when `holder` names a process on this host that no longer runs (killed mid-sync)."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class LeaseBusy(Exception):
    """Another holder has the lease `name`; `current` is who (None if it lapsed as we looked)."""

    def __init__(self, name: str, current: LeaseHolder | None) -> None:
        super().__init__(f"the lease {name} is held by {current.holder if current else 'another holder'}")
        self.name = name
        self.current = current

    @property
    def detail(self) -> str | None:
        """What the current holder wrote when it took the lease (who started it, and how)."""
        return self.current.detail if self.current else None


@contextmanager
def held(
    store: Store,
    name: str,
    ttl: timedelta,
    *,
    detail: str | None = None,
    take_over_dead: bool = False,
    slot: datetime | None = None,
    clock: Clock | None = None,
) -> Iterator[str]:
    """Hold the lease `name` for the block, renewed every quarter of `ttl`; yields the holder's name.

    Raises `LeaseBusy` when another holder has it. `take_over_dead` takes it from a holder on this host whose
    process is gone. With `slot`, the lease is the claim of that scheduled slot (`LeaseRepository.claim_slot`):
    busy also when the slot was already run."""
    clock = clock or SystemClock()
    holder = lease_holder()
    with store.unit_of_work() as uow:
        now = clock.now()
        if slot is not None:
            taken = uow.leases.claim_slot(name, slot, holder=holder, ttl=ttl, now=now)
        else:
            taken = uow.leases.acquire(name, holder, ttl, detail=detail, now=now)
        current = None if taken else uow.leases.current(name, now=now)
        if take_over_dead and current is not None and dead_here(current.holder):
            taken = uow.leases.take_over(name, current.holder, holder, ttl, detail=detail, now=now)
        uow.commit()
    if not taken:
        raise LeaseBusy(name, current)

    def renew() -> None:
        with store.unit_of_work() as uow:
            kept = uow.leases.take_over(name, holder, holder, ttl, detail=detail, now=clock.now())
            uow.commit()
        if not kept:
            logger.warning("Lost the lease %s while holding it; another holder may run the same work", name)

    heartbeat = Heartbeat(renew, ttl / 4, name=f"{name}-heartbeat")
    try:
        yield holder
    finally:
        heartbeat.stop()
        with store.unit_of_work() as uow:
            uow.leases.release(name, holder)
            uow.commit()
