"""Xero element bodies for tests: valid by default against the demo firm's books, each field overridable."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def line(
    amount: str = "100.00", *, account: str = "200", tax: str = "OUTPUT", **extra: Any
) -> dict[str, Any]:
    return {
        "Description": "Professional fees",
        "Quantity": Decimal("1"),
        "UnitAmount": Decimal(amount),
        "AccountCode": account,
        "TaxType": tax,
        **extra,
    }


def sales_invoice(
    number: str, contact_id: str, *, lines: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "Type": "ACCREC",
        "Contact": {"ContactID": contact_id},
        "Date": "2026-07-01",
        "DueDate": "2026-07-15",
        "InvoiceNumber": number,
        "Reference": f"Matter for {number}",
        "LineAmountTypes": "Exclusive",
        "Status": "AUTHORISED",
        "Url": f"https://go.actionstep.example/bills/{number}",
        "LineItems": lines or [line()],
        **extra,
    }


def bill(number: str, contact_id: str, **extra: Any) -> dict[str, Any]:
    return sales_invoice(
        number, contact_id, **{"Type": "ACCPAY", "LineItems": [line(account="420", tax="INPUT")], **extra}
    )


def credit_note(number: str, contact_id: str, amount: str = "50.00", **extra: Any) -> dict[str, Any]:
    body = {
        "Type": "ACCRECCREDIT",
        "Contact": {"ContactID": contact_id},
        "Date": "2026-07-02",
        "CreditNoteNumber": number,
        "Reference": f"Credit {number}",
        "LineAmountTypes": "Exclusive",
        "Status": "AUTHORISED",
        "LineItems": [line(amount)],
    }
    return {**body, **extra}


def payment(invoice_id: str, amount: str, **extra: Any) -> dict[str, Any]:
    return {
        "Invoice": {"InvoiceID": invoice_id},
        "Account": {"Code": "090"},
        "Date": "2026-07-20",
        "Amount": Decimal(amount),
        "Reference": "EFT 123",
        **extra,
    }


def trust_receipt(reference: str, contact_id: str, amount: str = "2500.00", **extra: Any) -> dict[str, Any]:
    return {
        "Type": "RECEIVE",
        "Contact": {"ContactID": contact_id},
        "BankAccount": {"Code": "091"},
        "Date": "2026-07-20",
        "Reference": reference,
        "LineAmountTypes": "NoTax",
        "LineItems": [line(amount, account="850", tax="BASEXCLUDED", Description="Funds held in trust")],
        **extra,
    }


def transfer(reference: str, amount: str = "300.00", **extra: Any) -> dict[str, Any]:
    return {
        "FromBankAccount": {"Code": "091"},
        "ToBankAccount": {"Code": "090"},
        "Amount": Decimal(amount),
        "Date": "2026-07-21",
        "Reference": reference,
        **extra,
    }


def journal(narration: str, debit: str = "100.00", credit: str = "-100.00", **extra: Any) -> dict[str, Any]:
    return {
        "Narration": narration,
        "Date": "2026-07-22",
        "Status": "POSTED",
        "LineAmountTypes": "NoTax",
        "JournalLines": [
            {
                "LineAmount": Decimal(debit),
                "AccountCode": "850",
                "Description": "Trust liability",
                "TaxType": "BASEXCLUDED",
            },
            {
                "LineAmount": Decimal(credit),
                "AccountCode": "855",
                "Description": "Trust transfers",
                "TaxType": "BASEXCLUDED",
            },
        ],
        **extra,
    }


def contact(name: str, number: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"Name": name, "EmailAddress": "accounts@example.com", **extra}
    if number:
        body["ContactNumber"] = number
    return body
