"""The sandbox answers in Xero's words and shapes (sources in `../shared/reference/xero-fidelity.md`), over HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero.sandbox_calls import Caller, errors, invoice, item


@pytest.fixture
def client_id(sandbox: XeroSandbox) -> str:
    found = sandbox.books.contact_by_name("Northwind Holdings Pty Ltd")
    assert found is not None
    return found.id


def spend(client_id: str, **line: object) -> dict[str, object]:
    return {
        "Type": "SPEND",
        "Contact": {"ContactID": client_id},
        "BankAccount": {"Code": "090"},
        "Date": "2026-07-20",
        "LineAmountTypes": "Exclusive",
        "LineItems": [item("261.40", account="420", tax="INPUT", **line)],
    }


def test_a_line_amount_that_is_not_quantity_times_unit_amount_is_refused_not_recomputed(
    caller: Caller, sandbox: XeroSandbox, client_id: str
) -> None:
    line = item("10.00", Quantity=3, LineAmount=Decimal("29.99"))
    (refused,) = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id, line)]})
    assert errors(refused) == ["The line total 29.99 does not match the expected line total 30.00"]
    agreeing = item("10.00", Quantity=3, LineAmount=Decimal("30.00"))
    (created,) = caller.created("Invoices", {"Invoices": [invoice("INV-2", client_id, agreeing)]})
    assert errors(created) == [] and created["SubTotal"] == Decimal("30.00")
    assert [i["InvoiceNumber"] for i in sandbox.invoices()] == ["INV-2"]


def test_a_tax_amount_override_is_refused_on_a_bank_transaction_but_its_own_figure_is_accepted(
    caller: Caller, client_id: str
) -> None:
    (refused,) = caller.created(
        "BankTransactions", {"BankTransactions": [spend(client_id, TaxAmount=Decimal("26.09"))]}
    )
    assert errors(refused) == ["Tax amount 26.09 is incorrect for INPUT tax type, should be 26.14"]
    (same,) = caller.created(
        "BankTransactions", {"BankTransactions": [spend(client_id, TaxAmount=Decimal("26.14"))]}
    )
    assert errors(same) == [] and same["TotalTax"] == Decimal("26.14")


def test_a_tax_amount_override_is_taken_on_a_tax_exclusive_invoice_line(
    caller: Caller, client_id: str
) -> None:
    line = item("261.40", TaxAmount=Decimal("26.09"))
    (created,) = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id, line)]})
    assert errors(created) == [] and created["TotalTax"] == Decimal("26.09")


def test_an_expired_token_draws_a_401_that_says_token_expired_and_when(
    caller: Caller, sandbox: XeroSandbox
) -> None:
    sandbox.expire_tokens()
    answer = caller.get("Organisation")
    assert answer.status_code == 401
    assert answer.json()["Detail"].startswith("TokenExpired: token expired at ")


def test_a_missing_record_is_a_plain_text_404(caller: Caller) -> None:
    answer = caller.get("Invoices/00000000-0000-0000-0000-000000000000")
    assert answer.status_code == 404 and answer.headers["Content-Type"].startswith("text/plain")
    assert answer.text == "The resource you're looking for cannot be found"


@pytest.mark.parametrize(("status", "words"), [(503, "Organisation offline"), (500, "An unhandled error")])
def test_an_outage_is_answered_in_plain_text(
    caller: Caller, sandbox: XeroSandbox, status: int, words: str
) -> None:
    sandbox.faults.fail_next(status=status)
    answer = caller.get("Organisation")
    assert answer.status_code == status and answer.headers["Content-Type"].startswith("text/plain")
    assert words in answer.text


def test_a_post_of_an_existing_sales_number_without_an_id_updates_that_invoice_where_a_put_refuses(
    caller: Caller, sandbox: XeroSandbox, client_id: str
) -> None:
    (first,) = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id)]})
    (again,) = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id)]})
    assert errors(again) == ["Invoice # must be unique."]
    upsert = caller.post("Invoices", {"Invoices": [{"InvoiceNumber": "INV-1", "Status": "VOIDED"}]})
    assert upsert.status_code == 200, upsert.text
    (changed,) = upsert.json()["Invoices"]
    assert changed["InvoiceID"] == first["InvoiceID"] and changed["Status"] == "VOIDED"
    assert [(i["InvoiceNumber"], i["Status"]) for i in sandbox.invoices()] == [("INV-1", "VOIDED")]
