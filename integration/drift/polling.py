"""Polling: what changed in Xero since the last look, per endpoint, from a cursor kept in the ledger.

Each endpoint's cursor (`cursors` table, key `xero:<Endpoint>`) is the newest change already compared; a poll asks
Xero for records changed after it (`If-Modified-Since`), page by page, so when nothing changed a pass costs one call
per endpoint. The cursor moves only after the endpoint's records are compared (`Poller.advance`), so a pass cut
short by an outage reads the same changes again next time.
"""

from __future__ import annotations

from datetime import datetime

from integration.domain import XeroRecord
from integration.ports import XeroWatch
from integration.rules.drift import next_cursor
from integration.store import Store

# Contacts are polled too: archiving a contact changes none of its documents, so only its own record tells.
ENDPOINTS = ("Invoices", "CreditNotes", "Payments", "BankTransactions", "BankTransfers", "Contacts")


def cursor_name(endpoint: str) -> str:
    return f"xero:{endpoint}"


class Poller:
    """Reads each endpoint's changes since its cursor and moves the cursor on once they are dealt with."""

    def __init__(self, store: Store, watch: XeroWatch) -> None:
        self._store = store
        self._watch = watch

    def since(self, endpoint: str) -> datetime | None:
        with self._store.unit_of_work() as uow:
            value = uow.cursors.get(cursor_name(endpoint))
        return datetime.fromisoformat(value) if value else None

    def changes(self, endpoint: str) -> tuple[datetime | None, list[XeroRecord]]:
        """The endpoint's cursor and every record changed after it, every page read."""
        since = self.since(endpoint)
        found: list[XeroRecord] = []
        page = 1
        while True:
            batch, more = self._watch.changed(endpoint, since, page)
            found.extend(batch)
            if not more:
                return since, found
            page += 1

    def advance(self, endpoint: str, since: datetime | None, records: list[XeroRecord]) -> None:
        """Move the endpoint's cursor to the newest change among `records` (never back)."""
        moment = next_cursor(since, records)
        if moment is None or moment == since:
            return
        with self._store.unit_of_work() as uow:
            uow.cursors.set(cursor_name(endpoint), moment.isoformat())
            uow.commit()
