"""`XeroClient`: the writes the sync engine and unlink make, for one tenant, on top of the reads (`reads.XeroReader`).

Writes take Xero-shaped element dicts (built by `posting`) and return one
`ElementResult` per element, in order; each write carries the caller's deterministic `Idempotency-Key`. Batches
go with `summarizeErrors=false` so one bad element cannot hide the others' ids. `PUT /BankTransfers` has no
`summarizeErrors` and answers a bad element with a 400 for the whole request, so a refused batch of transfers is
settled by looking the transfers up and sending the rest one per request, each under a key derived from the caller's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import httpx

from integration.errors import Unavailable
from integration.xero import wire
from integration.xero.queries import items, sub_key
from integration.xero.reads import XeroReader
from integration.xero.requester import rejected
from integration.xero.results import ElementResult, element_result, element_results

Endpoint = Literal[
    "Invoices", "CreditNotes", "Payments", "BankTransactions", "BankTransfers", "ManualJournals", "Contacts"
]
WRITE_ENDPOINTS = frozenset(
    {"Invoices", "CreditNotes", "Payments", "BankTransactions", "BankTransfers", "ManualJournals", "Contacts"}
)
MAX_BATCH = 50
_WITH_LINES = frozenset({"Invoices", "CreditNotes", "BankTransactions"})
_STATUS_PATHS = {"invoice": ("Invoices", "InvoiceID"), "credit_note": ("CreditNotes", "CreditNoteID")}


def _elements(response: httpx.Response) -> list[dict[str, Any]]:
    try:
        return items(wire.loads(response.content), "Elements")
    except ValueError:
        return []


class XeroClient(XeroReader):
    """Xero's accounting API for one tenant: the reads of `XeroReader` and the writes."""

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
