"""Mappings: list, set and remove them, list the Xero accounts they may point at, fix one from an alert; suggest the
ones pending documents need, accept suggestions, import many at once, and count what is mapped.

Every batch (an import, a set of accepted suggestions) reads Xero's chart once, checks every row against it, and
stores all its rows or none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from integration.alerting.desk import AlertDesk, alert_target
from integration.app import audit
from integration.domain import (
    Alert,
    AlertState,
    Document,
    Mapping,
    MappingKind,
    MappingNeeds,
    MappingRow,
    Problem,
    RowProblem,
    SourceBooks,
    Suggestion,
    XeroAccount,
    XeroChart,
)
from integration.errors import AlertNotFixable, MappingRowsInvalid, MappingTargetMissing, XerobotError
from integration.ports import ActionstepGateway, XeroGateway
from integration.rules.mapping import Mapper, Need
from integration.rules.suggest import Suggester
from integration.store import Store


@dataclass(frozen=True, slots=True)
class FixResult:
    """A mapping saved from an alert (`mapping`), whether a fresh check shows it fixed, or why nothing changed."""

    alert: Alert
    mapping: Mapping | None = None
    resolved: bool = False
    busy: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestions:
    """What `suggest` found, from one reading of Xero's chart: the suggestions, and for each (kind, source) the
    Xero accounts that would suit it (compatible, active, with a code), for a person to pick another."""

    suggestions: list[Suggestion]
    options: dict[Need, list[XeroAccount]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Checked:
    """Rows checked against one reading of the chart: the mappings to store, or what is wrong with which row."""

    mappings: list[Mapping]
    problems: list[RowProblem]


class Mappings:
    """Where each Actionstep account, timekeeper, role and tax code goes in Xero."""

    def __init__(
        self,
        store: Store,
        xero: XeroGateway,
        alerts: AlertDesk,
        check: Callable[[], list[Problem]],
        actionstep: ActionstepGateway,
        pending: Callable[[], list[Document]],
    ) -> None:
        self._store = store
        self._xero = xero
        self._alerts = alerts
        self._check = check
        self._actionstep = actionstep
        self._pending = pending

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

    # -- what documents need, and suggestions for it
    def needs(self) -> MappingNeeds:
        """How many of the mappings pending documents need are stored (one reading of the chart and the books)."""
        mapper, _ = self._mapper()
        needed = {need for document in self._pending() for need in mapper.needs(document)}
        return MappingNeeds(len(needed), sum(1 for need in needed if mapper.mapped(need)))

    def suggest(self) -> Suggestions:
        """A suggested Xero account for each unmapped account, timekeeper and role a pending document needs."""
        return self._suggest()

    def apply_suggestions(self, actor: str) -> tuple[Suggestions, list[Mapping]]:
        """Suggest, and store every suggestion that names an account, from the same one reading of the chart (a
        suggestion only ever names an active account with a code of a suitable type)."""
        found = self._suggest()
        mappings = [
            Mapping(s.kind, s.source_id, s.xero_code, s.source_name)
            for s in found.suggestions
            if s.xero_code is not None
        ]
        self.save(mappings, actor)
        return found, mappings

    def _suggest(self) -> Suggestions:
        mapper, stored = self._mapper()
        counts: Counter[Need] = Counter()
        for document in self._pending():
            counts.update(mapper.needs(document))
        suggester = Suggester(mapper.books, mapper.chart, stored)
        found = suggester.suggest(counts.items())
        options = {(s.kind, s.source_id): suggester.options((s.kind, s.source_id)) for s in found}
        return Suggestions(found, options)

    def check_accepted(self, rows: Sequence[MappingRow]) -> Checked:
        """Accepted suggestions or picks, checked against one reading of the chart: each must name an active Xero
        account with a code whose type suits the Actionstep side."""
        mapper, stored = self._mapper()
        suggester = Suggester(mapper.books, mapper.chart, stored)
        names = _names(mapper.books)
        mappings, problems = [], []
        for row in rows:
            found = mapper.chart.find(row.xero_account)
            why = suggester.fits((row.kind, row.source_id), found, row.xero_account)
            if why is not None or found is None:
                problems.append(RowProblem(row.row, f"{row.kind.value} {row.source_id}: {why}."))
                continue
            mappings.append(
                Mapping(row.kind, row.source_id, found.code or "", names.get((row.kind, row.source_id)))
            )
        return Checked(mappings, problems)

    def import_rows(self, rows: Sequence[MappingRow], actor: str) -> int:
        """Store many mappings from a file, all or none: every account code and tax type must be in Xero, read once."""
        chart = self._xero.chart()
        mappings, problems = [], []
        for row in rows:
            target = _import_target(chart, row)
            if isinstance(target, RowProblem):
                problems.append(target)
            else:
                mappings.append(Mapping(row.kind, row.source_id, target))
        if problems:
            raise _invalid(problems)
        self.save(mappings, actor)
        return len(mappings)

    def save(self, mappings: Sequence[Mapping], actor: str) -> None:
        """Store checked mappings in one transaction, each audited."""
        with self._store.unit_of_work() as uow:
            uow.mappings.set_many(
                [Mapping(m.kind, m.source_id, m.xero_account, m.source_name, actor) for m in mappings]
            )
            for mapping in mappings:
                target = f"{mapping.kind.value}:{mapping.source_id}"
                uow.audit.record(actor, "mapping.set", target, detail={"xero": mapping.xero_account})
            uow.commit()

    def _mapper(self) -> tuple[Mapper, dict[Need, str]]:
        with self._store.unit_of_work() as uow:
            stored = uow.mappings.all()
        mapper = Mapper(stored, self._actionstep.books(), self._xero.chart())
        return mapper, {(m.kind, m.source_id): m.xero_account for m in stored}


def _side(row: MappingRow) -> str:
    return f"Row {row.row} ({row.kind.value} {row.source_id})"


def _names(books: SourceBooks) -> dict[Need, str]:
    names: dict[Need, str] = {
        (MappingKind.ACCOUNT, a.id): f"{a.code} {a.name}" for a in books.accounts.values()
    }
    names.update({(MappingKind.TIMEKEEPER, t.id): t.name for t in books.timekeepers.values()})
    return names


def _import_target(chart: XeroChart, row: MappingRow) -> str | RowProblem:
    """What an imported row stores (a code, an AccountID, a tax type), or why it cannot."""
    if row.kind is MappingKind.TAX_CODE:
        rate = chart.taxes.get(row.xero_account)
        if rate is None:
            return RowProblem(row.row, f"{_side(row)}: Xero has no tax type {row.xero_account}.")
        return rate.tax_type
    account = chart.find(row.xero_account)
    if account is None:
        return RowProblem(row.row, f"{_side(row)}: Xero has no account with code or id {row.xero_account}.")
    return account.code or account.account_id


def _invalid(problems: Sequence[RowProblem]) -> MappingRowsInvalid:
    lines = [p.message for p in sorted(problems, key=lambda p: p.row)]
    count = len(lines)
    return MappingRowsInvalid(
        f"{count} row{'s' if count != 1 else ''} cannot be stored, so no mapping was stored.", lines
    )
