"""What a test may read of the Xero sandbox without going through its API: its records rendered as Xero returns
them, counts, the requests it saw and the grants it made. Mixed into `XeroSandbox`."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sandboxes.xero import render
from sandboxes.xero.api import AccountingApi
from sandboxes.xero.books import Books
from sandboxes.xero.identity import Identity
from sandboxes.xero.wsgi import Request


@dataclass(slots=True)
class SeenRequest:
    """One request as the sandbox saw it (for tests: what was sent, with which key, and the answer)."""

    method: str
    path: str
    query: str
    idempotency_key: str | None
    status: int | str | None = None


class Inspection:
    """Read-only views of the sandbox's state, each taken under its lock."""

    _lock: threading.RLock
    _api: AccountingApi
    books: Books
    identity: Identity
    requests: list[SeenRequest]

    def invoices(self) -> list[dict[str, Any]]:
        """Every invoice, rendered as Xero returns it."""
        return self._rendered("invoices")

    def credit_notes(self) -> list[dict[str, Any]]:
        """Every credit note, rendered as Xero returns it."""
        return self._rendered("creditnotes")

    def payments(self) -> list[dict[str, Any]]:
        """Every payment (deleted ones included), rendered as Xero returns it."""
        return self._rendered("payments")

    def bank_transactions(self) -> list[dict[str, Any]]:
        """Every bank transaction, rendered as Xero returns it."""
        return self._rendered("banktransactions")

    def bank_transfers(self) -> list[dict[str, Any]]:
        """Every bank transfer, rendered as Xero returns it."""
        return self._rendered("banktransfers")

    def manual_journals(self) -> list[dict[str, Any]]:
        """Every manual journal, rendered as Xero returns it."""
        return self._rendered("manualjournals")

    def contacts(self) -> list[dict[str, Any]]:
        """Every contact (archived ones included), rendered as Xero returns it."""
        with self._lock:
            return [render.contact(c) for c in self.books.contacts.values()]

    def counts(self) -> dict[str, int]:
        """How many records of each kind the books hold (deleted and voided ones included)."""
        books = self.books
        with self._lock:
            return {
                "invoices": sum(not d.is_credit for d in books.documents.values()),
                "credit_notes": sum(d.is_credit for d in books.documents.values()),
                "payments": len(books.payments),
                "allocations": len(books.allocations),
                "bank_transactions": len(books.bank_transactions),
                "bank_transfers": len(books.bank_transfers),
                "manual_journals": len(books.journals),
                "contacts": len(books.contacts),
            }

    def requests_to(self, fragment: str, method: str | None = None) -> list[SeenRequest]:
        """The requests whose path contains `fragment` (and of `method`, if given)."""
        with self._lock:
            return [r for r in self.requests if fragment in r.path and (method is None or r.method == method)]

    @property
    def grants(self) -> Counter[str]:
        """Token grants made, by grant type."""
        return self.identity.grants

    def _rendered(self, resource: str) -> list[dict[str, Any]]:
        with self._lock:
            _, records = self._api.records(Request("GET", "", {}, {}, b""), resource, one=True)
            return records
