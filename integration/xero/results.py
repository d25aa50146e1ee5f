"""What happened to each element of a write: one `ElementResult` per element sent, in the order sent.

With `summarizeErrors=false` Xero answers 200 and marks failed elements with `HasErrors` / `HasValidationErrors`
and `ValidationErrors`; `StatusAttributeString` alone is not trusted (the spec has an "OK" element that carries a
validation error). A failed element may echo a zero GUID as its id, which is not an id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from integration.xero.messages import coded

ID_FIELDS = {
    "Invoices": "InvoiceID",
    "CreditNotes": "CreditNoteID",
    "Payments": "PaymentID",
    "BankTransactions": "BankTransactionID",
    "BankTransfers": "BankTransferID",
    "ManualJournals": "ManualJournalID",
    "Contacts": "ContactID",
    "Allocations": "AllocationID",
}
_NUMBER_FIELDS = ("InvoiceNumber", "CreditNoteNumber", "ContactNumber")
_ZERO_ID = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True, slots=True)
class ElementResult:
    """The outcome of one element: created (`ok`, with Xero's id) or refused with Xero's reasons.

    `errors` holds (catalogue code, Xero's message) pairs; `raw` is the element as Xero returned it."""

    ok: bool
    xero_id: str | None
    number: str | None
    total: Decimal | None
    status: str | None
    errors: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def codes(self) -> tuple[str, ...]:
        """The catalogue codes of the errors, in Xero's order."""
        return tuple(code for code, _ in self.errors)


def _messages(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [str(item.get("Message", "")) for item in items if isinstance(item, dict) and item.get("Message")]


def element_result(endpoint: str, raw: dict[str, Any]) -> ElementResult:
    """Read one returned element of `endpoint` (a key of `ID_FIELDS`)."""
    errors = coded(_messages(raw.get("ValidationErrors")))
    failed = bool(errors) or bool(raw.get("HasErrors")) or bool(raw.get("HasValidationErrors"))
    if failed and not errors:
        errors = (("xero.unknown", "Xero marked the element as failed without saying why."),)
    xero_id = raw.get(ID_FIELDS[endpoint]) or raw.get("AllocationId")
    if xero_id == _ZERO_ID or failed:
        xero_id = None
    number = next((str(raw[name]) for name in _NUMBER_FIELDS if raw.get(name)), None)
    total = raw.get("Total", raw.get("Amount"))
    return ElementResult(
        ok=not failed,
        xero_id=str(xero_id) if xero_id else None,
        number=number,
        total=Decimal(total) if isinstance(total, Decimal | int) else None,
        status=str(raw["Status"]) if raw.get("Status") and not failed else None,
        errors=errors,
        warnings=tuple(_messages(raw.get("Warnings"))),
        raw=raw,
    )


def element_results(endpoint: str, elements: list[Any]) -> list[ElementResult]:
    """Read every returned element of `endpoint`, in order."""
    return [element_result(endpoint, item if isinstance(item, dict) else {}) for item in elements]
