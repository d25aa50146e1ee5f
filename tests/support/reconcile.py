"""Reconciliations built directly from the vocabulary (`integration.domain.reconcile`) for the month-end views,
listeners and command: an agreeing July 2026, differences, and the period's close in each state."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from integration.app import ReconcileResult
from integration.domain import (
    AccountBalance,
    ChecklistItem,
    ControlAccount,
    Difference,
    DocumentKind,
    Gap,
    KindTally,
    Period,
    PeriodClose,
    Reconciliation,
    SignOffState,
    TrustCheck,
)

JULY = Period(2026, 7)
AT = datetime(2026, 8, 3, 8, 0, tzinfo=UTC)
FINGERPRINT = "9f2c4e1ab3d5"
CHECKLIST = (
    ChecklistItem("Every approved document is in Xero", True),
    ChecklistItem("Trust reconciled three ways", True),
)


def tally(
    kind: DocumentKind = DocumentKind.SALES_INVOICE, count: int = 12, total: str = "4500.00"
) -> KindTally:
    amount, tax = Decimal(total), Decimal(total) / 10
    return KindTally(kind, count, amount, tax, count, amount, tax)


def difference(number: str = "INV-1042", gap: Gap = Gap.AMOUNT_DIFFERS) -> Difference:
    return Difference(
        gap=gap, kind=DocumentKind.SALES_INVOICE, number=number, reason="Xero's total is not what was posted.",
        fix="Unlink it and post it again.", actionstep_total=Decimal("110.00"), actionstep_tax=Decimal("10.00"),
        xero_total=Decimal("99.00"), xero_tax=Decimal("9.00"), date=date(2026, 7, 14),
    )  # fmt: skip


def agreeing(**changes: Any) -> Reconciliation:
    rec = Reconciliation(
        period=JULY, at=AT, tallies=(tally(), tally(DocumentKind.TRUST_RECEIPT, 3, "900.00")), differences=(),
        balances=(AccountBalance(ControlAccount.ACCOUNTS_RECEIVABLE, "610", Decimal("4950.00"), Decimal("4950.00")),),
        trust=TrustCheck(ledger=Decimal("900.00"), liability=Decimal("900.00"), bank=Decimal("900.00")),
        checklist=CHECKLIST,
    )  # fmt: skip
    return replace(rec, **changes)


def close(state: SignOffState = SignOffState.OPEN, **changes: Any) -> PeriodClose:
    return replace(PeriodClose(JULY, state, FINGERPRINT, True, AT), **changes)


def result(rec: Reconciliation | None = None, closed: PeriodClose | None = None) -> ReconcileResult:
    rec = rec or agreeing()
    return ReconcileResult(rec, closed or replace(close(), agrees=rec.agrees))
