"""Cursors: how far each incremental read has got."""

from __future__ import annotations

from sqlalchemy.orm import Session

from integration.store.tables import CursorRow
from integration.store.types import utcnow


class CursorRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, name: str) -> str | None:
        row = self._session.get(CursorRow, name)
        return row.value if row else None

    def set(self, name: str, value: str) -> None:
        row = self._session.get(CursorRow, name)
        if row is None:
            self._session.add(CursorRow(name=name, value=value, updated_at=utcnow()))
        else:
            row.value, row.updated_at = value, utcnow()
        self._session.flush()
