"""Fault injection for the local Actionstep: the next N API requests are rate limited, fail, refuse the token or
are slow.

Faults queue up in the order they are added; each API request (not the OAuth endpoints) takes the first fault whose
`resource` matches it, if any. A slow fault sleeps on the sandbox's clock and then answers normally, so with a
`VirtualClock` it only moves time, and with the system clock over real HTTP it trips a client's timeout.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(slots=True)
class Fault:
    status: int | None  # None: answer normally after `seconds`
    times: int
    retry_after: str | None = None
    seconds: float = 0.0
    resource: str | None = None


class Faults:
    """The queue of faults still to happen. Thread-safe."""

    def __init__(self) -> None:
        self._queue: list[Fault] = []
        self._lock = threading.Lock()

    def rate_limit(
        self, times: int = 1, *, retry_after: float | None = None, resource: str | None = None
    ) -> None:
        """Answer 429, with `Retry-After: <seconds>` when given (Actionstep documents none)."""
        header = None if retry_after is None else f"{retry_after:g}"
        self._add(Fault(429, times, retry_after=header, resource=resource))

    def server_error(self, times: int = 1, *, status: int = 500, resource: str | None = None) -> None:
        self._add(Fault(status, times, resource=resource))

    def unauthorized(self, times: int = 1, *, resource: str | None = None) -> None:
        """Answer 401 as if the access token had expired early."""
        self._add(Fault(401, times, resource=resource))

    def slow(self, times: int = 1, *, seconds: float, resource: str | None = None) -> None:
        self._add(Fault(None, times, seconds=seconds, resource=resource))

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    @property
    def pending(self) -> int:
        with self._lock:
            return sum(fault.times for fault in self._queue)

    def take(self, resource: str) -> Fault | None:
        """The fault for a request to `resource`, spending one of its times."""
        with self._lock:
            for fault in self._queue:
                if fault.resource in (None, resource):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._queue.remove(fault)
                    return fault
        return None

    def _add(self, fault: Fault) -> None:
        if fault.times > 0:
            with self._lock:
                self._queue.append(fault)
