"""Pending documents: the ones a sync left blocked or failed, read again by id until they finish."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from integration.domain import DocumentKind, SourceRef
from integration.store.tables import PendingDocumentRow
from integration.store.types import utcnow

CHUNK = 500  # refs per statement: well inside every backend's limit on bound parameters


class PendingRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def ids(self, kind: DocumentKind) -> list[str]:
        """The ids of `kind`'s pending documents, oldest first."""
        rows = self._session.execute(
            select(PendingDocumentRow.source_id)
            .where(PendingDocumentRow.source_kind == kind.value)
            .order_by(PendingDocumentRow.since, PendingDocumentRow.source_id)
        )
        return list(rows.scalars())

    def outcomes(self, refs: Iterable[SourceRef]) -> dict[SourceRef, tuple[str, str | None]]:
        """(outcome, error code) of each of `refs` that is pending."""
        keys = list({(ref.kind.value, ref.id) for ref in refs})
        found: dict[SourceRef, tuple[str, str | None]] = {}
        for start in range(0, len(keys), CHUNK):
            rows = self._session.execute(
                select(
                    PendingDocumentRow.source_kind,
                    PendingDocumentRow.source_id,
                    PendingDocumentRow.outcome,
                    PendingDocumentRow.error_code,
                ).where(
                    tuple_(PendingDocumentRow.source_kind, PendingDocumentRow.source_id).in_(
                        keys[start : start + CHUNK]
                    )
                )
            )
            for kind, source_id, outcome, code in rows:
                found[SourceRef(DocumentKind(kind), source_id)] = (outcome, code)
        return found

    def keep(self, ref: SourceRef, outcome: str, error_code: str | None) -> None:
        """Record `ref` as pending, with why (first recorded when it first stayed unfinished)."""
        row = self._session.get(PendingDocumentRow, (ref.kind.value, ref.id))
        if row is None:
            self._session.add(
                PendingDocumentRow(
                    source_kind=ref.kind.value, source_id=ref.id, outcome=outcome, error_code=error_code
                )
            )
        else:
            row.outcome, row.error_code, row.updated_at = outcome, error_code, utcnow()
        self._session.flush()

    def remove(self, refs: Iterable[SourceRef]) -> None:
        """Forget `refs` (finished, or gone from Actionstep); refs that are not pending are ignored."""
        keys = list({(ref.kind.value, ref.id) for ref in refs})
        for start in range(0, len(keys), CHUNK):
            self._session.execute(
                delete(PendingDocumentRow).where(
                    tuple_(PendingDocumentRow.source_kind, PendingDocumentRow.source_id).in_(
                        keys[start : start + CHUNK]
                    )
                )
            )
