"""A firm's reference data in Actionstep's wire form, from `demo_chart`.

`reference_records()` renders the demo chart: accounts and their types, timekeepers, tax codes, participants,
matters and the accounting settings. `participant()` and `matter()` make more of those for a larger firm. Documents
are written by `actionstep_writer.Writer`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from sandboxes import demo_chart

Record = tuple[str, dict[str, Any]]

ACCOUNT_TYPE_NAMES = {
    "bank": "Bank",
    "trust_bank": "Trust Bank",
    "accounts_receivable": "Accounts Receivable",
    "accounts_payable": "Accounts Payable",
    "trust_liability": "Trust Liability",
    "trust_transfers": "Trust Transfers",
    "income": "Income",
    "expense": "Expense",
    "other": "Other",
}
ACCOUNT_TYPE_IDS = {kind: str(i) for i, kind in enumerate(ACCOUNT_TYPE_NAMES, start=1)}
TAX_CODE_IDS = {row["code"]: str(i) for i, row in enumerate(demo_chart.ACTIONSTEP_TAX_CODES, start=1)}
TAX_RATES = {row["code"]: Decimal(row["rate"]) / 100 for row in demo_chart.ACTIONSTEP_TAX_CODES}
OFFICE_BANK, TRUST_BANK, SAVINGS_BANK, TRUST_LIABILITY = "1000", "1010", "1020", "2200"


def money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def participant(contact_id: str, name: str, is_company: bool, email: str | None, stamp: datetime) -> Record:
    first, _, last = ("", "", "") if is_company else name.partition(" ")
    return "participants", {
        "id": contact_id,
        "displayName": name,
        "isCompany": "T" if is_company else "F",
        "companyName": name if is_company else None,
        "firstName": first or None,
        "lastName": last or None,
        "email": email,
        "createdTimestamp": stamp,
        "modifiedTimestamp": stamp,
    }


def matter(matter_id: str, name: str, reference: str | None, client_id: str, stamp: datetime) -> Record:
    return "actions", {
        "id": matter_id,
        "name": name,
        "reference": reference,
        "status": "Active",
        "isDeleted": "F",
        "modifiedTimestamp": stamp,
        "links": {"primaryParticipants": [client_id], "division": "1"},
    }


def reference_records(stamp: datetime, basis: str = "Accrual") -> Iterator[Record]:
    """The demo chart as Actionstep records, stamped `stamp`."""
    yield "divisions", {"id": "1", "name": demo_chart.FIRM_NAME}
    yield (
        "accountingsettings",
        {
            "id": "1",
            "accountingBasis": basis,
            "baseCurrency": "AUD",
            "organisationName": demo_chart.FIRM_NAME,
        },
    )
    for kind, name in ACCOUNT_TYPE_NAMES.items():
        yield "accounttypes", {"id": ACCOUNT_TYPE_IDS[kind], "name": name}
    for account in demo_chart.ACTIONSTEP_ACCOUNTS:
        yield (
            "accounts",
            {
                "id": account["id"],
                "accountNumber": account["code"],
                "name": account["name"],
                "active": "T",
                "header": "F",
                "links": {"accountType": ACCOUNT_TYPE_IDS[account["type"]]},
            },
        )
    for keeper in demo_chart.ACTIONSTEP_TIMEKEEPERS:
        yield (
            "timekeepers",
            {
                "id": keeper["id"],
                "name": keeper["name"],
                "title": keeper["title"],
                "isActive": "T",
                "links": {"incomeAccount": keeper["income_account_id"]},
            },
        )
    for i, code in enumerate(demo_chart.ACTIONSTEP_TAX_CODES, start=1):
        yield (
            "taxcodes",
            {
                "id": TAX_CODE_IDS[code["code"]],
                "code": code["code"],
                "description": {"GST": "GST 10%", "FRE": "GST free", "NTR": "Not reportable"}[code["code"]],
                "percentage": f"{Decimal(code['rate']):.2f}",
                "externalOutput": code["xero_output"],
                "externalInput": code["xero_input"],
                "sortOrder": str(i),
            },
        )
    for contact in demo_chart.ACTIONSTEP_CONTACTS:
        yield participant(contact["id"], contact["name"], contact["is_company"], contact["email"], stamp)
    for row in demo_chart.ACTIONSTEP_MATTERS:
        yield matter(row["id"], row["name"], row["reference"], row["client_id"], stamp)
