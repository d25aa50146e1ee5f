"""Drops a request Slack delivers twice: a retry (`X-Slack-Retry-Num`) of an event or interaction that already
arrived. Keyed on what makes a delivery unique (an event's `event_id`, an interaction's or a command's
`trigger_id`), remembered for ten minutes in this process.

This is the first line only: every handler is idempotent in the ledger too, so a duplicate that reaches another
replica still changes nothing twice.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse


def delivery_key(body: dict[str, Any]) -> str | None:
    if body.get("event_id"):
        return f"event:{body['event_id']}"
    if body.get("trigger_id"):
        return f"trigger:{body['trigger_id']}"
    return None


class RecentDeliveries:
    def __init__(
        self, *, ttl: float = 600.0, size: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._ttl, self._size, self._clock = ttl, size, clock
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        """True the first time `key` is seen within the ttl (and remembers it)."""
        now = self._clock()
        with self._lock:
            while self._seen and (
                len(self._seen) >= self._size or next(iter(self._seen.values())) < now - self._ttl
            ):
                self._seen.popitem(last=False)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True

    def middleware(self) -> Callable[..., BoltResponse | None]:
        """A bolt global middleware (a plain function: bolt passes arguments by parameter name)."""

        def drop_duplicates(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
            key = delivery_key(body)
            if key is not None and not self.first_time(key):
                return BoltResponse(status=200, body="")
            next()
            return None

        return drop_duplicates
