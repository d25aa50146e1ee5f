"""History of the sandbox's records, as `GET /{Endpoint}/{id}/History` answers it.

Source: spec `HistoryRecord` (`xero_accounting.yaml`, schema around line 22289, and the `HistoryRetrieved` example
around 20205): each record has `Changes`, `DateUTCString`, `DateUTC` (`/Date(ms+0000)/`), `User` and `Details`,
and a change made through the API is by `User` "System Generated" (that example; fidelity digest, "History,
notes"). The spec's examples name the changes "Approved" and "Credit Applied"; the other names ("Created",
"Voided", "Deleted", "Submitted", "Draft", "Edited", "Payment Received", "Payment Deleted", "Credit Removed",
"Paid") and every `Details` text are the sandbox's own wording, since no public capture gives Xero's. A record is
kept on create, status change, payment, allocation and edit; the list is oldest first (the sandbox's choice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandboxes.xero.books import Books
from sandboxes.xero.render import ms_date

SYSTEM = "System Generated"
STATUS_CHANGES = {
    "AUTHORISED": "Approved",
    "VOIDED": "Voided",
    "DELETED": "Deleted",
    "SUBMITTED": "Submitted",
    "DRAFT": "Draft",
    "PAID": "Paid",
}


@dataclass(frozen=True, slots=True)
class HistoryRecord:
    """One change to a record."""

    changes: str
    moment: datetime
    details: str
    user: str = SYSTEM


def record(books: Books, record_id: str, changes: str, moment: datetime, details: str) -> None:
    """Keep one change to the record `record_id`, made through the API."""
    books.history.setdefault(record_id.lower(), []).append(HistoryRecord(changes, moment, details))


def rendered(books: Books, record_id: str) -> list[dict[str, Any]]:
    """The record's history as Xero lists it."""
    return [
        {
            "Changes": entry.changes,
            "DateUTCString": entry.moment.strftime("%Y-%m-%dT%H:%M:%S"),
            "DateUTC": ms_date(entry.moment),
            "User": entry.user,
            "Details": entry.details,
        }
        for entry in books.history.get(record_id.lower(), [])
    ]
