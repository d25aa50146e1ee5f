"""Mappings: which Xero account or tax type an Actionstep account, timekeeper, role or tax code posts to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MappingKind(StrEnum):
    """What an Actionstep-side mapping key is."""

    ACCOUNT = "account"  # Actionstep account id -> Xero account code
    TIMEKEEPER = "timekeeper"  # timekeeper id -> Xero income account code
    TAX_CODE = "tax_code"  # Actionstep tax code -> Xero tax type
    ROLE = "role"  # a role the rules need (see MappingRole) -> Xero account code


class MappingRole(StrEnum):
    """Accounts the integration needs by role rather than by Actionstep account."""

    ACCOUNTS_RECEIVABLE = "accounts_receivable"
    ACCOUNTS_PAYABLE = "accounts_payable"
    TRUST_LIABILITY = "trust_liability"
    TRUST_TRANSFERS = "trust_transfers"


@dataclass(frozen=True, slots=True)
class Mapping:
    """`xero_account` is a Xero account code, or the AccountID of a Xero account picked from the chart that has no
    code (which the mapping check then reports: Xero identifies accounts by code). For TAX_CODE it is a tax type."""

    kind: MappingKind
    source_id: str
    xero_account: str
    source_name: str | None = None
    updated_by: str | None = None
    updated_at: datetime | None = None


class Confidence(StrEnum):
    """How sure a suggested mapping is: high (same code, or the same name once normalised), medium (most of the
    name), low (a word in common, or the account most timekeepers' fees go to)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An unmapped Actionstep account, timekeeper or holding-account role that a pending document needs, and the
    Xero account suggested for it (`xero_code` None when nothing in Xero's chart fits), with why."""

    kind: MappingKind
    source_id: str
    source_name: str
    xero_code: str | None = None
    xero_name: str | None = None
    confidence: Confidence | None = None
    why: str = ""
    documents: int = 0  # pending documents that need it


@dataclass(frozen=True, slots=True)
class MappingRow:
    """One mapping to store, as a person gave it (a CSV row, a ticked suggestion): `row` numbers it for messages
    (a CSV's line number, counting the header)."""

    row: int
    kind: MappingKind
    source_id: str
    xero_account: str


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why one row cannot be stored, in a sentence that names the row."""

    row: int
    message: str


@dataclass(frozen=True, slots=True)
class MappingNeeds:
    """The mappings pending documents need (`needed`) and how many of them are stored (`mapped`)."""

    needed: int
    mapped: int

    @property
    def done(self) -> bool:
        return self.mapped >= self.needed
