"""The sandbox's rules for bank transactions, transfers, manual journals and contacts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero.sandbox_calls import Caller, errors, item


@pytest.fixture
def client_id(sandbox: XeroSandbox) -> str:
    found = sandbox.books.contact_by_name("Northwind Holdings Pty Ltd")
    assert found is not None
    return found.id


def receipt(client_id: str, **extra: Any) -> dict[str, Any]:
    body = {
        "Type": "RECEIVE",
        "Contact": {"ContactID": client_id},
        "BankAccount": {"Code": "091"},
        "Date": "2026-07-20",
        "Reference": "Trust deposit",
        "LineAmountTypes": "NoTax",
        "LineItems": [item("2500.00", account="850", tax="BASEXCLUDED")],
    }
    return {**body, **extra}


def test_a_trust_receipt_posts_to_a_bank_account_without_tax(caller: Caller, client_id: str) -> None:
    (created,) = caller.created("BankTransactions", {"BankTransactions": [receipt(client_id)]})
    assert created["Status"] == "AUTHORISED" and created["BankAccount"]["Code"] == "091"
    assert (created["SubTotal"], created["TotalTax"], created["Total"]) == (
        Decimal("2500.00"),
        Decimal("0.00"),
        Decimal("2500.00"),
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"BankAccount": {"Code": "200"}}, "Account code '200' is not a valid code for this document."),
        ({"BankAccount": None}, "A bank account must be specified"),
        ({"Type": "RECEIVE-TRANSFER"}, "Bank transactions of this type are created with BankTransfers"),
        (
            {"Date": "2026-06-01"},
            "The document date cannot be before the period lock date, currently set at 30-Jun-2026",
        ),
        (
            {"Contact": {}},
            "The Contact must contain at least 1 of the following elements to identify the contact: Name, "
            "ContactID, ContactNumber",
        ),
    ],
    ids=["not-a-bank", "no-bank", "transfer-type", "locked", "no-contact"],
)
def test_a_bank_transaction_needs_a_bank_account_a_contact_an_open_date_and_a_plain_type(
    caller: Caller, client_id: str, change: dict[str, Any], message: str
) -> None:
    (refused,) = caller.created("BankTransactions", {"BankTransactions": [receipt(client_id, **change)]})
    assert errors(refused) == [message] and refused["StatusAttributeString"] == "ERROR"


def test_a_transfer_moves_money_between_two_different_bank_accounts(caller: Caller) -> None:
    move = {
        "FromBankAccount": {"Code": "091"},
        "ToBankAccount": {"Code": "090"},
        "Amount": Decimal("300.00"),
        "Date": "2026-07-21",
    }
    (created,) = caller.created("BankTransfers", {"BankTransfers": [move]})
    assert (
        created["Amount"] == Decimal("300.00")
        and created["FromBankTransactionID"] != created["ToBankTransactionID"]
    )
    same = caller.put("BankTransfers", {"BankTransfers": [{**move, "ToBankAccount": {"Code": "091"}}]})
    assert (
        same.status_code == 400
    )  # PUT /BankTransfers has no summarizeErrors: one bad transfer fails the request
    assert errors(same.json()["Elements"][0]) == ["The From and To bank accounts cannot be the same"]


def test_a_journal_must_balance_and_is_a_draft_unless_posted(caller: Caller, sandbox: XeroSandbox) -> None:
    lines = [
        {"LineAmount": Decimal("100.00"), "AccountCode": "850", "TaxType": "BASEXCLUDED"},
        {"LineAmount": Decimal("-10.00"), "AccountCode": "855", "TaxType": "BASEXCLUDED"},
    ]
    (unbalanced,) = caller.created(
        "ManualJournals", {"ManualJournals": [{"Narration": "x", "JournalLines": lines}]}
    )
    assert errors(unbalanced) == ["The total debits (100.00) must equal total credits (-10.00)"]
    lines[1]["LineAmount"] = Decimal("-100.00")
    (draft,) = caller.created(
        "ManualJournals", {"ManualJournals": [{"Narration": "x", "JournalLines": lines}]}
    )
    assert draft["Status"] == "DRAFT" and sandbox.counts()["manual_journals"] == 1


def test_contact_names_are_unique_among_active_contacts(caller: Caller, sandbox: XeroSandbox) -> None:
    sandbox.add_contact("Old Firm", archived=True)
    taken, revived, numbered = caller.created(
        "Contacts",
        {
            "Contacts": [
                {"Name": "Northwind Holdings Pty Ltd"},
                {"Name": "Old Firm"},
                {"Name": "Priya Raman", "ContactNumber": "AS-104"},
            ]
        },
    )
    assert taken["HasValidationErrors"] is True
    assert errors(taken) == [
        "The contact name Northwind Holdings Pty Ltd is already assigned to another contact. The contact name must "
        "be unique across all active contacts."
    ]
    assert revived["ContactStatus"] == "ACTIVE" and numbered["ContactNumber"] == "AS-104"
