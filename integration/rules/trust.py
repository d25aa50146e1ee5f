"""Pure: trust three ways, overdrawn matters and trust-to-office transfers without a bill.

The trust ledger is kept per matter from Actionstep's trust receipts (+), trust payments (-) and transfers out of a
trust bank account (-; into one, +), everything dated up to the period's end. Three ways: the ledger's total against
Xero's trust bank balance (they must agree) and against Xero's Trust Liability. The bot posts a trust-to-office
transfer as a Xero bank transfer, which moves nothing on Trust Liability, so Xero's Trust Liability is expected to
be the ledger plus those transfers; the check says so and names any other difference.

A matter whose ledger is below zero is overdrawn: a breach the firm must report (AU Uniform General Rules r 48;
NZ Lawyers and Conveyancers Act (Trust Account) Regulations 2008 r 12). A transfer from trust to office needs a
bill issued on the matter on or before the transfer date (UGR r 42, Uniform Law s 144).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from integration.domain import MatterBalance, TrustCheck, UnbilledTransfer

ZERO = Decimal("0.00")
NO_MATTER = ""  # trust money Actionstep did not put on a matter


@dataclass(frozen=True, slots=True)
class TrustMovement:
    """One trust transaction as the ledger counts it: `amount` signed (into trust positive)."""

    number: str
    date: date
    matter_id: str | None
    amount: Decimal
    to_office: bool = False  # a transfer out of trust to an office account


def ledger(movements: Iterable[TrustMovement]) -> dict[str, Decimal]:
    """Each matter's trust balance (matter id, or `NO_MATTER`)."""
    balances: dict[str, Decimal] = {}
    for movement in movements:
        key = movement.matter_id or NO_MATTER
        balances[key] = balances.get(key, ZERO) + movement.amount
    return balances


def unbilled(
    transfers: Iterable[TrustMovement], bills: Mapping[str, list[date]], names: Mapping[str, str]
) -> tuple[UnbilledTransfer, ...]:
    """Transfers to office with no bill on their matter dated on or before them."""
    found = []
    for transfer in transfers:
        dated = bills.get(transfer.matter_id or NO_MATTER, [])
        if not any(day <= transfer.date for day in dated):
            matter = names.get(transfer.matter_id or "", transfer.matter_id or "no matter")
            found.append(
                UnbilledTransfer(transfer.number, transfer.date, -transfer.amount, transfer.matter_id, matter)
            )
    return tuple(found)


def three_ways(
    balances: Mapping[str, Decimal],
    names: Mapping[str, str],
    liability: Decimal | None,
    bank: Decimal | None,
    transfers_out: Decimal,
    unbilled_transfers: tuple[UnbilledTransfer, ...] = (),
    *,
    complete: bool = True,
) -> TrustCheck:
    """The check at period end. `transfers_out` is every trust-to-office transfer the bot posted up to then;
    `complete` says whether every trust transaction up to then was read."""
    total = sum(balances.values(), ZERO)
    findings = []
    if bank is not None and bank != total:
        findings.append(
            f"Xero's trust bank balance is {bank:,.2f} and the Actionstep trust ledger {total:,.2f}: "
            f"{bank - total:,.2f} apart."
        )
    expected = total + transfers_out
    if liability is not None and liability != expected:
        findings.append(
            f"Xero's Trust Liability is {liability:,.2f}; the trust ledger ({total:,.2f}) plus the trust-to-office "
            f"transfers posted as bank transfers ({transfers_out:,.2f}) is {expected:,.2f}: "
            f"{liability - expected:,.2f} apart."
        )
    matters = tuple(
        sorted(
            (
                MatterBalance(key, names.get(key, key or "no matter"), amount)
                for key, amount in balances.items()
            ),
            key=lambda m: (m.balance, m.name),
        )
    )
    return TrustCheck(total, liability, bank, matters, unbilled_transfers, tuple(findings), complete)
