"""When scheduled jobs run: the time and zone are honoured across daylight-saving changes, a missed run is made up
once within the grace period and never after it, and runs of one job never overlap. Time is simulated: a replica
polling every few minutes for days takes milliseconds."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from integration.rules.schedule import Daily, Every, Monthly, Schedule, SlotState, due_slot

SYDNEY = ZoneInfo("Australia/Sydney")
GRACE = timedelta(hours=6)


def simulate(
    schedule: Schedule, start: datetime, end: datetime, *, every: timedelta = timedelta(minutes=5),
    down: tuple[datetime, datetime] | None = None,
) -> list[datetime]:  # fmt: skip
    """A replica polling every `every` from `start` to `end` (not polling while `down`): the slots it runs."""
    state, ran, now = SlotState(), [], start
    while now <= end:
        if down is None or not down[0] <= now < down[1]:
            slot = due_slot(schedule, now, state, GRACE)
            if slot is not None:
                ran.append(slot)
                state = SlotState(last=slot)
        now += every
    return ran


def local(moments: list[datetime]) -> list[str]:
    return [f"{m.astimezone(SYDNEY):%a %d %b %H:%M %Z}" for m in moments]


def test_the_daily_summary_stays_at_eight_in_sydney_when_the_clocks_go_forward_in_october() -> None:
    # Daylight saving starts on the first Sunday of October (4 Oct 2026): 02:00 AEST becomes 03:00 AEDT.
    ran = simulate(
        Daily(time(8, 0), SYDNEY),
        datetime(2026, 10, 3, 5, tzinfo=UTC),  # Sat 3 Oct, 15:00 in Sydney
        datetime(2026, 10, 5, 23, tzinfo=UTC),
    )
    assert local(ran) == ["Sun 04 Oct 08:00 AEDT", "Mon 05 Oct 08:00 AEDT", "Tue 06 Oct 08:00 AEDT"]
    assert [m.hour for m in ran] == [21, 21, 21]  # 21:00 UTC the day before, now that Sydney is UTC+11


def test_the_daily_summary_stays_at_eight_in_sydney_when_the_clocks_go_back_in_april() -> None:
    # Daylight saving ends on the first Sunday of April (5 Apr 2026): 03:00 AEDT becomes 02:00 AEST.
    ran = simulate(
        Daily(time(8, 0), SYDNEY),
        datetime(2026, 4, 4, 5, tzinfo=UTC),  # Sat 4 Apr, 16:00 in Sydney
        datetime(2026, 4, 6, 23, tzinfo=UTC),
    )
    assert local(ran) == ["Sun 05 Apr 08:00 AEST", "Mon 06 Apr 08:00 AEST", "Tue 07 Apr 08:00 AEST"]
    assert [m.hour for m in ran] == [22, 22, 22]  # 22:00 UTC the day before, at UTC+10


def test_a_time_the_clocks_skip_runs_once_an_hour_later_and_a_time_they_repeat_runs_once() -> None:
    half_past_two = Daily(time(2, 30), SYDNEY)
    forward = simulate(
        half_past_two, datetime(2026, 10, 2, 12, tzinfo=UTC), datetime(2026, 10, 5, 12, tzinfo=UTC)
    )
    assert local(forward) == ["Sat 03 Oct 02:30 AEST", "Sun 04 Oct 03:30 AEDT", "Mon 05 Oct 02:30 AEDT"]
    back = simulate(half_past_two, datetime(2026, 4, 3, 12, tzinfo=UTC), datetime(2026, 4, 6, 12, tzinfo=UTC))
    assert local(back) == ["Sat 04 Apr 02:30 AEDT", "Sun 05 Apr 02:30 AEDT", "Mon 06 Apr 02:30 AEST"]


def test_every_replica_computes_the_same_daily_slot_whatever_the_time_zone_it_runs_in() -> None:
    schedule = Daily(time(8, 0), SYDNEY)
    now = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    assert schedule.latest(now) == schedule.latest(now.astimezone(ZoneInfo("America/New_York")))
    assert schedule.following(now) == schedule.on(date(2026, 11, 3))


def test_periodic_slots_are_multiples_of_the_period_so_replicas_agree_without_talking() -> None:
    every = Every(timedelta(minutes=15))
    now = datetime(2026, 11, 2, 9, 7, 31, tzinfo=UTC)
    assert every.latest(now) == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert every.following(now) == datetime(2026, 11, 2, 9, 15, tzinfo=UTC)
    assert every.latest(datetime(2026, 11, 2, 9, 15, tzinfo=UTC)) == datetime(2026, 11, 2, 9, 15, tzinfo=UTC)
    with pytest.raises(ValueError, match="positive"):
        Every(timedelta(0))


def test_a_run_missed_while_every_replica_was_down_is_made_up_once_on_start_within_the_grace_period() -> None:
    schedule = Daily(time(8, 0), SYDNEY)
    start, end = datetime(2026, 11, 1, 6, tzinfo=UTC), datetime(2026, 11, 3, 0, tzinfo=UTC)  # from 17:00 Sun
    # Down from 07:00 to 10:00 in Sydney on Mon 2 Nov: the 08:00 run happens at 10:00, once.
    ran = simulate(
        schedule,
        start,
        end,
        down=(datetime(2026, 11, 1, 20, tzinfo=UTC), datetime(2026, 11, 1, 23, tzinfo=UTC)),
    )
    assert local(ran) == ["Mon 02 Nov 08:00 AEDT", "Tue 03 Nov 08:00 AEDT"]
    assert len(ran) == len(set(ran))


def test_a_run_missed_by_more_than_the_grace_period_is_not_made_up() -> None:
    schedule = Daily(time(8, 0), SYDNEY)
    start, end = datetime(2026, 11, 1, 6, tzinfo=UTC), datetime(2026, 11, 3, 0, tzinfo=UTC)  # from 17:00 Sun
    # Down from 07:00 until 15:00 in Sydney: seven hours late is past the six-hour grace period.
    ran = simulate(
        schedule,
        start,
        end,
        down=(datetime(2026, 11, 1, 20, tzinfo=UTC), datetime(2026, 11, 2, 4, tzinfo=UTC)),
    )
    assert local(ran) == ["Tue 03 Nov 08:00 AEDT"]


def test_days_of_downtime_make_up_only_the_newest_missed_run() -> None:
    schedule = Daily(time(8, 0), SYDNEY)
    now = datetime(2026, 11, 5, 0, tzinfo=UTC)  # 11:00 on Thu 5 Nov in Sydney
    state = SlotState(last=schedule.on(date(2026, 11, 1)))
    assert due_slot(schedule, now, state, GRACE) == schedule.on(date(2026, 11, 5))


def test_a_run_in_progress_holds_back_the_next_slot_and_a_finished_slot_never_runs_again() -> None:
    every = Every(timedelta(minutes=15))
    slot = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    later = slot + timedelta(minutes=16)  # the 09:15 slot has come
    running = SlotState(last=slot, running_until=later + timedelta(seconds=30))
    assert due_slot(every, later, running, GRACE) is None
    assert due_slot(every, slot + timedelta(minutes=5), SlotState(last=slot), GRACE) is None
    assert due_slot(every, later, SlotState(last=slot), GRACE) == slot + timedelta(minutes=15)


def test_a_slot_whose_replica_died_mid_run_is_due_again_once_its_lease_has_run_out() -> None:
    every = Every(timedelta(minutes=15))
    slot = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    now = slot + timedelta(minutes=3)
    assert due_slot(every, now, SlotState(last=slot, running_until=now - timedelta(seconds=1)), GRACE) == slot
    assert due_slot(every, now, SlotState(last=slot, running_until=now + timedelta(seconds=1)), GRACE) is None


def test_the_month_end_run_happens_once_a_month_on_its_day_at_the_summary_time_across_a_year_end() -> None:
    ran = simulate(
        Monthly(3, time(8, 0), SYDNEY),
        datetime(2026, 11, 5, tzinfo=UTC),
        datetime(2027, 2, 10, tzinfo=UTC),
        every=timedelta(minutes=30),
    )

    assert local(ran) == [
        "Thu 03 Dec 08:00 AEDT", "Sun 03 Jan 08:00 AEDT", "Wed 03 Feb 08:00 AEDT",
    ]  # fmt: skip


def test_a_month_end_run_missed_beyond_the_grace_period_waits_for_the_next_month() -> None:
    down = (datetime(2026, 12, 2, tzinfo=UTC), datetime(2026, 12, 5, tzinfo=UTC))
    ran = simulate(
        Monthly(3, time(8, 0), SYDNEY),
        datetime(2026, 11, 25, tzinfo=UTC),
        datetime(2027, 1, 5, tzinfo=UTC),
        every=timedelta(minutes=30),
        down=down,
    )

    assert local(ran) == ["Sun 03 Jan 08:00 AEDT"]


@pytest.mark.parametrize("day", [0, 29, 31])
def test_a_monthly_schedule_refuses_a_day_not_every_month_has(day: int) -> None:
    with pytest.raises(ValueError, match="1 to 28"):
        Monthly(day, time(8, 0), SYDNEY)
