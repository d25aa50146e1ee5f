"""Each scheduled slot runs once across replicas sharing the ledger (SQLite and PostgreSQL), on a virtual clock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from integration.app.slots import SlotDesk
from integration.clock import VirtualClock
from integration.rules.schedule import Daily, Every
from integration.store import Store

SUMMARY = Daily(time(8, 0), ZoneInfo("Australia/Sydney"))
GRACE = timedelta(hours=6)
MON_0800 = datetime(2026, 11, 1, 21, 0, tzinfo=UTC)  # 08:00 on Mon 2 Nov in Sydney


def test_a_missed_run_is_made_up_once_by_one_of_the_replicas_that_start_within_the_grace_period(
    store: Store,
) -> None:
    clock = VirtualClock(MON_0800 - timedelta(days=1))
    replicas = [SlotDesk(store, clock) for _ in range(3)]
    ran: list[datetime] = []
    assert replicas[0].run_due("summary", SUMMARY, ran.append, grace=GRACE) == MON_0800 - timedelta(days=1)
    clock.advance(
        timedelta(days=1, hours=2).total_seconds()
    )  # every replica was down at 08:00; back at 10:00
    for replica in replicas:
        replica.run_due("summary", SUMMARY, ran.append, grace=GRACE)
    clock.advance(3600)
    for replica in replicas:
        replica.run_due("summary", SUMMARY, ran.append, grace=GRACE)
    assert ran == [MON_0800 - timedelta(days=1), MON_0800]


def test_a_run_missed_by_more_than_the_grace_period_is_not_made_up_and_the_next_one_runs(
    store: Store,
) -> None:
    clock = VirtualClock(MON_0800 + timedelta(hours=7))
    desk = SlotDesk(store, clock)
    ran: list[datetime] = []
    assert desk.run_due("summary", SUMMARY, ran.append, grace=GRACE) is None
    clock.advance(timedelta(hours=17).total_seconds())
    assert desk.run_due("summary", SUMMARY, ran.append, grace=GRACE) == MON_0800 + timedelta(days=1)
    assert ran == [MON_0800 + timedelta(days=1)]


def test_replicas_racing_for_one_slot_run_it_once(store: Store) -> None:
    clock = VirtualClock(MON_0800 + timedelta(seconds=5))
    barrier = threading.Barrier(4)
    ran: list[datetime] = []

    def replica() -> None:
        desk = SlotDesk(store, clock)
        barrier.wait()
        desk.run_due("summary", SUMMARY, ran.append, grace=GRACE)

    threads = [threading.Thread(target=replica) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert ran == [MON_0800]


def test_a_slot_still_running_holds_back_the_next_and_a_dead_replicas_slot_is_run_again(store: Store) -> None:
    clock = VirtualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    every = Every(timedelta(seconds=30))
    first, second = SlotDesk(store, clock), SlotDesk(store, clock)
    ran: list[tuple[str, datetime]] = []

    def long_run(slot: datetime) -> None:
        clock.advance(31)  # the next slot comes while this one still runs
        assert second.run_due("sync", every, lambda s: ran.append(("second", s)), grace=GRACE) is None
        ran.append(("first", slot))

    first.run_due("sync", every, long_run, grace=GRACE)
    assert ran == [("first", datetime(2026, 11, 2, 9, 0, tzinfo=UTC))]

    # A replica claims the next slot and dies before finishing: its lease keeps the slot until it runs out.
    slot = every.latest(clock.now())
    with store.unit_of_work() as uow:
        lease = timedelta(seconds=10)
        assert uow.leases.claim_slot("schedule:sync", slot, holder="dead", ttl=lease, now=clock.now())
        uow.commit()
    assert second.run_due("sync", every, lambda s: ran.append(("second", s)), grace=GRACE) is None
    clock.advance(11)  # within the same slot, after the lease ran out
    assert every.latest(clock.now()) == slot
    assert second.run_due("sync", every, lambda s: ran.append(("second", s)), grace=GRACE) == slot
    assert ran[-1] == ("second", slot)
    assert second.state("sync").running_until is None
