"""Reads through the client: the organisation and chart, contacts, and lookups of existing documents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from integration.xero import XeroClient
from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero import builders as build
from tests.support.recording import RecordingTransport


def test_the_organisation_gives_name_short_code_currency_and_both_lock_dates(xero: XeroClient) -> None:
    organisation = xero.organisation()
    assert organisation.name == "Harbour & Finch Lawyers"
    assert organisation.short_code == "!hF9xQ" and organisation.base_currency == "AUD"
    assert organisation.period_lock_date == date(2026, 6, 30)
    assert organisation.end_of_year_lock_date == date(2025, 6, 30)


def test_the_chart_includes_archived_codeless_and_system_accounts_with_their_class(xero: XeroClient) -> None:
    accounts = {a.name: a for a in xero.accounts()}
    assert accounts["Printing & Stationery"].status == "ARCHIVED"
    assert accounts["Client Entertainment"].code is None
    assert accounts["Accounts Receivable"].system_account == "DEBTORS"
    assert accounts["Legal Fees"].class_ == "REVENUE" and accounts["Legal Fees"].tax_type == "OUTPUT"
    assert accounts["Trust Account"].type == "BANK"


def test_tax_rates_say_which_account_classes_they_apply_to(xero: XeroClient) -> None:
    rates = {r.tax_type: r for r in xero.tax_rates()}
    assert rates["OUTPUT"].rate == Decimal("10.0000")
    assert rates["OUTPUT"].can_apply_to("REVENUE") and not rates["OUTPUT"].can_apply_to("EXPENSE")
    assert rates["INPUT"].can_apply_to("EXPENSE") and not rates["INPUT"].can_apply_to("revenue")


def test_every_contact_is_listed_with_its_number_archived_ones_included(
    xero: XeroClient, sandbox: XeroSandbox
) -> None:
    sandbox.add_contact("Tan & Sons Builders", number="AS-103", archived=True)
    sandbox.add_contact("Priya Raman", number="AS-104")
    found = {c.contact_number: c for c in xero.all_contacts() if c.contact_number}
    assert {"AS-103", "AS-104"} <= set(found) and "AS-999" not in found
    assert found["AS-103"].contact_status == "ARCHIVED" and found["AS-104"].name == "Priya Raman"


def test_contact_names_with_quotes_and_ampersands_are_listed_exactly(
    xero: XeroClient, sandbox: XeroSandbox
) -> None:
    sandbox.add_contact('Margaret "Peg" O\'Brien')
    sandbox.add_contact("<!channel> Party Hire & Co")
    names = {c.name for c in xero.all_contacts()}
    assert {'Margaret "Peg" O\'Brien', "<!channel> Party Hire & Co"} <= names
    assert "Nobody Pty Ltd" not in names


def test_invoices_are_found_by_number_id_reference_and_contact(
    xero: XeroClient, sandbox: XeroSandbox, northwind: str
) -> None:
    other = sandbox.add_contact("Priya Raman")
    created = xero.create(
        "Invoices",
        [
            build.sales_invoice("AS-1", northwind),
            build.sales_invoice("AS-2", northwind),
            build.bill("SUP-1", other),
        ],
        "k",
    )
    ids = [r.xero_id for r in created if r.xero_id]
    assert [i.number for i in xero.find_invoices(numbers=["AS-2"])] == ["AS-2"]
    assert sorted(i.number or "" for i in xero.find_invoices(ids=ids[:2])) == ["AS-1", "AS-2"]
    assert [i.number for i in xero.find_invoices(references=["Matter for AS-1"])] == ["AS-1"]
    (bill,) = xero.find_invoices(numbers=["SUP-1"], contact_ids=[other])
    assert bill.type == "ACCPAY" and bill.contact_id == other and bill.total == Decimal("110.00")
    assert xero.find_invoices(numbers=["SUP-1"], contact_ids=[northwind]) == []


def test_an_invoice_summary_lists_its_payments_and_only_get_payments_says_which_are_reconciled(
    xero: XeroClient, northwind: str
) -> None:
    invoice = xero.create("Invoices", [build.sales_invoice("AS-1", northwind)], "k")[0]
    assert invoice.xero_id
    xero.create("Payments", [build.payment(invoice.xero_id, "10.00", IsReconciled=True)], "p")
    (found,) = xero.find_invoices(numbers=["AS-1"])
    assert found.amount_paid == Decimal("10.00") and found.amount_due == Decimal("100.00")
    (listed,) = found.payments
    assert listed.amount == Decimal("10.00") and "is_reconciled" not in type(listed).model_fields
    (payment,) = xero.find_payments(ids=[listed.payment_id])
    assert payment.is_reconciled and payment.amount == Decimal("10.00")
    assert found.url == "https://go.actionstep.example/bills/AS-1" and found.date == date(2026, 7, 1)


def test_lookups_follow_every_page_and_split_long_lists_into_short_requests(
    xero: XeroClient, recorder: RecordingTransport, northwind: str
) -> None:
    numbers = [f"AS-{n:03d}" for n in range(120)]
    for start in range(0, 120, 50):
        chunk = numbers[start : start + 50]
        assert all(
            r.ok
            for r in xero.create("Invoices", [build.sales_invoice(n, northwind) for n in chunk], f"k{start}")
        )
    recorder.sent.clear()
    found = xero.find_invoices(numbers=numbers)
    assert sorted(i.number or "" for i in found) == numbers
    assert len(recorder.sent) == 2  # one chunk (short numbers fit Xero's query limit), two pages: 100 and 20
    assert all(len(r.url.query) <= 2048 for r in recorder.sent)
    every = xero.find_invoices(contact_ids=[northwind])
    assert len(every) == 120 and len(recorder.sent) == 4  # one contact: pages of 100 and 20


def test_payments_are_found_by_id_in_where_clauses_cut_to_xeros_query_limit_never_by_an_ids_parameter(
    xero: XeroClient, recorder: RecordingTransport, northwind: str
) -> None:
    invoice = xero.create("Invoices", [build.sales_invoice("AS-1", northwind)], "inv")[0]
    assert invoice.xero_id
    paid = xero.create("Payments", [build.payment(invoice.xero_id, "1.00") for _ in range(45)], "pay")
    ids = [p.xero_id or "" for p in paid]
    recorder.sent.clear()
    found = xero.find_payments(ids=ids)
    assert sorted(p.id for p in found) == sorted(ids) and len(recorder.sent) == 2
    queries = [dict(r.url.params) for r in recorder.sent]
    assert [q["where"].count("PaymentID==Guid(") for q in queries] == [28, 17] and all(
        "IDs" not in q for q in queries
    )
    assert all(len(r.url.query) <= 2048 for r in recorder.sent)  # Xero's query-string limit (`queries`)


def test_credit_notes_payments_bank_transactions_and_transfers_are_found_by_reference_or_id(
    xero: XeroClient, northwind: str
) -> None:
    invoice = xero.create("Invoices", [build.sales_invoice("AS-1", northwind)], "inv")[0]
    assert invoice.xero_id
    note = xero.create("CreditNotes", [build.credit_note("CN-1", northwind)], "cn")[0]
    payment = xero.create("Payments", [build.payment(invoice.xero_id, "5.00", Reference="EFT 9")], "pay")[0]
    receipt = xero.create("BankTransactions", [build.trust_receipt("TR-9", northwind)], "bt")[0]
    moved = xero.create("BankTransfers", [build.transfer("XFER-9")], "xfer")[0]
    assert [c.id for c in xero.find_credit_notes(numbers=["CN-1"], contact_ids=[northwind])] == [note.xero_id]
    assert [c.number for c in xero.find_credit_notes(ids=[note.xero_id or ""])] == ["CN-1"]
    assert [
        c.number for c in xero.find_credit_notes(contact_ids=[northwind], references=["Credit CN-1"])
    ] == ["CN-1"]
    (found_payment,) = xero.find_payments(invoice_ids=[invoice.xero_id])
    assert found_payment.id == payment.xero_id and found_payment.document_id == invoice.xero_id
    assert [p.reference for p in xero.find_payments(references=["EFT 9"])] == ["EFT 9"]
    (found_receipt,) = xero.find_bank_transactions(references=["TR-9"], types=["RECEIVE"])
    assert [b.id for b in xero.find_bank_transactions(ids=[receipt.xero_id or ""])] == [receipt.xero_id]
    assert found_receipt.id == receipt.xero_id and found_receipt.total == Decimal("2500.00")
    (found_transfer,) = xero.find_bank_transfers(references=["XFER-9"])
    assert found_transfer.id == moved.xero_id and found_transfer.from_bank_account is not None
    assert found_transfer.from_bank_account.code == "091" and found_transfer.amount == Decimal("300.00")
    assert xero.find_bank_transfers(ids=[moved.xero_id or ""])[0].reference == "XFER-9"
