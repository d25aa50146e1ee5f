"""Removed allocations: the credit applied to an invoice that an unlink removed in Xero, until it is applied again
to the corrected invoice (or alerted as impossible)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.domain import DocumentKind, ReallocationState, RemovedAllocation, SourceRef
from integration.store.tables import RemovedAllocationRow

WAITING = (ReallocationState.REMOVED.value, ReallocationState.SENDING.value)


class ReallocationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def remember(self, removed: RemovedAllocation) -> None:
        """Record an allocation an unlink removed; one already recorded (a step carried on) is left as it is."""
        if self._session.get(RemovedAllocationRow, removed.allocation_id) is not None:
            return
        self._session.add(
            RemovedAllocationRow(
                allocation_id=removed.allocation_id,
                source_kind=removed.source.kind.value,
                source_id=removed.source.id,
                old_invoice_id=removed.old_invoice_id,
                credit_note_id=removed.credit_note_id,
                credit_note_number=removed.credit_note_number,
                old_invoice_number=removed.old_invoice_number,
                amount=removed.amount,
                allocated_on=removed.date.isoformat() if removed.date else None,
                request_id=removed.request_id,
                state=removed.state.value,
            )
        )
        self._session.flush()

    def waiting(self) -> list[RemovedAllocation]:
        """The allocations not yet re-applied nor alerted, oldest first."""
        rows = self._session.scalars(
            select(RemovedAllocationRow)
            .where(RemovedAllocationRow.state.in_(WAITING))
            .order_by(RemovedAllocationRow.removed_at, RemovedAllocationRow.allocation_id)
        )
        return [_removed(row) for row in rows]

    def all(self) -> list[RemovedAllocation]:
        """Every removed allocation recorded, oldest first."""
        rows = self._session.scalars(
            select(RemovedAllocationRow).order_by(
                RemovedAllocationRow.removed_at, RemovedAllocationRow.allocation_id
            )
        )
        return [_removed(row) for row in rows]

    def sending(self, allocation_id: str, invoice_id: str, invoice_number: str | None) -> None:
        """Record that the allocation is about to be sent to the corrected invoice: after this, an answer that is
        lost is settled by reading the credit note before anything is sent again."""
        row = self._session.get(RemovedAllocationRow, allocation_id)
        if row is not None:
            row.state = ReallocationState.SENDING.value
            row.invoice_id, row.invoice_number = invoice_id, invoice_number
            self._session.flush()

    def settle(
        self,
        allocation_id: str,
        state: ReallocationState,
        *,
        invoice_id: str | None = None,
        invoice_number: str | None = None,
        note: str | None = None,
    ) -> None:
        """Record the outcome: re-applied, or not (with why)."""
        row = self._session.get(RemovedAllocationRow, allocation_id)
        if row is not None:
            row.state, row.note = state.value, note
            row.invoice_id = invoice_id or row.invoice_id
            row.invoice_number = invoice_number or row.invoice_number
            self._session.flush()


def _removed(row: RemovedAllocationRow) -> RemovedAllocation:
    return RemovedAllocation(
        allocation_id=row.allocation_id,
        source=SourceRef(DocumentKind(row.source_kind), row.source_id),
        old_invoice_id=row.old_invoice_id,
        credit_note_id=row.credit_note_id,
        credit_note_number=row.credit_note_number,
        old_invoice_number=row.old_invoice_number,
        amount=row.amount,
        date=date.fromisoformat(row.allocated_on) if row.allocated_on else None,
        request_id=row.request_id,
        state=ReallocationState(row.state),
        invoice_id=row.invoice_id,
        invoice_number=row.invoice_number,
        note=row.note,
    )
