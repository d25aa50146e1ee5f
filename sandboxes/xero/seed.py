"""Seeding the sandbox's books from Xero-shaped data, and the organisation's own idea of "today".

Accounts are read in Xero's shape (`AccountID`, `Code`, `Type`, `SystemAccount`…). Tax rates may come in Xero's
shape (`CanApplyToRevenue`…, `EffectiveRate`) or in the demo chart's shorter one (`Revenue`…, `Rate`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sandboxes.xero.books import Account, Books, TaxRate, new_id

_CLASS_NAMES = {
    "ASSET": "Assets",
    "EQUITY": "Equity",
    "EXPENSE": "Expenses",
    "LIABILITY": "Liabilities",
    "REVENUE": "Revenue",
}
# Descriptions as `GET /Currencies` gives them (spec example: `NZD`, "New Zealand Dollar").
CURRENCY_NAMES = {
    "AUD": "Australian Dollar",
    "NZD": "New Zealand Dollar",
    "GBP": "British Pound",
    "USD": "United States Dollar",
    "EUR": "Euro",
}
# Xero's Organisation.Timezone values for the countries the bot serves, as IANA zones.
_TIMEZONES = {
    "AUSEASTERNSTANDARDTIME": "Australia/Sydney",
    "NEWZEALANDSTANDARDTIME": "Pacific/Auckland",
    "GMTSTANDARDTIME": "Europe/London",
}


def account(raw: dict[str, Any]) -> Account:
    """An account from its Xero shape."""
    return Account(
        id=str(raw.get("AccountID") or new_id()).lower(),
        code=raw.get("Code"),
        name=str(raw["Name"]),
        type=str(raw["Type"]),
        tax_type=raw.get("TaxType"),
        status=str(raw.get("Status", "ACTIVE")),
        system_account=raw.get("SystemAccount") or None,
        enable_payments=bool(raw.get("EnablePaymentsToAccount", False)),
        bank_account_number=raw.get("BankAccountNumber"),
    )


def tax_rate(raw: dict[str, Any]) -> TaxRate:
    """A tax rate from Xero's shape or the demo chart's."""
    return TaxRate(
        tax_type=str(raw["TaxType"]),
        name=str(raw["Name"]),
        rate=Decimal(str(raw.get("Rate", raw.get("EffectiveRate", "0")))),
        applies_to={
            cls: bool(raw.get(name, raw.get(f"CanApplyTo{name}", False)))
            for cls, name in _CLASS_NAMES.items()
        },
        status=str(raw.get("Status", "ACTIVE")),
    )


def seeded_books(
    organisation: dict[str, Any], accounts: Iterable[dict[str, Any]], tax_rates: Iterable[dict[str, Any]]
) -> Books:
    """Books holding the organisation (a copy), its chart and its tax rates."""
    books = Books(organisation=dict(organisation))
    books.currencies[books.base_currency] = CURRENCY_NAMES.get(books.base_currency, books.base_currency)
    for raw in accounts:
        record = account(raw)
        books.accounts[record.id] = record
    for raw in tax_rates:
        rate = tax_rate(raw)
        books.tax_rates[rate.tax_type] = rate
    return books


def organisation_today(books: Books, now: datetime) -> date:
    """Today in the organisation's timezone, which Xero uses for a document sent without a Date."""
    zone = _TIMEZONES.get(str(books.organisation.get("Timezone", "")), "UTC")
    return now.astimezone(ZoneInfo(zone)).date()
