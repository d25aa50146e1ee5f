"""The one facade the Slack face and the command line call. It speaks in domain types only.

Built by `bootstrap.build_service()`; tests build it with their own gateways and store. Its attributes `alerts`,
`xero_payments` (Link / Post anyway on a payment Xero already shows), `drift_actions` (Check again, Unlink in the
ledger, Adopt Xero's payment on a drift alert), `webhooks` (Xero's webhooks), `unlinks`, `slots`, `replays` (Slack
requests served once across replicas), `reconciling` (month end) and `connector` are use
cases in their own right; everything else is a method that hands the call to its use case: `syncing` (sync,
preview, retry, check), `mappings`, `status` (status, summary, health), `drift` (changes made in Xero).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from integration.alerting.desk import AlertDesk
from integration.app import audit
from integration.app.alerts import Alerts
from integration.app.connect import Connector
from integration.app.drift import DriftWatching, last_pass
from integration.app.drift_actions import DriftActions
from integration.app.mappings import Checked, FixResult, Mappings, Suggestions
from integration.app.onboarding import Checklist, Onboarding
from integration.app.reconciling import NoBooks, Reconciling
from integration.app.replays import ReplayGuard
from integration.app.slots import SlotDesk
from integration.app.status import HealthResult, RunInfo, Status, StatusBoard
from integration.app.syncing import RetryResult, Syncing, SyncResult
from integration.app.unlinks import Unlinks
from integration.app.webhooks import XeroWebhooks
from integration.app.xero_payments import XeroPayments
from integration.clock import SystemClock
from integration.domain import (
    ConnectionHealth,
    DriftPass,
    LastDriftPass,
    Mapping,
    MappingKind,
    MappingNeeds,
    MappingRow,
    Problem,
    SyncReport,
    XeroAccount,
)
from integration.ports import ActionstepGateway, XeroBooks, XeroGateway, XeroWatch
from integration.rules.summary import Summary
from integration.store import Store
from integration.sync.engine import SyncEngine
from integration.sync.kind_pass import Progress
from integration.unlinking.unlinker import Unlinker, UnlinkPolicy


class Closeable(Protocol):
    def close(self) -> None: ...


class Service:
    """Sync, check and manage mappings, alerts and unlinks for one firm."""

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
        watch: XeroWatch | None = None,
        drift_budget_percent: int = 10,
        webhook_key: bytes | None = None,
        books: XeroBooks | None = None,
    ) -> None:
        self._store = store
        self._books = books  # what month-end reconciliation reads from Xero (None where Xero is not read)
        self._actionstep = actionstep
        self._xero = xero
        self._closing = closing
        desk = AlertDesk(store)
        unlinker = Unlinker(store, xero, engine.clock, unlink_policy)
        self._syncing = Syncing(store, actionstep, xero, engine, desk)
        self._mappings = Mappings(store, xero, desk, self._syncing.check, actionstep, self._syncing.pending)
        self._status = StatusBoard(
            store, actionstep, xero, engine.clock, desk, check=self._syncing.check, open_unlinks=unlinker.open,
            webhooks=webhook_key is not None,
        )  # fmt: skip
        self.alerts = Alerts(desk)
        self._onboarding = Onboarding(store, self.connections, self._mappings.needs)
        self._drift = (
            DriftWatching(store, watch, desk, budget_percent=drift_budget_percent, clock=engine.clock)
            if watch
            else None
        )
        self._drift_desk = desk
        self.webhooks = XeroWebhooks(store, self._drift, webhook_key)
        self.unlinks = Unlinks(unlinker)
        self.xero_payments = XeroPayments(store, actionstep, xero, desk, self._syncing, engine.matching)
        self.drift_actions = DriftActions(store, xero, self._drift, desk, self.xero_payments, engine.matching)
        # Slots compare times across replicas, so they use real time whatever clock the engine runs on.
        self.slots = SlotDesk(store, SystemClock())
        self.connector = connector  # None where links cannot be served (the console demo)
        # Month end reads Xero's period listings and balance sheet (`XeroBooks`); a service built without them
        # (tests over fake gateways) reconciles nothing and says so, as incomplete.
        self.reconciling = Reconciling(store, actionstep, xero, books or NoBooks(), desk, engine.clock)
        self.replays = ReplayGuard(store)

    def sync(
        self, trigger: str, actor: str, *, progress: Callable[[Progress], None] | None = None,
        started: Callable[[], None] | None = None,
    ) -> SyncResult:  # fmt: skip
        """Run a sync and raise its alerts: the report and what changed among the alerts. Raises `SyncInProgress`
        when another sync runs; `started` is called once this one may go ahead, before any work."""
        return self._syncing.sync(trigger, actor, progress=progress, started=started)

    def preview(
        self, trigger: str, actor: str, *, progress: Callable[[Progress], None] | None = None,
        started: Callable[[], None] | None = None,
    ) -> SyncReport:  # fmt: skip
        """What a sync would post; posts nothing and raises no alert."""
        return self._syncing.preview(trigger, actor, progress=progress, started=started)

    def retry(
        self, alert_id: int, actor: str, *, progress: Callable[[Progress], None] | None = None
    ) -> RetryResult:
        """Run a sync for an alert, once: while one retry of it runs, another click is told who started it."""
        return self._syncing.retry(alert_id, actor, progress=progress)

    def check(self) -> list[Problem]:
        """Mapping health: every broken mapping, with the pending documents each one blocks."""
        return self._syncing.check()

    def drift(self) -> DriftPass:
        """One drift pass: what changed in Xero on documents the bot posted, raised as alerts (and resolved when
        gone); skipped, with the reason, when Xero is not watched here or its call budget is short."""
        if self._drift is None:
            return DriftPass(skipped="Xero is not watched for changes here", complete=False)
        return self._drift.run()

    def last_drift(self) -> LastDriftPass | None:
        """The latest drift pass the ledger keeps (when, complete or why not, calls, findings)."""
        with self._store.unit_of_work() as uow:
            return last_pass(uow)

    def open_drift(self) -> int:
        """How many drift alerts are open."""
        return DriftWatching.count_open(self._drift_desk)

    def mappings(self) -> list[Mapping]:
        return self._mappings.all()

    def set_mapping(self, kind: MappingKind, source_id: str, xero_account: str, actor: str) -> Mapping:
        """Map an Actionstep account, timekeeper, role or tax code; the Xero side must exist in Xero's chart."""
        return self._mappings.set(kind, source_id, xero_account, actor)

    def remove_mapping(self, kind: MappingKind, source_id: str, actor: str) -> bool:
        return self._mappings.remove(kind, source_id, actor)

    def fix_mapping(self, alert_id: int, xero_account: str, actor: str) -> FixResult:
        """Save the mapping a mapping alert asks for, then check again: resolved at once when the problem is gone."""
        return self._mappings.fix(alert_id, xero_account, actor)

    def suggest_mappings(self) -> Suggestions:
        """A Xero account suggested for each unmapped account, timekeeper and role pending documents need, with the
        accounts that would suit each; one reading of Xero's chart."""
        return self._mappings.suggest()

    def apply_suggested_mappings(self, actor: str) -> tuple[Suggestions, list[Mapping]]:
        """Suggest, and store every suggestion that names a Xero account; one reading of Xero's chart."""
        return self._mappings.apply_suggestions(actor)

    def check_accepted_mappings(self, rows: Sequence[MappingRow]) -> Checked:
        """Accepted suggestions or picks checked against one reading of the chart; stores nothing."""
        return self._mappings.check_accepted(rows)

    def save_mappings(self, mappings: Sequence[Mapping], actor: str) -> None:
        """Store mappings `check_accepted_mappings` found sound, in one transaction."""
        self._mappings.save(mappings, actor)

    def import_mappings(self, rows: Sequence[MappingRow], actor: str) -> int:
        """Store many mappings, all or none: every row checked against one reading of Xero's chart."""
        return self._mappings.import_rows(rows, actor)

    def mapping_needs(self) -> MappingNeeds:
        """How many of the mappings pending documents need are stored."""
        return self._mappings.needs()

    def checklist(self) -> Checklist | None:
        """The first-run checklist (connections, mappings n of m, a first preview and sync), or None once done."""
        return self._onboarding.checklist()

    def xero_accounts(self) -> list[XeroAccount]:
        """Active accounts in Xero's chart, by code: what a mapping may point at."""
        return self._mappings.xero_accounts()

    def status(self) -> Status:
        """Last run, the running sync (if any), unresolved alerts and connection health."""
        return self._status.status()

    def last_run(self) -> RunInfo | None:
        return self._status.last_run()

    def connections(self, *, fresh: bool = False) -> list[ConnectionHealth]:
        """Probe Xero and Actionstep, trusting a recent probe unless `fresh`."""
        return self._status.connections(fresh=fresh)

    def summary(self, *, now: datetime | None = None) -> Summary:
        """What happened since the last posted summary, and what needs someone now."""
        return self._status.summary(now=now)

    def summary_posted(self, summary: Summary) -> None:
        """The next summary starts where this one ended."""
        self._status.summary_posted(summary)

    def health_check(self) -> HealthResult:
        """Connections, mappings, expiring refresh tokens and Xero's call budget, raised as alerts."""
        return self._status.health_check()

    def audit(
        self, actor: str, action: str, target: str | None = None, *, allowed: bool = True,
        detail: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        """Write one event to the audit log."""
        audit.record(self._store, actor, action, target, allowed=allowed, detail=detail)

    def close(self) -> None:
        for resource in self._closing:
            resource.close()
        self._store.close()
