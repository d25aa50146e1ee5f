"""The sandbox's records as Xero writes them: PascalCase, `/Date(…)/` dates with `…String` twins, 2dp money.

Dates of documents are midnight UTC in milliseconds with a `+0000` offset (`"/Date(1539129600000+0000)/"`) and
a `DateString` of `"2018-10-10T00:00:00"`; timestamps such as `UpdatedDateUTC` carry milliseconds of the moment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sandboxes.xero.books import (
    Account,
    Allocation,
    BankTransaction,
    BankTransfer,
    Contact,
    Document,
    Line,
    ManualJournal,
    Payment,
    TaxRate,
)

FOUR = Decimal("0.0001")


def ms_date(day: date | datetime | None) -> str | None:
    """A date (midnight UTC) or moment as `/Date(milliseconds+0000)/`."""
    if day is None:
        return None
    moment = day if isinstance(day, datetime) else datetime(day.year, day.month, day.day, tzinfo=UTC)
    return f"/Date({int(moment.timestamp() * 1000)}+0000)/"


def date_string(day: date | None) -> str | None:
    """The `…String` twin of a date: `2026-07-01T00:00:00`."""
    return f"{day.isoformat()}T00:00:00" if day else None


def utc_string(moment: datetime | None) -> str | None:
    """A moment as ISO-8601 UTC with a `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _dated(name: str, day: date | None) -> dict[str, Any]:
    return {f"{name}String": date_string(day), name: ms_date(day)} if day else {}


def _updated(moment: datetime) -> dict[str, Any]:
    return {"UpdatedDateUTC": ms_date(moment), "UpdatedDateUTCString": utc_string(moment)}


def account(record: Account) -> dict[str, Any]:
    """An account as `GET /Accounts` returns it."""
    rendered: dict[str, Any] = {
        "AccountID": record.id,
        "Code": record.code,
        "Name": record.name,
        "Status": record.status,
        "Type": record.type,
        "TaxType": record.tax_type,
        "Class": record.account_class,
        "EnablePaymentsToAccount": record.enable_payments,
        "ShowInExpenseClaims": False,
        "ReportingCode": "",
        "HasAttachments": False,
    }
    if record.system_account:
        rendered["SystemAccount"] = record.system_account
    if record.type == "BANK":
        rendered.update(
            BankAccountNumber=record.bank_account_number, BankAccountType="BANK", CurrencyCode="AUD"
        )
    return rendered


def account_ref(record: Account) -> dict[str, Any]:
    """An account as embedded in another record."""
    return {"AccountID": record.id, "Code": record.code, "Name": record.name}


def tax_rate(record: TaxRate) -> dict[str, Any]:
    """A tax rate as `GET /TaxRates` returns it."""
    rate = record.rate.quantize(FOUR)
    flags = {f"CanApplyTo{name}": record.applies_to.get(cls, False) for name, cls in _CLASS_FLAGS}
    return {
        "Name": record.name,
        "TaxType": record.tax_type,
        "ReportTaxType": record.tax_type,
        "Status": record.status,
        **flags,
        "DisplayTaxRate": rate,
        "EffectiveRate": rate,
        "TaxComponents": [{"Name": "GST", "Rate": rate, "IsCompound": False, "IsNonRecoverable": False}],
    }


_CLASS_FLAGS = (
    ("Assets", "ASSET"),
    ("Equity", "EQUITY"),
    ("Expenses", "EXPENSE"),
    ("Liabilities", "LIABILITY"),
    ("Revenue", "REVENUE"),
)


def contact(record: Contact) -> dict[str, Any]:
    """A contact as `GET /Contacts` returns it."""
    rendered: dict[str, Any] = {
        "ContactID": record.id,
        "ContactStatus": record.status,
        "Name": record.name,
        "EmailAddress": record.email or "",
        "HasValidationErrors": False,
    }
    if record.number:
        rendered["ContactNumber"] = record.number
    if record.merged_to:
        rendered["MergedToContactID"] = record.merged_to
    if record.updated:
        rendered.update(_updated(record.updated))
    return rendered


def contact_ref(record: Contact) -> dict[str, Any]:
    """A contact as embedded in a document."""
    return {"ContactID": record.id, "Name": record.name, "HasValidationErrors": False}


def line(record: Line) -> dict[str, Any]:
    """A priced line item."""
    rendered: dict[str, Any] = {"LineItemID": record.id, "Description": record.description}
    if record.quantity is not None:
        rendered["Quantity"] = record.quantity.quantize(FOUR)
    if record.unit_amount is not None:
        rendered["UnitAmount"] = record.unit_amount
    if record.account is not None:
        rendered.update(AccountCode=record.account.code, AccountID=record.account.id)
    if record.tax_type:
        rendered["TaxType"] = record.tax_type
    if record.discount_rate is not None:
        rendered["DiscountRate"] = record.discount_rate
    rendered.update(TaxAmount=record.tax_amount, LineAmount=record.line_amount, Tracking=record.tracking)
    return rendered


def payment_on_document(record: Payment) -> dict[str, Any]:
    """A payment as listed on the document it pays: only the fields Xero lists there, and no `IsReconciled`.

    Source: the spec's invoice and credit-note examples (`xero_accounting.yaml`, the `Payments` inside
    `CreditNotes` around line 5270 and inside `Invoices` around 7508 and 8282) carry exactly `PaymentID`, `Date`,
    `Amount`, `Reference`, `CurrencyRate`, `HasAccount`, `HasValidationErrors`, with no `DateString` and no
    `Reference` when the payment has none; reconciliation is only on `GET /Payments` (see `payment`). The
    fidelity digest (`shared/reference/xero-fidelity.md`, first row) and xero-gateway/xero_gateway PR #78 say the
    same. A client that reads reconciliation here must not find it.
    """
    rendered: dict[str, Any] = {"PaymentID": record.id, "Date": ms_date(record.date), "Amount": record.amount}
    if record.reference:
        rendered["Reference"] = record.reference
    rendered.update(CurrencyRate=Decimal("1.000000"), HasAccount=False, HasValidationErrors=False)
    return rendered


def document_ref(record: Document) -> dict[str, Any]:
    """An invoice or credit note as embedded in a payment or allocation."""
    id_key, number_key = (
        ("CreditNoteID", "CreditNoteNumber") if record.is_credit else ("InvoiceID", "InvoiceNumber")
    )
    return {
        "Type": record.type,
        id_key: record.id,
        number_key: record.number or "",
        "Contact": contact_ref(record.contact),
        "Status": record.status,
        "Total": record.totals.total,
    }


def document(record: Document, payments: list[Payment], allocations: list[Allocation]) -> dict[str, Any]:
    """An invoice or credit note with its lines, totals, payments and allocations."""
    rendered: dict[str, Any] = {
        "Type": record.type,
        ("CreditNoteID" if record.is_credit else "InvoiceID"): record.id,
        ("CreditNoteNumber" if record.is_credit else "InvoiceNumber"): record.number or "",
        "Reference": record.reference or "",
        "Contact": contact_ref(record.contact),
        **_dated("Date", record.date),
        **_dated("DueDate", record.due_date),
        "Status": record.status,
        "LineAmountTypes": record.line_amount_types,
        "LineItems": [line(item) for item in record.lines],
        "SubTotal": record.totals.sub_total,
        "TotalTax": record.totals.total_tax,
        "Total": record.totals.total,
        "CurrencyCode": record.currency,
        "CurrencyRate": Decimal("1.000000"),
        **_updated(record.updated),
        "Payments": [payment_on_document(p) for p in payments if p.status == "AUTHORISED"],
        "HasAttachments": False,
        "HasErrors": False,
    }
    if record.url:
        rendered["Url"] = record.url
    if record.is_credit:
        rendered["RemainingCredit"] = record.outstanding
        rendered["Allocations"] = [allocation(a) for a in allocations if not a.deleted]
    else:
        rendered.update(
            AmountDue=record.outstanding, AmountPaid=record.amount_paid, AmountCredited=record.amount_credited
        )
        rendered["CreditNotes"] = [
            {**document_ref(a.credit_note), "AppliedAmount": a.amount} for a in allocations if not a.deleted
        ]
    if record.fully_paid_on:
        rendered.update(_dated("FullyPaidOnDate", record.fully_paid_on))
    return rendered


def payment(record: Payment) -> dict[str, Any]:
    """A payment as `GET /Payments` returns it, with `IsReconciled` (spec `Payment.IsReconciled`, around line
    23881: "whether a payment has been reconciled when using GET"; the `getPayments` example around 11666)."""
    target_key = "CreditNote" if record.document.is_credit else "Invoice"
    return {
        "PaymentID": record.id,
        **_dated("Date", record.date),
        "Amount": record.amount,
        "BankAmount": record.amount,
        "Reference": record.reference or "",
        "CurrencyRate": Decimal("1.000000"),
        "PaymentType": record.payment_type,
        "Status": record.status,
        "IsReconciled": record.is_reconciled,
        **_updated(record.updated),
        "HasAccount": True,
        "HasValidationErrors": False,
        "Account": account_ref(record.account),
        target_key: document_ref(record.document),
    }


def allocation(record: Allocation) -> dict[str, Any]:
    """A credit-note allocation."""
    return {
        "AllocationID": record.id,
        "Amount": record.amount,
        **_dated("Date", record.date),
        "Invoice": document_ref(record.invoice),
        "CreditNote": document_ref(record.credit_note),
        "IsDeleted": record.deleted,
    }


def bank_transaction(record: BankTransaction) -> dict[str, Any]:
    """A bank transaction as `GET /BankTransactions` returns it."""
    rendered: dict[str, Any] = {
        "BankTransactionID": record.id,
        "Type": record.type,
        "Contact": contact_ref(record.contact),
        "BankAccount": account_ref(record.bank_account),
        **_dated("Date", record.date),
        "Reference": record.reference or "",
        "Status": record.status,
        "LineAmountTypes": record.line_amount_types,
        "LineItems": [line(item) for item in record.lines],
        "SubTotal": record.totals.sub_total,
        "TotalTax": record.totals.total_tax,
        "Total": record.totals.total,
        "IsReconciled": record.is_reconciled,
        "CurrencyCode": "AUD",
        **_updated(record.updated),
        "HasAttachments": False,
    }
    if record.url:
        rendered["Url"] = record.url
    return rendered


def bank_transfer(record: BankTransfer) -> dict[str, Any]:
    """A bank transfer as `GET /BankTransfers` returns it."""
    return {
        "BankTransferID": record.id,
        "FromBankAccount": account_ref(record.from_account),
        "ToBankAccount": account_ref(record.to_account),
        "Amount": record.amount,
        **_dated("Date", record.date),
        "Reference": record.reference or "",
        "CurrencyRate": Decimal("1.000000"),
        "FromBankTransactionID": record.from_transaction_id,
        "ToBankTransactionID": record.to_transaction_id,
        "FromIsReconciled": record.from_reconciled,
        "ToIsReconciled": record.to_reconciled,
        "Status": record.status,
        "HasAttachments": False,
        "CreatedDateUTC": ms_date(record.created),
        "CreatedDateUTCString": utc_string(record.created),
    }


def manual_journal(record: ManualJournal) -> dict[str, Any]:
    """A manual journal as `GET /ManualJournals` returns it."""
    rendered: dict[str, Any] = {
        "ManualJournalID": record.id,
        "Narration": record.narration,
        **_dated("Date", record.date),
        "Status": record.status,
        "LineAmountTypes": record.line_amount_types,
        "ShowOnCashBasisReports": record.show_on_cash_basis,
        "JournalLines": [
            {
                "Description": item.description or "",
                "LineAmount": item.line_amount,
                "AccountCode": item.account.code,
                "AccountID": item.account.id,
                "TaxType": item.tax_type,
                "TaxAmount": item.tax_amount,
                "IsBlank": False,
            }
            for item in record.lines
        ],
        **_updated(record.updated),
        "HasAttachments": False,
    }
    if record.url:
        rendered["Url"] = record.url
    return rendered


def organisation(fields: dict[str, Any]) -> dict[str, Any]:
    """The organisation record; date fields in MS-JSON form."""
    return {key: (ms_date(value) if isinstance(value, date) else value) for key, value in fields.items()}
