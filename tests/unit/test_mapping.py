"""Mapping checks find every broken mapping before anything is sent, and block only the documents that need it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from integration.domain import (
    CreditNote,
    Direction,
    Line,
    Mapping,
    MappingKind,
    PaymentReceived,
    SalesInvoice,
    Severity,
    SourceRef,
    SupplierInvoice,
    TrustReceipt,
)
from integration.rules.mapping import Mapper
from tests.support.books import demo_books, demo_mappings, demo_xero_chart

WHEN = datetime(2026, 11, 1, tzinfo=UTC)


def invoice(
    number: str, *lines: Line, cls: type[SalesInvoice] | type[SupplierInvoice] = SalesInvoice
) -> SalesInvoice:
    return cls(
        id=number,
        number=number,
        date=date(2026, 11, 1),
        version="1",
        modified_at=WHEN,
        contact_id="101",
        lines=lines,
    )  # type: ignore[return-value]


def fee(
    account: str | None, amount: str = "100.00", timekeeper: str | None = None, tax_code: str = "GST"
) -> Line:
    value = Decimal(amount)
    tax = (value / 10).quantize(Decimal("0.01")) if tax_code == "GST" else Decimal(0)
    return Line("Professional fees", account, value, tax, tax_code, timekeeper_id=timekeeper)


def mapper(extra: list[Mapping] | None = None) -> Mapper:
    return Mapper(demo_mappings() + (extra or []), demo_books(), demo_xero_chart())


def test_a_fully_mapped_invoice_resolves_each_line_to_a_code_and_tax_type() -> None:
    resolution = mapper().resolve(
        invoice("INV-1", fee("4000"), fee(None, timekeeper="tk-1"), fee("4100", tax_code="FRE"))
    )
    assert resolution.failures == ()
    assert resolution.targets is not None
    assert [(r.account_code, r.tax_type) for r in resolution.targets.lines] == [
        ("200", "OUTPUT"),
        ("201", "OUTPUT"),
        ("205", "EXEMPTOUTPUT"),
    ]


def test_purchases_use_the_input_tax_type_of_the_same_tax_code() -> None:
    resolution = mapper().resolve(invoice("SUP-1", fee("5000"), cls=SupplierInvoice))
    assert resolution.targets is not None
    assert resolution.targets.lines[0].tax_type == "INPUT"


def test_an_unmapped_account_blocks_only_the_documents_that_use_it_and_counts_them() -> None:
    documents = [invoice("INV-1", fee("5040")), invoice("INV-2", fee("5040")), invoice("INV-3", fee("4000"))]
    report = mapper().check(documents)
    problem = next(p for p in report.problems if p.subject == "account:5040")
    assert problem.code == "mapping.unmapped_account"
    assert "5-5040 Courier Costs" in problem.message and "It blocks 2 documents." in problem.message
    assert "xerobot mappings set account 5040" in problem.fix
    assert problem.documents == (invoice("INV-1").ref, invoice("INV-2").ref)
    assert report.blocked(invoice("INV-1").ref) and not report.blocked(invoice("INV-3").ref)


def test_a_timekeeper_without_an_income_account_blocks_their_fee_lines() -> None:
    report = mapper().check([invoice("INV-9", fee(None, timekeeper="tk-5"))])
    problem = next(p for p in report.problems if p.subject == "timekeeper:tk-5")
    assert problem.code == "mapping.timekeeper_without_income_account"
    assert "Eve Marshall" in problem.message and problem.severity is Severity.BLOCKING


def test_a_timekeeper_mapping_fixes_that_and_wins_over_the_line_account() -> None:
    fixed = mapper([Mapping(MappingKind.TIMEKEEPER, "tk-5", "202")])
    resolution = fixed.resolve(invoice("INV-9", fee(None, timekeeper="tk-5"), fee("4000", timekeeper="tk-5")))
    assert resolution.targets is not None
    assert [r.account_code for r in resolution.targets.lines] == ["202", "202"]


def test_a_mapping_to_a_xero_account_without_a_code_names_the_account_and_the_fix() -> None:
    report = mapper().check([invoice("SUP-2", fee("5030"), cls=SupplierInvoice)])
    problem = next(p for p in report.problems if p.subject == "account:5030")
    assert problem.code == "mapping.xero_account_no_code"
    assert (
        "Client Entertainment" in problem.message and "give Client Entertainment a unique code" in problem.fix
    )


def test_a_mapping_to_an_archived_or_missing_xero_account_is_reported() -> None:
    report = mapper([Mapping(MappingKind.ACCOUNT, "4200", "999")]).check(
        [invoice("SUP-3", fee("5020"), cls=SupplierInvoice)]
    )
    codes = {p.subject: p.code for p in report.problems}
    assert codes["account:5020"] == "mapping.xero_account_archived"
    assert codes["account:4200"] == "mapping.xero_account_missing"
    missing = next(p for p in report.problems if p.subject == "account:4200")
    assert missing.severity is Severity.WARNING and "No pending document needs it yet." in missing.message


def test_a_tax_type_the_account_class_does_not_allow_is_reported() -> None:
    # GST on income (OUTPUT) on an expense account is refused by Xero
    report = mapper().check([invoice("INV-4", fee("5000"))])
    problem = next(p for p in report.problems if p.code == "mapping.tax_type_invalid")
    assert "GST on Income (OUTPUT)" in problem.message and "420 Court Filing Fees" in problem.message


def test_trust_documents_need_the_holding_accounts_in_xero() -> None:
    receipt = TrustReceipt(
        id="T1", number="TR-1", date=date(2026, 11, 1), version="1", modified_at=WHEN, contact_id="101",
        bank_account_id="1010", account_id="2200", amount=Decimal("5000.00"),
    )  # fmt: skip
    without_holding = [m for m in demo_mappings() if m.source_id != "trust_liability"]
    report = Mapper(without_holding, demo_books(), demo_xero_chart()).check([receipt])
    problem = next(p for p in report.problems if p.subject == "role:trust_liability")
    assert problem.code == "mapping.holding_account_missing" and problem.documents == (receipt.ref,)
    assert mapper().resolve(receipt).targets is not None


def test_a_payment_through_a_non_bank_account_is_refused() -> None:
    payment = PaymentReceived(
        id="P1", number="RC-1", date=date(2026, 11, 2), version="1", modified_at=WHEN,
        invoice=SourceRef(invoice("INV-1").kind, "INV-1"), bank_account_id="4000", amount=Decimal("10.00"),
    )  # fmt: skip
    resolution = mapper().resolve(payment)
    assert [f.code for f in resolution.failures] == ["mapping.not_a_bank_account"]


def test_a_purchase_credit_note_resolves_with_input_tax() -> None:
    credit = CreditNote(
        id="C1", number="CN-1", date=date(2026, 11, 3), version="1", modified_at=WHEN, contact_id="201",
        lines=(fee("5000"),), direction=Direction.PURCHASES,
    )  # fmt: skip
    resolution = mapper().resolve(credit)
    assert resolution.targets is not None and resolution.targets.lines[0].tax_type == "INPUT"
