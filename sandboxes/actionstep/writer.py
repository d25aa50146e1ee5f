"""Documents in Actionstep's wire form that add up, as Actionstep would hold them.

Each line's amount is quantity × unit price to the cent, its tax is the tax code's rate of that amount to the cent,
and a document's totals are the sums of its lines. The demo firm and the backlog generator both write through
`Writer`, which also allocates ids per resource.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sandboxes.actionstep.firm import TAX_CODE_IDS, TAX_RATES, Record, money
from sandboxes.money import to_cents


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One line to write: a fee (with a timekeeper) or a disbursement or expense (with an account)."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_code: str
    account_id: str | None = None
    timekeeper_id: str | None = None

    @property
    def amount(self) -> Decimal:
        return to_cents(self.quantity * self.unit_price)

    @property
    def tax(self) -> Decimal:
        return to_cents(self.amount * TAX_RATES[self.tax_code])


@dataclass(frozen=True, slots=True)
class Written:
    """A document as written: its id, number, total and the records that make it up (document first)."""

    id: str
    number: str
    total: Decimal
    records: list[Record]


class Writer:
    """Allocates ids per resource, from `first_id` up (or from `ids`, given one: the sandbox's own tables when a
    test enters a document into a running sandbox), and writes consistent documents."""

    def __init__(self, first_id: int = 1, ids: Callable[[str], str] | None = None) -> None:
        self._next: dict[str, int] = {}
        self._first = first_id
        self._ids = ids
        self._dates: dict[date, str] = {}

    def _id(self, resource: str) -> str:
        if self._ids is not None:
            return self._ids(resource)
        value = self._next.get(resource, self._first)
        self._next[resource] = value + 1
        return str(value)

    def _day(self, day: date | None) -> str | None:
        # Shared strings keep a large backlog small: most documents share a handful of dates.
        if day is None:
            return None
        text = self._dates.get(day)
        if text is None:
            text = self._dates[day] = day.isoformat()
        return text

    def _lines(self, resource: str, parent: tuple[str, str], specs: Sequence[LineSpec]) -> list[Record]:
        records: list[Record] = []
        for spec in specs:
            links: dict[str, Any] = {parent[0]: parent[1], "taxCode": TAX_CODE_IDS[spec.tax_code]}
            links["incomeAccount" if resource == "billlines" else "account"] = spec.account_id
            links["timekeeper"] = spec.timekeeper_id
            record: dict[str, Any] = {
                "id": self._id(resource),
                "description": spec.description,
                "quantity": f"{spec.quantity:f}",
                "unitPrice": money(spec.unit_price),
                "amount": money(spec.amount),
                "salesTax": money(spec.tax),
                "links": links,
            }
            if resource == "billlines":
                record["lineType"] = "Fee" if spec.timekeeper_id else "Disbursement"
            records.append((resource, record))
        return records

    def bill(
        self,
        number: str,
        day: date,
        modified: datetime,
        *,
        matter_id: str,
        contact_id: str,
        lines: Sequence[LineSpec],
        status: str = "Open",
        paid: Decimal | None = None,
        reference: str | None = None,
        currency: str = "AUD",
    ) -> Written:
        """A matter bill (sales invoice); `paid` is what has been received against it (all of it when Closed)."""
        bill_id = self._id("bills")
        line_records = self._lines("billlines", ("bill", bill_id), lines)
        subtotal, tax = _sums(lines)
        if paid is None:
            paid = subtotal + tax if status == "Closed" else Decimal(0)
        record = {
            "id": bill_id,
            "status": status,
            "ourReference": number,
            "theirReference": reference,
            "invoiceDate": self._day(day),
            "dueDate": self._day(day + timedelta(days=30)),
            "currency": currency,
            "totalInclusive": money(subtotal + tax),
            "totalExclusive": money(subtotal),
            "totalSalesTax": money(tax),
            "totalPaid": money(paid),
            "totalDue": money(subtotal + tax - paid),
            "createdTimestamp": modified,
            "modifiedTimestamp": modified,
            "links": {
                "division": "1",
                "action": [matter_id],
                "theirParticipant": contact_id,
                "lines": [r["id"] for _, r in line_records],
            },
        }
        return Written(bill_id, number, subtotal + tax, [("bills", record), *line_records])

    def sale_purchase(
        self,
        number: str,
        day: date,
        modified: datetime,
        *,
        contact_id: str,
        lines: Sequence[LineSpec],
        purchase: bool,
        credit: bool = False,
        matter_id: str | None = None,
        status: str = "Open",
        reference: str | None = None,
        allocations: Sequence[tuple[str, str, Decimal]] = (),
        currency: str = "AUD",
    ) -> Written:
        """A supplier invoice, or a credit note (sale or purchase). An allocation is (link, target id, amount)
        with link "bill" for a sales invoice or "salePurchase" for a supplier invoice."""
        doc_id = self._id("salepurchases")
        line_records = self._lines("salepurchaselines", ("salePurchase", doc_id), lines)
        allocation_records: list[Record] = [
            (
                "salepurchaseallocations",
                {
                    "id": self._id("salepurchaseallocations"),
                    "date": self._day(day),
                    "amount": money(amount),
                    "links": {"credit": doc_id, link: target},
                },
            )
            for link, target, amount in allocations
        ]
        subtotal, tax = _sums(lines)
        record = {
            "id": doc_id,
            "status": status,
            "saleOrPurchase": "Purchase" if purchase else "Sale",
            "isCredit": "T" if credit else "F",
            "ourReference": number,
            "theirReference": reference,
            "date": self._day(day),
            "dueDate": None if credit else self._day(day + timedelta(days=30)),
            "currency": currency,
            "totalInclusive": money(subtotal + tax),
            "totalExclusive": money(subtotal),
            "totalSalesTax": money(tax),
            "createdTimestamp": modified,
            "modifiedTimestamp": modified,
            "links": {
                "participant": contact_id,
                "action": matter_id,
                "lines": [r["id"] for _, r in line_records],
                "allocations": [r["id"] for _, r in allocation_records],
            },
        }
        return Written(
            doc_id, number, subtotal + tax, [("salepurchases", record), *line_records, *allocation_records]
        )

    def movement(
        self,
        resource: str,
        number: str,
        day: date,
        modified: datetime,
        amount: Decimal,
        *,
        links: dict[str, Any],
        description: str = "",
        transaction_type: str | None = None,
        status: str = "Posted",
    ) -> Written:
        """A receipt, payment, bank transfer, trust or bank transaction: one amount between accounts."""
        doc_id = self._id(resource)
        record: dict[str, Any] = {
            "id": doc_id,
            "status": status,
            "reference": number,
            "date": self._day(day),
            "amount": money(amount),
            "description": description,
            "createdTimestamp": modified,
            "modifiedTimestamp": modified,
            "links": links,
        }
        if transaction_type is not None:
            record["transactionType"] = transaction_type
        return Written(doc_id, number, amount, [(resource, record)])

    def journal(
        self,
        number: str,
        day: date,
        modified: datetime,
        description: str,
        lines: Sequence[tuple[str, Decimal, str]],
    ) -> Written:
        """A general journal; each line is (account id, amount with debit positive, description)."""
        doc_id = self._id("generaljournals")
        line_records: list[Record] = [
            (
                "generaljournallines",
                {
                    "id": self._id("generaljournallines"),
                    "description": text,
                    "debit": money(amount) if amount > 0 else "0.00",
                    "credit": money(-amount) if amount < 0 else "0.00",
                    "links": {"journal": doc_id, "account": account},
                },
            )
            for account, amount, text in lines
        ]
        record = {
            "id": doc_id,
            "status": "Posted",
            "reference": number,
            "date": self._day(day),
            "description": description,
            "createdTimestamp": modified,
            "modifiedTimestamp": modified,
            "links": {"lines": [r["id"] for _, r in line_records]},
        }
        total = sum((amount for _, amount, _ in lines if amount > 0), Decimal(0))
        return Written(doc_id, number, total, [("generaljournals", record), *line_records])


def _sums(lines: Sequence[LineSpec]) -> tuple[Decimal, Decimal]:
    return (
        sum((line.amount for line in lines), Decimal(0)),
        sum((line.tax for line in lines), Decimal(0)),
    )
