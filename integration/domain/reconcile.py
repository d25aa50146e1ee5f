"""Reconciliation by period: a month, what Actionstep and Xero each hold for it, and every difference named.

A `Reconciliation` is what `xerobot reconcile`, `/xero reconcile` and the month-end message show: per document kind
Actionstep's count, total and GST beside Xero's; each difference classified (`Gap`) with the document, both
amounts and the fix; the mapped control accounts' balances as Xero reports them beside what the bot's own postings
imply; trust three ways; and the month-end checklist. Money is `Decimal`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from integration.domain.documents import DocumentKind

ZERO = Decimal("0.00")
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A calendar month (`YYYY-MM`), the unit of month-end reconciliation."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str, today: date) -> Period:
        """The month `text` names. Raises ValueError with the expected form for a malformed month, and for a
        month that has not started yet (nothing to reconcile)."""
        found = _PERIOD.match(text.strip())
        if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1900:
            raise ValueError(
                f"'{text.strip()[:20]}' is not a month. Give the period as YYYY-MM, for example "
                f"{cls.before(today)}."
            )
        period = cls(int(found.group(1)), int(found.group(2)))
        if period.start > today:
            raise ValueError(f"{period} has not started yet. Give a month up to {cls.of(today)}, as YYYY-MM.")
        return period

    @classmethod
    def of(cls, day: date) -> Period:
        """The month `day` falls in."""
        return cls(day.year, day.month)

    @classmethod
    def before(cls, day: date) -> Period:
        """The month before the one `day` falls in: what a month-end run on `day` checks."""
        return cls(day.year - 1, 12) if day.month == 1 else cls(day.year, day.month - 1)

    @property
    def start(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


class Gap(StrEnum):
    """How a document differs between Actionstep and Xero for the period."""

    NOT_POSTED = "not_posted"  # approved in Actionstep, not in Xero: blocked or failed, with the reason known
    MISSING_IN_XERO = "missing_in_xero"  # linked, but Xero no longer has it
    AMOUNT_DIFFERS = "amount_differs"  # linked, and Xero's total or GST is not what was posted
    VOIDED_OR_DELETED = "voided_or_deleted"  # linked, and voided or deleted in Xero
    NOT_FROM_ACTIONSTEP = "not_from_actionstep"  # in Xero with our number or contact, and no link explains it

    @property
    def label(self) -> str:
        return _GAP_LABELS[self]


_GAP_LABELS = {
    Gap.NOT_POSTED: "not posted",
    Gap.MISSING_IN_XERO: "missing in Xero",
    Gap.AMOUNT_DIFFERS: "amount or GST differs",
    Gap.VOIDED_OR_DELETED: "voided or deleted in Xero",
    Gap.NOT_FROM_ACTIONSTEP: "in Xero but not from Actionstep",
}


@dataclass(frozen=True, slots=True)
class Difference:
    """One document that does not agree, with both sides' amounts (None where a side has none) and the fix."""

    gap: Gap
    kind: DocumentKind | None  # None for a Xero record no Actionstep kind explains
    number: str
    reason: str
    fix: str
    actionstep_total: Decimal | None = None
    actionstep_tax: Decimal | None = None
    xero_total: Decimal | None = None
    xero_tax: Decimal | None = None
    source_id: str | None = None
    xero_id: str | None = None
    date: date | None = None


@dataclass(frozen=True, slots=True)
class KindTally:
    """One document kind for the period: Actionstep's count, total and GST against Xero's for the linked ones."""

    kind: DocumentKind
    actionstep_count: int = 0
    actionstep_total: Decimal = ZERO
    actionstep_tax: Decimal = ZERO
    xero_count: int = 0
    xero_total: Decimal = ZERO
    xero_tax: Decimal = ZERO

    @property
    def agrees(self) -> bool:
        return (self.actionstep_count, self.actionstep_total, self.actionstep_tax) == (
            self.xero_count,
            self.xero_total,
            self.xero_tax,
        )


@dataclass(frozen=True, slots=True)
class HandEntered:
    """Records of one kind entered in Xero by hand in the period (no link, no number of ours): count and total."""

    what: str  # as Xero names it: "ACCREC invoices", "SPEND bank transactions on 091"…
    count: int
    total: Decimal


class ControlAccount(StrEnum):
    """The control accounts whose balances are reconciled."""

    ACCOUNTS_RECEIVABLE = "accounts_receivable"
    ACCOUNTS_PAYABLE = "accounts_payable"
    GST = "gst"
    TRUST_LIABILITY = "trust_liability"
    TRUST_TRANSFERS = "trust_transfers"
    TRUST_BANK = "trust_bank"

    @property
    def label(self) -> str:
        return {
            ControlAccount.ACCOUNTS_RECEIVABLE: "Accounts receivable",
            ControlAccount.ACCOUNTS_PAYABLE: "Accounts payable",
            ControlAccount.GST: "GST",
            ControlAccount.TRUST_LIABILITY: "Trust liability",
            ControlAccount.TRUST_TRANSFERS: "Trust transfers",
            ControlAccount.TRUST_BANK: "Trust bank",
        }[self]


