"""Unlink requests still waiting (for approval, or for their steps to run), as the daily summary lists them.

A read-only query of `unlink_requests`; the unlink conversation owns the table's writes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from integration.store.tables import UnlinkRequestRow
from integration.summary import PendingUnlink

PENDING = "pending"


class PendingUnlinkQuery:
    def __init__(self, session: Session) -> None:
        self._session = session

    def pending(self, now: datetime) -> list[PendingUnlink]:
        """Requests not yet decided or done and not expired at `now`, oldest first."""
        rows = self._session.execute(
            select(
                UnlinkRequestRow.id,
                UnlinkRequestRow.number,
                UnlinkRequestRow.requested_by,
                UnlinkRequestRow.created_at,
                UnlinkRequestRow.expires_at,
            )
            .where(UnlinkRequestRow.state == PENDING, UnlinkRequestRow.expires_at > now)
            .order_by(UnlinkRequestRow.created_at, UnlinkRequestRow.id)
        )
        return [PendingUnlink(*row) for row in rows]
