"""Drops a Slack request served before, on this replica or any other: a replay of a captured request (the same
signature, which covers its timestamp and body) or a retry (`X-Slack-Retry-Num`) of an event or interaction that
already arrived (the same `event_id` or `trigger_id`). A request served before gets an empty 200 (so Slack stops
retrying) and nothing else.

Each request is recorded in the ledger (`Service.replays`) before any listener sees it, and the ledger's answer
decides, so a replay to another replica does nothing. The answer is waited for at most `LEDGER_WAIT`: on SQLite one
writer holds the database at a time, and a sync's transaction can make a record wait seconds, longer than Slack
waits for an ack. Past that wait, this process's own memory of the last ten minutes decides and the record completes
in the background (other replicas see it once written); on PostgreSQL a record takes milliseconds and the ledger
always decides. Every handler is idempotent in the ledger too, so this is the first line, not the only one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as Late
from typing import Any, Protocol

from slack_bolt import BoltRequest, BoltResponse

log = logging.getLogger(__name__)
LEDGER_WAIT = 0.5  # seconds an ack may wait for the ledger's record (Slack allows 3 for the whole answer)
RECORDERS = 4


class Ledger(Protocol):
    def first_time(self, keys: Sequence[str]) -> bool: ...


def delivery_keys(request: BoltRequest, body: dict[str, Any]) -> list[str]:
    """What identifies a request: its signature (HTTP only) and its event or trigger id."""
    keys = []
    signatures = request.headers.get("x-slack-signature") or []
    if signatures and (signature := signatures[0]):
        keys.append(f"signature:{signature}")
    if body.get("event_id"):
        keys.append(f"event:{body['event_id']}")
    elif body.get("trigger_id"):
        keys.append(f"trigger:{body['trigger_id']}")
    return keys


class RecentDeliveries:
    """This process's memory of the keys it saw in the last `ttl` seconds (at most `size` of them)."""

    def __init__(
        self, *, ttl: float = 600.0, size: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._ttl, self._size, self._clock = ttl, size, clock
        self._lock = threading.Lock()

    def first_time(self, keys: Sequence[str]) -> bool:
        """True when none of `keys` was seen within the ttl; remembers them all either way."""
        now = self._clock()
        with self._lock:
            while self._seen and (
                len(self._seen) >= self._size or next(iter(self._seen.values())) < now - self._ttl
            ):
                self._seen.popitem(last=False)
            first = not any(key in self._seen for key in keys)
            for key in keys:
                self._seen[key] = now
            return first


class Deliveries:
    """Decides whether a request is served: the ledger's record, or this process's memory when the ledger is
    slower than `wait` seconds."""

    def __init__(self, ledger: Ledger, *, wait: float = LEDGER_WAIT) -> None:
        self._ledger, self._wait = ledger, wait
        self._recent = RecentDeliveries()
        self._recorders = ThreadPoolExecutor(RECORDERS, thread_name_prefix="xerobot-replays")

    def first_time(self, keys: Sequence[str]) -> bool:
        here = self._recent.first_time(keys)
        record = self._recorders.submit(self._ledger.first_time, keys)
        try:
            return record.result(timeout=self._wait) and here
        except Late:
            record.add_done_callback(_late)
            return here
        except Exception as error:  # the ledger is down: the handlers' own work will say so
            log.warning("A Slack request could not be recorded in the ledger: %s", type(error).__name__)
            return here

    def middleware(self) -> Callable[..., BoltResponse | None]:
        """A bolt global middleware (a plain function: bolt passes arguments by parameter name)."""

        def drop_replayed(
            request: BoltRequest, body: dict[str, Any], next: Callable[[], None]
        ) -> BoltResponse | None:
            keys = delivery_keys(request, body)
            if keys and not self.first_time(keys):
                return BoltResponse(status=200, body="")
            next()
            return None

        return drop_replayed


def _late(record: Future[bool]) -> None:
    if record.exception() is None and not record.result():
        log.warning(
            "A Slack request served while the ledger was slow had already been served by another replica"
        )
