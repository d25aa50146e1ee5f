"""Whether a payment Xero already shows is the Actionstep payment about to be posted (a bank feed's match).

Xero's bank feed lets a bookkeeper match a bank line to an invoice before the receipt is entered in Actionstep; the
receipt posted afterwards is then a second payment, or Xero refuses it ("Payment amount exceeds the amount
outstanding"). `match_payment` compares the payments on the Xero document that the bot did not post with the
Actionstep payment: the same amount and a date within the window is the same money; a close one that differs in
amount or date is named with what differs, and is never adopted without a person saying so.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from integration.domain import XeroPaymentState


class AdoptMode(StrEnum):
    """`XEROBOT_ADOPT_XERO_PAYMENTS`: what the sync does with a payment Xero already shows."""

    ASK = "ask"  # hold the Actionstep payment and raise an alert with Link / Post anyway / Ignore
    AUTO = "auto"  # link the Actionstep payment to Xero's at once
    OFF = "off"  # post as if Xero showed nothing


@dataclass(frozen=True, slots=True)
class PaymentMatching:
    """The two settings together: the mode and how many days apart the two payments may be dated."""

    mode: AdoptMode = AdoptMode.ASK
    days: int = 7


@dataclass(frozen=True, slots=True)
class XeroPaymentMatch:
    """A Xero payment close to the Actionstep one; `differences` is empty when it is the same money."""

    payment: XeroPaymentState
    differences: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return not self.differences


def match_payment(
    amount: Decimal,
    when: date | None,
    seen: Iterable[XeroPaymentState],
    *,
    days: int,
    taken: Collection[str] = (),
) -> XeroPaymentMatch | None:
    """The payment among `seen` (payments the bot did not post, ids in `taken` already claimed) that may be this one.

    Exact: the same amount, dated within `days`. Otherwise the nearest one with the same amount but dated further
    off, or one dated within `days` with another amount, with what differs; None when none is close."""
    candidates = [p for p in seen if p.xero_id.lower() not in {t.lower() for t in taken}]

    def gap(payment: XeroPaymentState) -> int:
        if payment.date is None or when is None:
            return 0 if payment.date == when else 10**6
        return abs((payment.date - when).days)

    exact = [p for p in candidates if p.amount == amount and gap(p) <= days]
    if exact:
        return XeroPaymentMatch(min(exact, key=gap))
    same_amount = [p for p in candidates if p.amount == amount]
    if same_amount:
        nearest = min(same_amount, key=gap)
        return XeroPaymentMatch(nearest, (_date_difference(nearest, when, days),))
    near = [p for p in candidates if gap(p) <= days]
    if near:
        nearest = min(near, key=lambda p: (abs(p.amount - amount), gap(p)))
        return XeroPaymentMatch(
            nearest, (f"Xero's payment is {nearest.amount:,.2f}, Actionstep's is {amount:,.2f}",)
        )
    return None


def _date_difference(payment: XeroPaymentState, when: date | None, days: int) -> str:
    if payment.date is None or when is None:
        return "Xero's payment has no date to compare"
    return (
        f"Xero's payment is dated {payment.date:%d %b %Y}, {abs((payment.date - when).days)} days from "
        f"Actionstep's {when:%d %b %Y} (more than {days})"
    )


def describe_match(
    number: str, invoice: str, match: XeroPaymentMatch, amount: Decimal, when: date | None
) -> str:
    """The alert's sentence naming both sides: the Actionstep payment and the Xero payment, and what differs."""
    xero = match.payment
    xero_side = (
        f"a payment of {xero.amount:,.2f}"
        + (f" dated {xero.date:%d %b %Y}" if xero.date else "")
        + (f" (reference {xero.reference})" if xero.reference else "")
        + f", Xero id {xero.xero_id}"
        + (", reconciled with the bank feed" if xero.reconciled else "")
    )
    dated = f" dated {when:%d %b %Y}" if when else ""
    head = (
        f"{number} ({amount:,.2f}{dated}) was not posted: Xero already shows {invoice} paid by {xero_side}, "
        "which this bot did not post"
    )
    if match.exact:
        return head + "."
    return head + "; they differ: " + "; ".join(match.differences) + "."


def adopted_note(invoice: str, payment: XeroPaymentState, decided_by: str | None = None) -> str:
    """The report's note for an Actionstep payment linked to the payment Xero already shows (`decided_by`: the
    person who adopted that payment on a drift alert, when one did)."""
    when = f" dated {payment.date:%d %b %Y}" if payment.date else ""
    why = f"{decided_by} chose to adopt it, so it is linked" if decided_by else "linked"
    return (
        f"Adopted from Xero: {invoice} was already paid there by a payment of {payment.amount:,.2f}{when} that this "
        f"bot did not post (Xero id {payment.xero_id}); {why}, not sent again."
    )
