"""Webhook events from Xero: stored once each before the webhook is answered, then processed exactly once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from integration.domain import XeroEvent
from integration.store.tables import WebhookEventRow
from integration.store.types import utcnow


class WebhookRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, events: Iterable[XeroEvent], *, outcome: str | None = None) -> int:
        """Store each event not stored before (by `XeroEvent.key`); returns how many were new. With `outcome`
        they are stored already processed (events that are only counted)."""
        events = list({e.key: e for e in events}.values())
        if not events:
            return 0
        known = set(
            self._session.scalars(
                select(WebhookEventRow.event_key).where(
                    WebhookEventRow.event_key.in_([e.key for e in events])
                )
            )
        )
        now = utcnow()
        added = 0
        for event in events:
            if event.key in known:
                continue
            try:
                with self._session.begin_nested():
                    self._session.add(
                        WebhookEventRow(
                            event_key=event.key,
                            tenant_id=event.tenant_id,
                            resource_id=event.resource_id,
                            category=event.category.upper(),
                            event_type=event.event_type.upper(),
                            event_at=event.event_at,
                            received_at=now,
                            processed_at=now if outcome else None,
                            outcome=outcome,
                        )
                    )
                added += 1
            except IntegrityError:  # a concurrent redelivery stored it first
                continue
        return added

    def unprocessed(self, limit: int = 100) -> list[XeroEvent]:
        """Events stored and not yet processed, oldest first."""
        rows = self._session.scalars(
            select(WebhookEventRow)
            .where(WebhookEventRow.processed_at.is_(None))
            .order_by(WebhookEventRow.id)
            .limit(limit)
        )
        return [
            XeroEvent(r.tenant_id, r.resource_id, r.category, r.event_type, r.event_at, id=r.id) for r in rows
        ]

    def mark(self, ids: Iterable[int], outcome: str, *, now: datetime | None = None) -> int:
        """Record the events processed with `outcome`; an event already processed is left as it is (returns how
        many this call marked)."""
        ids = list(ids)
        if not ids:
            return 0
        result = self._session.execute(
            update(WebhookEventRow)
            .where(WebhookEventRow.id.in_(ids), WebhookEventRow.processed_at.is_(None))
            .values(processed_at=now or utcnow(), outcome=outcome)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def counts(self) -> dict[str, int]:
        """Stored events per outcome (`pending` for those not yet processed)."""
        rows = self._session.execute(
            select(WebhookEventRow.outcome, func.count()).group_by(WebhookEventRow.outcome)
        )
        return {(outcome or "pending"): int(n) for outcome, n in rows}
