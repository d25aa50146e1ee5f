"""The bank-feed match: which payment Xero already shows is the Actionstep payment about to be posted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from integration.domain import XeroPaymentState
from integration.rules.bankfeed import match_payment

DAY = date(2026, 8, 10)


def paid(xero_id: str, amount: str, when: date | None = DAY) -> XeroPaymentState:
    return XeroPaymentState(xero_id, Decimal(amount), when, None, reconciled=True)


def test_the_same_amount_within_the_window_is_the_same_money() -> None:
    match = match_payment(Decimal("110.00"), DAY, [paid("a", "110.00", date(2026, 8, 14))], days=7)
    assert match is not None and match.exact and match.payment.xero_id == "a"


def test_of_two_exact_candidates_the_nearest_date_wins() -> None:
    seen = [paid("far", "110.00", date(2026, 8, 16)), paid("near", "110.00", date(2026, 8, 11))]
    match = match_payment(Decimal("110.00"), DAY, seen, days=7)
    assert match is not None and match.payment.xero_id == "near"


def test_the_same_amount_outside_the_window_is_named_with_the_dates_and_never_exact() -> None:
    match = match_payment(Decimal("110.00"), DAY, [paid("a", "110.00", date(2026, 9, 1))], days=7)
    assert match is not None and not match.exact
    assert "22 days" in match.differences[0] and "more than 7" in match.differences[0]


def test_another_amount_within_the_window_is_named_with_both_amounts() -> None:
    match = match_payment(Decimal("110.00"), DAY, [paid("a", "100.00")], days=7)
    assert match is not None and not match.exact
    assert match.differences == ("Xero's payment is 100.00, Actionstep's is 110.00",)


def test_a_payment_already_claimed_by_another_receipt_is_not_offered_again() -> None:
    assert match_payment(Decimal("110.00"), DAY, [paid("A", "110.00")], days=7, taken={"a"}) is None


def test_nothing_close_is_no_match() -> None:
    assert match_payment(Decimal("110.00"), DAY, [paid("a", "5.00", date(2026, 1, 1))], days=7) is None


def test_a_window_of_zero_days_wants_the_same_date() -> None:
    assert match_payment(Decimal("1.00"), DAY, [paid("a", "1.00")], days=0) is not None
    later = match_payment(Decimal("1.00"), DAY, [paid("a", "1.00", date(2026, 8, 11))], days=0)
    assert later is not None and not later.exact
