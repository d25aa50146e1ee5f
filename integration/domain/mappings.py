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
