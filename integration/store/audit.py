"""The audit log: every command and click, who made it, and whether it was allowed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.store.tables import AuditEventRow
from integration.store.types import utcnow


@dataclass(frozen=True, slots=True)
class AuditEvent:
    at: datetime
    actor: str
    action: str
    target: str | None
    allowed: bool
    detail: dict[str, Any] | None


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(
        self, actor: str, action: str, target: str | None = None, *, allowed: bool = True,
        detail: dict[str, Any] | None = None,
    ) -> None:  # fmt: skip
        self._session.add(
            AuditEventRow(
                at=utcnow(), actor=actor, action=action, target=target, allowed=allowed, detail=detail
            )
        )

    def for_target(self, target: str, *, prefix: str = "", limit: int = 5) -> list[AuditEvent]:
        """The newest allowed events about `target` whose action starts with `prefix`, newest first."""
        query = (
            select(AuditEventRow)
            .where(
                AuditEventRow.target == target,
                AuditEventRow.allowed.is_(True),
                AuditEventRow.action.startswith(prefix, autoescape=True),
            )
            .order_by(AuditEventRow.id.desc())
            .limit(limit)
        )
        return [
            AuditEvent(row.at, row.actor, row.action, row.target, row.allowed, row.detail)
            for row in self._session.scalars(query)
        ]

    def recent(self, limit: int = 50, *, action: str | None = None) -> list[AuditEvent]:
        query = select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(limit)
        if action is not None:
            query = query.where(AuditEventRow.action == action)
        return [
            AuditEvent(row.at, row.actor, row.action, row.target, row.allowed, row.detail)
            for row in self._session.scalars(query)
        ]
