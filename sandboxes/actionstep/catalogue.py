"""The resources the local Actionstep serves: their fields and links, as the docs describe them.

Written from `reference/actionstep.md`, not from our client. `bills`, `participants`, `actions` and `taxcodes` follow
Actionstep's published specs and wiki; the accounting resources Actionstep does not publish (lines, supplier
invoices and credits, receipts, payments, transfers, trust and bank transactions, journals, timekeepers, the
accounting settings) use the plausible names the client's `resources.py` also assumes, so the two can be checked
against each other and, later, against a firm's real API.

Each record renders as Actionstep's published OpenAPI files and recent public captures show it (issue 12 of this
project, which checked them; the 2014 wiki examples sent strings): its `id` and amounts (`NUMBER_FIELDS`) as JSON
numbers, booleans as the strings "T"/"F", and a `links` object of related ids, a to-one link as a string and a
to-many link as an array of numbers (the docs' own example: `"links": {"assignedTo": "10", "action": [1093, 2232]}`).
A stored value that is not a number (the demo's malformed record) is sent as the text it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TIMESTAMP_FIELDS = frozenset({"createdTimestamp", "modifiedTimestamp", "deletedTimestamp"})
# Calendar dates, sent as `YYYY-MM-DD` (reference digest §2, "Some 'date' fields are plain YYYY-MM-DD, e.g. bills
# invoiceDate"): filtered and compared as dates, not as text (see `query`).
DATE_FIELDS = frozenset({"invoiceDate", "dueDate", "date"})
NUMBER_FIELDS = frozenset(
    {
        *("quantity", "unitPrice", "amount", "salesTax", "debit", "credit", "percentage", "sortOrder"),
        *("totalInclusive", "totalExclusive", "totalSalesTax", "totalPaid", "totalDue"),
    }
)


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    """One resource: its fields in render order (`id` first) and its links (link name -> resource type)."""

    name: str
    fields: tuple[str, ...]
    links: dict[str, str] = field(default_factory=dict)
    many: frozenset[str] = frozenset()

    @property
    def columns(self) -> tuple[str, ...]:
        """Fields then link names: the layout of a stored row."""
        return self.fields + tuple(self.links)


_MONEY_DOC = ("currency", "totalInclusive", "totalExclusive", "totalSalesTax")
_STAMPS = ("createdTimestamp", "modifiedTimestamp")
_MOVEMENT = ("id", "status", "reference", "date", "amount", "description", *_STAMPS)

SPECS: dict[str, ResourceSpec] = {
    spec.name: spec
    for spec in (
        ResourceSpec(
            "bills",
            (
                *("id", "status", "ourReference", "theirReference", "invoiceDate", "dueDate", *_MONEY_DOC),
                *("totalPaid", "totalDue", *_STAMPS, "deletedTimestamp"),
            ),
            {
                "division": "divisions",
                "action": "actions",
                "theirParticipant": "participants",
                "lines": "billlines",
            },
            frozenset({"action", "lines"}),
        ),
        ResourceSpec(
            "billlines",
            ("id", "lineType", "description", "quantity", "unitPrice", "amount", "salesTax"),
            {
                "bill": "bills",
                "incomeAccount": "accounts",
                "taxCode": "taxcodes",
                "timekeeper": "timekeepers",
            },
        ),
        ResourceSpec(
            "salepurchases",
            (
                *("id", "status", "saleOrPurchase", "isCredit", "ourReference", "theirReference", "date"),
                *("dueDate", *_MONEY_DOC, *_STAMPS),
            ),
            {
                "participant": "participants",
                "action": "actions",
                "lines": "salepurchaselines",
                "allocations": "salepurchaseallocations",
            },
            frozenset({"lines", "allocations"}),
        ),
        ResourceSpec(
            "salepurchaselines",
            ("id", "description", "quantity", "unitPrice", "amount", "salesTax"),
            {
                "salePurchase": "salepurchases",
                "account": "accounts",
                "taxCode": "taxcodes",
                "timekeeper": "timekeepers",
            },
        ),
        ResourceSpec(
            "salepurchaseallocations",
            ("id", "date", "amount"),
            {"credit": "salepurchases", "bill": "bills", "salePurchase": "salepurchases"},
        ),
        ResourceSpec(
            "receipts",
            _MOVEMENT,
            {"bill": "bills", "bankAccount": "accounts", "participant": "participants", "action": "actions"},
        ),
        ResourceSpec(
            "payments",
            _MOVEMENT,
            {
                "salePurchase": "salepurchases",
                "bankAccount": "accounts",
                "participant": "participants",
                "action": "actions",
            },
        ),
        ResourceSpec("banktransfers", _MOVEMENT, {"fromAccount": "accounts", "toAccount": "accounts"}),
        ResourceSpec(
            "trusttransactions",
            (*_MOVEMENT[:2], "transactionType", *_MOVEMENT[2:]),
            {
                "trustAccount": "accounts",
                "account": "accounts",
                "toAccount": "accounts",
                "participant": "participants",
                "action": "actions",
            },
        ),
        ResourceSpec(
            "banktransactions",
            (*_MOVEMENT[:2], "transactionType", *_MOVEMENT[2:]),
            {
                "bankAccount": "accounts",
                "account": "accounts",
                "participant": "participants",
                "action": "actions",
            },
        ),
        ResourceSpec(
            "generaljournals",
            ("id", "status", "reference", "date", "description", *_STAMPS),
            {"lines": "generaljournallines"},
            frozenset({"lines"}),
        ),
        ResourceSpec(
            "generaljournallines",
            ("id", "description", "debit", "credit"),
            {"journal": "generaljournals", "account": "accounts"},
        ),
        ResourceSpec(
            "accounts",
            ("id", "accountNumber", "name", "active", "header"),
            {"accountType": "accounttypes"},
        ),
        ResourceSpec("accounttypes", ("id", "name")),
        ResourceSpec("timekeepers", ("id", "name", "title", "isActive"), {"incomeAccount": "accounts"}),
        ResourceSpec(
            "taxcodes",
            ("id", "code", "description", "percentage", "externalInput", "externalOutput", "sortOrder"),
        ),
        ResourceSpec(
            "participants",
            ("id", "displayName", "isCompany", "companyName", "firstName", "lastName", "email", *_STAMPS),
        ),
        ResourceSpec(
            "actions",
            ("id", "name", "reference", "status", "isDeleted", "modifiedTimestamp"),
            {"primaryParticipants": "participants", "division": "divisions"},
            frozenset({"primaryParticipants"}),
        ),
        ResourceSpec("divisions", ("id", "name")),
        ResourceSpec("accountingsettings", ("id", "accountingBasis", "baseCurrency", "organisationName")),
    )
}
