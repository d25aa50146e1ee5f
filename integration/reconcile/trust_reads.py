"""The trust side of a reconciliation: Actionstep's trust transactions up to the period's end, per matter, and
the bills that trust-to-office transfers of the period need.

Everything is read in pages (`documents_dated`); what is kept of each transaction is a `TrustMovement`, never the
document. A part Actionstep cannot answer is named in `incomplete`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal

from integration.domain import (
    AccountType,
    Document,
    DocumentKind,
    MalformedDocument,
    Period,
    SourceBooks,
    TrustCheck,
    TrustPayment,
    TrustReceipt,
    TrustTransfer,
)
from integration.ports import ActionstepGateway
from integration.reconcile.unanswered import Unanswered
from integration.rules import trust as rules
from integration.rules.trust import TrustMovement

TRUST_KINDS = (DocumentKind.TRUST_RECEIPT, DocumentKind.TRUST_PAYMENT, DocumentKind.TRUST_TRANSFER)
BILLS_LOOK_BACK = timedelta(days=366)  # a transfer's bill is looked for up to a year before the period


def movement(document: Document, trust_banks: frozenset[str]) -> TrustMovement | None:
    """What one trust transaction does to its matter's trust ledger (None for a transfer between two office
    accounts, which is not trust money)."""
    if isinstance(document, TrustReceipt):
        return TrustMovement(document.number, document.date, document.matter_id, document.amount)
    if isinstance(document, TrustPayment):
        return TrustMovement(document.number, document.date, document.matter_id, -document.amount)
    if isinstance(document, TrustTransfer):
        out_of_trust = document.from_account_id in trust_banks
        into_trust = document.to_account_id in trust_banks
        if out_of_trust and not into_trust:
            return TrustMovement(
                document.number, document.date, document.matter_id, -document.amount, to_office=True
            )
        if into_trust and not out_of_trust:
            return TrustMovement(document.number, document.date, document.matter_id, document.amount)
    return None


class TrustReader:
    """Reads and checks trust for one period; `documents` sees every trust document read, for the comparison of
    the period's own documents (so they are read once)."""

    def __init__(self, actionstep: ActionstepGateway, unanswered: Unanswered) -> None:
        self._actionstep = actionstep
        self._guarded = unanswered.guarded

    def read(
        self, period: Period, books: SourceBooks, documents: Callable[[Document | MalformedDocument], None]
    ) -> tuple[list[TrustMovement], bool]:
        """Every trust movement dated up to the period's end, and whether all of it was read."""
        trust_banks = frozenset(a.id for a in books.accounts.values() if a.type is AccountType.TRUST_BANK)
        movements: list[TrustMovement] = []
        complete = True
        for kind in TRUST_KINDS:

            def read_kind(kind: DocumentKind = kind) -> bool:
                for document in self._actionstep.documents_dated(kind, None, period.end):
                    documents(document)
                    if isinstance(document, Document):
                        found = movement(document, trust_banks)
                        if found is not None:
                            movements.append(found)
                return True

            complete = self._guarded(f"Actionstep's {kind.label}s", read_kind) is not None and complete
        return movements, complete

    def check(
        self,
        period: Period,
        movements: list[TrustMovement],
        bills: dict[str, list[date]],
        liability: Decimal | None,
        bank: Decimal | None,
        transfers_posted: Decimal,
        *,
        complete: bool,
    ) -> TrustCheck:
        """Trust three ways at the period's end, with overdrawn matters and transfers without a bill named.
        `transfers_posted`: the trust-to-office transfers the bot posted up to then; `complete`: whether `movements`
        are all of them (`read` said so)."""
        balances = rules.ledger(movements)
        transfers = [
            m for m in movements if m.to_office and period.start <= m.date <= period.end and m.matter_id
        ]
        if rules.unbilled(transfers, bills, {}):  # some lack a bill this period: look further back
            self._earlier_bills(period, {t.matter_id or "" for t in transfers}, bills)
        names = self._names(set(balances) - {rules.NO_MATTER})
        unbilled = rules.unbilled(transfers, bills, names)
        return rules.three_ways(
            balances, names, liability, bank, transfers_posted, unbilled, complete=complete
        )

    def _earlier_bills(self, period: Period, matters: set[str], bills: dict[str, list[date]]) -> None:
        start, end = period.start - BILLS_LOOK_BACK, period.start - timedelta(days=1)

        def read() -> bool:
            for bill in self._actionstep.documents_dated(DocumentKind.SALES_INVOICE, start, end):
                if isinstance(bill, Document) and bill.matter_id in matters:
                    bills.setdefault(bill.matter_id, []).append(bill.date)
            return True

        self._guarded("Actionstep's earlier bills, for trust transfers", read)

    def _names(self, matter_ids: Iterable[str]) -> dict[str, str]:
        ids = sorted(matter_ids)
        if not ids:
            return {}
        found = self._guarded("Actionstep's matter names", lambda: self._actionstep.matters(ids))
        return {i: m.name for i, m in (found or {}).items()}
