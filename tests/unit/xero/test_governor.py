"""The rate governor: at most 5 in flight, 60 in any rolling minute, and it believes Xero's headers."""

from __future__ import annotations

import threading
import time

import pytest

from integration.clock import SystemClock, VirtualClock
from integration.errors import DailyLimitReached
from integration.xero.governor import RateGovernor


def test_never_more_than_five_calls_are_in_flight() -> None:
    governor = RateGovernor(SystemClock())
    inside = most = 0
    guard = threading.Lock()

    def call() -> None:
        nonlocal inside, most
        with governor.slot():
            with guard:
                inside += 1
                most = max(most, inside)
            time.sleep(0.02)
            with guard:
                inside -= 1

    threads = [threading.Thread(target=call) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert most == 5


def test_the_sixty_first_call_waits_until_the_first_is_a_minute_old() -> None:
    clock = VirtualClock()
    governor = RateGovernor(clock)
    for second in range(60):
        with governor.slot():
            pass
        if second < 59:
            clock.advance(0.5)
    with governor.slot():
        pass
    assert clock.slept == pytest.approx(60 - 29.5)


def test_a_minute_budget_of_zero_pauses_until_the_oldest_call_ages_out() -> None:
    clock = VirtualClock()
    governor = RateGovernor(clock)
    with governor.slot():
        pass
    clock.advance(15)
    governor.observe({"X-MinLimit-Remaining": "0", "X-DayLimit-Remaining": "100"})
    with governor.slot():
        pass
    assert clock.slept == pytest.approx(45) and governor.minute_remaining == 0


def test_a_429_makes_every_caller_wait_out_retry_after() -> None:
    clock = VirtualClock()
    governor = RateGovernor(clock)
    assert governor.throttled({"Retry-After": "17", "X-Rate-Limit-Problem": "minute"}) == 17
    with governor.slot():
        pass
    assert clock.slept == pytest.approx(17)


def test_a_spent_day_stops_calls_before_they_are_sent() -> None:
    clock = VirtualClock()
    governor = RateGovernor(clock)
    governor.observe({"X-DayLimit-Remaining": "0"})
    with pytest.raises(DailyLimitReached, match="used up"), governor.slot():
        pass
    clock.advance(3601)
    with governor.slot():
        pass
    with pytest.raises(DailyLimitReached, match=r"resets in about 2\.0 h"):
        governor.throttled({"Retry-After": "7200", "X-Rate-Limit-Problem": "day"})
    with pytest.raises(DailyLimitReached), governor.slot():
        pass
