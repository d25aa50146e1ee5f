"""Pure comparison of one period: Actionstep's documents against the Xero records the bot linked them to, and the
Xero records of the period no link explains.

Each Actionstep document is one of: agrees, *not posted* (no link: blocked or failed with the reason the sync
already knows, or not synced yet), *missing in Xero* (linked, Xero no longer has it), *voided or deleted in Xero*,
or *amount or GST differs*. A live Xero record of the period that no active link explains is *in Xero but not from
Actionstep* when it carries the number of an Actionstep document of the period, a contact the bot posts to, or was
unlinked by the bot; otherwise it was entered in Xero by hand and is only counted, by kind, for the balances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from integration.domain import (
    Difference,
    DocumentKind,
    Gap,
    HandEntered,
    KindTally,
    Link,
    SourceRef,
    XeroRecord,
)

ZERO_MONEY = Decimal("0.00")
GONE = frozenset({"VOIDED", "DELETED"})
# Kinds Xero has no GST on: the bot posts them with no tax, so only their totals are compared.
UNTAXED = frozenset(
    {
        DocumentKind.PAYMENT_RECEIVED,
        DocumentKind.SUPPLIER_PAYMENT,
        DocumentKind.BANK_TRANSFER,
        DocumentKind.TRUST_TRANSFER,
        DocumentKind.TRUST_RECEIPT,
        DocumentKind.TRUST_PAYMENT,
    }
)
_KIND_OF_TYPE = {
    "ACCREC": DocumentKind.SALES_INVOICE,
    "ACCPAY": DocumentKind.SUPPLIER_INVOICE,
    "ACCRECCREDIT": DocumentKind.CREDIT_NOTE,
    "ACCPAYCREDIT": DocumentKind.CREDIT_NOTE,
    "ACCRECPAYMENT": DocumentKind.PAYMENT_RECEIVED,
    "ACCPAYPAYMENT": DocumentKind.SUPPLIER_PAYMENT,
}
_WHAT_OF_TYPE = {
    "ACCREC": "sales invoices (ACCREC)",
    "ACCPAY": "bills (ACCPAY)",
    "ACCRECCREDIT": "sales credit notes",
    "ACCPAYCREDIT": "supplier credit notes",
    "ACCRECPAYMENT": "payments received",
    "ACCPAYPAYMENT": "payments made",
    "TRANSFER": "bank transfers",
}


@dataclass(frozen=True, slots=True)
class SourceFacts:
    """What reconciliation keeps of one Actionstep document: enough to compare, never the whole document."""

    ref: SourceRef
    number: str
    date: date
    total: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class Unposted:
    """Why a document has no link, as the sync last recorded it."""

    reason: str
    fix: str


def _money(amount: Decimal | None) -> str:
    return "none" if amount is None else f"{amount:,.2f}"


def _tax(record: XeroRecord) -> Decimal:
    return record.tax if record.tax is not None else ZERO_MONEY


def examine(
    facts: SourceFacts, link: Link | None, record: XeroRecord | None, unposted: Unposted | None
) -> Difference | None:
    """The difference one Actionstep document makes, or None when Xero holds it as Actionstep does."""
    kind, number = facts.ref.kind, facts.number

    def gap(which: Gap, reason: str, fix: str, xero: XeroRecord | None = None) -> Difference:
        return Difference(
            which, kind, number, reason, fix, facts.total, facts.tax,
            xero.total if xero else None, _tax(xero) if xero else None,
            source_id=facts.ref.id, xero_id=link.xero_id if link else None, date=facts.date,
        )  # fmt: skip

    if link is None:
        if unposted is None:
            return gap(Gap.NOT_POSTED, "Approved in Actionstep and not synced yet.", "Run `/xero sync`.")
        return gap(Gap.NOT_POSTED, unposted.reason, unposted.fix)
    shown = link.xero_number or number
    if record is None:
        return gap(
            Gap.MISSING_IN_XERO,
            f"Linked to Xero {shown}, which Xero no longer has.",
            f"Unlink it (`/xero unlink {number}`) so the next sync posts it again.",
        )
    if (record.status or "").upper() in GONE:
        status = (record.status or "").lower()
        return gap(
            Gap.VOIDED_OR_DELETED,
            f"{status.capitalize()} in Xero; Actionstep still shows it as posted.",
            f"If that was meant, unlink it (`/xero unlink {number}`) and correct it in Actionstep; otherwise "
            f"enter it again in Xero.",
            record,
        )
    xero_total, xero_tax = record.total, _tax(record)
    tax_differs = kind not in UNTAXED and xero_tax != facts.tax
    if xero_total == facts.total and not tax_differs:
        return None
    if link.total != facts.total:
        return gap(
            Gap.AMOUNT_DIFFERS,
            f"Changed in Actionstep after it was posted: posted {_money(link.total)}, now {_money(facts.total)}.",
            f"Unlink it (`/xero unlink {number}`) so the corrected version is posted.",
            record,
        )
    return gap(
        Gap.AMOUNT_DIFFERS,
        f"Xero shows {_money(xero_total)} (GST {_money(xero_tax)}); Actionstep {_money(facts.total)} "
        f"(GST {_money(facts.tax)}).",
        "Change it back in Xero, or make the same change in Actionstep (unlink, correct, approve again).",
        record,
    )


class KindCount:
    """Adds up one kind: Actionstep's side for every document, Xero's for the linked ones Xero holds live."""

    def __init__(self, kind: DocumentKind) -> None:
        self.kind = kind
        self.count = self.xero_count = 0
        self.total = self.tax = self.xero_total = self.xero_tax = ZERO_MONEY

    def add(self, facts: SourceFacts, record: XeroRecord | None, linked: bool) -> None:
        self.count += 1
        self.total += facts.total
        self.tax += facts.tax
        if linked and record is not None and (record.status or "").upper() not in GONE:
            self.xero_count += 1
            self.xero_total += record.total or ZERO_MONEY
            self.xero_tax += ZERO_MONEY if self.kind in UNTAXED else _tax(record)

    def tally(self) -> KindTally:
        return KindTally(
            self.kind, self.count, self.total, self.tax, self.xero_count, self.xero_total, self.xero_tax
        )


def stray(
    record: XeroRecord,
    latest: Link | None,
    our_numbers: Mapping[str, DocumentKind],
    our_contacts: frozenset[str],
) -> Difference | None:
    """A live Xero record of the period with no active link: *in Xero but not from Actionstep* when something
    ties it to us (our number, a contact the bot posts to, or a link the bot unlinked); None when it was entered
    by hand (see `hand_entered`)."""
    numbers = [n for n in (record.number, record.reference) if n]
    ours = next((n for n in numbers if n in our_numbers), None)
    kind = our_numbers.get(ours) if ours else _KIND_OF_TYPE.get(record.xero_type or "")
    shown = record.number or record.reference or record.xero_id
    if latest is not None:
        when = latest.unlinked_at.date().isoformat() if latest.unlinked_at else "earlier"
        reason = f"Unlinked from {latest.source_number} on {when}, and still live in Xero."
    elif ours is not None:
        reason = f"Carries {ours}, the number of an Actionstep document, but the bot did not post it."
    elif (record.contact_id or "").lower() in our_contacts:
        reason = "Made in Xero for a contact the bot posts to, with no Actionstep document behind it."
    else:
        return None
    return Difference(
        Gap.NOT_FROM_ACTIONSTEP, kind, shown, reason,
        "If it duplicates an Actionstep document, void it in Xero; if it was meant, enter it in Actionstep too.",
        xero_total=record.total, xero_tax=_tax(record), xero_id=record.xero_id, date=record.date,
    )  # fmt: skip


def live(record: XeroRecord) -> bool:
    """Whether the record counts in Xero's books (not voided, deleted or a draft)."""
    return (record.status or "").upper() not in GONE | {"DRAFT", "SUBMITTED"}


def hand_entered(records: Iterable[XeroRecord]) -> tuple[HandEntered, ...]:
    """Records entered in Xero by hand, by kind (bank transactions by type and bank account), count and total."""
    groups: dict[str, list[Decimal]] = defaultdict(list)
    for record in records:
        xero_type = record.xero_type or record.endpoint
        what = _WHAT_OF_TYPE.get(xero_type)
        if what is None:
            account = f" on {record.account_code}" if record.account_code else ""
            what = f"{xero_type.lower()} bank transactions{account}"
        groups[what].append(record.total or ZERO_MONEY)
    return tuple(
        HandEntered(what, len(amounts), sum(amounts, ZERO_MONEY)) for what, amounts in sorted(groups.items())
    )
