"""The per-tenant rate governor: keeps the client inside Xero's limits instead of finding them by 429s.

Xero allows each tenant 5 calls in flight, 60 a minute and 5,000 a day, and each app 10,000 a minute across all
tenants. Every response says what is left (`X-MinLimit-Remaining`, `X-DayLimit-Remaining`,
`X-AppMinLimit-Remaining`); a 429 says which limit was hit (`X-Rate-Limit-Problem`) and for how long
(`Retry-After`). Xero counts in fixed windows that reset at different times per tenant, so the governor keeps a
rolling minute of its own calls (never more than 60 in any 60 seconds is never more than 60 in Xero's window) and
otherwise believes the headers.

Use one governor per tenant, shared by every client of that tenant in the process. Waits go through the injected
`Clock`, so on a `VirtualClock` a run that would wait minutes finishes in milliseconds.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from integration import telemetry
from integration.clock import Clock
from integration.errors import DailyLimitReached

MINUTE = 60.0
# When the day budget reads 0 without a 429 we do not know when Xero's day rolls over; wait this long, then let
# one call probe (Xero answers it with a 429 that carries the exact Retry-After).
UNKNOWN_DAY_RESET = 3600.0
DEFAULT_RETRY_AFTER = 1.0


def _remaining(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class RateGovernor:
    """Admits calls for one tenant: at most `concurrent` in flight and `per_minute` in any rolling minute."""

    def __init__(self, clock: Clock, *, per_minute: int = 60, concurrent: int = 5) -> None:
        self._clock = clock
        self._per_minute = per_minute
        self._concurrent = concurrent
        self._lock = threading.Condition()
        self._starts: deque[float] = deque()
        self._in_flight = 0
        self._paused_until = 0.0
        self._day_blocked_until = 0.0
        self.waited = 0.0
        self.day_remaining: int | None = None
        self.minute_remaining: int | None = None

    def _now(self) -> float:
        return self._clock.now().timestamp()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold while a call is on the wire; raises `DailyLimitReached` rather than send once the day is gone."""
        self._acquire()
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1
                self._lock.notify()

    def _acquire(self) -> None:
        while True:
            with self._lock:
                now = self._now()
                if now < self._day_blocked_until:
                    hours = (self._day_blocked_until - now) / 3600
                    raise DailyLimitReached(
                        "xero",
                        f"Xero's daily API limit for this organisation is used up; calls resume in about "
                        f"{hours:.1f} h.",
                    )
                while self._in_flight >= self._concurrent:
                    self._lock.wait(timeout=1.0)
                now = self._now()
                while self._starts and self._starts[0] <= now - MINUTE:
                    self._starts.popleft()
                wait = self._paused_until - now
                if len(self._starts) >= self._per_minute:
                    wait = max(wait, self._starts[0] + MINUTE - now)
                if wait <= 0:
                    self._in_flight += 1
                    self._starts.append(now)
                    return
            self.waited += wait
            self._clock.sleep(wait)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Read the remaining budgets from a response."""
        with self._lock:
            now = self._now()
            self.day_remaining = _remaining(headers, "X-DayLimit-Remaining")
            self.minute_remaining = _remaining(headers, "X-MinLimit-Remaining")
            for window, left in (("day", self.day_remaining), ("minute", self.minute_remaining)):
                if left is not None:
                    telemetry.XERO_BUDGET.labels(window).set(left)
            app_minute = _remaining(headers, "X-AppMinLimit-Remaining")
            if self.minute_remaining == 0 or app_minute == 0:
                oldest = self._starts[0] if self._starts else now
                self._paused_until = max(self._paused_until, oldest + MINUTE)
            if self.day_remaining == 0:
                self._day_blocked_until = max(self._day_blocked_until, now + UNKNOWN_DAY_RESET)

    def throttled(self, headers: Mapping[str, str]) -> float:
        """Record a 429 and return how long to wait; raises `DailyLimitReached` when it was the day's limit."""
        try:
            retry_after = float(headers.get("Retry-After", DEFAULT_RETRY_AFTER))
        except ValueError:
            retry_after = DEFAULT_RETRY_AFTER
        problem = headers.get("X-Rate-Limit-Problem", "").lower()
        with self._lock:
            now = self._now()
            if "day" in problem:
                self._day_blocked_until = max(self._day_blocked_until, now + retry_after)
            else:
                self._paused_until = max(self._paused_until, now + retry_after)
        if "day" in problem:
            raise DailyLimitReached(
                "xero",
                f"Xero's daily API limit for this organisation is used up; it resets in about "
                f"{retry_after / 3600:.1f} h.",
                status=429,
            )
        return retry_after
