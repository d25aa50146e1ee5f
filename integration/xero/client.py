"""`XeroClient`: the reads and writes the sync engine and unlink make, for one tenant.

Reads return the models of `schemas.py`. Writes take Xero-shaped element dicts (built by `posting`) and return one
`ElementResult` per element, in order; each write carries the caller's deterministic `Idempotency-Key`. Batches
go with `summarizeErrors=false` so one bad element cannot hide the others' ids. `PUT /BankTransfers` has no
`summarizeErrors` and answers a bad element with a 400 for the whole request, so a refused batch of transfers is
settled by looking the transfers up and sending the rest one per request, each under a key derived from the caller's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, Literal, TypeVar

import httpx
from pydantic import BaseModel

from integration.clock import Clock
from integration.errors import Unavailable
from integration.xero import wire
from integration.xero.endpoints import PRODUCTION_API_URL
from integration.xero.governor import RateGovernor
from integration.xero.queries import MAX_PAGES, PAGE_SIZE, Filter, filter_params, items, sub_key
from integration.xero.requester import XeroRequester, XeroRetryPolicy, rejected
from integration.xero.results import ElementResult, element_result, element_results
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

Endpoint = Literal[
    "Invoices", "CreditNotes", "Payments", "BankTransactions", "BankTransfers", "ManualJournals", "Contacts"
]
WRITE_ENDPOINTS = frozenset(
    {"Invoices", "CreditNotes", "Payments", "BankTransactions", "BankTransfers", "ManualJournals", "Contacts"}
)
MAX_BATCH = 50
_WITH_LINES = frozenset({"Invoices", "CreditNotes", "BankTransactions"})
_STATUS_PATHS = {"invoice": ("Invoices", "InvoiceID"), "credit_note": ("CreditNotes", "CreditNoteID")}

ModelT = TypeVar("ModelT", bound=BaseModel)


def _elements(response: httpx.Response) -> list[dict[str, Any]]:
    try:
        return items(wire.loads(response.content), "Elements")
    except ValueError:
        return []


class XeroClient:
    """Xero's accounting API for one tenant. `api_calls` counts every request sent, retries included."""

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

    # Reads -----------------------------------------------------------------------------------------------------

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

    # Writes ----------------------------------------------------------------------------------------------------

    def create(
        self, endpoint: Endpoint, elements: list[dict[str, Any]], idempotency_key: str
    ) -> list[ElementResult]:
        """Create up to 50 elements; one result per element, in the order given."""
        if endpoint not in WRITE_ENDPOINTS:
            raise ValueError(f"{endpoint} is not an endpoint the client writes to")
        if not 0 < len(elements) <= MAX_BATCH:
            raise ValueError(f"a batch has 1 to {MAX_BATCH} elements, not {len(elements)}")
        if endpoint == "BankTransfers" and len(elements) > 1:
            return self._transfers(elements, idempotency_key)
        params = {"summarizeErrors": "false"}
        if endpoint in _WITH_LINES:
            params["unitdp"] = "4"
        response = self._requester.request(
            "PUT", endpoint, params=params, body={endpoint: elements}, idempotency_key=idempotency_key
        )
        return self._answers(
            endpoint, endpoint, response, expected=len(elements), what=f"the {endpoint} batch"
        )

    def _transfers(self, elements: list[dict[str, Any]], idempotency_key: str) -> list[ElementResult]:
        """A batch of transfers in one request. Xero refuses the whole batch (400) when one transfer is bad, and may
        still have created the good ones without saying which: those are found by Reference, and the rest are sent
        one per request, so every transfer gets its own answer and none is created twice."""
        response = self._requester.request(
            "PUT", "BankTransfers", body={"BankTransfers": elements}, idempotency_key=idempotency_key
        )
        if response.status_code == 200:
            return self._answers("BankTransfers", "BankTransfers", response, len(elements), "the transfers")
        if response.status_code != 400:
            raise rejected(response, "the transfers")
        references = [str(e["Reference"]) for e in elements if e.get("Reference")]
        existing = {
            t.reference: t for t in self.find_bank_transfers(references=references) if t.status != "DELETED"
        }
        results: list[ElementResult] = []
        for index, element in enumerate(elements):
            found = existing.get(element.get("Reference"))
            if found is not None and found.amount == Decimal(str(element["Amount"])):
                results.append(ElementResult(True, found.id, None, found.amount, found.status))
            else:
                results.extend(self.create("BankTransfers", [element], sub_key(idempotency_key, index)))
        return results

    def allocate_credit_note(
        self, credit_note_id: str, allocations: list[dict[str, Any]], idempotency_key: str
    ) -> list[ElementResult]:
        """Apply a credit note to invoices: `[{"Invoice": {"InvoiceID": …}, "Amount": …, "Date": …}]`."""
        if not 0 < len(allocations) <= MAX_BATCH:
            raise ValueError(f"1 to {MAX_BATCH} allocations at a time, not {len(allocations)}")
        response = self._requester.request(
            "PUT",
            f"CreditNotes/{credit_note_id}/Allocations",
            params={"summarizeErrors": "false"},
            body={"Allocations": allocations},
            idempotency_key=idempotency_key,
        )
        return self._answers("Allocations", "Allocations", response, len(allocations), "the allocations")

    def set_status(
        self,
        kind: Literal["invoice", "credit_note"],
        xero_id: str,
        status: Literal["VOIDED", "DELETED"],
        idempotency_key: str,
    ) -> ElementResult:
        """Void (AUTHORISED) or delete (DRAFT, SUBMITTED) an invoice or credit note."""
        endpoint, id_field = _STATUS_PATHS[kind]
        response = self._requester.request(
            "POST",
            f"{endpoint}/{xero_id}",
            body={endpoint: [{id_field: xero_id, "Status": status}]},
            idempotency_key=idempotency_key,
        )
        return self._answers(endpoint, endpoint, response, 1, f"the status change of {xero_id}")[0]

    def delete_payment(self, payment_id: str, idempotency_key: str) -> ElementResult:
        """Delete a payment (Xero cannot edit payments); a reconciled one is refused."""
        response = self._requester.request(
            "POST", f"Payments/{payment_id}", body={"Status": "DELETED"}, idempotency_key=idempotency_key
        )
        return self._answers("Payments", "Payments", response, 1, f"deleting payment {payment_id}")[0]

    def delete_allocation(self, credit_note_id: str, allocation_id: str) -> ElementResult:
        """Remove one allocation of a credit note (Xero answers with the allocation, `IsDeleted` true)."""
        response = self._requester.request(
            "DELETE", f"CreditNotes/{credit_note_id}/Allocations/{allocation_id}"
        )
        if response.status_code != 200:
            return self._answers(
                "Allocations", "Allocations", response, 1, f"deleting allocation {allocation_id}"
            )[0]
        payload = self._read(response, f"deleting allocation {allocation_id}")
        wrapped = items(payload, "Allocations")  # the spec answers a bare Allocation; accept the wrapper too
        raw = wrapped[0] if wrapped else payload
        result = element_result("Allocations", raw)
        if result.ok and raw.get("IsDeleted") is not True:
            raise Unavailable("xero", f"Xero did not confirm deleting allocation {allocation_id}.")
        return result

    # Plumbing --------------------------------------------------------------------------------------------------

    def _answers(
        self, endpoint: str, key: str, response: httpx.Response, expected: int, what: str
    ) -> list[ElementResult]:
        if response.status_code == 200:
            found = items(self._read(response, what), key)
        elif response.status_code == 400 and (elements := _elements(response)):
            found = elements  # a summarised 400 (or a single-record write): each element with its errors
        else:
            raise rejected(response, what)
        if len(found) != expected:
            raise Unavailable(
                "xero",
                f"Xero answered {len(found)} elements for {expected} sent in {what}; the outcome is unknown.",
            )
        return element_results(endpoint, found)

    def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        response = self._requester.request("GET", path, params=params)
        if response.status_code != 200:
            raise rejected(response, f"the lookup {path}")
        return self._read(response, f"the lookup {path}")

    @staticmethod
    def _read(response: httpx.Response, what: str) -> Any:
        try:
            return wire.loads(response.content)
        except ValueError:
            raise Unavailable(
                "xero",
                f"Xero's answer to {what} was not JSON (HTTP {response.status_code}); the outcome is unknown.",
            ) from None

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
