"""How things stand: the last run, the running sync, unresolved alerts and unlinks, connection health, the
periodic summary and the daily health check."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from integration.alerting.desk import AlertDesk
from integration.app.drift import last_pass
from integration.clock import Clock
from integration.domain import (
    AccountingBasis,
    Alert,
    AlertChanges,
    AlertSource,
    AlertState,
    ConnectionHealth,
    LastDriftPass,
    Problem,
    RunStatus,
    UnlinkRequest,
    WebhookCounts,
)
from integration.errors import XerobotError, describe
from integration.ports import ActionstepGateway, XeroGateway
from integration.rules.health import HealthCheck, budget_problems, connection_problems, expiry_problems
from integration.rules.summary import OUTCOMES as SUMMARY_OUTCOMES
from integration.rules.summary import Summary, summarise
from integration.store import Store
from integration.sync.engine import SYNC_LEASE, in_progress

# Seconds a connection probe is trusted: App Home opens often, and each probe costs API calls.
HEALTH_TTL = 300.0
SUMMARY_CURSOR = "summary:posted"  # the end of the period the last posted summary covered


@dataclass(frozen=True, slots=True)
class HealthResult:
    """A finished health check: what it found, and the alerts it raised, repeated or resolved."""

    check: HealthCheck
    changes: AlertChanges


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
    webhooks: WebhookCounts | None = None  # None when webhooks are off here and none was ever received
    last_drift: LastDriftPass | None = None  # the latest drift pass, None before the first

    @property
    def open_alerts(self) -> list[Alert]:
        return [a for a in self.alerts if a.state is AlertState.OPEN]

    @property
    def open_drift(self) -> int:
        """Open alerts about changes made in Xero to documents the bot posted."""
        return sum(1 for a in self.open_alerts if a.source is AlertSource.DRIFT)


class StatusBoard:
    """Status, summary and health for one firm."""

    def __init__(
        self,
        store: Store,
        actionstep: ActionstepGateway,
        xero: XeroGateway,
        clock: Clock,
        alerts: AlertDesk,
        *,
        check: Callable[[], list[Problem]],
        open_unlinks: Callable[[], list[UnlinkRequest]],
        webhooks: bool = False,
    ) -> None:
        self._store = store
        self._actionstep = actionstep
        self._xero = xero
        self._clock = clock
        self._alerts = alerts
        self._check = check
        self._open_unlinks = open_unlinks
        self._webhooks = webhooks  # whether Xero's webhooks are received here (a webhook key is set)
        self._health: tuple[float, list[ConnectionHealth]] | None = None

    def status(self) -> Status:
        """Last run, the running sync (if any), unresolved alerts, connection health, Xero's webhooks and the
        latest drift pass."""
        with self._store.unit_of_work() as uow:
            lease = uow.leases.current(SYNC_LEASE, now=self._clock.now())
            alerts = uow.alerts.unresolved()
            events = WebhookCounts.of(uow.webhooks.counts())
            drift = last_pass(uow)
        busy = in_progress(lease) if lease else None
        running = RunningSync(busy.actor, busy.trigger, busy.started) if busy else None
        webhooks = events if self._webhooks or events.received else None
        return Status(
            self.last_run(), running, alerts, self.connections(), self._open_unlinks(), webhooks, drift
        )

    def last_run(self) -> RunInfo | None:
        with self._store.unit_of_work() as uow:
            run = uow.runs.last()
        if run is None:
            return None
        return RunInfo(
            run.id, run.trigger, run.actor, run.status, run.started_at, run.finished_at, run.summary or {}
        )

    def summary(self, *, now: datetime | None = None) -> Summary:
        """What happened since the last posted summary (or in the last day, before the first), and what needs
        someone now."""
        until = now or self._clock.now()
        with self._store.unit_of_work() as uow:
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
        with self._store.unit_of_work() as uow:
            uow.cursors.set(SUMMARY_CURSOR, summary.until.isoformat())
            uow.commit()

    def health_check(self) -> HealthResult:
        """Fresh connection probes, mapping and chart problems (`check`), refresh tokens that expire unused within
        a week, and Xero's daily call budget (see `integration.rules.health`), recorded as alerts: a complete check
        resolves the ones it no longer finds."""
        connections = self.connections(fresh=True)
        try:
            mapping = self._check()
            complete = True
        except XerobotError:  # cannot look now: nothing found is not everything fixed
            mapping, complete = [], False
        with self._store.unit_of_work() as uow:
            expiries = uow.connections.refresh_expiries()
        problems = [
            *connection_problems(connections),
            *expiry_problems(expiries, self._clock.now()),
            *budget_problems(self._xero.day_calls_remaining()),
            *mapping,
        ]
        check = HealthCheck(tuple(problems), complete, tuple(connections))
        return HealthResult(
            check, self._alerts.raise_problems(problems, AlertSource.CHECK, complete=complete)
        )

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
        organisation = self._xero.organisation()
        return ConnectionHealth("xero", True, f"Connected to {organisation.name}.")

    def _actionstep_health(self) -> ConnectionHealth:
        if self._actionstep.accounting_basis() is AccountingBasis.CASH:
            return ConnectionHealth(
                "actionstep",
                False,
                "Connected, but set to the Cash basis.",
                describe("org.cash_basis").fix,
                "org.cash_basis",
            )
        return ConnectionHealth("actionstep", True, "Connected (Accrual basis).")
