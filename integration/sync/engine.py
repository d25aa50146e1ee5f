"""`SyncEngine.run`: push every approved Actionstep document to Xero exactly once, and say what happened.

The run, as DESIGN.md §3 describes it:
1. take the single-flight lease (a second run is refused, naming who started the first and when);
2. refuse a Cash-basis Actionstep; read Xero's organisation (lock dates), chart and currencies, Actionstep's books,
   the mappings;
3. per kind, in dependency order (documents before the payments and allocations that settle them), list what changed
   since the kind's cursor, classify each document (`classify`), translate the ones to send (`posting`) and deliver
   them in batches of at most 50 (`delivery`: outbox before send, outcome and link after);
4. a kind's cursor advances only past documents that are finished, so anything blocked or failed is listed again
   next time; a Xero outage stops the run cleanly with the unsent documents left for the next one;
5. an unlinked document waits until it changes in Actionstep (a new version), then is posted again; when its earlier
   Xero copy was left in Xero the report names both copies (`doc.duplicate_copy`), and when that copy still holds
   the number Xero refuses the new one and the report says so with the fix (`doc.number_held_by_old_copy`); credit
   an unlink took off a voided invoice is applied again to the corrected one, once (`reallocate`), or alerted.
The run and its lease are here; one kind's pass is in `kind_pass`, the problem book in `problems`, the cursor in
`cursor`. Errors follow the tree in `errors`: fatal ones (auth, daily limit, Cash basis) stop the run; remote outages
interrupt it; a bad document fails alone.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta

from integration import log_context
from integration.clock import Clock, SystemClock
from integration.domain import Outcome, RunStatus, SyncReport
from integration.errors import Retriable, SyncInProgress, XerobotError
from integration.leases import LeaseBusy, held
from integration.ports import ActionstepGateway, XeroGateway
from integration.rules.bankfeed import PaymentMatching
from integration.store import Store
from integration.store.leases import LeaseHolder
from integration.sync.kind_pass import KindPasses, Progress

SYNC_LEASE = "sync"

log = logging.getLogger(__name__)


class SyncEngine:
    """Runs syncs against one Actionstep and one Xero, recording everything in the ledger."""

    def __init__(
        self,
        store: Store,
        actionstep: ActionstepGateway,
        xero: XeroGateway,
        *,
        clock: Clock | None = None,
        batch_size: int = 50,
        lease_ttl: timedelta = timedelta(seconds=90),
        matching: PaymentMatching | None = None,
    ) -> None:
        if not 1 <= batch_size <= 50:
            raise ValueError("Xero batches hold 1 to 50 elements")
        self.store = store
        self.actionstep = actionstep
        self.xero = xero
        self.clock = clock or SystemClock()
        self.batch_size = batch_size
        self.lease_ttl = lease_ttl
        self.matching = matching or PaymentMatching()

    def run(
        self,
        trigger: str,
        actor: str,
        *,
        dry_run: bool = False,
        progress: Callable[[Progress], None] | None = None,
        started: Callable[[], None] | None = None,
    ) -> SyncReport:
        """One sync. Raises `SyncInProgress` if another (real) run holds the lease; every other failure is in the
        returned report (`status`, `error`) and in the ledger. `started` is called once the run may go ahead (the
        lease is held), before any work, so a caller announces only a sync that really runs."""
        if dry_run:  # a preview writes nothing that a real run reads, so it may run alongside one
            if started is not None:
                started()
            return self._run(trigger, actor, dry_run, progress)
        detail = json.dumps({"trigger": trigger, "actor": actor})
        try:
            with held(self.store, SYNC_LEASE, self.lease_ttl, detail=detail, take_over_dead=True):
                if started is not None:
                    started()
                return self._run(trigger, actor, dry_run, progress)
        except LeaseBusy as busy:
            raise in_progress(busy.current) from None

    def _run(
        self, trigger: str, actor: str, dry_run: bool, progress: Callable[[Progress], None] | None
    ) -> SyncReport:
        report = SyncReport(None, trigger, actor, self.clock.now(), dry_run=dry_run)
        calls_before = self.actionstep.api_calls + self.xero.api_calls
        try:
            with self.store.unit_of_work() as uow:
                report.run_id = uow.runs.start(trigger, actor, dry_run=dry_run, at=report.started_at)
                uow.commit()
            with log_context.bound(run_id=report.run_id):
                KindPasses(
                    self.store, self.actionstep, self.xero, self.batch_size, report, progress, self.matching
                ).execute()
            report.status = RunStatus.OK
        except Retriable as error:
            report.status, report.error, report.error_code = RunStatus.INTERRUPTED, str(error), error.code
        except XerobotError as error:
            report.status, report.error, report.error_code = RunStatus.FAILED, str(error), error.code
        finally:
            report.api_calls = self.actionstep.api_calls + self.xero.api_calls - calls_before
            report.finished_at = self.clock.now()
            self._finish(report)
        return report

    def _finish(self, report: SyncReport) -> None:
        if report.run_id is None:
            return
        summary = {o.value: report.count(o) for o in Outcome if report.count(o)}
        with self.store.unit_of_work() as uow:
            uow.runs.finish(
                report.run_id, status=report.status, api_calls=report.api_calls, summary=summary,
                error=report.error, at=report.finished_at,
            )  # fmt: skip
            uow.commit()
        with log_context.bound(run_id=report.run_id):
            log.info(
                "Sync run %s (%s) ended %s: %s; %d API calls", report.run_id, report.trigger, report.status.value,
                ", ".join(f"{n} {o}" for o, n in summary.items()) or "nothing to do", report.api_calls,
            )  # fmt: skip


def in_progress(current: LeaseHolder | None) -> SyncInProgress:
    """The error that describes the sync holding the lease `current`."""
    try:
        started_by = json.loads(current.detail) if current and current.detail else {}
    except ValueError:  # a lease written by an older version
        started_by = {}
    actor, trigger = started_by.get("actor"), started_by.get("trigger")
    started = current.acquired_at if current else None
    who = (
        f" ({trigger} by {actor}" + (f", started at {started:%H:%M UTC})" if started else ")")
        if actor
        else ""
    )
    return SyncInProgress(
        f"A sync is already running{who}. Wait for it to finish.",
        actor=actor,
        trigger=trigger,
        started=started,
    )