@dataclass(frozen=True, slots=True)
class AccountBalance:
    """A control account at period end: Xero's balance (as its balance sheet shows it: assets and liabilities
    each positive on their own side) beside what the bot's postings imply, and what explains the gap."""

    account: ControlAccount
    code: str | None  # None when the account is not mapped (then it is not compared)
    xero: Decimal | None  # None when Xero's report could not be read
    implied: Decimal
    explained: tuple[tuple[str, Decimal], ...] = ()  # (why, amount) parts of the gap the ledger can name

    @property
    def difference(self) -> Decimal | None:
        return None if self.xero is None else self.xero - self.implied

    @property
    def unexplained(self) -> Decimal | None:
        gap = self.difference
        return None if gap is None else gap - sum((amount for _, amount in self.explained), ZERO)


@dataclass(frozen=True, slots=True)
class MatterBalance:
    """One matter's trust ledger at period end (receipts less payments and transfers out)."""

    matter_id: str
    name: str
    balance: Decimal

    @property
    def overdrawn(self) -> bool:
        return self.balance < 0


@dataclass(frozen=True, slots=True)
class UnbilledTransfer:
    """A trust-to-office transfer with no bill issued on the matter on or before its date (UGR r 42)."""

    number: str
    date: date
    amount: Decimal
    matter_id: str | None
    matter: str


@dataclass(frozen=True, slots=True)
class TrustCheck:
    """Trust three ways at period end: Actionstep's trust ledger (the sum of the matters' balances) against
    Xero's Trust Liability and Xero's trust bank balance; overdrawn matters; transfers without a bill."""

    ledger: Decimal
    liability: Decimal | None
    bank: Decimal | None
    matters: tuple[MatterBalance, ...] = ()
    unbilled_transfers: tuple[UnbilledTransfer, ...] = ()
    findings: tuple[str, ...] = ()  # each difference among the three, named
    complete: bool = True  # every trust transaction up to the period's end was read from Actionstep

    @property
    def overdrawn(self) -> tuple[MatterBalance, ...]:
        return tuple(m for m in self.matters if m.overdrawn)

    @property
    def reconciled(self) -> bool:
        """All three were read and agree, no matter is overdrawn and every transfer to office has its bill."""
        known = self.complete and self.liability is not None and self.bank is not None
        return known and not self.findings and not self.overdrawn and not self.unbilled_transfers


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One line of the month-end checklist."""

    label: str
    done: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """One reconciliation of a period. `incomplete` names each part Actionstep or Xero could not fully answer;
    an incomplete reconciliation never counts as agreeing."""

    period: Period
    at: datetime
    tallies: tuple[KindTally, ...]
    differences: tuple[Difference, ...]
    balances: tuple[AccountBalance, ...] = ()
    hand_entered: tuple[HandEntered, ...] = ()
    trust: TrustCheck | None = None
    checklist: tuple[ChecklistItem, ...] = ()
    incomplete: tuple[str, ...] = ()
    xero_calls: int = 0
    actionstep_calls: int = 0

    @property
    def agrees(self) -> bool:
        """No difference, every account explained, trust reconciled, and every part answered."""
        return (
            not self.incomplete
            and not self.differences
            and all(t.agrees for t in self.tallies)
            and all(not b.unexplained for b in self.balances if b.unexplained is not None)
            and (self.trust is None or self.trust.reconciled)
        )

    @property
    def ready_to_sign(self) -> bool:
        """Every checklist item done and nothing incomplete: what Sign off needs."""
        return not self.incomplete and all(item.done for item in self.checklist)


class SignOffState(StrEnum):
    OPEN = "open"  # reconciled, not signed off
    SIGNED_OFF = "signed_off"
    REOPENED = "reopened"  # signed off, then a later reconciliation found a difference


@dataclass(frozen=True, slots=True)
class PeriodClose:
    """What the ledger keeps of a period's month end: the latest reconciliation's fingerprint and outcome, and the
    sign-off with who and when (a later different reconciliation reopens it, with why)."""

    period: Period
    state: SignOffState
    fingerprint: str
    agrees: bool
    reconciled_at: datetime
    signed_off_by: str | None = None
    signed_off_at: datetime | None = None
    reopened_at: datetime | None = None
    reopened_because: str | None = None
    channel: str | None = None
    ts: str | None = None
    ready: bool = (
        False  # the reconciliation was ready to sign (every checklist item done, nothing incomplete)
    )
