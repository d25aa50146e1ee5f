"""Writes through the client against the in-process sandbox: each kind, one result per element, keys and money."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from integration.xero import XeroClient
from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero import builders as build
from tests.support.recording import RecordingTransport


def test_a_batch_of_sales_invoices_comes_back_as_one_result_per_element_in_order(
    xero: XeroClient, northwind: str
) -> None:
    results = xero.create(
        "Invoices", [build.sales_invoice(f"AS-{n}", northwind) for n in (3, 1, 2)], "sync-1:invoices:1"
    )
    assert [r.number for r in results] == ["AS-3", "AS-1", "AS-2"]
    assert all(r.ok and r.xero_id and r.status == "AUTHORISED" for r in results)
    assert [r.total for r in results] == [Decimal("110.00")] * 3


def test_one_bad_element_fails_alone_and_the_others_are_created(
    xero: XeroClient, sandbox: XeroSandbox, northwind: str
) -> None:
    bad = build.sales_invoice("AS-2", northwind, LineItems=[build.line(account="999")])
    results = xero.create(
        "Invoices", [build.sales_invoice("AS-1", northwind), bad, build.sales_invoice("AS-3", northwind)], "k"
    )
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].xero_id is None and results[1].status is None
    assert results[1].errors == (
        ("xero.account_invalid", "Account code '999' is not a valid code for this document."),
    )
    assert sorted(i["InvoiceNumber"] for i in sandbox.invoices()) == ["AS-1", "AS-3"]


def test_a_bill_credit_note_payment_trust_receipt_transfer_journal_and_contact_are_each_created(
    xero: XeroClient, sandbox: XeroSandbox, northwind: str
) -> None:
    invoice = xero.create("Invoices", [build.sales_invoice("AS-1", northwind)], "inv")[0]
    assert invoice.xero_id is not None
    outcomes = {
        "Invoices": xero.create("Invoices", [build.bill("SUP-77", northwind)], "bill"),
        "CreditNotes": xero.create("CreditNotes", [build.credit_note("CN-AS-1", northwind)], "cn"),
        "Payments": xero.create("Payments", [build.payment(invoice.xero_id, "60.00")], "pay"),
        "BankTransactions": xero.create("BankTransactions", [build.trust_receipt("TR-1", northwind)], "bt"),
        "BankTransfers": xero.create("BankTransfers", [build.transfer("XFER-1")], "xfer"),
        "ManualJournals": xero.create("ManualJournals", [build.journal("Trust journal")], "mj"),
        "Contacts": xero.create("Contacts", [build.contact("Priya Raman", "AS-104")], "contact"),
    }
    for endpoint, results in outcomes.items():
        assert len(results) == 1 and results[0].ok and results[0].xero_id, (endpoint, results)
    assert outcomes["Payments"][0].total == Decimal("60.00")
    assert outcomes["BankTransactions"][0].total == Decimal("2500.00")
    assert outcomes["BankTransfers"][0].total == Decimal("300.00")
    assert outcomes["Contacts"][0].number == "AS-104"
    assert xero.find_invoices(ids=[invoice.xero_id])[0].amount_due == Decimal("50.00")
    assert sandbox.counts()["manual_journals"] == 1


def test_every_write_carries_the_callers_idempotency_key_the_tenant_and_summarize_errors_false(
    xero: XeroClient, recorder: RecordingTransport, sandbox: XeroSandbox, northwind: str
) -> None:
    xero.create("Invoices", [build.sales_invoice("AS-1", northwind)], "sync-9:invoices:AS-1")
    (sent,) = recorder.writes()
    assert sent.headers["Idempotency-Key"] == "sync-9:invoices:AS-1"
    assert sent.headers["xero-tenant-id"] == sandbox.tenant_id
    assert sent.headers["Accept"] == "application/json"
    assert sent.url.params["summarizeErrors"] == "false" and sent.url.params["unitdp"] == "4"


def test_money_is_sent_as_json_numbers_with_exactly_two_decimals_and_unit_amounts_up_to_four(
    xero: XeroClient, recorder: RecordingTransport, northwind: str
) -> None:
    lines = [build.line("1000"), build.line("12.3456", Quantity=Decimal("3"))]
    result = xero.create("Invoices", [build.sales_invoice("AS-1", northwind, lines=lines)], "k")[0]
    text = recorder.writes()[0].body.decode()
    assert '"UnitAmount":1000.00' in text and '"UnitAmount":12.3456' in text and '"Quantity":3.00' in text
    assert json.loads(text)["Invoices"][0]["LineItems"][0]["UnitAmount"] == 1000
    # 3 × 12.3456 = 37.0368 → 37.04; tax per line 100.00 + 3.70
    assert result.total == Decimal("1140.74")


def test_money_that_is_not_a_decimal_or_has_too_many_places_is_refused_before_sending(
    xero: XeroClient, recorder: RecordingTransport, northwind: str
) -> None:
    with pytest.raises(TypeError, match="never float"):
        xero.create("Payments", [{"Invoice": {"InvoiceID": northwind}, "Amount": 10.5}], "k1")
    with pytest.raises(ValueError, match="more than 2 decimal places"):
        xero.create("Payments", [build.payment(northwind, "10.005")], "k2")
    assert recorder.sent == []


def test_a_batch_must_have_between_one_and_fifty_elements(xero: XeroClient, northwind: str) -> None:
    with pytest.raises(ValueError, match="1 to 50"):
        xero.create("Invoices", [build.sales_invoice(f"AS-{n}", northwind) for n in range(51)], "k")
    with pytest.raises(ValueError, match="1 to 50"):
        xero.create("Invoices", [], "k")
    with pytest.raises(ValueError, match="not an endpoint"):
        xero.create("Accounts", [{}], "k")  # type: ignore[arg-type]
    assert xero.api_calls == 0


def test_a_key_longer_than_xeros_128_characters_is_refused(xero: XeroClient, northwind: str) -> None:
    with pytest.raises(ValueError, match="128"):
        xero.create("Invoices", [build.sales_invoice("AS-1", northwind)], "k" * 129)


def test_a_batch_of_bank_transfers_goes_in_one_request_under_the_callers_key(
    xero: XeroClient, recorder: RecordingTransport
) -> None:
    results = xero.create(
        "BankTransfers", [build.transfer("X-1"), build.transfer("X-2", "9.99")], "sync-3:xfers"
    )
    assert [r.ok for r in results] == [True, True]
    assert [r.total for r in results] == [Decimal("300.00"), Decimal("9.99")]
    assert [s.headers["Idempotency-Key"] for s in recorder.writes()] == ["sync-3:xfers"]


def test_a_refused_batch_of_transfers_keeps_the_good_ones_once_and_fails_the_bad_one_alone(
    xero: XeroClient, sandbox: XeroSandbox
) -> None:
    bad = build.transfer("X-2", ToBankAccount={"Code": "200"})
    results = xero.create(
        "BankTransfers", [build.transfer("X-1"), bad, build.transfer("X-3", "5.00")], "xfers"
    )
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].codes == ("xero.account_invalid",)
    assert sorted(t["Reference"] for t in sandbox.bank_transfers()) == ["X-1", "X-3"]


def test_a_refused_bank_transfer_is_a_failed_result_not_an_exception(xero: XeroClient) -> None:
    (result,) = xero.create("BankTransfers", [build.transfer("X-1", ToBankAccount={"Code": "200"})], "k")
    assert not result.ok
    assert result.codes == ("xero.account_invalid",)


def test_a_credit_note_is_allocated_to_an_invoice_and_the_allocation_removed_again(
    xero: XeroClient, northwind: str
) -> None:
    invoice = xero.create("Invoices", [build.sales_invoice("AS-1", northwind)], "inv")[0]
    note = xero.create("CreditNotes", [build.credit_note("CN-1", northwind, "20.00")], "cn")[0]
    assert invoice.xero_id and note.xero_id
    (allocation,) = xero.allocate_credit_note(
        note.xero_id,
        [{"Invoice": {"InvoiceID": invoice.xero_id}, "Amount": Decimal("22.00"), "Date": "2026-07-03"}],
        "alloc",
    )
    assert allocation.ok and allocation.xero_id
    assert xero.find_invoices(ids=[invoice.xero_id])[0].amount_due == Decimal("88.00")
    (credit,) = xero.find_credit_notes(ids=[note.xero_id])
    assert (
        credit.status == "PAID"
        and credit.remaining_credit == 0
        and credit.allocations[0].amount == Decimal("22.00")
    )
    removed = xero.delete_allocation(note.xero_id, allocation.xero_id)
    assert removed.ok and removed.raw["IsDeleted"] is True
    assert xero.find_invoices(ids=[invoice.xero_id])[0].amount_due == Decimal("110.00")
    assert xero.find_credit_notes(ids=[note.xero_id])[0].status == "AUTHORISED"


def test_payments_are_deleted_and_invoices_and_credit_notes_voided_or_deleted(
    xero: XeroClient, northwind: str
) -> None:
    invoice = xero.create("Invoices", [build.sales_invoice("AS-1", northwind)], "inv")[0]
    draft = xero.create("Invoices", [build.sales_invoice("AS-2", northwind, Status="DRAFT")], "draft")[0]
    note = xero.create("CreditNotes", [build.credit_note("CN-1", northwind)], "cn")[0]
    assert invoice.xero_id and draft.xero_id and note.xero_id
    paid = xero.create("Payments", [build.payment(invoice.xero_id, "110.00")], "pay")[0]
    assert paid.xero_id and xero.find_invoices(ids=[invoice.xero_id])[0].status == "PAID"
    assert xero.delete_payment(paid.xero_id, "unpay").status == "DELETED"
    assert xero.set_status("invoice", invoice.xero_id, "VOIDED", "void").status == "VOIDED"
    assert xero.set_status("invoice", draft.xero_id, "DELETED", "delete").status == "DELETED"
    assert xero.set_status("credit_note", note.xero_id, "VOIDED", "void-cn").status == "VOIDED"
    statuses = {i.number: i.status for i in xero.find_invoices(numbers=["AS-1", "AS-2"])}
    assert statuses == {"AS-1": "VOIDED", "AS-2": "DELETED"}
