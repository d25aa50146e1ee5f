"""Scheduled jobs run once per slot across every replica that shares the ledger.

Each replica polls its jobs; when `schedule.due_slot` says a slot is due, the replica first claims the slot in the
ledger (`LeaseRepository.claim_slot`: one conditional UPDATE, atomic on SQLite and PostgreSQL), and only the
replica whose claim succeeded runs the job. The claim is also a short lease, renewed by a heartbeat while the job
runs and released when it ends, so:
- three replicas polling the same slot run it once;
- a run still going (a long auto-sync) holds back the job's next slots, so runs of a job never overlap;
- a replica killed mid-run leaves a lease that runs out, and the slot is run again by another replica (so a job
  killed after its side effect but before its release can repeat that once: the price of never losing a run).
Each run that ends is in the audit log (`schedule.run`, target `job@slot`), with the replica that ran it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from integration.clock import Clock
from integration.leases import LeaseBusy, held
from integration.rules.schedule import Schedule, SlotState, due_slot
from integration.store import Store

log = logging.getLogger(__name__)
DEFAULT_TTL = timedelta(seconds=60)
ACTOR = "the scheduler"
AUDIT_ACTION = (
    "schedule.run"  # one event per slot run, naming the replica that ran it and whether it succeeded
)


def lease_name(job: str) -> str:
    return f"schedule:{job}"


class SlotDesk:
    """Claims and runs slots of named jobs; `Service.slots`."""

    def __init__(self, store: Store, clock: Clock, *, ttl: timedelta = DEFAULT_TTL) -> None:
        self._store = store
        self._clock = clock
        self.ttl = ttl

    def now(self) -> datetime:
        return self._clock.now()

    def state(self, job: str) -> SlotState:
        with self._store.unit_of_work() as uow:
            last, running_until = uow.leases.slot_state(lease_name(job))
        return SlotState(last, running_until)

    def run_due(
        self,
        job: str,
        schedule: Schedule,
        action: Callable[[datetime], None],
        *,
        grace: timedelta,
        ttl: timedelta | None = None,
    ) -> datetime | None:
        """Run `action(slot)` if a slot of `schedule` is due and this process wins it; returns the slot it ran.
        `ttl` (default `self.ttl`) is how long the slot stays held if this process dies while running it."""
        ttl = ttl or self.ttl
        now = self._clock.now()
        slot = due_slot(schedule, now, self.state(job), grace)
        if slot is None:
            return None
        done, holder = False, None
        try:
            with held(self._store, lease_name(job), ttl, slot=slot, clock=self._clock) as holder:
                log.info("Running %s for %s", job, slot.isoformat())
                action(slot)
                done = True
        except LeaseBusy:
            if holder is None:  # the slot was not ours to run
                return None
            raise
        finally:
            if holder is not None:
                with self._store.unit_of_work() as uow:
                    detail = {"holder": holder, "ok": done}
                    uow.audit.record(ACTOR, AUDIT_ACTION, f"{job}@{slot.isoformat()}", detail=detail)
                    uow.commit()
        return slot
