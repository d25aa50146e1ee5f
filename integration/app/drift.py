"""Drift watching: one pass that finds the changes made in Xero to documents the bot posted, and raises them.

A pass finishes its own work, like a sync: it polls (`drift.watcher`), raises one alert per drifted document
(source DRIFT, deduplicated by fingerprint), resolves the alerts of documents that changed again and no longer
drift or that are no longer linked, and returns the findings with what changed among the alerts (`DriftPass`).
It skips, with the reason logged and returned, when its share of the day's Xero calls is not left; it runs once at
a time across processes (a lease), like the sync. Each pass that ran or was skipped for its budget is kept in the
ledger as the latest pass (`last_pass`: when, complete or why not, calls, findings), for `/xero status`, App Home
and `xerobot drift`; it is one cursor value (`LATEST_CURSOR`), so no table grows with the passes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from integration import telemetry
from integration.alerting.desk import AlertDesk
from integration.clock import Clock, SystemClock
from integration.domain import AlertSource, AlertState, DriftFinding, DriftPass, LastDriftPass, Problem
from integration.drift.watcher import DriftWatcher
from integration.errors import describe
from integration.leases import LeaseBusy, held
from integration.ports import XeroWatch
from integration.rules import drift as rules
from integration.store import Store, UnitOfWork

log = logging.getLogger(__name__)
LEASE = "drift"
LEASE_TTL = timedelta(minutes=30)
LATEST_CURSOR = "drift:latest"  # the cursor that keeps the latest pass


def last_pass(uow: UnitOfWork) -> LastDriftPass | None:
    """The latest drift pass the ledger keeps, or None before the first."""
    return rules.recalled(uow.cursors.get(LATEST_CURSOR))


def _count(findings: Iterable[DriftFinding]) -> None:
    for finding in findings:
        telemetry.DRIFT_FINDINGS.labels(finding.kind.value).inc()


def problem_of(finding: DriftFinding) -> Problem:
    """The alert a finding raises: its most serious kind names it, its words say all that changed."""
    return Problem(
        finding.kind.code,
        finding.subject,
        rules.describe(finding),
        describe(finding.kind.code).fix,
        documents=(finding.source_ref,),
        facts=rules.facts(finding),
    )


class DriftWatching:
    """Runs drift passes for one firm; `Service.drift`."""

    def __init__(
        self,
        store: Store,
        watch: XeroWatch,
        alerts: AlertDesk,
        *,
        budget_percent: int = 10,
        clock: Clock | None = None,
    ) -> None:
        self._store = store
        self._watch = watch
        self._alerts = alerts
        self._budget_percent = budget_percent
        self._clock = clock or SystemClock()

    def run(self) -> DriftPass:
        """One pass: poll, compare, raise and resolve; the findings and what changed among the alerts. A pass that
        ran or was skipped for its budget is kept as the latest (one skipped because another is running is not:
        that one will be)."""
        refusal = rules.budget_refusal(self._watch.day_calls_remaining(), self._budget_percent)
        if refusal is not None:
            log.info("Drift pass skipped: %s", refusal)
            return self._kept(DriftPass(skipped=refusal, complete=False, open_alerts=self.open_count()))
        try:
            with held(self._store, LEASE, LEASE_TTL, detail="drift"):
                return self._kept(self._pass())
        except LeaseBusy:
            reason = "another drift pass is running"
            log.info("Drift pass skipped: %s", reason)
            return DriftPass(skipped=reason, complete=False, open_alerts=self.open_count())

    def last_pass(self) -> LastDriftPass | None:
        """The latest pass the ledger keeps (from any process), or None before the first."""
        with self._store.unit_of_work() as uow:
            return last_pass(uow)

    def _kept(self, found: DriftPass) -> DriftPass:
        with self._store.unit_of_work() as uow:
            uow.cursors.set(LATEST_CURSOR, rules.remembered(found, self._clock.now()))
            uow.commit()
        return found

    def _pass(self) -> DriftPass:
        result = DriftWatcher(self._store, self._watch).run()
        examined = {f"xero:{x}" for x in result.examined} | {f"xero-contact:{x}" for x in result.examined}
        examined |= self._no_longer_linked()
        numbers = {str(f.source_ref): f.source_number for f in result.findings}
        changes = self._alerts.raise_drift(map(problem_of, result.findings), examined, numbers=numbers)
        _count(result.findings)
        return DriftPass(
            findings=result.findings,
            changes=changes,
            examined=len(result.examined),
            calls=result.calls,
            complete=result.error is None,
            error=result.error,
            open_alerts=self.open_count(),
        )

    def check_ids(
        self, endpoint: str, xero_ids: Iterable[str], *, then: Callable[[UnitOfWork], None] | None = None
    ) -> DriftPass:
        """Check the named records of `endpoint` (`Invoices`, `CreditNotes`, `Contacts`) now, as a webhook asks:
        the watcher's comparison and History, so the alerts are the same as a polling pass raises. `then` runs in
        the transaction that settles the alerts (see `AlertDesk.raise_drift`); it does not run when Xero could
        not be read (the caller keeps its events for the next run). Polling's cursors do not move."""
        refusal = rules.budget_refusal(self._watch.day_calls_remaining(), self._budget_percent)
        if refusal is not None:
            log.info("Webhook check skipped: %s", refusal)
            return DriftPass(skipped=refusal, complete=False, open_alerts=self.open_count())
        result = DriftWatcher(self._store, self._watch).check(endpoint, xero_ids)
        if result.error is not None:
            return DriftPass(
                calls=result.calls, complete=False, error=result.error, open_alerts=self.open_count()
            )
        examined = {f"xero:{x}" for x in result.examined} | {f"xero-contact:{x}" for x in result.examined}
        numbers = {str(f.source_ref): f.source_number for f in result.findings}
        changes = self._alerts.raise_drift(
            map(problem_of, result.findings), examined, numbers=numbers, then=then
        )
        _count(result.findings)
        return DriftPass(
            findings=result.findings,
            changes=changes,
            examined=len(result.examined),
            calls=result.calls,
            open_alerts=self.open_count(),
        )

    def _no_longer_linked(self) -> set[str]:
        """Subjects of open drift alerts whose document was unlinked since: nothing of ours drifts there now."""
        subjects = {
            a.subject
            for a in self._alerts.unresolved()
            if a.source is AlertSource.DRIFT and a.subject.startswith("xero:")
        }
        if not subjects:
            return set()
        with self._store.unit_of_work() as uow:
            linked = uow.links.active_by_xero_id(s.removeprefix("xero:") for s in subjects)
        return {s for s in subjects if s.removeprefix("xero:") not in linked}

    def open_count(self) -> int:
        """Open (not ignored, not resolved) drift alerts."""
        return self.count_open(self._alerts)

    @staticmethod
    def count_open(alerts: AlertDesk) -> int:
        """Open (not ignored, not resolved) drift alerts on `alerts`."""
        return sum(
            1 for a in alerts.unresolved() if a.source is AlertSource.DRIFT and a.state is AlertState.OPEN
        )
