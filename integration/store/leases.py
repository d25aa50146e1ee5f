"""Leases: named, expiring locks held in the database, so they work across processes and replicas.

Used for the single-flight sync lock, token refreshes and scheduled jobs. A lease that its holder never released
(the process died) expires by itself. Each operation is one conditional UPDATE, so it is atomic on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from integration.store.tables import LeaseRow
from integration.store.types import utcnow


@dataclass(frozen=True, slots=True)
class LeaseHolder:
    holder: str
    detail: str | None
    acquired_at: datetime | None
    expires_at: datetime | None


class LeaseRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _ensure_row(self, name: str) -> None:
        if self._session.get(LeaseRow, name) is None:
            try:
                with self._session.begin_nested():
                    self._session.add(LeaseRow(name=name))
            except IntegrityError:
                pass  # another process created it first: fine, we only need it to exist

    def acquire(
        self,
        name: str,
        holder: str,
        ttl: timedelta,
        *,
        detail: str | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Take the lease if it is free, expired, or already ours (which renews it)."""
        now = now or utcnow()
        self._ensure_row(name)
        result = self._session.execute(
            update(LeaseRow)
            .where(
                LeaseRow.name == name,
                or_(LeaseRow.holder.is_(None), LeaseRow.expires_at < now, LeaseRow.holder == holder),
            )
            .values(holder=holder, detail=detail, acquired_at=now, expires_at=now + ttl)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def take_over(self, name: str, old_holder: str, holder: str, ttl: timedelta, *, detail: str | None = None,
                  now: datetime | None = None) -> bool:  # fmt: skip
        """Take the lease from `old_holder` (known to be dead), unless someone else already has."""
        now = now or utcnow()
        result = self._session.execute(
            update(LeaseRow)
            .where(LeaseRow.name == name, LeaseRow.holder == old_holder)
            .values(holder=holder, detail=detail, acquired_at=now, expires_at=now + ttl)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def release(self, name: str, holder: str) -> None:
        self._session.execute(
            update(LeaseRow)
            .where(LeaseRow.name == name, LeaseRow.holder == holder)
            .values(holder=None, detail=None, expires_at=None)
            .execution_options(synchronize_session=False)
        )

    def current(self, name: str, *, now: datetime | None = None) -> LeaseHolder | None:
        """Who holds the lease now, or None if it is free or expired."""
        now = now or utcnow()
        row = self._session.scalar(select(LeaseRow).where(LeaseRow.name == name))
        if row is None or row.holder is None or (row.expires_at is not None and row.expires_at < now):
            return None
        return LeaseHolder(row.holder, row.detail, row.acquired_at, row.expires_at)

    def claim_slot(
        self,
        name: str,
        slot: datetime,
        *,
        holder: str | None = None,
        ttl: timedelta | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Record that the job `name` runs for the scheduled time `slot`; False if some process already did.

        With `holder` and `ttl` the claim is also a lease held while the job runs (renew it with `take_over`, end it
        with `release`): no later slot can be claimed while it is held, and if its holder stops before releasing
        it (killed mid-run), the same slot can be claimed again once the lease has run out."""
        now = now or utcnow()
        self._ensure_row(name)
        free = or_(LeaseRow.holder.is_(None), LeaseRow.expires_at <= now)
        newer = or_(
            LeaseRow.last_slot.is_(None),
            LeaseRow.last_slot < slot,
            and_(LeaseRow.last_slot == slot, LeaseRow.holder.is_not(None)),  # its claimant died mid-run
        )
        expires = now + ttl if holder is not None and ttl is not None else None
        result = self._session.execute(
            update(LeaseRow)
            .where(LeaseRow.name == name, free, newer)
            .values(last_slot=slot, holder=holder if expires else None, acquired_at=now, expires_at=expires)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def slot_state(self, name: str) -> tuple[datetime | None, datetime | None]:
        """(the newest slot claimed, when the lease of a run still in progress runs out, else None)."""
        query = select(LeaseRow).where(LeaseRow.name == name).execution_options(populate_existing=True)
        row = self._session.scalar(query)
        if row is None:
            return None, None
        return row.last_slot, row.expires_at if row.holder is not None else None
