"""The audit log: every command and click, who made it, and whether it was allowed.

A detail is stored whole up to `DETAIL_LIMIT` bytes of JSON. A larger one (a 10 MB command text) keeps its keys
with its long strings cut short, each ending in a marker that says how long it was, and a `truncated` key says
the detail was cut; only a detail that cannot be cut to size that way (thousands of keys) is replaced by the start
of its JSON. So no row grows with what an outsider types, and no reader mistakes a cut detail for a whole one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.store.tables import AuditEventRow
from integration.store.types import utcnow

DETAIL_LIMIT = 4096  # bytes of JSON, ample for every detail the bot writes itself
_STRING_LIMITS = (1024, 256, 64)  # tried in turn until the detail fits


def capped(detail: dict[str, Any] | None) -> dict[str, Any] | None:
    """`detail` as it is when its JSON fits in `DETAIL_LIMIT` bytes; otherwise cut to fit, visibly."""
    if detail is None:
        return None
    size = _size(detail)
    if size <= DETAIL_LIMIT:
        return detail
    marker = {"truncated": f"cut to at most {DETAIL_LIMIT} bytes from {size}"}
    for limit in _STRING_LIMITS:
        cut = {**marker, **_shorten(detail, limit)}
        if _size(cut) <= DETAIL_LIMIT:
            return cut
    text = json.dumps(detail, ensure_ascii=False, default=str)
    head = text.encode()[: DETAIL_LIMIT // 2].decode(errors="ignore")
    return {**marker, "start": head + "…"}


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str).encode())


def _shorten(value: Any, limit: int) -> Any:
    if isinstance(value, str):
        return value if len(value) <= limit else f"{value[:limit]}… [cut: {len(value)} characters in all]"
    if isinstance(value, dict):
        return {str(_shorten(key, limit)): _shorten(item, limit) for key, item in value.items()}
    if isinstance(value, list | tuple):
        kept = [_shorten(item, limit) for item in value[:limit]]
        return kept + ([f"… [cut: {len(value)} items in all]"] if len(value) > limit else [])
    return value


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
        """Add one event; its detail is capped (see `capped`)."""
        self._session.add(
            AuditEventRow(
                at=utcnow(), actor=actor, action=action, target=target, allowed=allowed, detail=capped(detail)
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
