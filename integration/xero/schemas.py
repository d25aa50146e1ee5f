"""Pydantic models of the Xero response shapes the engine reads.

Field names are ours (snake case); aliases carry Xero's PascalCase (`AccountID`, `UpdatedDateUTC`). Unknown fields
are ignored, so Xero adding a field never breaks a sync. Money is `Decimal` (the response parser already reads
numbers as `Decimal`); `/Date(…)/` values become `date` or aware `datetime`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field

from integration.xero.wire import parse_ms_date

_UPPER_WORDS = {"id": "ID", "utc": "UTC", "ids": "IDs"}


def pascal(name: str) -> str:
    """`account_id` -> `AccountID`, `updated_date_utc` -> `UpdatedDateUTC`."""
    return "".join(_UPPER_WORDS.get(word, word.capitalize()) for word in name.split("_"))


def _to_date(value: Any) -> date | None:
    moment = parse_ms_date(value)
    return moment.date() if moment else None


MsDate = Annotated[date | None, BeforeValidator(_to_date)]
MsDateTime = Annotated[datetime | None, BeforeValidator(parse_ms_date)]


class XeroModel(BaseModel):
    """Base: PascalCase aliases, extra fields ignored, immutable."""

    model_config = ConfigDict(alias_generator=pascal, populate_by_name=True, extra="ignore", frozen=True)


class Organisation(XeroModel):
    """`GET /Organisation`: what the engine needs of the organisation."""

    organisation_id: str
    name: str
    short_code: str | None = None
    base_currency: str
    country_code: str | None = None
    period_lock_date: MsDate = None
    end_of_year_lock_date: MsDate = None


class Account(XeroModel):
    """An account of the chart (`GET /Accounts`)."""

    account_id: str
    code: str | None = None
    name: str
    type: str
    status: str = "ACTIVE"
    tax_type: str | None = None
    class_: str | None = Field(default=None, alias="Class")
    system_account: str | None = None
    enable_payments_to_account: bool = False
    bank_account_number: str | None = None


class Currency(XeroModel):
    """One currency the organisation has enabled (`GET /Currencies`)."""

    code: str
    description: str | None = None


class TaxRate(XeroModel):
    """A tax rate (`GET /TaxRates`) with the account classes it may be used with."""

    tax_type: str
    name: str
    status: str = "ACTIVE"
    rate: Decimal = Field(
        default=Decimal(0), validation_alias=AliasChoices("EffectiveRate", "DisplayTaxRate")
    )
    can_apply_to_assets: bool = False
    can_apply_to_equity: bool = False
    can_apply_to_expenses: bool = False
    can_apply_to_liabilities: bool = False
    can_apply_to_revenue: bool = False

    def can_apply_to(self, account_class: str) -> bool:
        """Whether this tax type may be used on an account of `account_class` (ASSET, EXPENSE, …)."""
        flags = {
            "ASSET": self.can_apply_to_assets,
            "EQUITY": self.can_apply_to_equity,
            "EXPENSE": self.can_apply_to_expenses,
            "LIABILITY": self.can_apply_to_liabilities,
            "REVENUE": self.can_apply_to_revenue,
        }
        return flags.get(account_class.upper(), False)


class Contact(XeroModel):
    """A contact (`GET /Contacts`)."""

    contact_id: str
    name: str | None = None
    contact_number: str | None = None
    contact_status: str = "ACTIVE"
    email_address: str | None = None
    updated_date_utc: MsDateTime = None
    # Set on a contact merged into another; "Only returned when using paging or when fetching a contact by
    # ContactId or ContactNumber" (spec `Contact.MergedToContactID`).
    merged_to_contact_id: str | None = None


class ContactRef(XeroModel):
    """A contact as embedded in a document."""

    contact_id: str | None = None
    name: str | None = None


class AccountRef(XeroModel):
    """An account as embedded in a payment, transaction or transfer."""

    account_id: str | None = None
    code: str | None = None


class PaymentLine(XeroModel):
    """A payment as listed on the document it pays. Xero lists no `IsReconciled` here (spec invoice and
    credit-note examples): only `Payment` from `GET /Payments` says whether a payment is reconciled."""

    payment_id: str
    amount: Decimal
    date: MsDate = None
    reference: str | None = None


class AllocationLine(XeroModel):
    """A credit-note allocation as listed on the credit note."""

    allocation_id: str | None = Field(
        default=None, validation_alias=AliasChoices("AllocationID", "AllocationId")
    )
    amount: Decimal
    date: MsDate = None
    invoice: dict[str, Any] | None = None


class LineItem(XeroModel):
    """A line of an invoice or credit note; a list without `page` answers with none (spec `getInvoices` `page`)."""

    description: str | None = None
    account_code: str | None = None
    tax_type: str | None = None
    line_amount: Decimal = Decimal(0)
    tax_amount: Decimal = Decimal(0)


class AppliedCredit(XeroModel):
    """A credit note as listed on the invoice it is allocated to."""

    credit_note_id: str | None = None
    credit_note_number: str | None = None
    applied_amount: Decimal = Decimal(0)


class Document(XeroModel):
    """Fields every document summary shares."""

    type: str | None = None
    reference: str | None = None
    status: str
    date: MsDate = None
    url: str | None = None
    total: Decimal = Decimal(0)
    contact: ContactRef | None = None
    updated_date_utc: MsDateTime = None
    line_items: list[LineItem] = []

    @property
    def contact_id(self) -> str | None:
        """The document's ContactID, if it has a contact."""
        return self.contact.contact_id if self.contact else None


