"""Manual journals in the sandbox: a narration, lines on valid accounts, and debits equal to credits.

Line amounts are signed (debits positive, credits negative) and must sum to zero; on a journal whose amounts are
Exclusive of tax each line counts with its tax added, since that tax is posted too (the ledger's GST line: spec
`JournalLine.GrossAmount`, "NetAmount + TaxAmount"; the sandbox's reading, so that every posted journal balances in
the reports, `ledger`). A journal sent without a Status is saved as DRAFT, as the spec's example shows; only POSTED
journals are held to the lock dates.
"""

from __future__ import annotations

from typing import Any

from sandboxes.xero import messages as msg
from sandboxes.xero.books import ZERO, Account, JournalLine, ManualJournal, new_id
from sandboxes.xero.rules import (
    Check,
    Context,
    check_lock,
    line_amount_types,
    line_tax,
    money,
    number,
    parse_date,
    resolve_account,
    resolve_tax,
)

CREATABLE = ("DRAFT", "POSTED")


def _any_account(account: Account) -> bool:
    return True


def create(ctx: Context, raw: dict[str, Any]) -> tuple[ManualJournal | None, Check]:
    """Validate one manual journal element and, when it passes, record it."""
    check = Check()
    narration = str(raw.get("Narration") or "").strip()
    if not narration:
        check.fail(msg.NARRATION_REQUIRED)
    status = str(raw.get("Status") or "DRAFT").upper()
    if status not in CREATABLE:
        check.fail(msg.not_valid_status("Manual Journal"))
    day = parse_date(raw.get("Date"), check, "Date") or ctx.today
    if status == "POSTED":
        check_lock(ctx.books, day, check)
    amounts = line_amount_types(raw, check)
    lines: list[JournalLine] = []
    for item in raw.get("JournalLines") or []:
        item = item if isinstance(item, dict) else {}
        account = resolve_account(ctx.books, item, check, allow=_any_account)
        rate = resolve_tax(ctx.books, item.get("TaxType"), account, check)
        amount = money(number(item.get("LineAmount")) or ZERO)
        if account is not None:
            tax = line_tax(amount, rate, amounts)
            tax_type = rate.tax_type if rate else None
            lines.append(JournalLine(account, item.get("Description"), amount, tax_type, tax))
    if not raw.get("JournalLines"):
        check.fail(msg.LINE_ITEMS_REQUIRED)
    gross = [line.line_amount + (line.tax_amount if amounts == "Exclusive" else ZERO) for line in lines]
    debits = sum((amount for amount in gross if amount > 0), ZERO)
    credits = sum((amount for amount in gross if amount < 0), ZERO)
    if debits + credits != 0:
        check.fail(msg.journal_unbalanced(debits, credits))
    if check.errors:
        return None, check
    journal = ManualJournal(
        id=new_id(),
        narration=narration,
        date=day,
        status=status,
        line_amount_types=amounts,
        lines=lines,
        url=str(raw["Url"]) if raw.get("Url") else None,
        show_on_cash_basis=raw.get("ShowOnCashBasisReports") is not False,
        updated=ctx.now,
    )
    ctx.books.journals[journal.id] = journal
    return journal, check
