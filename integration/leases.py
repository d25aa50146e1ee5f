"""Leases: expiring locks in the ledger that keep one run of a thing going at a time, across processes and replicas.

A holder takes a lease by name for a time-to-live, renews it from a `Heartbeat` while it works and releases it when
done; a holder that dies stops renewing, and the lease lapses for the next taker. `lease_holder()` names a holder
so that `dead_here()` can tell a holder on this host that no longer runs.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta

logger = logging.getLogger(__name__)


class Heartbeat:
    """Calls `beat` every `every` on a daemon thread until stopped: keeps a run's lease alive while it works."""

    def __init__(
        self, beat: Callable[[], None], every: timedelta, *, name: str = "sync-lease-heartbeat"
    ) -> None:
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