class Invoice(Document):
    """A sales invoice (ACCREC) or bill (ACCPAY) summary."""

    id: str = Field(alias="InvoiceID")
    number: str | None = Field(default=None, alias="InvoiceNumber")
    due_date: MsDate = None
    sub_total: Decimal = Decimal(0)
    total_tax: Decimal = Decimal(0)
    amount_due: Decimal = Decimal(0)
    amount_paid: Decimal = Decimal(0)
    amount_credited: Decimal = Decimal(0)
    payments: list[PaymentLine] = []
    credit_notes: list[AppliedCredit] = []


class CreditNote(Document):
    """A credit note summary (ACCRECCREDIT or ACCPAYCREDIT)."""

    id: str = Field(alias="CreditNoteID")
    number: str | None = Field(default=None, alias="CreditNoteNumber")
    sub_total: Decimal = Decimal(0)
    total_tax: Decimal = Decimal(0)
    remaining_credit: Decimal = Decimal(0)
    allocations: list[AllocationLine] = []
    payments: list[PaymentLine] = []


class DocumentRef(XeroModel):
    """The document a payment settles, as embedded in the payment."""

    invoice_id: str | None = None
    credit_note_id: str | None = None
    invoice_number: str | None = None
    credit_note_number: str | None = None
    type: str | None = None
    contact: ContactRef | None = None


class Payment(XeroModel):
    """A payment summary (`GET /Payments`)."""

    id: str = Field(alias="PaymentID")
    status: str
    payment_type: str | None = None
    date: MsDate = None
    amount: Decimal
    reference: str | None = None
    is_reconciled: bool = False
    invoice: DocumentRef | None = None
    credit_note: DocumentRef | None = None
    account: AccountRef | None = None
    updated_date_utc: MsDateTime = None

    @property
    def document_id(self) -> str | None:
        """The invoice or credit note this payment settles."""
        if self.invoice and self.invoice.invoice_id:
            return self.invoice.invoice_id
        return self.credit_note.credit_note_id if self.credit_note else None


class BankTransaction(Document):
    """A bank transaction summary (RECEIVE, SPEND, …)."""

    id: str = Field(alias="BankTransactionID")
    bank_account: AccountRef | None = None
    is_reconciled: bool = False
    sub_total: Decimal = Decimal(0)
    total_tax: Decimal = Decimal(0)


class BankTransfer(XeroModel):
    """A bank transfer summary."""

    id: str = Field(alias="BankTransferID")
    amount: Decimal
    date: MsDate = None
    reference: str | None = None
    status: str = "AUTHORISED"
    from_bank_account: AccountRef | None = None
    to_bank_account: AccountRef | None = None
    from_bank_transaction_id: str | None = None
    to_bank_transaction_id: str | None = None
    from_is_reconciled: bool = False
    to_is_reconciled: bool = False
    created_date_utc: MsDateTime = None


class HistoryRecord(XeroModel):
    """One line of a record's History (spec `HistoryRecord`): Xero's words for the change, its details, who and
    when."""

    changes: str | None = None
    details: str | None = None
    user: str | None = None
    date_utc: MsDateTime = None


class ReportAttribute(XeroModel):
    """What a report cell points at (spec `ReportAttribute`): `Id` "account" with the AccountID as `Value` on an
    account's cells; "fromDate"/"toDate" beside it on the earnings rows."""

    id: str = Field(alias="Id")
    value: str | None = None


class ReportCell(XeroModel):
    """One cell (spec `ReportCell`): its text as Xero prints it (amounts as "-1850.00") and what it points at."""

    value: str | None = None
    attributes: list[ReportAttribute] = []

    def attribute(self, name: str) -> str | None:
        """The value of the attribute with `Id` `name` (compared without case), None when absent."""
        return next((a.value for a in self.attributes if a.id.lower() == name.lower()), None)


class ReportRow(XeroModel):
    """A row inside a section (spec `ReportRow`): `RowType` "Row" for an account, "SummaryRow" for a total."""

    row_type: str
    title: str | None = None
    cells: list[ReportCell] = []


class ReportRows(ReportRow):
    """A top-level row (spec `ReportRows`): the "Header" with the column titles, or a "Section" holding rows."""

    rows: list[ReportRow] = []


class ReportWithRow(XeroModel):
    """One report (spec `ReportWithRow`), e.g. the balance sheet."""

    report_id: str | None = None
    report_name: str | None = None
    report_type: str | None = None
    report_titles: list[str] = []
    report_date: str | None = None
    rows: list[ReportRows] = []
    updated_date_utc: MsDateTime = None


class ReportWithRows(XeroModel):
    """`GET /Reports/{Report}` (spec `ReportWithRows`): the reports asked for, one for the balance sheet."""

    reports: list[ReportWithRow] = []


class Connection(BaseModel):
    """One organisation the token may act for (`GET /connections`; camelCase on the wire)."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    id: str
    tenant_id: str = Field(alias="tenantId")
    tenant_type: str = Field(default="ORGANISATION", alias="tenantType")
    tenant_name: str | None = Field(default=None, alias="tenantName")
