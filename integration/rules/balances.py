"""Pure: what the bot's postings imply for each control account, and what a Xero record does to them.

Amounts are as Xero's balance sheet prints them: an asset (accounts receivable, the trust bank) positive as a
debit, a liability (accounts payable, GST, Trust Liability, Trust Transfers) positive as a credit.

- An invoice raises accounts receivable (sales) or payable (bills) by its total and GST by its tax (sales) or
  lowers GST by it (bills); a credit note does the opposite; a payment lowers receivable or payable.
- A trust receipt raises the trust bank and Trust Liability; a trust payment lowers both; a trust-to-office
  transfer is posted as a Xero bank transfer, which lowers the trust bank only (Xero moves nothing on Trust
  Liability for a transfer between bank accounts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from integration.domain import AccountBalance, ControlAccount, DocumentKind, XeroRecord

ZERO = Decimal("0.00")
AR, AP, GST = ControlAccount.ACCOUNTS_RECEIVABLE, ControlAccount.ACCOUNTS_PAYABLE, ControlAccount.GST
LIABILITY, TRUST_BANK = ControlAccount.TRUST_LIABILITY, ControlAccount.TRUST_BANK
Effects = dict[ControlAccount, Decimal]


def _document(xero_type: str, total: Decimal, tax: Decimal) -> Effects:
    sales, credit = xero_type.startswith("ACCREC"), xero_type.endswith("CREDIT")
    sign = Decimal(-1) if credit else Decimal(1)
    return {AR if sales else AP: sign * total, GST: sign * tax * (1 if sales else -1)}


def posted_effects(kind: DocumentKind, xero_type: str, total: Decimal, tax: Decimal | None) -> Effects:
    """What one of the bot's postings does to the control accounts."""
    tax = tax or ZERO
    if kind in (DocumentKind.SALES_INVOICE, DocumentKind.SUPPLIER_INVOICE, DocumentKind.CREDIT_NOTE):
        return _document(xero_type, total, tax)
    if kind is DocumentKind.PAYMENT_RECEIVED:
        return {AR: -total}
    if kind is DocumentKind.SUPPLIER_PAYMENT:
        return {AP: -total}
    if kind is DocumentKind.TRUST_RECEIPT:
        return {TRUST_BANK: total, LIABILITY: total}
    if kind is DocumentKind.TRUST_PAYMENT:
        return {TRUST_BANK: -total, LIABILITY: -total}
    if kind is DocumentKind.TRUST_TRANSFER:
        return {TRUST_BANK: -total}
    return {}


def record_effects(record: XeroRecord, trust_banks: frozenset[str]) -> Effects:
    """What a Xero record, as Xero holds it, does to the control accounts. A bank transaction's other side is not
    known from its listing, so only its bank and GST are counted."""
    total, tax, xero_type = record.total or ZERO, record.tax or ZERO, record.xero_type or ""
    if record.endpoint in ("Invoices", "CreditNotes"):
        return _document(xero_type, total, tax)
    if record.endpoint == "Payments":
        return {AR: -total} if xero_type.startswith("ACCREC") else {AP: -total}
    effects: Effects = defaultdict(lambda: ZERO)
    if record.endpoint == "BankTransactions":
        sign = Decimal(-1) if xero_type.startswith("SPEND") else Decimal(1)
        if record.account_code in trust_banks:
            effects[TRUST_BANK] += sign * total
        effects[GST] += sign * tax
    elif record.endpoint == "BankTransfers":
        if record.account_code in trust_banks:
            effects[TRUST_BANK] -= total
        if record.to_account_code in trust_banks:
            effects[TRUST_BANK] += total
    return dict(effects)


def add(into: dict[ControlAccount, Decimal], effects: Effects, sign: Decimal = Decimal(1)) -> None:
    for account, amount in effects.items():
        into[account] = into.get(account, ZERO) + sign * amount


def implied(
    postings: Iterable[tuple[DocumentKind, str, Decimal, Decimal | None]],
) -> dict[ControlAccount, Decimal]:
    """What every active posting of the bot up to a date adds up to, per control account."""
    totals: dict[ControlAccount, Decimal] = {}
    for kind, xero_type, total, tax in postings:
        add(totals, posted_effects(kind, xero_type, total, tax))
    return totals


def balances(
    codes: dict[ControlAccount, str],
    xero: dict[ControlAccount, Decimal] | None,
    implied_totals: dict[ControlAccount, Decimal],
    explained: dict[ControlAccount, list[tuple[str, Decimal]]],
) -> tuple[AccountBalance, ...]:
    """One line per mapped control account: Xero's balance (None when the report could not be read), the implied
    balance and the parts of the gap that are named."""
    return tuple(
        AccountBalance(
            account,
            code,
            None if xero is None else xero.get(account, ZERO),
            implied_totals.get(account, ZERO),
            tuple((why, amount) for why, amount in explained.get(account, []) if amount),
        )
        for account, code in codes.items()
    )
