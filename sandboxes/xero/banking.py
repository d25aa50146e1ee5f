"""Bank transactions (spend and receive money) and bank transfers in the sandbox.

A bank transaction needs a Type (RECEIVE or SPEND; the *-TRANSFER types only come from transfers), a contact, a
BANK account and line items, priced like invoice lines, except that a TaxAmount differing from Xero's own
calculation is refused, not taken (XeroAPI/xero-node #768). A transfer moves an amount between two different bank
accounts and creates the SPEND-TRANSFER / RECEIVE-TRANSFER transactions behind it.
"""

from __future__ import annotations

from typing import Any

from sandboxes.xero import messages as msg
from sandboxes.xero.books import Account, BankTransaction, BankTransfer, new_id
from sandboxes.xero.rules import (
    Check,
    Context,
    check_currency,
    check_lock,
    line_amount_types,
    money,
    number,
    parse_date,
    price_line,
    resolve_account,
    resolve_contact,
    totals,
)

CREATABLE_TYPES = ("RECEIVE", "SPEND")
TRANSFER_TYPES = ("RECEIVE-TRANSFER", "SPEND-TRANSFER")


def _bank(account: Account) -> bool:
    return account.type == "BANK"


def _not_bank(account: Account) -> bool:
    return account.type != "BANK"


def _bank_account(ctx: Context, ref: Any, check: Check) -> Account | None:
    if not isinstance(ref, dict) or not (ref.get("Code") or ref.get("AccountID")):
        check.fail(msg.BANK_ACCOUNT_REQUIRED)
        return None
    return resolve_account(ctx.books, ref, check, allow=_bank)


def create_transaction(ctx: Context, raw: dict[str, Any]) -> tuple[BankTransaction | None, Check]:
    """Validate one bank transaction element and, when it passes, record it."""
    check = Check()
    type_ = str(raw.get("Type") or "")
    if type_ in TRANSFER_TYPES:
        check.fail(msg.TRANSFER_TYPES)
    elif type_ not in CREATABLE_TYPES:
        check.fail(f"Bank transaction Type '{type_}' is not valid")
    contact = resolve_contact(ctx, raw.get("Contact"), check)
    bank = _bank_account(ctx, raw.get("BankAccount"), check)
    day = parse_date(raw.get("Date"), check, "Date") or ctx.today
    check_lock(ctx.books, day, check)
    check_currency(ctx.books, raw, check)
    amounts = line_amount_types(raw, check)
    lines = [
        price_line(ctx, item, amounts, check, allow=_not_bank, draft=False, tax_override=False)
        for item in raw.get("LineItems") or []
    ]
    if not lines:
        check.fail(msg.LINE_ITEMS_REQUIRED)
    if check.errors or contact is None or bank is None:
        return None, check
    ctx.books.contacts.setdefault(contact.id, contact)
    transaction = BankTransaction(
        id=new_id(),
        type=type_,
        contact=contact,
        bank_account=bank,
        date=day,
        reference=str(raw["Reference"]) if raw.get("Reference") else None,
        line_amount_types=amounts,
        lines=lines,
        totals=totals(lines, amounts),
        is_reconciled=raw.get("IsReconciled") is True,
        url=str(raw["Url"]) if raw.get("Url") else None,
        updated=ctx.now,
    )
    ctx.books.bank_transactions[transaction.id] = transaction
    return transaction, check


def create_transfer(ctx: Context, raw: dict[str, Any]) -> tuple[BankTransfer | None, Check]:
    """Validate one bank transfer element and, when it passes, record it."""
    check = Check()
    source = _bank_account(ctx, raw.get("FromBankAccount"), check)
    target = _bank_account(ctx, raw.get("ToBankAccount"), check)
    if source is not None and source is target:
        check.fail(msg.TRANSFER_SAME_ACCOUNT)
    amount = number(raw.get("Amount"))
    if amount is None or amount <= 0:
        check.fail(msg.AMOUNT_POSITIVE)
    day = parse_date(raw.get("Date"), check, "Date") or ctx.today
    check_lock(ctx.books, day, check)
    if check.errors or source is None or target is None or amount is None:
        return None, check
    transfer = BankTransfer(
        id=new_id(),
        from_account=source,
        to_account=target,
        amount=money(amount),
        date=day,
        reference=str(raw["Reference"]) if raw.get("Reference") else None,
        from_transaction_id=new_id(),
        to_transaction_id=new_id(),
        from_reconciled=raw.get("FromIsReconciled") is True,
        to_reconciled=raw.get("ToIsReconciled") is True,
        created=ctx.now,
    )
    ctx.books.bank_transfers[transfer.id] = transfer
    return transfer, check
