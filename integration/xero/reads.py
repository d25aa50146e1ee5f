"""`XeroReader`: the reads the sync engine and unlink make from Xero's accounting API, for one tenant.

Every lookup uses the parameters and `where` fields Xero documents as optimised (`queries`); reads return the models
of `schemas.py`. What month-end reconciliation reads (a period's records, many by id, the balance sheet) is mixed
in from `period_reads.PeriodReads`. `XeroClient` adds the writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from integration.clock import Clock
from integration.errors import Unavailable
from integration.xero.endpoints import PRODUCTION_API_URL
from integration.xero.governor import RateGovernor
from integration.xero.period_reads import PeriodReads
from integration.xero.queries import MAX_PAGES, PAGE_SIZE, Filter, filter_params, items
from integration.xero.requester import XeroRequester, XeroRetryPolicy, json_of, rejected
from integration.xero.schemas import (
    Account,
    BankTransaction,
    BankTransfer,
    Contact,
    CreditNote,
    Currency,
    Invoice,
    Organisation,
    Payment,
    TaxRate,
)

ModelT = TypeVar("ModelT", bound=BaseModel)


class XeroReader(PeriodReads):
    """Reads from Xero's accounting API for one tenant. `api_calls` counts every request sent, retries included."""

    def __init__(
        self,
        http: httpx.Client,
        auth: httpx.Auth,
        tenant_id: str,
        governor: RateGovernor,
        clock: Clock,
        *,
        api_url: str = PRODUCTION_API_URL,
        retry: XeroRetryPolicy | None = None,
    ) -> None:
        self.tenant_id = tenant_id
        self._governor = governor
        self._requester = XeroRequester(http, auth, tenant_id, governor, clock, api_url=api_url, retry=retry)

    def __repr__(self) -> str:
        return f"XeroClient(tenant_id={self.tenant_id!r})"

    @property
    def api_calls(self) -> int:
        """Requests sent to the accounting API so far, retries and 401 re-sends included."""
        return self._requester.api_calls

    @property
    def day_calls_remaining(self) -> int | None:
        """What Xero said is left of today's calls for this tenant (X-DayLimit-Remaining), None before it said."""
        return self._governor.day_remaining

    def organisation(self) -> Organisation:
        """The organisation: name, short code (for deep links), base currency and lock dates."""
        found = self._list("Organisation", "Organisations", Organisation)
        if not found:
            raise Unavailable("xero", "Xero returned no organisation for this tenant.")
        return found[0]

    def accounts(self) -> list[Account]:
        """The whole chart of accounts, archived accounts included (mapping checks need to see them)."""
        return self._list("Accounts", "Accounts", Account)

    def currencies(self) -> list[Currency]:
        """The currencies the organisation has enabled (its base currency among them): the only ones Xero accepts
        on a document."""
        return self._list("Currencies", "Currencies", Currency)

    def tax_rates(self) -> list[TaxRate]:
        """Every tax rate with the account classes it may be used with."""
        return self._list("TaxRates", "TaxRates", TaxRate)

    def all_contacts(self) -> list[Contact]:
        """Every contact of the organisation, archived ones included, a page of 100 at a time."""
        found: list[Contact] = []
        for page in range(1, MAX_PAGES + 1):
            query = {
                "includeArchived": "true",
                "summaryOnly": "true",
                "page": str(page),
                "pageSize": str(PAGE_SIZE),
            }
            batch = items(self._get("Contacts", query), "Contacts")
            found.extend(Contact.model_validate(item) for item in batch)
            if len(batch) < PAGE_SIZE:
                break
        return found

    def find_invoices(
        self,
        *,
        ids: Iterable[str] = (),
        numbers: Iterable[str] = (),
        references: Iterable[str] = (),
        contact_ids: Iterable[str] = (),
    ) -> list[Invoice]:
        """Invoices matching every filter given (any value within one filter)."""
        filters = [
            Filter.on(ids, param="IDs"),
            Filter.on(numbers, param="InvoiceNumbers"),
            Filter.on(contact_ids, param="ContactIDs"),
            Filter.on(references, field="Reference"),
        ]
        return self._find("Invoices", Invoice, filters)

    def find_credit_notes(
        self,
        *,
        ids: Iterable[str] = (),
        numbers: Iterable[str] = (),
        references: Iterable[str] = (),
        contact_ids: Iterable[str] = (),
        dates: Iterable[date] = (),
        types: Iterable[str] = (),
    ) -> list[CreditNote]:
        """Credit notes matching every filter given (any value within one filter).

        Xero has no list parameter for credit notes and optimises `where` on neither the id nor the number, so
        those two are matched here: by id alone each note is read at `/CreditNotes/{id}`; by number the lookup
        must be narrowed by contact, date, type or reference, which Xero filters."""
        wanted_ids, wanted_numbers = {i.lower() for i in ids}, set(numbers)
        narrowing = [
            Filter.on(references, field="Reference"),
            Filter.on(contact_ids, field="Contact.ContactID", guid=True),
            Filter.on((d.isoformat() for d in dates), field="Date", day=True),
            Filter.on(types, field="Type"),
        ]
        if not any(f.values for f in narrowing):
            if wanted_numbers:
                raise ValueError("a credit-note lookup by number needs a contact, date, type or reference")
            return self._by_ids("CreditNotes", CreditNote, wanted_ids)
        found = self._find("CreditNotes", CreditNote, narrowing)
        return [
            c
            for c in found
            if (not wanted_ids or c.id.lower() in wanted_ids)
            and (not wanted_numbers or c.number in wanted_numbers)
        ]

    def find_payments(
        self, *, ids: Iterable[str] = (), invoice_ids: Iterable[str] = (), references: Iterable[str] = ()
    ) -> list[Payment]:
        """Payments by id, by the invoice they pay, or by reference; each with `IsReconciled`, which only this
        endpoint gives. `GET /Payments` declares no `IDs` parameter (spec `getPayments`; pyxero #260: `IDs` works
        for invoices, not payments), so ids go in `where` as `PaymentID==Guid(…) OR …`; Xero lists `PaymentID` among
        the `where` fields optimised for OR clauses (as CData's Xero driver documentation reproduces it)."""
        filters = [
            Filter.on(ids, field="PaymentID", guid=True),
            Filter.on(invoice_ids, field="Invoice.InvoiceID", guid=True),
            Filter.on(references, field="Reference"),
        ]
        return self._find("Payments", Payment, filters)

    def find_bank_transactions(
        self,
        *,
        ids: Iterable[str] = (),
        references: Iterable[str] = (),
        types: Iterable[str] = (),
        dates: Iterable[date] = (),
        contact_ids: Iterable[str] = (),
    ) -> list[BankTransaction]:
        """Bank transactions (trust receipts and payments) by id, or by reference within a type, date or contact.

        Xero optimises `where` on neither the id nor the reference of a bank transaction: by id alone each is read
        at `/BankTransactions/{id}`; a reference is matched here among those of the given types, dates or
        contacts."""
        wanted_ids, wanted_refs = {i.lower() for i in ids}, set(references)
        narrowing = [
            Filter.on(types, field="Type"),
            Filter.on((d.isoformat() for d in dates), field="Date", day=True),
            Filter.on(contact_ids, field="Contact.ContactID", guid=True),
        ]
        if not any(f.values for f in narrowing):
            if wanted_refs:
                raise ValueError("a bank-transaction lookup by reference needs a type, date or contact")
            return self._by_ids("BankTransactions", BankTransaction, wanted_ids)
        found = self._find("BankTransactions", BankTransaction, narrowing)
        return [
            b
            for b in found
            if (not wanted_ids or b.id.lower() in wanted_ids)
            and (not wanted_refs or b.reference in wanted_refs)
        ]

    def find_bank_transfers(
        self, *, ids: Iterable[str] = (), references: Iterable[str] = ()
    ) -> list[BankTransfer]:
        """Bank transfers by id or reference.

        Xero documents no optimised `where` field and no paging for bank transfers, so the list is read whole (one
        call, as before) and matched here; a firm has few transfers next to its invoices."""
        wanted_ids, wanted_refs = {i.lower() for i in ids}, set(references)
        if not wanted_ids and not wanted_refs:
            raise ValueError("a lookup needs at least one value to look for")
        every = [
            BankTransfer.model_validate(item) for item in items(self._get("BankTransfers"), "BankTransfers")
        ]
        return [
            t
            for t in every
            if (not wanted_ids or t.id.lower() in wanted_ids)
            and (not wanted_refs or t.reference in wanted_refs)
        ]

    def changed_page(
        self, endpoint: str, since: datetime | None, page: int
    ) -> tuple[list[dict[str, Any]], bool]:
        """One page of `endpoint`'s records created or changed after `since` (`If-Modified-Since`, oldest change
        first), and whether another page may follow. Invoices come with their payments (a `page` asks Xero for
        the full records); contacts include archived ones. Xero does not page bank transfers, so their one call
        returns them all."""
        query: dict[str, str] = {"order": "UpdatedDateUTC ASC"}
        paged = endpoint != "BankTransfers"
        if endpoint == "BankTransfers":
            query = {}
        else:
            query.update(page=str(page), pageSize=str(PAGE_SIZE))
        if endpoint == "Contacts":
            query["includeArchived"] = "true"
        headers = (
            {"If-Modified-Since": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]}
            if since
            else {}
        )
        response = self._requester.request("GET", endpoint, params=query, headers=headers)
        if response.status_code == 304:
            return [], False
        if response.status_code != 200:
            raise rejected(response, f"the lookup {endpoint}")
        batch = items(self._read(response, f"the lookup {endpoint}"), endpoint)
        return batch, paged and len(batch) >= PAGE_SIZE

    def records(self, endpoint: str, record_ids: Iterable[str]) -> list[dict[str, Any]]:
        """Each record as Xero holds it now (`GET /{Endpoint}/{id}`, the full record: an invoice with its
        payments); one Xero no longer has (404) is left out. For what a webhook names: a few ids at a time."""
        found: list[dict[str, Any]] = []
        for record_id in sorted(set(record_ids)):
            response = self._requester.request("GET", f"{endpoint}/{record_id}")
            if response.status_code == 404:
                continue
            if response.status_code != 200:
                raise rejected(response, f"the lookup {endpoint}/{record_id}")
            found.extend(items(self._read(response, f"the lookup {endpoint}/{record_id}"), endpoint))
        return found

    def history(self, endpoint: str, record_id: str) -> list[dict[str, Any]] | None:
        """The record's History (`GET /{Endpoint}/{id}/History`: who changed it, when, Xero's words), newest
        as Xero lists it; None when Xero no longer has the record (404)."""
        response = self._requester.request("GET", f"{endpoint}/{record_id}/History")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise rejected(response, f"the history of {endpoint}/{record_id}")
        return items(self._read(response, f"the history of {endpoint}/{record_id}"), "HistoryRecords")

    def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        response = self._requester.request("GET", path, params=params)
        if response.status_code != 200:
            raise rejected(response, f"the lookup {path}")
        return self._read(response, f"the lookup {path}")

    @staticmethod
    def _read(response: httpx.Response, what: str) -> Any:
        return json_of(response, what)

    def _by_ids(self, path: str, model: type[ModelT], ids: Iterable[str]) -> list[ModelT]:
        """Each record at `/{path}/{id}`; one that Xero does not have (404) is left out."""
        found: list[ModelT] = []
        for record_id in sorted(ids):
            response = self._requester.request("GET", f"{path}/{record_id}")
            if response.status_code == 404:
                continue
            if response.status_code != 200:
                raise rejected(response, f"the lookup {path}")
            found.extend(
                model.model_validate(i) for i in items(self._read(response, f"the lookup {path}"), path)
            )
        return found

    def _list(self, path: str, key: str, model: type[ModelT]) -> list[ModelT]:
        return [model.model_validate(item) for item in items(self._get(path), key)]

    def _find(
        self,
        path: str,
        model: type[ModelT],
        filters: list[Filter],
        extra: dict[str, str] | None = None,
        *,
        paged: bool = True,
    ) -> list[ModelT]:
        found: list[ModelT] = []
        for params in filter_params(path, filters, extra):
            for page in range(1, MAX_PAGES + 1) if paged else (None,):
                query = dict(params)
                if page is not None:
                    query.update(page=str(page), pageSize=str(PAGE_SIZE))
                batch = items(self._get(path, query), path)
                found.extend(model.model_validate(item) for item in batch)
                if page is None or len(batch) < PAGE_SIZE:
                    break
        return found
