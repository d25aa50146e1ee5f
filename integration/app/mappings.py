"""Mappings: list, set and remove them, list the Xero accounts they may point at, fix one from an alert."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from integration.alerting.desk import AlertDesk, alert_target
from integration.app import audit
from integration.domain import Alert, AlertState, Mapping, MappingKind, Problem, XeroAccount
from integration.errors import AlertNotFixable, MappingTargetMissing, XerobotError
from integration.ports import XeroGateway
from integration.store import Store


@dataclass(frozen=True, slots=True)
class FixResult:
    """A mapping saved from an alert (`mapping`), whether a fresh check shows it fixed, or why nothing changed."""

    alert: Alert
    mapping: Mapping | None = None
    resolved: bool = False
    busy: str | None = None


class Mappings:
    """Where each Actionstep account, timekeeper, role and tax code goes in Xero."""

    def __init__(
        self, store: Store, xero: XeroGateway, alerts: AlertDesk, check: Callable[[], list[Problem]]
    ) -> None:
        self._store = store
        self._xero = xero
        self._alerts = alerts
        self._check = check

    def all(self) -> list[Mapping]:
        with self._store.unit_of_work() as uow:
            return uow.mappings.all()

    def set(self, kind: MappingKind, source_id: str, xero_account: str, actor: str) -> Mapping:
        """Map an Actionstep account, timekeeper, role or tax code; the Xero side must exist in Xero's chart."""
        if kind is not MappingKind.TAX_CODE:
            account = self._xero.chart().find(xero_account)
            if account is None:
                raise MappingTargetMissing(
                    f"Xero has no account with code or id {xero_account}. Check the code in Xero's chart of accounts."
                )
            xero_account = account.code or account.account_id
        mapping = Mapping(kind, source_id, xero_account, updated_by=actor)
        with self._store.unit_of_work() as uow:
            uow.mappings.set(mapping)
            uow.audit.record(actor, "mapping.set", f"{kind.value}:{source_id}", detail={"xero": xero_account})
            uow.commit()
        return mapping

    def remove(self, kind: MappingKind, source_id: str, actor: str) -> bool:
        with self._store.unit_of_work() as uow:
            removed = uow.mappings.remove(kind, source_id)
            uow.audit.record(actor, "mapping.remove", f"{kind.value}:{source_id}", allowed=True)
            uow.commit()
        return removed

    def xero_accounts(self) -> list[XeroAccount]:
        """Active accounts in Xero's chart, by code: what a mapping may point at."""
        accounts = [a for a in self._xero.chart().accounts if a.active]
        return sorted(accounts, key=lambda a: (a.code is None, a.code or "", a.name))

    def fix(self, alert_id: int, xero_account: str, actor: str) -> FixResult:
        """Save the mapping a mapping alert asks for, then check again: resolved at once when the problem is gone."""
        alert = self._alerts.get(alert_id)
        if alert.state is AlertState.RESOLVED:
            return FixResult(alert, busy="It is already resolved.")
        target = alert.mapping_target
        if target is None:
            raise AlertNotFixable(f"Alert {alert_id} ({alert.code}) is not fixed by one mapping.")
        mapping = self.set(target[0], target[1], xero_account, actor)
        try:
            still = {p.fingerprint for p in self._check()}
        except XerobotError:  # cannot look now: the next sync resolves it
            still = {alert.fingerprint}
        resolved = alert.fingerprint not in still and self._alerts.resolve(alert_id)
        detail = {
            "mapping": f"{mapping.kind.value}:{mapping.source_id}",
            "xero": mapping.xero_account,
            "resolved": resolved,
        }
        audit.record(self._store, actor, "alert.fix", alert_target(alert_id), detail=detail)
        return FixResult(self._alerts.get(alert_id), mapping, resolved)
