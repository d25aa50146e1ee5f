"""Actionstep's books: its accounting basis, chart of accounts, timekeepers, contacts, matters and tax codes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class AccountingBasis(StrEnum):
    ACCRUAL = "accrual"
    CASH = "cash"


class AccountType(StrEnum):
    """Actionstep account types, reduced to what mapping needs."""

    INCOME = "income"
    EXPENSE = "expense"
    ACCOUNTS_RECEIVABLE = "accounts_receivable"
    ACCOUNTS_PAYABLE = "accounts_payable"
    BANK = "bank"
    TRUST_BANK = "trust_bank"
    TRUST_LIABILITY = "trust_liability"
    TRUST_TRANSFERS = "trust_transfers"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Account:
    """An account in Actionstep's chart."""

    id: str
    code: str
    name: str
    type: AccountType
    active: bool = True


@dataclass(frozen=True, slots=True)
class Timekeeper:
    """A fee earner; may have an income account of their own."""

    id: str
    name: str
    income_account_id: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class Contact:
    """An Actionstep participant a document is with (client or supplier)."""

    id: str
    name: str
    email: str | None = None
    is_company: bool = False


@dataclass(frozen=True, slots=True)
class Matter:
    id: str
    name: str
    reference: str | None = None
    client_id: str | None = None


@dataclass(frozen=True, slots=True)
class TaxCode:
    """An Actionstep tax code and the Xero tax type it corresponds to (e.g. GST -> OUTPUT / INPUT)."""

    code: str
    rate: Decimal
    xero_output: str | None = None
    xero_input: str | None = None


@dataclass(frozen=True, slots=True)
class SourceBooks:
    """Actionstep's side: its chart, timekeepers and tax codes, keyed by id / code."""

    accounts: dict[str, Account]
    timekeepers: dict[str, Timekeeper]
    tax_codes: dict[str, TaxCode]
