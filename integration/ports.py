"""Ports: the protocols the engine's parts talk through, so none of them imports another's implementation.

- `XeroGateway`, `ActionstepGateway`: what the sync, unlinking and the app need from the two remotes, in our own
  types (`integration.domain`); `XeroWatch`, what drift watching polls. `integration.adapters` (`xero_gateway`, `actionstep_gateway`) adapts the real clients to them; tests pass fakes.
- `TokenStore`, `StoredToken`: what the remote clients need to keep their OAuth tokens. `integration.xero` and
  `integration.actionstep` may not import the store; `integration.adapters.token_store` backs this with the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, Protocol

from integration.domain import (
    AccountingBasis,
    Contact,
    Document,
    DocumentKind,
    ElementOutcome,
    Endpoint,
    Identity,
    MalformedDocument,
    Matter,
    SourceBooks,
    XeroChangeRecord,
    XeroChart,
    XeroDocument,
    XeroDocumentState,
    XeroOrganisation,
    XeroPaymentState,
    XeroRecord,
)


@dataclass(frozen=True, slots=True)
class StoredToken:
    """An OAuth token set as saved. `tokens` holds access_token, refresh_token, expires_at (epoch seconds) and
    whatever else the remote returned (Actionstep's api_endpoint and orgkey); `version` is for compare-and-swap."""

    tokens: dict[str, Any] = field(repr=False)
    version: int
    tenant_id: str | None = None
    tenant_name: str | None = None
    expires_at: datetime | None = None


class TokenStore(Protocol):
    """Durable, shared storage of one remote's tokens."""

    def load(self) -> StoredToken | None:
        """The current tokens, or None before the first connect."""

    def save(
        self, tokens: dict[str, Any], *, previous_version: int | None, tenant_id: str | None = None,
        tenant_name: str | None = None,
    ) -> bool:  # fmt: skip
        """Save a new token set. `previous_version` is the version the refresh started from (None for a fresh
        connect); returns False when another process saved first, in which case `load()` has its tokens."""

    def refresh_lock(self) -> AbstractContextManager[bool]:
        """Hold while refreshing, so only one process spends the (rotating) refresh token at a time. Yields False
        if the lock could not be had in time; the caller then re-loads and uses what the holder saved."""


class XeroGateway(Protocol):
    @property
    def api_calls(self) -> int:
        """Requests sent to Xero so far."""

    def organisation(self) -> XeroOrganisation: ...

    def day_calls_remaining(self) -> int | None:
        """What is left of Xero's daily call budget for the organisation, as of the latest answer (None before
        any)."""

    def chart(self) -> XeroChart: ...

    def currencies(self) -> frozenset[str]:
        """The codes of the currencies the organisation has enabled, its base currency among them."""

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
        id as Xero holds it now; None when Xero has no such record. Whether a payment is reconciled comes from
        `GET /Payments`, never from the list embedded in its document, where Xero does not say."""

    def payments_on(self, document_ids: Iterable[str]) -> dict[str, list[XeroPaymentState]]:
        """The payments Xero holds (not deleted) on these invoices, by invoice id in lower case: one `GET /Payments`
        per 25 invoices, each payment with whether it is reconciled."""

    def payments_listed_on(self, invoice_ids: Iterable[str]) -> dict[str, frozenset[str] | None]:
        """What these invoices show paid, read with the invoices themselves (`GET /Invoices?IDs=`, one call per
        51 invoices): by invoice id in lower case, the ids (lower case) of the payments each lists, or None when
        those do not account for all its `AmountPaid` (only `payments_on` can say what paid it). An invoice with
        nothing paid, or that Xero does not return, is left out."""

    def delete_payment(self, payment_id: str, key: str) -> ElementOutcome: ...

    def remove_allocation(self, credit_note_id: str, allocation_id: str) -> ElementOutcome: ...

    def set_status(
        self, xero_type: str, xero_id: str, status: Literal["VOIDED", "DELETED"], key: str
    ) -> ElementOutcome:
        """Void or delete an invoice or credit note (`xero_type` as Xero names it: ACCREC, ACCPAYCREDIT…)."""


class XeroWatch(Protocol):
    """What drift watching needs from Xero: pages of what changed since a moment, and one record's History."""

    @property
    def api_calls(self) -> int:
        """Requests sent to Xero so far."""

    def day_calls_remaining(self) -> int | None:
        """What is left of Xero's daily call budget (None before any answer)."""

    def changed(self, endpoint: str, since: datetime | None, page: int) -> tuple[list[XeroRecord], bool]:
        """One page of `endpoint`'s records changed after `since`, oldest change first, and whether another page
        may follow."""

    def records(self, endpoint: str, xero_ids: Iterable[str]) -> list[XeroRecord]:
        """The records of `endpoint` Xero holds now among `xero_ids` (one it no longer has is left out)."""

    def history(self, endpoint: str, xero_id: str) -> list[XeroChangeRecord] | None:
        """Who changed the record and when, as Xero's History says; None when Xero no longer has it."""


@dataclass(frozen=True, slots=True)
class ReportedBalance:
    """One account's balance as Xero's balance sheet reports it at a date (assets and liabilities each positive
    on their own side, as the report prints them)."""

    account_id: str
    name: str
    balance: Decimal


class XeroBooks(Protocol):
    """What reconciliation reads from Xero: a period's records in pages, a few by id, and the balance sheet. It
    never writes."""

    @property
    def api_calls(self) -> int:
        """Requests sent to Xero so far."""

    def day_calls_remaining(self) -> int | None:
        """What is left of Xero's daily call budget (None before any answer)."""

    def dated(self, endpoint: str, start: date, end: date) -> Iterator[XeroRecord]:
        """Every record of `endpoint` (`Invoices`, `CreditNotes`, `Payments`, `BankTransactions`, `BankTransfers`)
        dated from `start` to `end` inclusive, whatever its status (voided and deleted ones too), lazily, in pages
        of Xero's largest page size."""

    def records_by_ids(self, endpoint: str, xero_ids: Iterable[str]) -> list[XeroRecord]:
        """The records of `endpoint` Xero holds among `xero_ids`, many ids a call (never one call per record); one
        Xero no longer has is left out."""

    def balances(self, as_at: date) -> list[ReportedBalance]:
        """Every account on Xero's balance sheet at `as_at` (`GET /Reports/BalanceSheet`, one call); an account the
        report leaves out has a zero balance."""


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

    def documents_by_id(
        self, kind: DocumentKind, ids: Iterable[str]
    ) -> Iterator[Document | MalformedDocument]:
        """The approved documents of `kind` with these ids, read again by id, lazily; one that is gone or no longer
        approved is left out."""

    def documents_dated(
        self, kind: DocumentKind, start: date | None, end: date
    ) -> Iterator[Document | MalformedDocument]:
        """Approved documents of `kind` dated from `start` (None: the beginning) to `end` inclusive, lazily, in
        pages; a record that cannot be read comes as a `MalformedDocument`."""
