"""Payment decisions: what people decided about payments Xero shows that the bot did not post (adopt, post anyway).

The sync reads them when an Actionstep payment meets such a Xero payment, and drift reads the adopted ones so an
adopted payment is no longer counted as paid elsewhere. One row per payment and decision (a unique constraint), so
concurrent clicks record it once; ids are stored in lower case, as Xero's ids compare.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from integration.domain import DocumentKind, PaymentDecision, PaymentDecisionKind, SourceRef
from integration.store.tables import XeroPaymentDecisionRow
from integration.store.types import utcnow

_CHUNK = 500  # keeps each IN list well inside every database's limits


def _to_decision(row: XeroPaymentDecisionRow) -> PaymentDecision:
    source = (
        SourceRef(DocumentKind(row.source_kind), row.source_id) if row.source_kind and row.source_id else None
    )
    return PaymentDecision(
        xero_payment_id=row.xero_payment_id,
        xero_document_id=row.xero_document_id,
        decision=PaymentDecisionKind(row.decision),
        decided_by=row.decided_by,
        source=source,
        alert_id=row.alert_id,
        decided_at=row.decided_at,
    )


class PaymentDecisionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, decision: PaymentDecision) -> bool:
        """Record the decision; False when this payment already has a decision of this kind (nothing changes)."""
        row = XeroPaymentDecisionRow(
            xero_payment_id=decision.xero_payment_id.lower(),
            xero_document_id=decision.xero_document_id.lower() if decision.xero_document_id else None,
            source_kind=decision.source.kind.value if decision.source else None,
            source_id=decision.source.id if decision.source else None,
            decision=decision.decision.value,
            decided_by=decision.decided_by,
            decided_at=decision.decided_at or utcnow(),
            alert_id=decision.alert_id,
        )
        try:
            with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError:
            return False
        return True

    def of_kind(self, kind: PaymentDecisionKind, payment_ids: Iterable[str]) -> dict[str, PaymentDecision]:
        """The decisions of `kind` about these Xero payments, by payment id (lower case)."""
        wanted = sorted({p.lower() for p in payment_ids})
        found: dict[str, PaymentDecision] = {}
        for start in range(0, len(wanted), _CHUNK):
            rows = self._session.scalars(
                select(XeroPaymentDecisionRow).where(
                    XeroPaymentDecisionRow.decision == kind.value,
                    XeroPaymentDecisionRow.xero_payment_id.in_(wanted[start : start + _CHUNK]),
                )
            )
            found.update({row.xero_payment_id: _to_decision(row) for row in rows})
        return found

    def adopted_on(self, document_ids: Iterable[str]) -> dict[str, PaymentDecision]:
        """The adoptions of payments on these Xero documents, by payment id (lower case)."""
        wanted = sorted({d.lower() for d in document_ids if d})
        found: dict[str, PaymentDecision] = {}
        for start in range(0, len(wanted), _CHUNK):
            rows = self._session.scalars(
                select(XeroPaymentDecisionRow).where(
                    XeroPaymentDecisionRow.decision == PaymentDecisionKind.ADOPT.value,
                    XeroPaymentDecisionRow.xero_document_id.in_(wanted[start : start + _CHUNK]),
                )
            )
            found.update({row.xero_payment_id: _to_decision(row) for row in rows})
        return found

    def name_source(self, payment_id: str, kind: PaymentDecisionKind, source: SourceRef) -> None:
        """Record which Actionstep payment a decision turned out to concern (an adopted payment, once linked)."""
        row = self._session.scalar(
            select(XeroPaymentDecisionRow).where(
                XeroPaymentDecisionRow.xero_payment_id == payment_id.lower(),
                XeroPaymentDecisionRow.decision == kind.value,
            )
        )
        if row is not None and row.source_id is None:
            row.source_kind, row.source_id = source.kind.value, source.id
