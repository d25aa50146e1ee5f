"""The one facade the Slack face and the command line call. It speaks in domain types only.

Built by `bootstrap.build_service()`; tests build it with their own gateways and store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from integration.domain import Document, Mapping, MappingKind, Problem, SyncReport
from integration.engine import KIND_ORDER, Progress, SyncEngine
from integration.errors import XerobotError
from integration.gateways import ActionstepGateway, XeroGateway
from integration.mapping import Mapper
from integration.store import Store


class Closeable(Protocol):
    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class RunInfo:
    run_id: int
    trigger: str
    actor: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    summary: dict[str, int]


class Service:
    """Sync, check and manage mappings for one firm."""

    def __init__(
        self,
        store: Store,
        actionstep: ActionstepGateway,
        xero: XeroGateway,
        engine: SyncEngine,
        *,
        closing: tuple[Closeable, ...] = (),
    ) -> None:
        self.store = store
        self.actionstep = actionstep
        self.xero = xero
        self.engine = engine
        self._closing = closing

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
                raise XerobotError(
                    f"Xero has no account with code or id {xero_account}. Check the code in Xero's chart of accounts.",
                    code="mapping.xero_account_missing",
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

    def close(self) -> None:
        for resource in self._closing:
            resource.close()
        self.store.close()
