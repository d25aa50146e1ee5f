"""Fault injection for the Xero sandbox: the next N matching API requests fail in a chosen way.

- `fail_next`: answer 5xx without doing anything (optionally remembered under the request's Idempotency-Key,
  as Xero remembers internal errors, so a retry with the same key gets the same error).
- `time_out_next`: wait `seconds` on the sandbox clock, then in `"raise"` mode raise `TimeoutError` out of the WSGI
  app without applying anything (an in-process client sees a transport failure), or in `"sleep"` mode handle the
  request normally (a client over real HTTP with a shorter timeout has given up by then, not knowing the outcome).
- `drop_response_next`: apply the request fully (and remember its key), then raise `ConnectionResetError`
  instead of answering: the uncertain outcome a client must settle by looking the document up.

Faults match on method and on a substring of the path below the API root (`"Invoices"`), and are used up in the
order they were added.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["fail", "timeout", "drop"]


@dataclass(slots=True)
class Fault:
    """One kind of fault, due for the next `remaining` matching requests."""

    kind: FaultKind
    remaining: int
    status: int = 503
    seconds: float = 0.0
    mode: Literal["raise", "sleep"] = "raise"
    remember: bool = False
    method: str | None = None
    path: str | None = None

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a request of `method` below the API root at `path`."""
        return (self.method is None or self.method == method) and (self.path is None or self.path in path)


class Faults:
    """The queue of faults still to happen. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[Fault] = []
        self.injected = 0

    def fail_next(
        self, count: int = 1, *, status: int = 503, method: str | None = None, path: str | None = None,
        remember: bool = False,
    ) -> None:  # fmt: skip
        """The next `count` matching requests answer `status` (500, 503…) without being applied."""
        self._add(Fault("fail", count, status=status, method=method, path=path, remember=remember))

    def time_out_next(
        self, count: int = 1, *, seconds: float = 0.0, mode: Literal["raise", "sleep"] = "raise",
        method: str | None = None, path: str | None = None,
    ) -> None:  # fmt: skip
        """The next `count` matching requests time out (see the module docstring for the two modes)."""
        self._add(Fault("timeout", count, seconds=seconds, mode=mode, method=method, path=path))

    def drop_response_next(
        self, count: int = 1, *, method: str | None = None, path: str | None = None
    ) -> None:
        """The next `count` matching requests are applied, then their answers are lost."""
        self._add(Fault("drop", count, method=method, path=path))

    def clear(self) -> None:
        """Forget every fault not yet used."""
        with self._lock:
            self._queue.clear()

    def _add(self, fault: Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("a fault must happen at least once")
        with self._lock:
            self._queue.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if one is due (and count it as used)."""
        with self._lock:
            for fault in self._queue:
                if fault.matches(method, path):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._queue.remove(fault)
                    self.injected += 1
                    return fault
        return None
