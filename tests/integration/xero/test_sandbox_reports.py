"""The sandbox's balance sheet and trial balance are summed from its own books: each document entered through the
API, as a person in Xero would, moves exactly the accounts it should, to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero.report_reading import (
    banked,
    demo_month,
    journal,
    moved,
    payment,
    sale,
    sheet,
    trial,
)
from tests.integration.xero.sandbox_calls import Caller, errors, invoice, item

D = Decimal
RECEIVABLE, PAYABLE, GST = "Accounts Receivable (610)", "Accounts Payable (800)", "GST (820)"
OFFICE, TRUST = "Office Cheque Account (090)", "Trust Account (091)"


@pytest.fixture
def client_id(sandbox: XeroSandbox) -> str:
    found = sandbox.books.contact_by_name("Northwind Holdings Pty Ltd")
    assert found is not None
    return found.id


def balances(figures: dict[str, list[Decimal]]) -> None:
    """Assets less liabilities are the net assets, and equal the equity, in every column."""
    for column, equity in enumerate(figures["Total Equity"]):
        assets, liabilities = figures["Total Assets"][column], figures["Total Liabilities"][column]
        assert assets - liabilities == figures["Net Assets"][column] == equity


def test_the_demo_books_balance_sheet_balances_before_and_after_a_month_of_work(
    caller: Caller, client_id: str
) -> None:
    empty = sheet(caller)
    balances(empty)
    assert empty["Total Assets"] == [D("0.00")] and empty["Current Year Earnings"] == [D("0.00")]
    demo_month(caller, client_id)
    figures = sheet(caller, periods="2", timeframe="MONTH")
    balances(figures)
    # Earnings: 333.33 + 100.00 fees, less the 20.00 credit, the 50.50 filing fee and the 45.00 expense.
    assert figures["Current Year Earnings"] == [D("317.83"), D("0.00"), D("0.00")]
    assert figures["Total Assets"][0] == D("2839.61") and figures["Total Liabilities"][0] == D("2521.78")


def test_the_trial_balance_debits_equal_its_credits(caller: Caller, client_id: str) -> None:
    demo_month(caller, client_id)
    debits, credits = trial(caller)["Total"]
    assert debits == credits == D("2935.11")


def test_an_invoice_debits_receivable_and_credits_each_income_account_and_gst(
    caller: Caller, client_id: str
) -> None:
    lines = (item("333.33"), item("100.00", account="205", tax="EXEMPTOUTPUT"))
    assert moved(caller, lambda: sale(caller, client_id, *lines, InvoiceNumber="by hand 12/a")) == {
        RECEIVABLE: D("466.66"),
        "Legal Fees (200)": D("-333.33"),
        "Disbursements Recovered (205)": D("-100.00"),
        GST: D("-33.33"),
    }


def test_a_bill_entered_with_its_own_number_and_tax_inclusive_lines_splits_out_its_gst(
    caller: Caller, client_id: str
) -> None:
    line = item("55.55", account="420", tax="INPUT")
    assert moved(
        caller,
        lambda: sale(caller, client_id, line, Type="ACCPAY", InvoiceNumber="77", LineAmountTypes="Inclusive"),
    ) == {"Court Filing Fees (420)": D("50.50"), GST: D("5.05"), PAYABLE: D("-55.55")}


def test_a_payment_moves_money_from_receivable_to_the_bank_and_a_bill_payment_from_the_bank_to_payable(
    caller: Caller, client_id: str
) -> None:
    fees = sale(caller, client_id, item("100.00"))
    paid = {"Invoice": {"InvoiceID": fees["InvoiceID"]}}
    assert moved(caller, lambda: payment(caller, paid, "60.25")) == {
        OFFICE: D("60.25"),
        RECEIVABLE: D("-60.25"),
    }
    bill = sale(caller, client_id, item("10.00", account="429", tax="INPUT"), Type="ACCPAY")
    settled = {"Invoice": {"InvoiceID": bill["InvoiceID"]}}
    assert moved(caller, lambda: payment(caller, settled, "11.00")) == {
        OFFICE: D("-11.00"),
        PAYABLE: D("11.00"),
    }


def test_a_credit_note_reverses_an_invoice_and_its_refund_and_allocation_move_only_what_they_should(
    caller: Caller, client_id: str
) -> None:
    note = {**invoice(None, client_id, item("20.00")), "Type": "ACCRECCREDIT"}
    created: list[dict[str, str]] = []
    assert moved(caller, lambda: created.extend(caller.created("CreditNotes", {"CreditNotes": [note]}))) == {
        RECEIVABLE: D("-22.00"),
        "Legal Fees (200)": D("20.00"),
        GST: D("2.00"),
    }
    refunded = {"CreditNote": {"CreditNoteID": created[0]["CreditNoteID"]}}
    assert moved(caller, lambda: payment(caller, refunded, "2.00")) == {
        OFFICE: D("-2.00"),
        RECEIVABLE: D("2.00"),
    }
    fees = sale(caller, client_id, item("100.00"))
    allocation = {"Invoice": {"InvoiceID": fees["InvoiceID"]}, "Amount": D("20.00"), "Date": "2026-07-21"}
    path = f"CreditNotes/{created[0]['CreditNoteID']}/Allocations"
    assert moved(caller, lambda: caller.created(path, {"Allocations": [allocation]})) == {}


def test_bank_transactions_move_the_bank_account_against_their_lines_and_gst(
    caller: Caller, client_id: str
) -> None:
    spent = item("45.00", account="429", tax="INPUT")
    assert moved(caller, lambda: banked(caller, client_id, "SPEND", "090", spent)) == {
        OFFICE: D("-49.50"),
        "General Expenses (429)": D("45.00"),
        GST: D("4.50"),
    }
    received = item("2500.00", account="850", tax="BASEXCLUDED")
    assert moved(
        caller, lambda: banked(caller, client_id, "RECEIVE", "091", received, LineAmountTypes="NoTax")
    ) == {
        TRUST: D("2500.00"),
        "Trust Liability (850)": D("-2500.00"),
    }


def test_a_transfer_debits_the_account_it_goes_to_and_credits_the_one_it_leaves(caller: Caller) -> None:
    move = {"FromBankAccount": {"Code": "091"}, "ToBankAccount": {"Code": "092"}, "Amount": D("300.10"),
            "Date": "2026-07-22"}  # fmt: skip
    assert moved(caller, lambda: caller.created("BankTransfers", {"BankTransfers": [move]})) == {
        TRUST: D("-300.10"),
        "Business Savings Account (092)": D("300.10"),
    }


def test_a_posted_manual_journal_moves_its_lines_as_signed_and_a_draft_moves_nothing(caller: Caller) -> None:
    lines = (("850", "100.00", "BASEXCLUDED"), ("855", "-100.00", "BASEXCLUDED"))
    assert moved(caller, lambda: journal(caller, *lines)) == {
        "Trust Liability (850)": D("100.00"),
        "Trust Transfers (855)": D("-100.00"),
    }
    assert moved(caller, lambda: journal(caller, *lines, Status="DRAFT")) == {}


def test_a_journal_line_inclusive_of_tax_posts_its_tax_to_gst(caller: Caller) -> None:
    lines = (("090", "110.00", "BASEXCLUDED"), ("200", "-110.00", "OUTPUT"))
    assert moved(caller, lambda: journal(caller, *lines, LineAmountTypes="Inclusive")) == {
        OFFICE: D("110.00"),
        "Legal Fees (200)": D("-100.00"),
        GST: D("-10.00"),
    }


def test_a_voided_invoice_and_a_deleted_payment_move_nothing(caller: Caller, client_id: str) -> None:
    def void() -> None:
        fees = sale(caller, client_id, item("100.00"))
        path = f"Invoices/{fees['InvoiceID']}"
        voided = caller.post(path, {"Invoices": [{"Status": "VOIDED"}]}, summarize=None)
        assert voided.json()["Invoices"][0]["Status"] == "VOIDED"

    assert moved(caller, void) == {}
    fees = sale(caller, client_id, item("100.00"))

    def pay_then_delete() -> None:
        paid = payment(caller, {"Invoice": {"InvoiceID": fees["InvoiceID"]}}, "50.00")
        deleted = caller.post(f"Payments/{paid['PaymentID']}", {"Status": "DELETED"}, summarize=None)
        assert deleted.json()["Payments"][0]["Status"] == "DELETED"

    assert moved(caller, pay_then_delete) == {}


def test_a_document_dated_after_the_report_date_is_not_counted_until_a_later_report(
    caller: Caller, client_id: str
) -> None:
    later = item("100.00")
    assert (
        moved(caller, lambda: sale(caller, client_id, later, Date="2026-08-05", DueDate="2026-08-31")) == {}
    )
    assert sheet(caller, date="2026-08-31")["Accounts Receivable"] == [D("110.00")]
    assert "Accounts Receivable" not in sheet(caller, date="2026-08-04")


def test_earlier_years_earnings_are_retained_earnings_and_the_books_still_balance(
    caller: Caller, sandbox: XeroSandbox, client_id: str
) -> None:
    sandbox.set_lock_dates()
    sale(caller, client_id, item("1000.00"), Date="2026-05-01", DueDate="2026-05-31")
    figures = sheet(caller)
    balances(figures)
    assert figures["Retained Earnings"] == [D("1000.00")] and figures["Current Year Earnings"] == [D("0.00")]
    rows = trial(caller)
    assert rows["Retained Earnings"] == (D("0.00"), D("-1000.00")) and "Legal Fees (200)" not in rows
    assert rows["Total"] == (D("1100.00"), D("1100.00"))


def test_a_journal_exclusive_of_tax_balances_with_its_tax_and_posts_that_tax_to_gst(caller: Caller) -> None:
    lines = (("090", "110.00", "BASEXCLUDED"), ("200", "-100.00", "OUTPUT"))
    assert moved(caller, lambda: journal(caller, *lines, LineAmountTypes="Exclusive")) == {
        OFFICE: D("110.00"),
        "Legal Fees (200)": D("-100.00"),
        GST: D("-10.00"),
    }
    unbalanced = {"Narration": "x", "LineAmountTypes": "Exclusive", "JournalLines": [
        {"AccountCode": "090", "LineAmount": D("100.00"), "TaxType": "BASEXCLUDED"},
        {"AccountCode": "200", "LineAmount": D("-100.00"), "TaxType": "OUTPUT"},
    ]}  # fmt: skip
    (refused,) = caller.created("ManualJournals", {"ManualJournals": [unbalanced]})
    assert errors(refused) == ["The total debits (100.00) must equal total credits (-110.00)"]


def test_a_transfer_a_person_deleted_in_xero_moves_nothing(caller: Caller, sandbox: XeroSandbox) -> None:
    move = {"FromBankAccount": {"Code": "091"}, "ToBankAccount": {"Code": "090"}, "Amount": D("5.00"),
            "Date": "2026-07-22"}  # fmt: skip

    def transfer_then_delete() -> None:
        (created,) = caller.created("BankTransfers", {"BankTransfers": [move]})
        sandbox.delete_transfer(created["BankTransferID"])

    assert moved(caller, transfer_then_delete) == {}
