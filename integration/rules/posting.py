"""Pure translation: one source document and its mapping targets -> the Xero element that represents it.

Rules (from the integration article and Xero's rounding guide):
- invoice and credit note lines are summarised to one Xero line per (account code, tax type), in the order the
  groups first appear; `TaxAmount` is the sum of Actionstep's own line taxes, so Xero's total equals Actionstep's
  total to the cent (Xero would otherwise recompute tax per line and could differ by a cent);
- the Actionstep number is the Xero number (invoices, credit notes) or reference (everything else), and `Url`
  links back to Actionstep where Xero has the field, so a bookkeeper can find one from the other;
- contacts are referred to by their Xero ContactID, which the engine finds (or creates) by ContactNumber first;
- payments and credit-note allocations refer to the Xero id of the document they settle, which must already be
  linked: the engine sends documents before what depends on them.

Trust money: a trust receipt is a RECEIVE and a trust payment a SPEND on the mapped trust bank account against the
Trust Liability account; transfers (bank to bank, trust to office) are Xero bank transfers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from integration.domain import (
    AllocationSummary,
    BankEntry,
    CreditNote,
    Direction,
    Document,
    DocumentKind,
    Endpoint,
    Identity,
    LinedDocument,
    LineSummary,
    Matter,
    Payment,
    SourceRef,
    SupplierInvoice,
    Transfer,
    TrustPayment,
)
from integration.errors import PostingError
from integration.rules.mapping import ResolvedLine, Targets

MAX_DESCRIPTION = 4000  # Xero's limit on a line description


ENDPOINT_OF_KIND: dict[DocumentKind, Endpoint] = {
    DocumentKind.SALES_INVOICE: Endpoint.INVOICES,
    DocumentKind.SUPPLIER_INVOICE: Endpoint.INVOICES,
    DocumentKind.CREDIT_NOTE: Endpoint.CREDIT_NOTES,
    DocumentKind.PAYMENT_RECEIVED: Endpoint.PAYMENTS,
    DocumentKind.SUPPLIER_PAYMENT: Endpoint.PAYMENTS,
    DocumentKind.BANK_TRANSFER: Endpoint.BANK_TRANSFERS,
    DocumentKind.TRUST_TRANSFER: Endpoint.BANK_TRANSFERS,
    DocumentKind.TRUST_RECEIPT: Endpoint.BANK_TRANSACTIONS,
    DocumentKind.TRUST_PAYMENT: Endpoint.BANK_TRANSACTIONS,
}


@dataclass(frozen=True, slots=True)
class XeroPosting:
    """One element for a Xero batch, plus what the engine needs around it."""

    source: SourceRef
    endpoint: Endpoint
    body: dict[str, Any]
    total: Decimal
    tax: Decimal
    identity: Identity
    allocations: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class PostingContext:
    """Facts from outside the document: Xero ContactIDs by Actionstep contact id, the Xero ids of documents
    already linked, matters (for references), and the tax type Xero uses for "no tax" in this organisation."""

    contact_ids: Mapping[str, str] = field(default_factory=dict)
    xero_ids: Mapping[SourceRef, str] = field(default_factory=dict)
    matters: Mapping[str, Matter] = field(default_factory=dict)
    no_tax_type: str = "BASEXCLUDED"


def document_key(source: SourceRef, version: str) -> str:
    """The deterministic Idempotency-Key of one document version (Xero allows 128 characters)."""
    digest = hashlib.sha256(f"{source.kind.value}|{source.id}|{version}".encode()).hexdigest()
    return f"xerobot-{source.kind.value}-{digest[:40]}"


def batch_key(document_keys: Iterable[str]) -> str:
    """One Idempotency-Key for a batch: the same documents give the same key, so a retry replays."""
    return "xerobot-batch-" + hashlib.sha256("|".join(sorted(document_keys)).encode()).hexdigest()[:48]


def summarise(lines: Iterable[ResolvedLine]) -> list[dict[str, Any]]:
    """One Xero line per (account code, tax type), amounts summed exactly."""
    groups: dict[tuple[str, str], list[ResolvedLine]] = {}
    for resolved in lines:
        groups.setdefault((resolved.account_code, resolved.tax_type), []).append(resolved)
    items = []
    for (code, tax_type), members in groups.items():
        amount = sum((m.line.amount for m in members), Decimal(0))
        tax = sum((m.line.tax for m in members), Decimal(0))
        items.append(
            {
                "Description": _describe(m.line.description for m in members),
                "Quantity": Decimal(1),
                "UnitAmount": amount,
                "LineAmount": amount,
                "AccountCode": code,
                "TaxType": tax_type,
                "TaxAmount": tax,
            }
        )
    return items


def _describe(descriptions: Iterable[str]) -> str:
    unique = list(dict.fromkeys(d.strip() for d in descriptions if d.strip()))
    if not unique:
        return "—"
    text = unique[0] if len(unique) == 1 else f"{len(unique)} items: " + "; ".join(unique)
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def _contact(document: Document, context: PostingContext) -> dict[str, str]:
    if not document.contact_id:
        raise PostingError(f"{document.kind.label} {document.number} has no contact in Actionstep.")
    contact_id = context.contact_ids.get(document.contact_id)
    if contact_id is None:
        raise PostingError(f"Contact {document.contact_id} of {document.number} is not in Xero yet.")
    return {"ContactID": contact_id}


def _settled(source: SourceRef, document: Document, context: PostingContext) -> str:
    xero_id = context.xero_ids.get(source)
    if xero_id is None:
        raise PostingError(f"{document.number} applies to {source}, which is not in Xero yet.")
    return xero_id


def _reference(document: Document, context: PostingContext) -> str | None:
    matter = context.matters.get(document.matter_id or "")
    return document.reference or (matter.reference if matter else None)


def _with_optional(body: dict[str, Any], **optional: Any) -> dict[str, Any]:
    body.update({key: value for key, value in optional.items() if value})
    return body


def _lined(document: LinedDocument, targets: Targets, context: PostingContext) -> XeroPosting:
    if len(targets.lines) != len(document.lines):
        raise PostingError(f"{document.number}: every line needs a mapped account before posting.")
    items = summarise(targets.lines)
    sales = not isinstance(document, SupplierInvoice) and not (
        isinstance(document, CreditNote) and document.direction is Direction.PURCHASES
    )
    body: dict[str, Any] = {
        "Contact": _contact(document, context),
        "Date": document.date.isoformat(),
        "Status": "AUTHORISED",
        "LineAmountTypes": "Exclusive",
        "LineItems": items,
    }
    if document.currency is not None:
        body["CurrencyCode"] = document.currency
    allocations: tuple[dict[str, Any], ...] = ()
    if isinstance(document, CreditNote):
        xero_type = "ACCRECCREDIT" if sales else "ACCPAYCREDIT"
        endpoint = Endpoint.CREDIT_NOTES
        body.update({"Type": xero_type, "CreditNoteNumber": document.number})
        allocations = tuple(
            {
                "Invoice": {"InvoiceID": _settled(a.invoice, document, context)},
                "Amount": a.amount,
                "Date": a.date.isoformat(),
            }
            for a in document.allocations
        )
    else:
        xero_type = "ACCREC" if sales else "ACCPAY"
        endpoint = Endpoint.INVOICES
        body.update({"Type": xero_type, "InvoiceNumber": document.number})
        body["DueDate"] = (document.due_date or document.date).isoformat()
    if sales:
        _with_optional(body, Reference=_reference(document, context))
    _with_optional(body, Url=document.url)
    subtotal = sum((item["LineAmount"] for item in items), Decimal(0))
    tax = sum((item["TaxAmount"] for item in items), Decimal(0))
    identity = Identity(
        endpoint,
        xero_type,
        number=document.number,
        contact_id=None if sales else body["Contact"]["ContactID"],
        date=document.date,
    )
    return XeroPosting(document.ref, endpoint, body, subtotal + tax, tax, identity, allocations)


def translate(document: Document, targets: Targets, context: PostingContext) -> XeroPosting:
    """The Xero element for `document`. Raises `PostingError` when it cannot be expressed as it stands."""
    if not document.kind.pushed:
        raise PostingError(f"{document.kind.label} documents are not sent to Xero (skipped by design).")
    if isinstance(document, LinedDocument):
        return _lined(document, targets, context)
    if isinstance(document, Payment):
        invoice_id = _settled(document.invoice, document, context)
        body = {
            "Invoice": {"InvoiceID": invoice_id},
            "Account": {"Code": targets.bank_code},
            "Date": document.date.isoformat(),
            "Amount": document.amount,
            "Reference": document.number,
            "IsReconciled": False,
        }
        identity = Identity(
            Endpoint.PAYMENTS, "PAYMENT", reference=document.number, settles=invoice_id, date=document.date
        )
        return XeroPosting(document.ref, Endpoint.PAYMENTS, body, document.amount, Decimal(0), identity)
    if isinstance(document, Transfer):
        body = {
            "FromBankAccount": {"Code": targets.bank_code},
            "ToBankAccount": {"Code": targets.to_bank_code},
            "Amount": document.amount,
            "Date": document.date.isoformat(),
            "Reference": document.number,
        }
        identity = Identity(
            Endpoint.BANK_TRANSFERS, "TRANSFER", reference=document.number, date=document.date
        )
        return XeroPosting(document.ref, Endpoint.BANK_TRANSFERS, body, document.amount, Decimal(0), identity)
    if isinstance(document, BankEntry):
        xero_type = "SPEND" if isinstance(document, TrustPayment) else "RECEIVE"
        body = {
            "Type": xero_type,
            "Contact": _contact(document, context),
            "BankAccount": {"Code": targets.bank_code},
            "Date": document.date.isoformat(),
            "Reference": document.number,
            "LineAmountTypes": "NoTax",
            "LineItems": [
                {
                    "Description": document.description
                    or f"{document.kind.label.capitalize()} {document.number}",
                    "Quantity": Decimal(1),
                    "UnitAmount": document.amount,
                    "LineAmount": document.amount,
                    "AccountCode": targets.account_code,
                    "TaxType": context.no_tax_type,
                }
            ],
        }
        _with_optional(body, Url=document.url)
        identity = Identity(
            Endpoint.BANK_TRANSACTIONS, xero_type, reference=document.number, date=document.date
        )
        return XeroPosting(
            document.ref, Endpoint.BANK_TRANSACTIONS, body, document.amount, Decimal(0), identity
        )
    raise PostingError(f"No Xero translation for {document.kind.label}.")


# The words of a line in a drift alert keep this much of its description.
LINE_WORDS = 40


def posted_lines(posting: XeroPosting) -> tuple[LineSummary, ...] | None:
    """The lines the bot sends for an invoice or credit note (kept on its link for drift); None for other kinds."""
    if posting.endpoint not in (Endpoint.INVOICES, Endpoint.CREDIT_NOTES):
        return None
    return tuple(
        LineSummary(
            str(item["AccountCode"]),
            str(item["TaxType"]),
            Decimal(item["LineAmount"]),
            Decimal(item["TaxAmount"]),
            str(item.get("Description") or "")[:LINE_WORDS],
        )
        for item in posting.body.get("LineItems", [])
    )


def posted_allocations(posting: XeroPosting) -> tuple[AllocationSummary, ...] | None:
    """The allocations the bot makes with a credit note (kept on its link for drift); None for other kinds."""
    if posting.endpoint is not Endpoint.CREDIT_NOTES:
        return None
    return tuple(
        AllocationSummary(str(a["Invoice"]["InvoiceID"]), Decimal(a["Amount"])) for a in posting.allocations
    )
