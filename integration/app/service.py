"""The one facade the Slack face and the command line call. It speaks in domain types only.

Built by `bootstrap.build_service()`; tests build it with their own gateways and store. Alerts live on
`service.alerts` (an `AlertDesk`); what crosses the engine (retrying an alert, fixing a mapping from one) is here.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from integration.alerting.desk import AlertDesk, alert_target
from integration.app.connecting import Connector
from integration.app.slots import SlotDesk
from integration.clock import SystemClock
from integration.domain import (
    AccountingBasis,
    Alert,
    AlertChanges,
    AlertSource,
    AlertState,
    ConnectionHealth,
    Document,
    Mapping,
    MappingKind,
    Problem,
    RunStatus,
    SyncReport,
    UnlinkRequest,
    XeroAccount,
)
from integration.errors import AlertNotFixable, MappingTargetMissing, SyncInProgress, XerobotError, describe
from integration.ports import ActionstepGateway, XeroGateway
from integration.rules.health import HealthCheck, budget_problems, connection_problems, expiry_problems
from integration.rules.mapping import Mapper
from integration.rules.summary import OUTCOMES as SUMMARY_OUTCOMES
from integration.rules.summary import Summary, summarise
from integration.store import Store
from integration.sync.engine import KIND_ORDER, SYNC_LEASE, Progress, SyncEngine, in_progress
from integration.unlinking.unlinker import Unlinker, UnlinkOutcome, UnlinkPolicy, request_target


class Closeable(Protocol):
    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class RunInfo:
    run_id: int
    trigger: str
    actor: str
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    summary: dict[str, int]


@dataclass(frozen=True, slots=True)
class RunningSync:
    """The sync holding the single-flight lease: who started it, from where, and when."""

    actor: str | None
    trigger: str | None
    since: datetime | None


@dataclass(frozen=True, slots=True)
class Status:
    last_run: RunInfo | None
    running: RunningSync | None
    alerts: list[Alert]  # unresolved, oldest first
    connections: list[ConnectionHealth]
    unlinks: list[UnlinkRequest] = field(default_factory=list)  # waiting, running or stopped at a step

    @property
    def open_alerts(self) -> list[Alert]:
        return [a for a in self.alerts if a.state is AlertState.OPEN]


@dataclass(frozen=True, slots=True)
class RetryResult:
    """A retry ran a sync (`report`, `changes`), or did nothing and `busy` says why (`busy_by`: whose retry)."""

    alert: Alert
    report: SyncReport | None = None
    changes: AlertChanges = field(default_factory=AlertChanges)
    busy: str | None = None
    busy_by: str | None = None


@dataclass(frozen=True, slots=True)
class FixResult:
    """A mapping saved from an alert (`mapping`), whether a fresh check shows it fixed, or why nothing changed."""

    alert: Alert
    mapping: Mapping | None = None
    resolved: bool = False
    busy: str | None = None


__all__ = [
    "ConnectionHealth",
    "FixResult",
    "HealthCheck",
    "Progress",
    "RetryResult",
    "RunInfo",
    "RunningSync",
    "Service",
    "Status",
    "Summary",
    "UnlinkOutcome",
    "UnlinkPolicy",
    "request_target",
]

# Seconds a connection probe is trusted: App Home opens often, and each probe costs API calls.
HEALTH_TTL = 300.0
RETRY_TTL = timedelta(minutes=30)
SUMMARY_CURSOR = "summary:posted"  # the end of the period the last posted summary covered


class Service:
    """Sync, check and manage mappings and alerts for one firm."""

    def __init__(
        self,
        store: Store,
        actionstep: ActionstepGateway,
        xero: XeroGateway,
        engine: SyncEngine,
        *,
        connector: Connector | None = None,
        closing: tuple[Closeable, ...] = (),
        unlink_policy: UnlinkPolicy | None = None,
    ) -> None:
        self.store = store
        self.actionstep = actionstep
        self.xero = xero
        self.engine = engine
        self.connector = connector  # None where links cannot be served (the console demo)
        self._closing = closing
        self.alerts = AlertDesk(store)
        # Slots compare times across replicas, so they use real time whatever clock the engine runs on.
        self.slots = SlotDesk(store, SystemClock())
        self.unlinks = Unlinker(store, xero, engine.clock, unlink_policy)
        self._health: tuple[float, list[ConnectionHealth]] | None = None

    def sync(
        self,
        trigger: str,
        actor: str,
        *,
        dry_run: bool = False,
        progress: Callable[[Progress], None] | None = None,
    ) -> SyncReport:
        """Run a sync (or a preview with `dry_run`); see `SyncEngine.run`."""
        return self.engine.run(trigger, actor, dry_run=dry_run, progress=progress)

    def check(self) -> list[Problem]:
        """Mapping health: every broken mapping, with the pending documents each one blocks."""
        with self.store.unit_of_work() as uow:
            mappings = uow.mappings.all()
        mapper = Mapper(mappings, self.actionstep.books(), self.xero.chart())
        pending: list[Document] = []
        for kind in KIND_ORDER:
            if kind.pushed:
                listing = self.actionstep.documents(kind, self.engine.since(kind))
                pending.extend(d for d in listing if isinstance(d, Document))
        with self.store.unit_of_work() as uow:
            linked = uow.links.active_for(d.ref for d in pending)
        return mapper.check(d for d in pending if d.ref not in linked).problems

    def mappings(self) -> list[Mapping]:
        with self.store.unit_of_work() as uow:
            return uow.mappings.all()

    def set_mapping(self, kind: MappingKind, source_id: str, xero_account: str, actor: str) -> Mapping:
        """Map an Actionstep account, timekeeper, role or tax code; the Xero side must exist in Xero's chart."""
        if kind is not MappingKind.TAX_CODE:
            account = self.xero.chart().find(xero_account)
            if account is None:
                raise MappingTargetMissing(
                    f"Xero has no account with code or id {xero_account}. Check the code in Xero's chart of accounts."
                )
            xero_account = account.code or account.account_id
        mapping = Mapping(kind, source_id, xero_account, updated_by=actor)
        with self.store.unit_of_work() as uow:
            uow.mappings.set(mapping)
            uow.audit.record(actor, "mapping.set", f"{kind.value}:{source_id}", detail={"xero": xero_account})
            uow.commit()
        return mapping

    def remove_mapping(self, kind: MappingKind, source_id: str, actor: str) -> bool:
        with self.store.unit_of_work() as uow:
            removed = uow.mappings.remove(kind, source_id)
            uow.audit.record(actor, "mapping.remove", f"{kind.value}:{source_id}", allowed=True)
            uow.commit()
        return removed

    def last_run(self) -> RunInfo | None:
        with self.store.unit_of_work() as uow:
            run = uow.runs.last()
        if run is None:
            return None
        return RunInfo(
            run.id, run.trigger, run.actor, run.status, run.started_at, run.finished_at, run.summary or {}
        )

    def raise_alerts(self, report: SyncReport) -> AlertChanges:
        """Record a report's problems as alerts: which are new, which repeat, which it resolved."""
        return self.alerts.raise_report(report)

    def retry(
        self, alert_id: int, actor: str, *, progress: Callable[[Progress], None] | None = None
    ) -> RetryResult:
        """Run a sync for an alert, once: while one retry of it runs, another click is told who started it."""
        alert = self.alerts.get(alert_id)
        if alert.state is AlertState.RESOLVED:
            return RetryResult(alert, busy="It is already resolved.")
        lease, holder = f"alert-retry:{alert_id}", f"{actor}:{uuid.uuid4().hex[:8]}"
        with self.store.unit_of_work() as uow:
            acquired = uow.leases.acquire(lease, holder, RETRY_TTL, detail=actor)
            current = None if acquired else uow.leases.current(lease)
            uow.commit()
        if not acquired:
            by = current.detail if current else None
            return RetryResult(alert, busy="A retry of it is already running.", busy_by=by)
        try:
            report = self.sync("retry", actor, progress=progress)
            changes = self.raise_alerts(report)
        except SyncInProgress as error:
            return RetryResult(self.alerts.get(alert_id), busy=str(error))
        finally:
            with self.store.unit_of_work() as uow:
                uow.leases.release(lease, holder)
                uow.commit()
        after = self.alerts.get(alert_id)
        result = "resolved" if after.state is AlertState.RESOLVED else "still failing"
        self.audit(
            actor, "alert.retry", alert_target(alert_id), detail={"result": result, "run": report.run_id}
        )
        return RetryResult(after, report, changes)

    def fix_mapping(self, alert_id: int, xero_account: str, actor: str) -> FixResult:
        """Save the mapping a mapping alert asks for, then check again: resolved at once when the problem is gone."""
        alert = self.alerts.get(alert_id)
        if alert.state is AlertState.RESOLVED:
            return FixResult(alert, busy="It is already resolved.")
        target = alert.mapping_target
        if target is None:
            raise AlertNotFixable(f"Alert {alert_id} ({alert.code}) is not fixed by one mapping.")
        mapping = self.set_mapping(target[0], target[1], xero_account, actor)
        try:
            still = {p.fingerprint for p in self.check()}
        except XerobotError:  # cannot look now: the next sync resolves it
            still = {alert.fingerprint}
        resolved = alert.fingerprint not in still and self.alerts.resolve(alert_id)
        detail = {
            "mapping": f"{mapping.kind.value}:{mapping.source_id}",
            "xero": mapping.xero_account,
            "resolved": resolved,
        }
        self.audit(actor, "alert.fix", alert_target(alert_id), detail=detail)
        return FixResult(self.alerts.get(alert_id), mapping, resolved)

    def xero_accounts(self) -> list[XeroAccount]:
        """Active accounts in Xero's chart, by code: what a mapping may point at."""
        accounts = [a for a in self.xero.chart().accounts if a.active]
        return sorted(accounts, key=lambda a: (a.code is None, a.code or "", a.name))

    def audit(
        self, actor: str, action: str, target: str | None = None, *, allowed: bool = True,
        detail: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        """Write one event to the audit log."""
        with self.store.unit_of_work() as uow:
            uow.audit.record(actor, action, target, allowed=allowed, detail=detail)
            uow.commit()

    def status(self) -> Status:
        """Last run, the running sync (if any), unresolved alerts and connection health."""
        with self.store.unit_of_work() as uow:
            lease = uow.leases.current(SYNC_LEASE, now=self.engine.clock.now())
            alerts = uow.alerts.unresolved()
        busy = in_progress(lease) if lease else None
        running = RunningSync(busy.actor, busy.trigger, busy.started) if busy else None
        return Status(self.last_run(), running, alerts, self.connections(), self.unlinks.open())

    def summary(self, *, now: datetime | None = None) -> Summary:
        """What happened since the last posted summary (or in the last day, before the first), and what needs
        someone now."""
        until = now or self.engine.clock.now()
        with self.store.unit_of_work() as uow:
            stored = uow.cursors.get(SUMMARY_CURSOR)
            since = datetime.fromisoformat(stored) if stored else until - timedelta(days=1)
            items = uow.runs.items_since(since, SUMMARY_OUTCOMES, until=until)
            runs = uow.runs.count_since(since, until)
            alerts = uow.alerts.unresolved()
            unlinks = uow.unlinks.open_lines(until)
        return summarise(
            since, until, items, runs=runs, alerts=alerts, unlinks=unlinks, connections=self.connections()
        )

    def summary_posted(self, summary: Summary) -> None:
        """The next summary starts where this one ended."""
        with self.store.unit_of_work() as uow:
            uow.cursors.set(SUMMARY_CURSOR, summary.until.isoformat())
            uow.commit()

    def health_check(self) -> HealthCheck:
        """Fresh connection probes, mapping and chart problems (`check`), refresh tokens that expire unused within
        a week, and Xero's daily call budget; see `integration.rules.health`. Raise its findings with `raise_health`."""
        connections = self.connections(fresh=True)
        try:
            mapping = self.check()
            complete = True
        except XerobotError:  # cannot look now: nothing found is not everything fixed
            mapping, complete = [], False
        with self.store.unit_of_work() as uow:
            expiries = uow.connections.refresh_expiries()
        problems = [
            *connection_problems(connections),
            *expiry_problems(expiries, self.engine.clock.now()),
            *budget_problems(self.xero.day_calls_remaining()),
            *mapping,
        ]
        return HealthCheck(tuple(problems), complete, tuple(connections))

    def raise_health(self, check: HealthCheck) -> AlertChanges:
        """Record a health check's findings as alerts; a complete check resolves the ones it no longer finds."""
        return self.alerts.raise_problems(check.problems, AlertSource.CHECK, complete=check.complete)

    def connections(self, *, fresh: bool = False) -> list[ConnectionHealth]:
        """Probe Xero and Actionstep (one cheap call each), trusting a probe for `HEALTH_TTL` seconds unless
        `fresh`."""
        now = time.monotonic()
        if not fresh and self._health is not None and now - self._health[0] < HEALTH_TTL:
            return self._health[1]
        health = [self._probe("xero", self._xero_health), self._probe("actionstep", self._actionstep_health)]
        self._health = (now, health)
        return health

    def _probe(self, remote: str, probe: Callable[[], ConnectionHealth]) -> ConnectionHealth:
        try:
            return probe()
        except XerobotError as error:
            return ConnectionHealth(remote, False, str(error), error.fix, error.code)

    def _xero_health(self) -> ConnectionHealth:
        organisation = self.xero.organisation()
        return ConnectionHealth("xero", True, f"Connected to {organisation.name}.")

    def _actionstep_health(self) -> ConnectionHealth:
        if self.actionstep.accounting_basis() is AccountingBasis.CASH:
            return ConnectionHealth(
                "actionstep",
                False,
                "Connected, but set to the Cash basis.",
                describe("org.cash_basis").fix,
                "org.cash_basis",
            )
        return ConnectionHealth("actionstep", True, "Connected (Accrual basis).")

    def close(self) -> None:
        for resource in self._closing:
            resource.close()
        self.store.close()
