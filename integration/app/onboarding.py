"""The first-run checklist App Home shows until a new firm is set up: Xero connected, Actionstep connected, the
accounts pending documents need mapped (n of m), a first preview and a first sync that posts.

Once every line is done the checklist says so one last time and records `onboarding.done` in the audit log; from
then on it is not computed again (counting what is mapped reads Xero's chart and the pending documents).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from integration.app import audit
from integration.domain import ConnectionHealth, MappingNeeds
from integration.errors import XerobotError
from integration.store import Store

DONE = "onboarding.done"


@dataclass(frozen=True, slots=True)
class Checklist:
    """Each first-run step and whether it is done; `mappings` is None when it could not be counted (a remote is
    not connected or did not answer)."""

    xero: ConnectionHealth | None
    actionstep: ConnectionHealth | None
    mappings: MappingNeeds | None
    previewed: bool
    synced: bool

    @property
    def done(self) -> bool:
        connected = all(c is not None and c.ok for c in (self.xero, self.actionstep))
        return (
            connected and self.mappings is not None and self.mappings.done and self.previewed and self.synced
        )


class Onboarding:
    """Builds the checklist from the connections' (cached) health, the ledger's runs and the mapping count."""

    def __init__(
        self,
        store: Store,
        connections: Callable[[], list[ConnectionHealth]],
        needs: Callable[[], MappingNeeds],
    ) -> None:
        self._store = store
        self._connections = connections
        self._needs = needs

    def checklist(self) -> Checklist | None:
        """The checklist, or None once it was completed."""
        with self._store.unit_of_work() as uow:
            if uow.audit.recent(1, action=DONE):
                return None
            previewed, synced = uow.runs.firsts()
        health = {c.remote: c for c in self._connections()}
        xero, actionstep = health.get("xero"), health.get("actionstep")
        needs = None
        if xero is not None and xero.ok and actionstep is not None and actionstep.ok:
            try:
                needs = self._needs()
            except XerobotError:
                needs = None
        checklist = Checklist(xero, actionstep, needs, previewed, synced)
        if checklist.done:
            audit.record(self._store, "xerobot", DONE, detail={"mapped": needs.needed if needs else 0})
        return checklist
