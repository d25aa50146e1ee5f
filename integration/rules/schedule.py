"""When scheduled jobs run: pure functions of time, so every replica computes the same slots and tests need no waiting.

A *slot* is the instant (UTC) a job is scheduled for. `Daily` slots are a wall-clock time in an IANA time zone, so
they follow daylight saving: 08:00 in Sydney is 22:00 UTC in winter and 21:00 UTC in summer. On the day the clocks
go forward a time inside the skipped hour runs when it would have been (02:30 becomes 03:30); on the day they go
back a time that happens twice runs at its first occurrence only. `Every` slots are multiples of a period counted
from the Unix epoch, so they need no agreement between replicas and no time zone.

`due_slot` decides whether a job should run now: the newest slot that has come, unless it already ran, is still
running, or was missed by more than the grace period (a run missed while every replica was down is made up once,
on start, within the grace period, and not at all after it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Schedule(Protocol):
    def latest(self, now: datetime) -> datetime:
        """The newest slot at or before `now`."""

    def following(self, now: datetime) -> datetime:
        """The first slot after `now`."""


@dataclass(frozen=True, slots=True)
class Daily:
    """Every day at `at` local time in `zone`."""

    at: time
    zone: ZoneInfo

    def on(self, day: date) -> datetime:
        """The slot of the local date `day`, in UTC. `fold=0` maps a skipped time forward by the gap and a repeated
        time to its first occurrence (PEP 495)."""
        return datetime.combine(day, self.at, tzinfo=self.zone).astimezone(UTC)

    def _around(self, now: datetime) -> list[datetime]:
        today = now.astimezone(self.zone).date()
        return [self.on(today + timedelta(days=offset)) for offset in (-2, -1, 0, 1, 2)]

    def latest(self, now: datetime) -> datetime:
        return max(slot for slot in self._around(now) if slot <= now)

    def following(self, now: datetime) -> datetime:
        return min(slot for slot in self._around(now) if slot > now)


@dataclass(frozen=True, slots=True)
class Monthly:
    """Each month on day `day` (1 to 28, so every month has it) at `at` local time in `zone`: the month-end run."""

    day: int
    at: time
    zone: ZoneInfo

    def __post_init__(self) -> None:
        if not 1 <= self.day <= 28:
            raise ValueError("a monthly schedule's day must be 1 to 28")

    def _around(self, now: datetime) -> list[datetime]:
        local = now.astimezone(self.zone).date()
        months = [(local.year * 12 + local.month - 1 + offset) for offset in (-1, 0, 1)]
        daily = Daily(self.at, self.zone)
        return [daily.on(date(m // 12, m % 12 + 1, self.day)) for m in months]

    def latest(self, now: datetime) -> datetime:
        return max(slot for slot in self._around(now) if slot <= now)

    def following(self, now: datetime) -> datetime:
        return min(slot for slot in self._around(now) if slot > now)


@dataclass(frozen=True, slots=True)
class Every:
    """Every `period`, at multiples of it since the Unix epoch (every 15 minutes: :00, :15, :30, :45 UTC)."""

    period: timedelta

    def __post_init__(self) -> None:
        if self.period <= timedelta(0):
            raise ValueError("a schedule's period must be positive")

    def latest(self, now: datetime) -> datetime:
        return EPOCH + ((now - EPOCH) // self.period) * self.period

    def following(self, now: datetime) -> datetime:
        return self.latest(now) + self.period


@dataclass(frozen=True, slots=True)
class SlotState:
    """What the ledger knows about a job: the newest slot claimed, and while its claimant runs it, when the
    claimant's lease runs out (`running_until`; None once the run has finished)."""

    last: datetime | None = None
    running_until: datetime | None = None


def due_slot(schedule: Schedule, now: datetime, state: SlotState, grace: timedelta) -> datetime | None:
    """The slot to run now, or None. Only the newest slot is ever considered, so a job that missed several runs
    runs once. A slot whose claimant stopped mid-run (its lease lapsed) is due again; a run still in progress holds
    back every later slot, so runs of one job never overlap."""
    slot = schedule.latest(now)
    if now - slot > grace:
        return None
    running = state.running_until is not None and state.running_until > now
    if running:
        return None
    if state.last is None or slot > state.last:
        return slot
    if slot == state.last and state.running_until is not None:
        return slot
    return None
