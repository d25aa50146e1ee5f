"""The pure parts of month-end reconciliation: periods, a document's difference, strays, balances, trust, export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from integration.domain import (
    AccountBalance,
    ControlAccount,
    Difference,
    DocumentKind,
    Gap,
    KindTally,
    Link,
    Period,
    Reconciliation,
    SourceRef,
    XeroRecord,
)
from integration.rules import balances, reconcile, trust
from integration.rules.reconcile import SourceFacts, Unposted
from integration.rules.reconcile_export import csv_text, fingerprint
from integration.rules.trust import TrustMovement

D = Decimal
TODAY = date(2026, 11, 29)
INVOICE = SourceFacts(
    SourceRef(DocumentKind.SALES_INVOICE, "7"), "INV-1001", date(2026, 7, 3), D("110.00"), D("10.00")
)


def link(total: str = "110.00", xero_id: str = "X-1") -> Link:
    return Link(INVOICE.ref, "v1", "INV-1001", xero_id, "INV-1001", "ACCREC", D(total), posted_tax=D("10.00"))


def record(
    total: str = "110.00", tax: str = "10.00", status: str = "AUTHORISED", **more: object
) -> XeroRecord:
    fields: dict[str, object] = {"xero_type": "ACCREC", "number": "INV-1001"} | more
    return XeroRecord("Invoices", "X-1", status, None, total=D(total), tax=D(tax), **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["2026-13", "2026-7", "July", "2026-00", "", "20260-1"])
def test_a_malformed_period_is_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        Period.parse(text, TODAY)


def test_a_period_that_has_not_started_is_refused() -> None:
    with pytest.raises(ValueError, match="has not started"):
        Period.parse("2026-12", TODAY)


def test_a_period_runs_from_its_first_to_its_last_day_and_last_month_is_the_one_before() -> None:
    feb = Period.parse("2028-02", date(2028, 3, 1))
    assert (feb.start, feb.end, str(feb)) == (date(2028, 2, 1), date(2028, 2, 29), "2028-02")
    assert Period.before(date(2027, 1, 3)) == Period(2026, 12)


def test_a_document_xero_holds_as_actionstep_does_makes_no_difference() -> None:
    assert reconcile.examine(INVOICE, link(), record(), None) is None


def test_a_document_without_a_link_is_not_posted_with_the_reason_the_sync_recorded() -> None:
    found = reconcile.examine(INVOICE, None, None, Unposted("Account 5040 is not mapped.", "Map it."))
    assert found is not None and found.gap is Gap.NOT_POSTED
    assert (found.reason, found.fix, found.actionstep_total, found.xero_total) == (
        "Account 5040 is not mapped.", "Map it.", D("110.00"), None,
    )  # fmt: skip


def test_a_linked_document_xero_no_longer_has_is_missing_in_xero() -> None:
    found = reconcile.examine(INVOICE, link(), None, None)
    assert found is not None and found.gap is Gap.MISSING_IN_XERO and "unlink INV-1001" in found.fix


@pytest.mark.parametrize("status", ["VOIDED", "DELETED"])
def test_a_voided_or_deleted_document_is_named_so(status: str) -> None:
    found = reconcile.examine(INVOICE, link(), record(status=status), None)
    assert found is not None and found.gap is Gap.VOIDED_OR_DELETED and status.lower() in found.reason.lower()


def test_an_amount_edited_in_xero_differs_with_both_amounts() -> None:
    found = reconcile.examine(INVOICE, link(), record("121.00", "11.00"), None)
    assert found is not None and found.gap is Gap.AMOUNT_DIFFERS
    assert (found.actionstep_total, found.xero_total, found.actionstep_tax, found.xero_tax) == (
        D("110.00"), D("121.00"), D("10.00"), D("11.00"),
    )  # fmt: skip


def test_gst_alone_differing_is_a_difference() -> None:
    found = reconcile.examine(INVOICE, link(), record("110.00", "9.99"), None)
    assert found is not None and found.gap is Gap.AMOUNT_DIFFERS


def test_a_document_changed_in_actionstep_after_posting_says_so() -> None:
    found = reconcile.examine(INVOICE, link(total="100.00"), record("100.00", "10.00"), None)
    assert found is not None and "after it was posted" in found.reason


def test_a_kind_counts_xero_only_for_linked_live_records() -> None:
    counter = reconcile.KindCount(DocumentKind.SALES_INVOICE)
    counter.add(INVOICE, record(), True)
    counter.add(INVOICE, record(status="VOIDED"), True)
    counter.add(INVOICE, None, False)
    tally = counter.tally()
    assert (tally.actionstep_count, tally.actionstep_total, tally.xero_count, tally.xero_total) == (
        3, D("330.00"), 1, D("110.00"),
    )  # fmt: skip
    assert not tally.agrees


def test_a_stray_with_our_number_is_not_from_actionstep_and_a_hand_entered_one_is_only_counted() -> None:
    ours = record(number="INV-1001")
    hand = record(number="HAND-1", contact_id="someone")
    numbers = {"INV-1001": DocumentKind.SALES_INVOICE}
    found = reconcile.stray(ours, None, numbers, frozenset())
    assert (
        found is not None
        and found.gap is Gap.NOT_FROM_ACTIONSTEP
        and found.kind is DocumentKind.SALES_INVOICE
    )
    assert reconcile.stray(hand, None, numbers, frozenset()) is None
    assert reconcile.stray(hand, None, numbers, frozenset({"someone"})) is not None
    (group,) = reconcile.hand_entered([hand])
    assert (group.what, group.count, group.total) == ("sales invoices (ACCREC)", 1, D("110.00"))


def test_postings_imply_receivable_payable_gst_and_trust_balances() -> None:
    implied = balances.implied(
        [
            (DocumentKind.SALES_INVOICE, "ACCREC", D("110.00"), D("10.00")),
            (DocumentKind.CREDIT_NOTE, "ACCRECCREDIT", D("11.00"), D("1.00")),
            (DocumentKind.PAYMENT_RECEIVED, "PAYMENT", D("50.00"), None),
            (DocumentKind.SUPPLIER_INVOICE, "ACCPAY", D("22.00"), D("2.00")),
            (DocumentKind.TRUST_RECEIPT, "RECEIVE", D("1000.00"), None),
            (DocumentKind.TRUST_PAYMENT, "SPEND", D("300.00"), None),
            (DocumentKind.TRUST_TRANSFER, "TRANSFER", D("200.00"), None),
        ]
    )
    assert implied == {
        ControlAccount.ACCOUNTS_RECEIVABLE: D("49.00"),
        ControlAccount.ACCOUNTS_PAYABLE: D("22.00"),
        ControlAccount.GST: D("7.00"),
        ControlAccount.TRUST_BANK: D("500.00"),
        ControlAccount.TRUST_LIABILITY: D("700.00"),
    }


def test_a_spend_on_the_trust_bank_lowers_the_trust_bank() -> None:
    spend = XeroRecord("BankTransactions", "B", "AUTHORISED", total=D("40.00"), tax=D("0.00"),
                       xero_type="SPEND", account_code="091")  # fmt: skip
    assert balances.record_effects(spend, frozenset({"091"})) == {
        ControlAccount.TRUST_BANK: D("-40.00"), ControlAccount.GST: D("0.00"),
    }  # fmt: skip


def test_an_account_balance_names_what_explains_its_gap() -> None:
    line = AccountBalance(
        ControlAccount.ACCOUNTS_RECEIVABLE, "610", D("150.00"), D("100.00"), (("hand", D("30.00")),)
    )
    assert (line.difference, line.unexplained) == (D("50.00"), D("20.00"))


def test_trust_three_ways_agree_when_the_bank_is_the_ledger_and_liability_allows_for_transfers() -> None:
    moves = [
        TrustMovement("TR-1", date(2026, 7, 1), "m1", D("1000.00")),
        TrustMovement("TT-1", date(2026, 7, 9), "m1", D("-200.00"), to_office=True),
    ]
    check = trust.three_ways(trust.ledger(moves), {"m1": "Smith"}, D("1000.00"), D("800.00"), D("200.00"))
    assert check.reconciled and check.ledger == D("800.00")
    off = trust.three_ways(trust.ledger(moves), {}, D("960.00"), D("760.00"), D("200.00"))
    assert len(off.findings) == 2 and "40.00" in off.findings[0]


def test_an_overdrawn_matter_and_a_transfer_without_a_bill_are_named() -> None:
    moves = [
        TrustMovement("TR-1", date(2026, 7, 1), "m1", D("100.00")),
        TrustMovement("TP-1", date(2026, 7, 2), "m1", D("-150.00")),
        TrustMovement("TR-2", date(2026, 7, 1), "m2", D("10.00")),
        TrustMovement("TT-1", date(2026, 7, 9), "m2", D("-10.00"), to_office=True),
    ]
    check = trust.three_ways(trust.ledger(moves), {"m1": "Smith"}, None, None, D("0.00"))
    assert [(m.name, m.balance) for m in check.overdrawn] == [("Smith", D("-50.00"))]
    late_bill = {"m2": [date(2026, 7, 10)]}
    (unbilled,) = trust.unbilled([moves[3]], late_bill, {"m2": "Jones"})
    assert (unbilled.number, unbilled.amount, unbilled.matter) == ("TT-1", D("10.00"), "Jones")
    assert trust.unbilled([moves[3]], {"m2": [date(2026, 7, 9)]}, {}) == ()


def _reconciliation(*differences: Difference) -> Reconciliation:
    tally = KindTally(DocumentKind.SALES_INVOICE, 1, D("110.00"), D("10.00"), 1, D("110.00"), D("10.00"))
    return Reconciliation(Period(2026, 7), datetime(2026, 8, 3, tzinfo=UTC), (tally,), differences)


def test_the_csv_has_one_row_per_difference_and_no_cell_a_spreadsheet_would_run() -> None:
    hostile = Difference(Gap.NOT_FROM_ACTIONSTEP, None, '=HYPERLINK("http://x")', "+1 reason", "-fix",
                         xero_total=D("-5.00"), xero_id="X-9")  # fmt: skip
    plain = reconcile.examine(INVOICE, link(), None, None)
    assert plain is not None
    rows = list(csv.DictReader(io.StringIO(csv_text(_reconciliation(plain, hostile)))))
    assert len(rows) == 2
    assert (
        rows[1]["number"].startswith("'=")
        and rows[1]["reason"].startswith("'+")
        and rows[1]["fix"] == "'-fix"
    )
    assert rows[1]["xero_total"] == "-5.00" and rows[0]["actionstep_total"] == "110.00"


def test_the_fingerprint_ignores_when_it_ran_and_changes_with_a_difference() -> None:
    first, again = _reconciliation(), _reconciliation()
    assert fingerprint(first) == fingerprint(
        Reconciliation(again.period, datetime(2026, 9, 1, tzinfo=UTC), again.tallies, (), xero_calls=9)
    )
    missing = reconcile.examine(INVOICE, link(), None, None)
    assert missing is not None
    assert fingerprint(first) != fingerprint(_reconciliation(missing))


def test_an_incomplete_reconciliation_never_agrees() -> None:
    rec = _reconciliation()
    assert rec.agrees
    assert not Reconciliation(rec.period, rec.at, rec.tallies, (), incomplete=("Xero: down",)).agrees
