"""Syncing: run a sync and raise what it found, preview one, retry one for an alert, check the mappings.

A sync finishes its own work: it records its problems as alerts (new, repeating, resolved) and returns them with
the report, so a caller only shows the report and publishes the changes. A preview raises nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from integration import telemetry
from integration.alerting.desk import AlertDesk, alert_target
from integration.app import audit
from integration.domain import Alert, AlertChanges, AlertState, Document, Mapping, Problem, SyncReport
from integration.errors import SyncInProgress
from integration.leases import LeaseBusy, held
from integration.ports import ActionstepGateway, XeroGateway
from integration.rules.mapping import Mapper
from integration.store import Store
from integration.sync import cursor
from integration.sync.engine import SyncEngine
from integration.sync.kind_pass import KIND_ORDER, Progress

RETRY_TTL = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class SyncResult:
    """A finished sync: its report, and the alerts it raised, repeated or resolved."""

    report: SyncReport
    changes: AlertChanges = field(default_factory=AlertChanges)


@dataclass(frozen=True, slots=True)
class RetryResult:
    """A retry ran a sync (`report`, `changes`), or did nothing and `busy` says why (`busy_by`: whose retry)."""

    alert: Alert
    report: SyncReport | None = None
    changes: AlertChanges = field(default_factory=AlertChanges)
    busy: str | None = None
    busy_by: str | None = None


class Syncing:
    """Sync, preview, retry and check for one firm."""

    def __init__(
        self,
        store: Store,
        actionstep: ActionstepGateway,
        xero: XeroGateway,
        engine: SyncEngine,
        alerts: AlertDesk,
    ) -> None:
        self.store = store
        self._actionstep = actionstep
        self._xero = xero
        self._engine = engine
        self.alerts = alerts

    def sync(
        self, trigger: str, actor: str, *, progress: Callable[[Progress], None] | None = None,
        started: Callable[[], None] | None = None,
    ) -> SyncResult:  # fmt: skip
        """Run a sync (see `SyncEngine.run`) and record its problems as alerts."""
        report = self._engine.run(trigger, actor, progress=progress, started=started)
        telemetry.SYNCS.labels(report.status.value).inc()
        for item in report.items:
            telemetry.DOCUMENTS.labels(item.source.kind.value, item.outcome.value).inc()
        return SyncResult(report, self.alerts.raise_report(report))

    def preview(
        self, trigger: str, actor: str, *, progress: Callable[[Progress], None] | None = None,
        started: Callable[[], None] | None = None,
    ) -> SyncReport:  # fmt: skip
        """What a sync would post, posting nothing and raising no alert."""
        return self._engine.run(trigger, actor, dry_run=True, progress=progress, started=started)

    def retry(
        self, alert_id: int, actor: str, *, progress: Callable[[Progress], None] | None = None
    ) -> RetryResult:
        """Run a sync for an alert, once: while one retry of it runs, another click is told who started it."""
        alert = self.alerts.get(alert_id)
        if alert.state is AlertState.RESOLVED:
            return RetryResult(alert, busy="It is already resolved.")
        try:
            with held(self.store, f"alert-retry:{alert_id}", RETRY_TTL, detail=actor):
                done = self.sync("retry", actor, progress=progress)
        except LeaseBusy as busy:
            return RetryResult(alert, busy="A retry of it is already running.", busy_by=busy.detail)
        except SyncInProgress as error:
            return RetryResult(self.alerts.get(alert_id), busy=str(error))
        after = self.alerts.get(alert_id)
        result = "resolved" if after.state is AlertState.RESOLVED else "still failing"
        audit.record(
            self.store,
            actor,
            "alert.retry",
            alert_target(alert_id),
            detail={"result": result, "run": done.report.run_id},
        )
        return RetryResult(after, done.report, done.changes)

    def check(self) -> list[Problem]:
        """Mapping health: every broken mapping, with the pending documents each one blocks."""
        with self.store.unit_of_work() as uow:
            mappings: list[Mapping] = uow.mappings.all()
        mapper = Mapper(mappings, self._actionstep.books(), self._xero.chart())
        return mapper.check(self.pending()).problems

    def pending(self) -> list[Document]:
        """The approved documents a sync would consider now and that are not linked: what changed since each kind's
        cursor and the pending set, read as a sync reads them."""
        pending: list[Document] = []
        for kind in KIND_ORDER:
            if kind.pushed:
                reading = cursor.KindCursor(kind, cursor.pending(self.store, kind)).read(
                    self._actionstep.documents(kind, cursor.since(self.store, kind)),
                    partial(self._actionstep.documents_by_id, kind),
                )
                pending.extend(d for d in reading if isinstance(d, Document))
        with self.store.unit_of_work() as uow:
            linked = uow.links.active_for(d.ref for d in pending)
        return [d for d in pending if d.ref not in linked]
