"""Actionstep reference records -> our domain: accounts, timekeepers, tax codes, contacts, matters, the basis.

Each function takes one record (and the page's side-loaded records) and raises `Malformed` naming the field when
the record cannot be read; the client leaves such a record out and logs why, so one bad tax code does not stop a
sync (documents that use it fail alone as "unknown tax code").
"""

from __future__ import annotations

from integration.actionstep.envelope import Linked, Record
from integration.actionstep.resources import (
    ACCOUNT_TYPE_NAMES,
    ACCOUNT_TYPES,
    ACCOUNTS,
    BASES,
    CONTACTS,
    MATTERS,
    SETTINGS,
    TAX_CODES,
    TIMEKEEPERS,
)
from integration.actionstep.schemas import (
    AccountTypeWire,
    AccountWire,
    ContactWire,
    MatterWire,
    SettingsWire,
    TaxCodeWire,
    TimekeeperWire,
)
from integration.actionstep.translate import validate
from integration.domain import (
    Account,
    AccountingBasis,
    AccountType,
    Contact,
    Matter,
    TaxCode,
    Timekeeper,
)
from integration.errors import Malformed


def account(record: Record, linked: Linked) -> Account:
    wire = validate(AccountWire, record, ACCOUNTS.fields)
    kind = AccountType.OTHER
    type_record = linked.get(ACCOUNT_TYPES.resource, {}).get(wire.type or "")
    if type_record is not None:
        name = validate(AccountTypeWire, type_record, ACCOUNT_TYPES.fields).name
        kind = ACCOUNT_TYPE_NAMES.get(name, AccountType.OTHER)
    return Account(wire.id, wire.code, wire.name, kind, wire.active)


def timekeeper(record: Record, linked: Linked) -> Timekeeper:
    wire = validate(TimekeeperWire, record, TIMEKEEPERS.fields)
    return Timekeeper(wire.id, wire.name, wire.income_account, wire.active)


def tax_code(record: Record, linked: Linked) -> tuple[str, TaxCode]:
    """(Actionstep's id for the tax code, the tax code)."""
    wire = validate(TaxCodeWire, record, TAX_CODES.fields)
    return wire.id, TaxCode(wire.code, wire.rate, wire.xero_output, wire.xero_input)


def contact(record: Record, linked: Linked) -> Contact:
    wire = validate(ContactWire, record, CONTACTS.fields)
    return Contact(wire.id, wire.name, wire.email, wire.is_company)


def matter(record: Record, linked: Linked) -> Matter:
    wire = validate(MatterWire, record, MATTERS.fields)
    return Matter(wire.id, wire.name, wire.reference, wire.client[0] if wire.client else None)


def accounting_basis(record: Record, linked: Linked) -> AccountingBasis:
    wire = validate(SettingsWire, record, SETTINGS.fields)
    basis = BASES.get(wire.basis)
    if basis is None:
        raise Malformed(
            f"{SETTINGS.fields['basis']} {wire.basis!r} is neither {' nor '.join(map(repr, BASES))}"
        )
    return basis
