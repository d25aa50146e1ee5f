"""The sandbox's general ledger: every document in the books as balanced debit and credit postings.

The reports (`reports`) sum these postings; nothing is stored, the ledger is read afresh from the books. A
posting's amount is debit-positive. Every document posts a balanced set, so all postings always sum to zero.

What posts (double-entry as Xero's "Account Transactions" report and its Journals endpoint show it; the spec's
`Journal`/`JournalLine`, "NetAmount … positive value for a debit and negative for a credit"):
- an invoice or credit note that is neither DRAFT, SUBMITTED, DELETED nor VOIDED (Xero's trial balance help: "amounts
  are recorded against your accounts once the transactions are approved (awaiting payment invoices or bills…)",
  help.xero.com/uk/Report_TrialBalance). ACCREC: Dr Accounts Receivable (system account DEBTORS) the total, Cr each
  line's account its amount before tax, Cr GST (system account GST) the tax; ACCPAY the mirror on Accounts Payable
  (CREDITORS); ACCRECCREDIT and ACCPAYCREDIT the mirror of their invoice type. A line's amount before tax is its
  LineAmount less its TaxAmount when the document's amounts are Inclusive, its LineAmount otherwise (`rules.totals`);
- a payment whose Status is AUTHORISED (a deleted one posts nothing): on ACCREC Dr the bank account, Cr AR; on
  ACCPAY Dr AP, Cr bank; on a credit note the reverse of its invoice type ("Bank transactions display
  immediately … invoice or bill payments", the same help page);
- a credit-note allocation posts nothing: both of its sides are the same AR (or AP) account;
- a bank transaction that is not DELETED or VOIDED: RECEIVE (and RECEIVE-OVERPAYMENT, RECEIVE-PREPAYMENT) Dr the bank
  account the total, Cr the lines before tax and GST the tax; SPEND and its kin the mirror;
- a bank transfer that is not DELETED: Dr the to-account, Cr the from-account;
- a POSTED manual journal: each line as signed (debits positive); an Inclusive line's tax is split out to GST, an
  Exclusive line's tax is added on GST (`journals` balances a journal on LineAmount plus Exclusive tax).

Foreign-currency documents post at rate 1, as the sandbox converts them (`rules.check_currency`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sandboxes.xero.books import ZERO, Account, Books, Line

NOT_POSTED = frozenset({"DRAFT", "SUBMITTED", "DELETED", "VOIDED"})
# A chart without one of the system accounts still balances: its postings go to a stand-in of Xero's default name.
_STAND_INS = {
    "DEBTORS": ("Accounts Receivable", "CURRENT"),
    "CREDITORS": ("Accounts Payable", "CURRLIAB"),
    "GST": ("GST", "CURRLIAB"),
}


@dataclass(frozen=True, slots=True)
class Posting:
    """One ledger line: `amount` debit-positive to `account` on `day`."""

    day: date
    account: Account
    amount: Decimal


def system_account(books: Books, name: str) -> Account:
    """The chart's account with this `SystemAccount`, else a stand-in with Xero's default name."""
    found = next((a for a in books.accounts.values() if a.system_account == name), None)
    if found is not None:
        return found
    title, type_ = _STAND_INS[name]
    return Account(f"system-{name.lower()}", None, title, type_, None, system_account=name)


def _priced(
    day: date, lines: list[Line], amounts: str, sign: int, control: Account, gst: Account
) -> Iterator[Posting]:
    """`control` takes `sign` × the lines' gross; each line's account and GST take the opposite."""
    gross = ZERO
    for line in lines:
        if line.account is None:  # only a DRAFT may hold a line without an account, and drafts do not post
            continue
        before_tax = line.line_amount - line.tax_amount if amounts == "Inclusive" else line.line_amount
        yield Posting(day, line.account, -sign * before_tax)
        if line.tax_amount:
            yield Posting(day, gst, -sign * line.tax_amount)
        gross += before_tax + line.tax_amount
    yield Posting(day, control, sign * gross)


def postings(books: Books) -> Iterator[Posting]:
    """Every posting the books hold, document by document (see the module docstring)."""
    receivable, payable, gst = (system_account(books, n) for n in ("DEBTORS", "CREDITORS", "GST"))
    for document in books.documents.values():
        if document.status in NOT_POSTED:
            continue
        control = receivable if document.type in ("ACCREC", "ACCRECCREDIT") else payable
        sign = 1 if document.type in ("ACCREC", "ACCPAYCREDIT") else -1
        yield from _priced(document.date, document.lines, document.line_amount_types, sign, control, gst)
    for payment in books.payments.values():
        if payment.status != "AUTHORISED":
            continue
        paid = payment.document
        control = receivable if paid.type in ("ACCREC", "ACCRECCREDIT") else payable
        sign = 1 if paid.type in ("ACCREC", "ACCPAYCREDIT") else -1
        yield Posting(payment.date, payment.account, sign * payment.amount)
        yield Posting(payment.date, control, -sign * payment.amount)
    for transaction in books.bank_transactions.values():
        if transaction.status in NOT_POSTED:
            continue
        sign = 1 if transaction.type.startswith("RECEIVE") else -1
        yield from _priced(
            transaction.date,
            transaction.lines,
            transaction.line_amount_types,
            sign,
            transaction.bank_account,
            gst,
        )
    for transfer in books.bank_transfers.values():
        if transfer.status == "DELETED":
            continue
        yield Posting(transfer.date, transfer.to_account, transfer.amount)
        yield Posting(transfer.date, transfer.from_account, -transfer.amount)
    for journal in books.journals.values():
        if journal.status != "POSTED":
            continue
        for item in journal.lines:
            inclusive = journal.line_amount_types == "Inclusive"
            yield Posting(
                journal.date, item.account, item.line_amount - (item.tax_amount if inclusive else ZERO)
            )
            if item.tax_amount:
                yield Posting(journal.date, gst, item.tax_amount)


def summed(entries: list[Posting], *, since: date | None = None, until: date) -> dict[str, Decimal]:
    """Account id -> the debit-positive sum of the postings dated from `since` (inclusive; the beginning of time
    when None) to `until` (inclusive)."""
    sums: dict[str, Decimal] = {}
    for entry in entries:
        if entry.day <= until and (since is None or entry.day >= since):
            sums[entry.account.id] = sums.get(entry.account.id, ZERO) + entry.amount
    return sums
