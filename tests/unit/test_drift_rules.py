"""Drift rules: what Xero now holds of a linked document, against what the bot posted."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from integration.domain import (
    AllocationSummary,
    DocumentKind,
    Drift,
    DriftFinding,
    DriftKind,
    DriftPass,
    LastDriftPass,
    LineSummary,
    Link,
    ReallocationState,
    RemovedAllocation,
    SourceRef,
    WebhookCounts,
    XeroPayment,
    XeroRecord,
)
from integration.rules.drift import (
    REMEMBERED_CHARS,
    bot_allocations,
    budget_refusal,
    compare,
    deleted_bot_payments,
    facts,
    next_cursor,
    recalled,
    remembered,
)

POSTED = Link(
    SourceRef(DocumentKind.SALES_INVOICE, "1"),
    "v1",
    "INV-1",
    "inv-x",
    "INV-1",
    "ACCREC",
    Decimal("110.00"),
    posted_tax=Decimal("10.00"),
    posted_date=date(2026, 8, 1),
    posted_contact_id="C-1",
)


def record(**changes: object) -> XeroRecord:
    fields: dict[str, object] = {
        "endpoint": "Invoices",
        "xero_id": "inv-x",
        "status": "AUTHORISED",
        "number": "INV-1",
        "total": Decimal("110.00"),
        "tax": Decimal("10.00"),
        "date": date(2026, 8, 1),
        "contact_id": "c-1",
        **changes,
    }
    return XeroRecord(**fields)  # type: ignore[arg-type]


def kinds(drifts: list) -> list[tuple[DriftKind, str]]:  # type: ignore[type-arg]
    return [(d.kind, d.what) for d in drifts]


def test_a_document_as_posted_has_no_drift_whatever_the_case_of_its_contact_id() -> None:
    assert compare(POSTED, record()) == []


def test_a_document_xero_no_longer_has_is_deleted_and_a_voided_one_voided() -> None:
    assert kinds(compare(POSTED, None)) == [(DriftKind.DELETED, "no longer in Xero")]
    assert kinds(compare(POSTED, record(status="VOIDED"))) == [(DriftKind.VOIDED, "status")]


def test_every_edited_field_is_named_with_before_and_after() -> None:
    edited = compare(
        POSTED,
        record(
            total=Decimal("120.00"), tax=Decimal("11.00"), date=date(2026, 8, 2), contact_id="C-2", number="X"
        ),
    )
    assert [(d.what, d.before, d.after) for d in edited] == [
        ("total", "110.00", "120.00"),
        ("tax", "10.00", "11.00"),
        ("date", "2026-08-01", "2026-08-02"),
        ("contact", "C-1", "C-2"),
        ("number", "INV-1", "X"),
    ]


def test_a_payment_the_bot_did_not_post_is_paid_elsewhere_and_its_own_payment_is_not() -> None:
    payments = (XeroPayment("PAY-OURS", Decimal("50.00")), XeroPayment("pay-feed", Decimal("60.00")))
    found = compare(POSTED, record(payments=payments, amount_due=Decimal(0)), bot_payment_ids={"pay-ours"})
    assert [(d.kind, d.what, d.after) for d in found] == [
        (DriftKind.PAID_ELSEWHERE, "paid in Xero", "60.00 paid by 1 payment(s) the bot did not post")
    ]
    assert compare(POSTED, record(payments=payments[:1]), bot_payment_ids={"pay-ours"}) == []


def test_a_deleted_bot_payment_is_a_payment_deleted() -> None:
    payment = Link(SourceRef(DocumentKind.PAYMENT_RECEIVED, "9"), "v1", "RCT-9", "pay-1", None, "ACCRECPAYMENT",
                   Decimal("5.00"), settles_xero_id="inv-x")  # fmt: skip
    assert kinds(compare(payment, None)) == [(DriftKind.PAYMENT_DELETED, "no longer in Xero")]


def bot_payment(xero_id: str) -> Link:
    return Link(
        SourceRef(DocumentKind.PAYMENT_RECEIVED, xero_id), "v1", xero_id, xero_id, None, "PAYMENT",
        Decimal("10.00"), settles_xero_id="inv-x",
    )  # fmt: skip


def test_a_bot_payment_its_document_no_longer_lists_is_deleted_and_one_it_lists_is_not() -> None:
    kept, gone = bot_payment("pay-kept"), bot_payment("PAY-GONE")
    listed = record(payments=(XeroPayment("PAY-KEPT", Decimal("10.00")),))
    assert deleted_bot_payments(listed, [kept, gone]) == [gone]
    assert deleted_bot_payments(record(), []) == []


def test_a_voided_document_or_a_payment_record_names_no_deleted_bot_payment() -> None:
    assert deleted_bot_payments(record(status="VOIDED"), [bot_payment("p")]) == []
    assert deleted_bot_payments(record(endpoint="Payments"), [bot_payment("p")]) == []


def test_a_pass_is_refused_when_less_than_its_share_of_the_day_is_left() -> None:
    assert budget_refusal(None, 10) is None
    assert budget_refusal(500, 10) is None
    assert "499" in (budget_refusal(499, 10) or "")
    assert "XEROBOT_DRIFT_BUDGET_PERCENT=0" in (budget_refusal(5000, 0) or "")


def test_the_next_poll_starts_at_the_newest_change_seen_and_never_goes_back() -> None:
    early, late = datetime(2026, 8, 1, tzinfo=UTC), datetime(2026, 8, 2, tzinfo=UTC)
    assert next_cursor(None, []) is None
    assert next_cursor(early, [record(updated=late)]) == late
    assert next_cursor(late, [record(updated=early)]) == late


FEES = LineSummary("200", "GST", Decimal("1000.00"), Decimal("100.00"), "Fees")
OTHER = LineSummary("260", "GST", Decimal("100.00"), Decimal("10.00"), "Other")
LINED = replace(POSTED, posted_lines=(FEES,))


def line(code: str, amount: str, tax: str, text: str = "Fees", tax_type: str = "GST") -> LineSummary:
    return LineSummary(code, tax_type, Decimal(amount), Decimal(tax), text)


@pytest.mark.parametrize(
    ("xero_lines", "drifts"),
    [
        ((FEES,), []),
        ((line("200", "1000", "100", "Reworded"),), []),  # descriptions are not compared
        ((line("200", "600", "60"), line("200", "400", "40")), []),  # one line split in two: the same
        ((line("200", "1000", "100", tax_type="gst"),), []),  # Xero's codes in another case
        (None, []),  # a list answer without lines: not compared
        (
            (line("200", "900", "90"), OTHER),
            [("lines", "200 Fees 1,000.00 GST", "200 Fees 900.00 GST; 260 Other 100.00 GST")],
        ),
        ((line("201", "1000", "100"),), [("lines", "200 Fees 1,000.00 GST", "201 Fees 1,000.00 GST")]),
        (
            (line("200", "1000", "0", tax_type="EXEMPT"),),
            [("lines", "200 Fees 1,000.00 GST", "200 Fees 1,000.00 EXEMPT")],
        ),
    ],
)
def test_lines_are_compared_per_account_and_tax_type_and_worded_before_and_after(
    xero_lines: tuple[LineSummary, ...] | None, drifts: list[tuple[str, str, str]]
) -> None:
    found = compare(LINED, record(lines=xero_lines))
    assert [(d.what, d.before, d.after) for d in found] == drifts
    assert all(d.kind is DriftKind.EDITED for d in found)


def test_a_link_made_before_lines_were_kept_is_not_compared_on_lines() -> None:
    assert compare(POSTED, record(lines=(OTHER,))) == []


NOTE = Link(SourceRef(DocumentKind.CREDIT_NOTE, "4"), "v1", "CN-4", "cn-x", "CN-4", "ACCRECCREDIT",
            Decimal("352.00"), posted_allocations=(AllocationSummary("INV-A", Decimal("352.00"), "INV-1"),))  # fmt: skip


def note(*allocations: AllocationSummary) -> XeroRecord:
    return XeroRecord(
        "CreditNotes", "cn-x", "PAID", number="CN-4", total=Decimal("352.00"), allocations=allocations
    )


@pytest.mark.parametrize(
    ("in_xero", "drifts"),
    [
        ((AllocationSummary("inv-a", Decimal("352.00")),), []),
        ((AllocationSummary("inv-a", Decimal("300.00")), AllocationSummary("inv-a", Decimal("52"))), []),
        ((), [("credit allocated to INV-1", "352.00", "removed")]),
        (
            (AllocationSummary("inv-a", Decimal("200.00")),),
            [("credit allocated to INV-1", "352.00", "200.00")],
        ),
        (
            (AllocationSummary("inv-b", Decimal("352.00"), "INV-2"),),
            [("credit allocated to INV-1", "352.00", "removed")],
        ),
    ],
)
def test_a_credit_allocation_the_bot_made_is_missed_when_removed_or_changed(
    in_xero: tuple[AllocationSummary, ...], drifts: list[tuple[str, str, str]]
) -> None:
    expected = bot_allocations(NOTE, [])
    found = compare(NOTE, note(*in_xero), bot_allocations=expected)
    assert [(d.what, d.before, d.after) for d in found] == drifts
    assert all(d.kind is DriftKind.ALLOCATION_CHANGED for d in found)


def removed(state: ReallocationState, invoice_id: str | None = None) -> RemovedAllocation:
    return RemovedAllocation(
        allocation_id="al-1", source=SourceRef(DocumentKind.SALES_INVOICE, "1"), old_invoice_id="inv-a",
        credit_note_id="CN-X", credit_note_number="CN-4", old_invoice_number="INV-1", amount=Decimal("352.00"),
        date=date(2026, 8, 1), request_id=1, state=state, invoice_id=invoice_id, invoice_number="INV-1",
    )  # fmt: skip


def test_an_allocation_an_unlink_moved_is_expected_on_the_corrected_invoice_and_not_the_voided_one() -> None:
    moved = bot_allocations(NOTE, [removed(ReallocationState.REAPPLIED, "inv-new")])
    assert moved == (AllocationSummary("inv-new", Decimal("352.00"), "INV-1"),)
    assert compare(NOTE, note(AllocationSummary("INV-NEW", Decimal("352.00"))), bot_allocations=moved) == []
    for waiting in (ReallocationState.REMOVED, ReallocationState.SENDING, ReallocationState.NOT_REAPPLIED):
        assert bot_allocations(NOTE, [removed(waiting)]) == ()


def test_a_link_made_before_allocations_were_kept_is_not_compared_on_allocations() -> None:
    old = replace(NOTE, posted_allocations=None)
    assert bot_allocations(old, []) is None
    assert compare(old, note(), bot_allocations=None) == []


def test_a_findings_facts_are_its_number_changes_who_and_when() -> None:
    at = datetime(2026, 11, 2, 4, 10, tzinfo=UTC)
    finding = DriftFinding(
        "inv-x", None, POSTED.source, "INV-1", "sales invoice",
        (Drift(DriftKind.EDITED, "total", "1.00", "2.00"), Drift(DriftKind.PAID_ELSEWHERE, "part-paid in Xero")),
        changed_by="Jane Ng", changed_at=at,
    )  # fmt: skip
    assert facts(finding) == {
        "number": "INV-1",
        "changes": "total: 1.00 → 2.00; part-paid in Xero",
        "who": "Jane Ng",
        "at": "2026-11-02T04:10:00+00:00",
    }
    assert facts(replace(finding, xero_number="X-1", changed_by=None, changed_at=None))["who"] is None


AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def test_the_latest_pass_is_kept_as_one_short_text_and_read_back() -> None:
    found = DriftPass(calls=6, examined=4)
    assert recalled(remembered(found, AT)) == LastDriftPass(AT, True, None, 6, 0, 4)
    stopped = DriftPass(calls=2, complete=False, error="Xero is unavailable (503 Organisation offline)")
    assert recalled(remembered(stopped, AT)) == LastDriftPass(
        AT, False, "Xero is unavailable (503 Organisation offline)", 2, 0
    )


def test_a_long_reason_is_cut_so_the_kept_pass_fits_its_cursor() -> None:
    skipped = DriftPass(skipped='é"<' * 200, complete=False)
    text = remembered(skipped, AT)
    assert len(text) <= REMEMBERED_CHARS
    kept = recalled(text)
    assert kept is not None and kept.reason is not None and kept.reason.endswith("…")
    assert skipped.skipped is not None and skipped.skipped.startswith(kept.reason[:-1])


def test_nothing_kept_or_something_unreadable_is_no_latest_pass() -> None:
    assert recalled(None) is None
    assert recalled("not json") is None
    assert recalled('{"at": "yesterday"}') is None


def test_webhook_counts_add_every_outcome_and_the_waiting_ones_to_what_was_received() -> None:
    counts = WebhookCounts.of({"checked": 5, "not_ours": 2, "other_tenant": 1, "pending": 3})
    assert counts == WebhookCounts(received=11, checked=5, not_ours=2, other_tenant=1, pending=3)
    assert WebhookCounts.of({}) == WebhookCounts()
