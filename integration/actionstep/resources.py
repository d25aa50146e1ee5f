"""Every Actionstep resource name, filter, status and field the connector reads, in one place.

Confirmed by Actionstep's published specs or wiki (see `reference/actionstep.md`): `bills` (sales invoices: the
fields below are the spec's), `participants` (contacts), `actions` (matters), `taxcodes` (wiki, BETA) and `accounts`
(seen in Actionstep client code). The filter syntax (`<field>_gteq=`), `sort`, `include`, `pageSize` and paging are
documented too.

**Unconfirmed.** Actionstep's public API publishes no resource for bill lines, supplier invoices, credit notes,
receipts, supplier payments, bank transfers, trust transactions, bank deposits and withdrawals, general journals,
timekeepers or the accounting basis. The names and fields below are our best reading: the `salepurchase` model that
`salepurchasetypes` implies (one resource for supplier invoices and credits, told apart by `saleOrPurchase` and
`isCredit`), and one resource per kind of money movement. So are the `status` values that mean "approved" outside
`bills`, the deep-link paths into Actionstep's web app, and the form of the timestamp in a filter. Before going live
with a firm, check each name against its API (`OPTIONS /api/rest/<name>` answers 200 for a resource that exists) and
correct this module: nothing else in the bot names an Actionstep resource or field.

A field map takes our name to the wire field; `links.<name>` reads a related id from the record's `links`. A
document's `date` field is also what a period's listing (`ActionstepClient.documents_dated`) filters and sorts on:
`invoiceDate` on bills (the spec's), `date` on every other document resource (our reading, as above), sent as
`YYYY-MM-DD` like the spec's dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum

from integration.domain import AccountingBasis, AccountType, Direction, DocumentKind

MEDIA_TYPE = "application/vnd.api+json"
MAX_PAGE_SIZE = 200  # documented limit; larger values are ignored or capped
MODIFIED = "modifiedTimestamp"
ID = "id"


def timestamp_filter(moment: datetime) -> str:
    """A timestamp as a filter value: UTC with its offset, to the second. (Third-party code sends
    `yyyy-MM-ddTHH:mm:ss` and reads it as UTC; an explicit offset leaves no room for doubt. Unconfirmed.)"""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


class Shape(Enum):
    """How a document resource is laid out, which decides how it is translated."""

    LINED = "lined"  # invoice or credit note with lines (and, for credits, allocations)
    PAYMENT = "payment"  # money against one invoice through a bank account
    TRANSFER = "transfer"  # money between two of the firm's accounts
    BANK_ENTRY = "bank_entry"  # money into or out of one bank account against one other account
    JOURNAL = "journal"  # general journal with debit and credit lines


@dataclass(frozen=True, slots=True)
class Related:
    """Records a document names in one of its links and that come back under `linked` with `include=<link>`."""

    link: str
    resource: str
    fields: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class DocumentSource:
    """Where one kind of document lives and how to read it."""

    kind: DocumentKind
    resource: str
    shape: Shape
    fields: Mapping[str, str]
    approved: tuple[str, ...]
    where: Mapping[str, str] = field(
        default_factory=dict
    )  # fixed filters picking this kind out of the resource
    lines: Related | None = None
    allocations: Related | None = None
    invoice_kind: DocumentKind | None = None  # for payments: the kind of document paid
    web_path: str = ""
    confirmed: bool = False

    @property
    def includes(self) -> tuple[str, ...]:
        return tuple(r.link for r in (self.lines, self.allocations) if r is not None)

    @property
    def filters(self) -> dict[str, str]:
        """The filters every listing of this kind carries: approved statuses and the fixed ones."""
        return {"status_in": ",".join(self.approved), **self.where}


# Bills: the spec's fields. Open = approved with money owing, Closed = approved and settled; Draft and Deleted are
# not approved.
BILL_FIELDS = {
    "id": ID,
    "status": "status",
    "number": "ourReference",
    "reference": "theirReference",
    "currency": "currency",
    "date": "invoiceDate",
    "due_date": "dueDate",
    "total": "totalInclusive",
    "modified_at": MODIFIED,
    "contact": "links.theirParticipant",
    "matter": "links.action",
    "lines": "links.lines",
}
BILL_LINE_FIELDS = {
    "id": ID,
    "description": "description",
    "quantity": "quantity",
    "unit_price": "unitPrice",
    "amount": "amount",
    "tax": "salesTax",
    "tax_code": "links.taxCode",
    "account": "links.incomeAccount",
    "timekeeper": "links.timekeeper",
}
SALE_PURCHASE_FIELDS = {
    **BILL_FIELDS,
    "date": "date",
    "contact": "links.participant",
    "allocations": "links.allocations",
    "direction": "saleOrPurchase",
}
SALE_PURCHASE_LINE_FIELDS = {**BILL_LINE_FIELDS, "account": "links.account"}
ALLOCATION_FIELDS = {
    "id": ID,
    "amount": "amount",
    "date": "date",
    "bill": "links.bill",
    "sale_purchase": "links.salePurchase",
}
MOVEMENT_FIELDS = {
    "id": ID,
    "status": "status",
    "number": "reference",
    "date": "date",
    "amount": "amount",
    "description": "description",
    "modified_at": MODIFIED,
    "contact": "links.participant",
    "matter": "links.action",
}
JOURNAL_FIELDS = {
    "id": ID,
    "status": "status",
    "number": "reference",
    "date": "date",
    "description": "description",
    "modified_at": MODIFIED,
    "lines": "links.lines",
}
JOURNAL_LINE_FIELDS = {
    "id": ID,
    "description": "description",
    "debit": "debit",
    "credit": "credit",
    "account": "links.account",
}

DIRECTIONS = {"Sale": Direction.SALES, "Purchase": Direction.PURCHASES}
POSTED = ("Posted",)
BILL_LINES = Related("lines", "billlines", BILL_LINE_FIELDS)
SALE_PURCHASE_LINES = Related("lines", "salepurchaselines", SALE_PURCHASE_LINE_FIELDS)
ALLOCATIONS = Related("allocations", "salepurchaseallocations", ALLOCATION_FIELDS)
# The document an allocation applies to, by the allocation's field that names it.
ALLOCATION_TARGETS = {"bill": DocumentKind.SALES_INVOICE, "sale_purchase": DocumentKind.SUPPLIER_INVOICE}


def _movement(
    kind: DocumentKind,
    resource: str,
    shape: Shape,
    links: Mapping[str, str],
    *,
    web_path: str,
    where: Mapping[str, str] | None = None,
    invoice_kind: DocumentKind | None = None,
) -> DocumentSource:
    """A money movement: the common fields plus its own links (our name -> link name)."""
    fields = {**MOVEMENT_FIELDS, **{ours: f"links.{theirs}" for ours, theirs in links.items()}}
    return DocumentSource(
        kind,
        resource,
        shape,
        fields,
        POSTED,
        where=dict(where or {}),
        invoice_kind=invoice_kind,
        web_path=web_path,
    )


TRUST_LINKS = {"bank_account": "trustAccount", "account": "account"}
BANK_LINKS = {"bank_account": "bankAccount", "account": "account"}

SOURCES: dict[DocumentKind, DocumentSource] = {
    source.kind: source
    for source in (
        DocumentSource(
            DocumentKind.SALES_INVOICE,
            "bills",
            Shape.LINED,
            BILL_FIELDS,
            ("Open", "Closed"),
            lines=BILL_LINES,
            web_path="/mym/asfw/billing/bill/view/id/{id}",
            confirmed=True,
        ),
        DocumentSource(
            DocumentKind.SUPPLIER_INVOICE,
            "salepurchases",
            Shape.LINED,
            SALE_PURCHASE_FIELDS,
            ("Open", "Closed"),
            where={"saleOrPurchase": "Purchase", "isCredit": "F"},
            lines=SALE_PURCHASE_LINES,
            web_path="/mym/asfw/accounting/salepurchase/view/id/{id}",
        ),
        DocumentSource(
            DocumentKind.CREDIT_NOTE,
            "salepurchases",
            Shape.LINED,
            SALE_PURCHASE_FIELDS,
            ("Open", "Closed"),
            where={"isCredit": "T"},
            lines=SALE_PURCHASE_LINES,
            allocations=ALLOCATIONS,
            web_path="/mym/asfw/accounting/salepurchase/view/id/{id}",
        ),
        _movement(
            DocumentKind.PAYMENT_RECEIVED,
            "receipts",
            Shape.PAYMENT,
            {"invoice": "bill", "bank_account": "bankAccount"},
            invoice_kind=DocumentKind.SALES_INVOICE,
            web_path="/mym/asfw/accounting/receipt/view/id/{id}",
        ),
        _movement(
            DocumentKind.SUPPLIER_PAYMENT,
            "payments",
            Shape.PAYMENT,
            {"invoice": "salePurchase", "bank_account": "bankAccount"},
            invoice_kind=DocumentKind.SUPPLIER_INVOICE,
            web_path="/mym/asfw/accounting/payment/view/id/{id}",
        ),
        _movement(
            DocumentKind.BANK_TRANSFER,
            "banktransfers",
            Shape.TRANSFER,
            {"from_account": "fromAccount", "to_account": "toAccount"},
            web_path="/mym/asfw/accounting/banktransfer/view/id/{id}",
        ),
        _movement(
            DocumentKind.TRUST_RECEIPT,
            "trusttransactions",
            Shape.BANK_ENTRY,
            TRUST_LINKS,
            where={"transactionType": "Receipt"},
            web_path="/mym/asfw/trust/transaction/view/id/{id}",
        ),
        _movement(
            DocumentKind.TRUST_PAYMENT,
            "trusttransactions",
            Shape.BANK_ENTRY,
            TRUST_LINKS,
            where={"transactionType": "Payment"},
            web_path="/mym/asfw/trust/transaction/view/id/{id}",
        ),
        _movement(
            DocumentKind.TRUST_TRANSFER,
            "trusttransactions",
            Shape.TRANSFER,
            {"from_account": "trustAccount", "to_account": "toAccount"},
            where={"transactionType": "Transfer"},
            web_path="/mym/asfw/trust/transaction/view/id/{id}",
        ),
        _movement(
            DocumentKind.BANK_DEPOSIT,
            "banktransactions",
            Shape.BANK_ENTRY,
            BANK_LINKS,
            where={"transactionType": "Deposit"},
            web_path="/mym/asfw/accounting/banktransaction/view/id/{id}",
        ),
        _movement(
            DocumentKind.BANK_WITHDRAWAL,
            "banktransactions",
            Shape.BANK_ENTRY,
            BANK_LINKS,
            where={"transactionType": "Withdrawal"},
            web_path="/mym/asfw/accounting/banktransaction/view/id/{id}",
        ),
        DocumentSource(
            DocumentKind.GENERAL_JOURNAL,
            "generaljournals",
            Shape.JOURNAL,
            JOURNAL_FIELDS,
            POSTED,
            lines=Related("lines", "generaljournallines", JOURNAL_LINE_FIELDS),
            web_path="/mym/asfw/accounting/journal/view/id/{id}",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class ReferenceSource:
    """A reference resource (chart, timekeepers, tax codes, contacts, matters, settings)."""

    resource: str
    fields: Mapping[str, str]
    include: tuple[str, ...] = ()
    confirmed: bool = False


ACCOUNTS = ReferenceSource(
    "accounts",
    {"id": ID, "code": "accountNumber", "name": "name", "active": "active", "type": "links.accountType"},
    include=("accountType",),
    confirmed=True,
)
ACCOUNT_TYPES = ReferenceSource("accounttypes", {"id": ID, "name": "name"})
TIMEKEEPERS = ReferenceSource(
    "timekeepers",
    {"id": ID, "name": "name", "active": "isActive", "income_account": "links.incomeAccount"},
)
TAX_CODES = ReferenceSource(
    "taxcodes",
    {
        "id": ID,
        "code": "code",
        "rate": "percentage",
        "xero_output": "externalOutput",
        "xero_input": "externalInput",
    },
    confirmed=True,
)
CONTACTS = ReferenceSource(
    "participants",
    {"id": ID, "name": "displayName", "email": "email", "is_company": "isCompany"},
    confirmed=True,
)
MATTERS = ReferenceSource(
    "actions",
    {"id": ID, "name": "name", "reference": "reference", "client": "links.primaryParticipants"},
    confirmed=True,
)
SETTINGS = ReferenceSource("accountingsettings", {"basis": "accountingBasis"})

ACCOUNT_TYPE_NAMES: Mapping[str, AccountType] = {
    "Bank": AccountType.BANK,
    "Trust Bank": AccountType.TRUST_BANK,
    "Accounts Receivable": AccountType.ACCOUNTS_RECEIVABLE,
    "Accounts Payable": AccountType.ACCOUNTS_PAYABLE,
    "Trust Liability": AccountType.TRUST_LIABILITY,
    "Trust Transfers": AccountType.TRUST_TRANSFERS,
    "Income": AccountType.INCOME,
    "Expense": AccountType.EXPENSE,
}
BASES: Mapping[str, AccountingBasis] = {"Accrual": AccountingBasis.ACCRUAL, "Cash": AccountingBasis.CASH}
