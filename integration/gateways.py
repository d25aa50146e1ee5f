"""What the sync engine needs from Xero and Actionstep, in our own types.

The engine talks to these protocols only; `integration.remotes` adapts the real clients to them. Keeping the seam
this narrow means the engine never sees a wire format, and the rules it applies can be read in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, Protocol

from integration.domain import (
    AccountingBasis,
    Contact,
    Document,
    DocumentKind,
    MalformedDocument,
    Matter,
    XeroDocumentState,
)
from integration.mapping import SourceBooks, XeroChart
from integration.posting import Endpoint, Identity


@dataclass(frozen=True, slots=True)
class XeroOrganisation:
    name: str
    short_code: str | None
    base_currency: str
    period_lock_date: date | None = None
    end_of_year_lock_date: date | None = None

    @property
    def lock_date(self) -> date | None:
        """Documents dated on or before this are refused by Xero."""
        dates = [d for d in (self.period_lock_date, self.end_of_year_lock_date) if d is not None]
        return max(dates) if dates else None


@dataclass(frozen=True, slots=True)
class ElementOutcome:
    """Xero's answer for one element of a batch. `errors` are (catalogue code, Xero's own message)."""

    ok: bool
    xero_id: str | None = None
    number: str | None = None
    total: Decimal | None = None
    errors: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class XeroDocument:
    """A document found in Xero by a lookup."""

    xero_id: str
    xero_type: str
    number: str | None
    reference: str | None
    total: Decimal
    status: str
    contact_id: str | None = None
    url: str | None = None
    allocated: bool = False  # a credit note already applied to invoices


class XeroGateway(Protocol):
    @property
    def api_calls(self) -> int:
        """Requests sent to Xero so far."""

    def organisation(self) -> XeroOrganisation: ...

    def day_calls_remaining(self) -> int | None:
        """What is left of Xero's daily call budget for the organisation, as of the latest answer (None before
        any)."""

    def chart(self) -> XeroChart: ...

    def all_contacts(self) -> list[tuple[str, str | None, str]]:
        """(ContactID, ContactNumber, Name) of every active contact."""

    def create_contacts(self, bodies: list[dict[str, Any]], key: str) -> list[ElementOutcome]: ...

    def create(self, endpoint: Endpoint, bodies: list[dict[str, Any]], key: str) -> list[ElementOutcome]: ...

    def allocate(
        self, credit_note_id: str, allocations: list[dict[str, Any]], key: str
    ) -> ElementOutcome: ...

    def find(self, identity: Identity) -> list[XeroDocument]:
        """Documents in Xero that carry this identity (number, or reference, of the right type)."""

    # What unlinking needs: one document's live state, and the changes that undo a posting.

    def document_state(self, xero_type: str, xero_id: str) -> XeroDocumentState | None:
        """The invoice, credit note (with its payments and allocations) or payment (`xero_type` PAYMENT) with this
        id as Xero holds it now; None when Xero has no such record."""

    def delete_payment(self, payment_id: str, key: str) -> ElementOutcome: ...

    def remove_allocation(self, credit_note_id: str, allocation_id: str) -> ElementOutcome: ...

    def set_status(
        self, xero_type: str, xero_id: str, status: Literal["VOIDED", "DELETED"], key: str
    ) -> ElementOutcome:
        """Void or delete an invoice or credit note (`xero_type` as Xero names it: ACCREC, ACCPAYCREDIT…)."""


class ActionstepGateway(Protocol):
    @property
    def api_calls(self) -> int:
        """Requests sent to Actionstep so far."""

    def accounting_basis(self) -> AccountingBasis: ...

    def books(self) -> SourceBooks: ...

    def contacts(self, ids: Iterable[str]) -> dict[str, Contact]: ...

    def matters(self, ids: Iterable[str]) -> dict[str, Matter]: ...

    def documents(self, kind: DocumentKind, since: datetime | None) -> Iterator[Document | MalformedDocument]:
        """Approved documents of `kind` modified at or after `since`, oldest change first, lazily."""
