"""Webhook events from Xero: stored once each before the webhook is answered, then processed exactly once.

`WebhookInbox` is the answer path's one write: a single `INSERT … ON CONFLICT (event_key) DO NOTHING RETURNING`
in its own short transaction, straight on a pooled connection (no ORM session, no read first), so a webhook is
answered after one round trip; `WebhookRepository` is the rest, inside a unit of work.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from integration.domain import XeroEvent
from integration.store.tables import WebhookEventRow
from integration.store.types import utcnow


class WebhookInbox:
    """Stores webhooks' events before their answers; `Store.webhooks`.

    On SQLite one writer at a time holds the database, and writers that collide back off for up to tens of
    milliseconds each, so deliveries that arrive together commit together: the first becomes the writer and stores
    its events with those of every delivery waiting meanwhile, in one transaction, and each is answered once that
    transaction commits (a group commit). PostgreSQL takes concurrent inserts side by side: each writes its own."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        dialect = engine.dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        self._insert = (
            insert(WebhookEventRow)
            .on_conflict_do_nothing(index_elements=[WebhookEventRow.event_key])
            .returning(WebhookEventRow.event_key)
        )
        self._grouped = dialect == "sqlite"
        self._turn = threading.Condition()
        self._waiting: list[_Delivery] = []
        self._writing = False

    def add(self, events: Iterable[XeroEvent]) -> int:
        """Store each event not stored before (by `XeroEvent.key`), unprocessed; returns how many were new. A
        redelivery, or a concurrent one that got there first, stores nothing. Returns once they are committed."""
        delivery = _Delivery({e.key: _row(e, utcnow()) for e in events})
        if not delivery.rows:
            return 0
        if not self._grouped:
            return len(self._write(list(delivery.rows.values())))
        with self._turn:
            self._waiting.append(delivery)
            while self._writing and not delivery.done:
                self._turn.wait()
            writer = (
                not delivery.done
            )  # no write under way, and none took these events: write them, and the rest
            if writer:
                self._writing = True
                group, self._waiting = self._waiting, []
        if writer:
            self._write_group(group)
        if delivery.error is not None:
            raise delivery.error
        return delivery.stored

    def _write_group(self, group: list[_Delivery]) -> None:
        rows: dict[str, dict[str, Any]] = {}
        for each in group:
            for key, row in each.rows.items():
                rows.setdefault(key, row)
        error: Exception | None = None
        try:
            new = self._write(list(rows.values()))
        except Exception as failed:  # every delivery of the group is answered with it: none was stored
            new, error = set(), failed
        with self._turn:
            for each in group:  # an event two deliveries carry counts for the first
                each.stored = len(new & each.rows.keys())
                new -= each.rows.keys()
                each.error, each.done = error, True
            self._writing = False
            self._turn.notify_all()

    def _write(self, rows: list[dict[str, Any]]) -> set[str]:
        with self._engine.begin() as connection:
            return set(connection.execute(self._insert, rows).scalars())


@dataclass(slots=True)
class _Delivery:
    rows: dict[str, dict[str, Any]]  # by event key
    stored: int = 0
    error: Exception | None = None
    done: bool = False


def _row(event: XeroEvent, now: datetime) -> dict[str, Any]:
    return {
        "event_key": event.key,
        "tenant_id": event.tenant_id,
        "resource_id": event.resource_id,
        "category": event.category.upper(),
        "event_type": event.event_type.upper(),
        "event_at": event.event_at,
        "received_at": now,
        "processed_at": None,
        "outcome": None,
    }


class WebhookRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

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
