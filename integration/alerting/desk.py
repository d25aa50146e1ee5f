"""The alert desk: turns the problems a sync or a check finds into alerts in the ledger, and records what people do
with them (ignore, undo) in the same transaction as the audit event that says who did it.

An alert is raised once per fingerprint and counted while it repeats. Only a complete look resolves: a sync that
finished (`RunStatus.OK`) resolves the sync alerts it no longer reports; a check resolves the check alerts it no
longer finds. A second copy of a document in Xero (the duplicate sentinel) is reported by the one sync that made it,
so its alert is never resolved by a later one: it stays open until a person deals with it and says so (Ignore). A run that failed or was interrupted raises an alert about itself and resolves nothing, since it
did not see everything.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from integration.domain import (
    Activity,
    Alert,
    AlertChanges,
    AlertDocument,
    AlertSource,
    Problem,
    RunStatus,
    SyncReport,
)
from integration.errors import AlertNotFound, describe
from integration.store import Store, UnitOfWork

RUN_SUBJECT = "run"  # the subject of the alert a failed or interrupted run raises about itself
# Problems a sync reports once, when it makes them: the next sync does not see them again, yet they remain.
STICKY = {
    "doc.duplicate_copy": AlertSource.DUPLICATE,
    "doc.allocation_not_reapplied": AlertSource.DUPLICATE,  # settled for good once alerted: never seen again
}


def alert_target(alert_id: int) -> str:
    """How audit events name an alert."""
    return f"alert:{alert_id}"


def report_problems(report: SyncReport) -> list[Problem]:
    """The problems a report raises: its own, plus one about the run when it did not finish."""
    problems = list(report.problems)
    if report.status is not RunStatus.OK and report.error:
        code = report.error_code or "remote.unavailable"
        problems.append(Problem(code, RUN_SUBJECT, report.error, describe(code).fix))
    return problems


@dataclass(frozen=True, slots=True)
class AlertAction:
    """The result of acting on an alert: whether this call changed it, and its state afterwards."""

    changed: bool
    alert: Alert


class AlertDesk:
    """Alerts in the ledger; `Service.alerts`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def raise_report(self, report: SyncReport) -> AlertChanges:
        """Raise a real sync's problems (a preview raises nothing) and resolve what it no longer reports."""
        if report.dry_run:
            return AlertChanges()
        numbers = {str(item.source): item.number for item in report.items}
        problems = report_problems(report)
        changes = self.raise_problems(
            [p for p in problems if p.code not in STICKY],
            AlertSource.SYNC,
            numbers=numbers,
            complete=report.status is RunStatus.OK,
        )
        for problem in (p for p in problems if p.code in STICKY):
            sticky = self.raise_problems([problem], STICKY[problem.code], numbers=numbers, complete=False)
            changes.new.extend(sticky.new)
            changes.repeated.extend(sticky.repeated)
        return changes

    def raise_problems(
        self,
        problems: Iterable[Problem],
        source: AlertSource,
        *,
        numbers: Mapping[str, str] | None = None,
        complete: bool = True,
    ) -> AlertChanges:
        """Raise or count each problem; with `complete`, resolve `source`'s alerts that were not seen."""
        numbers = numbers or {}
        changes = AlertChanges()
        seen: set[str] = set()
        with self._store.unit_of_work() as uow:
            for problem in problems:
                if problem.fingerprint in seen:
                    continue
                seen.add(problem.fingerprint)
                documents = [AlertDocument(str(ref), numbers.get(str(ref))) for ref in problem.documents]
                alert, what = uow.alerts.raise_(problem, source, documents)
                (changes.new if what == "new" else changes.repeated).append(alert)
            if complete:
                changes.resolved = uow.alerts.resolve_missing(source, seen)
            uow.commit()
        return changes

    def raise_drift(self, problems: Iterable[Problem], examined: Collection[str], *,
                    numbers: Mapping[str, str] | None = None,
                    then: Callable[[UnitOfWork], None] | None = None) -> AlertChanges:  # fmt: skip
        """Raise or count each drift; resolve the open drift alerts about a subject that was looked at again
        (`examined`) and no longer drifts. A subject not looked at keeps its alert: nothing changed it. `then`
        runs in the transaction that resolves, before it commits (a webhook's events are marked processed there)."""
        problems = list(problems)
        changes = self.raise_problems(problems, AlertSource.DRIFT, numbers=numbers, complete=False)
        seen = {p.fingerprint for p in problems}
        with self._store.unit_of_work() as uow:
            for alert in uow.alerts.unresolved():
                if (
                    alert.source is AlertSource.DRIFT
                    and alert.subject in examined
                    and alert.fingerprint not in seen
                    and uow.alerts.resolve(alert.id)
                ):
                    changes.resolved.append(uow.alerts.get(alert.id) or alert)
            if then is not None:
                then(uow)
            uow.commit()
        return changes

    def get(self, alert_id: int) -> Alert:
        with self._store.unit_of_work() as uow:
            alert = uow.alerts.get(alert_id)
        if alert is None:
            raise AlertNotFound(f"There is no alert {alert_id}.")
        return alert

    def unresolved(self) -> list[Alert]:
        """Open and ignored alerts, oldest first."""
        with self._store.unit_of_work() as uow:
            return uow.alerts.unresolved()

    def ignore(self, alert_id: int, actor: str, reason: str) -> AlertAction:
        """Ignore an open alert; a second ignore (a double click, a colleague) changes nothing."""
        with self._store.unit_of_work() as uow:
            changed = uow.alerts.ignore(alert_id, actor, reason)
            if changed:
                uow.audit.record(actor, "alert.ignore", alert_target(alert_id), detail={"reason": reason})
            uow.commit()
        return AlertAction(changed, self.get(alert_id))

    def unignore(self, alert_id: int, actor: str) -> AlertAction:
        with self._store.unit_of_work() as uow:
            changed = uow.alerts.unignore(alert_id)
            if changed:
                uow.audit.record(actor, "alert.unignore", alert_target(alert_id))
            uow.commit()
        return AlertAction(changed, self.get(alert_id))

    def resolve(self, alert_id: int) -> bool:
        with self._store.unit_of_work() as uow:
            changed = uow.alerts.resolve(alert_id)
            uow.commit()
        return changed

    def activity(self, alert_id: int, limit: int = 3) -> list[Activity]:
        """What people did with the alert, newest first."""
        with self._store.unit_of_work() as uow:
            events = uow.audit.for_target(alert_target(alert_id), prefix="alert.", limit=limit)
        return [Activity(e.at, e.actor, e.action, e.detail or {}) for e in events]

    def claim_post(self, alert_id: int, channel: str) -> bool:
        """True when the caller is now the one to post the alert's message (it has none and nobody is posting)."""
        with self._store.unit_of_work() as uow:
            claimed = uow.alerts.claim_post(alert_id, channel)
            uow.commit()
        return claimed

    def posted(self, alert_id: int, channel: str, ts: str) -> None:
        with self._store.unit_of_work() as uow:
            uow.alerts.posted(alert_id, channel, ts)
            uow.commit()

    def release_post(self, alert_id: int) -> None:
        with self._store.unit_of_work() as uow:
            uow.alerts.release_post(alert_id)
            uow.commit()
