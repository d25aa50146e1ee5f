"""Xero's chart: accounts, their classes and tax rates, indexed for the lookups mapping needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class AccountClass(StrEnum):
    """Xero's account classes; tax types are allowed or not per class."""

    ASSET = "ASSET"
    EQUITY = "EQUITY"
    EXPENSE = "EXPENSE"
    LIABILITY = "LIABILITY"
    REVENUE = "REVENUE"


_CLASS_OF_TYPE = {
    **dict.fromkeys(
        ("BANK", "CURRENT", "FIXED", "INVENTORY", "NONCURRENT", "PREPAYMENT"), AccountClass.ASSET
    ),
    **dict.fromkeys(("CURRLIAB", "LIABILITY", "TERMLIAB", "PAYG"), AccountClass.LIABILITY),
    **dict.fromkeys(("DEPRECIATN", "DIRECTCOSTS", "EXPENSE", "OVERHEADS"), AccountClass.EXPENSE),
    **dict.fromkeys(("OTHERINCOME", "REVENUE", "SALES"), AccountClass.REVENUE),
    "EQUITY": AccountClass.EQUITY,
}


@dataclass(frozen=True, slots=True)
class XeroAccount:
    """An account in the firm's Xero chart, as mapping checks need it."""

    account_id: str
    code: str | None
    name: str
    type: str
    status: str = "ACTIVE"
    system_account: str | None = None
    account_class: AccountClass | None = None

    @property
    def klass(self) -> AccountClass:
        return self.account_class or _CLASS_OF_TYPE.get(self.type, AccountClass.EXPENSE)

    @property
    def active(self) -> bool:
        return self.status == "ACTIVE"

    @property
    def is_bank(self) -> bool:
        return self.type == "BANK"


@dataclass(frozen=True, slots=True)
class XeroTaxRate:
    tax_type: str
    name: str
    applies_to: frozenset[AccountClass]
    status: str = "ACTIVE"


@dataclass(frozen=True, slots=True)
class XeroChart:
    """Xero's side: accounts and tax rates, indexed for lookups."""

    accounts: Sequence[XeroAccount]
    tax_rates: Sequence[XeroTaxRate]
    by_code: dict[str, XeroAccount] = field(init=False)
    by_id: dict[str, XeroAccount] = field(init=False)
    taxes: dict[str, XeroTaxRate] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_code", {a.code.upper(): a for a in self.accounts if a.code})
        object.__setattr__(self, "by_id", {a.account_id.lower(): a for a in self.accounts})
        object.__setattr__(self, "taxes", {t.tax_type: t for t in self.tax_rates})

    def find(self, reference: str) -> XeroAccount | None:
        """The account a mapping value names: a code, or an AccountID."""
        return self.by_code.get(reference.upper()) or self.by_id.get(reference.lower())
