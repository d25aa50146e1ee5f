"""The domain vocabulary: which kinds are pushed, totals to the cent, and dependencies between documents."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from integration.domain import (
    DOCUMENT_CLASSES,
    SKIPPED_BY_DESIGN,
    Allocation,
    CreditNote,
    DocumentKind,
    Line,
    PaymentReceived,
    SalesInvoice,
    SourceRef,
    to_cents,
)

WHEN = datetime(2026, 11, 1, tzinfo=UTC)


def test_deposits_withdrawals_and_journals_are_skipped_by_design_and_everything_else_is_pushed() -> None:
    assert (
        {kind for kind in DocumentKind if not kind.pushed}
        == {
            DocumentKind.BANK_DEPOSIT,
            DocumentKind.BANK_WITHDRAWAL,
            DocumentKind.GENERAL_JOURNAL,
        }
        == SKIPPED_BY_DESIGN
    )
    assert set(DOCUMENT_CLASSES) == set(DocumentKind)


def test_an_invoice_total_is_the_sum_of_its_lines_and_their_tax() -> None:
    invoice = SalesInvoice(
        id="1",
        number="INV-1",
        date=date(2026, 11, 1),
        version="1",
        modified_at=WHEN,
        lines=(
            Line("Advice", "4000", Decimal("25.06"), Decimal("2.51"), "GST"),
            Line("Filing", "4000", Decimal("0.10"), Decimal("0.01"), "GST"),
            Line("Search fee", "4100", Decimal("0.20"), Decimal("0"), "FRE"),
        ),
    )
    assert (invoice.subtotal, invoice.total_tax, invoice.total) == (
        Decimal("25.36"),
        Decimal("2.52"),
        Decimal("27.88"),
    )


def test_payments_and_allocations_depend_on_the_documents_they_settle() -> None:
    invoice = SourceRef(DocumentKind.SALES_INVOICE, "1")
    payment = PaymentReceived(
        id="9", number="R-9", date=date(2026, 11, 2), version="1", modified_at=WHEN,
        invoice=invoice, bank_account_id="1100", amount=Decimal("27.88"),
    )  # fmt: skip
    credit = CreditNote(
        id="5", number="CN-5", date=date(2026, 11, 3), version="1", modified_at=WHEN,
        allocations=(Allocation(invoice, Decimal("5.00"), date(2026, 11, 3)),),
    )  # fmt: skip
    assert payment.depends_on == (invoice,) and credit.depends_on == (invoice,)
    assert payment.ref == SourceRef(DocumentKind.PAYMENT_RECEIVED, "9")


def test_rounding_to_the_cent_is_half_away_from_zero() -> None:
    assert [to_cents(Decimal(v)) for v in ("0.005", "0.015", "-0.005", "2.344")] == [
        Decimal("0.01"),
        Decimal("0.02"),
        Decimal("-0.01"),
        Decimal("2.34"),
    ]
