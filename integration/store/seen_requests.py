"""Slack requests already served, by the digest of what identifies them, until their replay window closes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from integration.store.tables import SeenRequestRow


class SeenRequestRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, keys: Sequence[str], *, now: datetime, until: datetime) -> bool:
        """Record a request by its keys; False (and nothing recorded) when any of them is already recorded and
        not expired, by an earlier request or a concurrent one on another replica."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return True
        live = select(SeenRequestRow.id).where(
            SeenRequestRow.request_key.in_(keys), SeenRequestRow.expires_at >= now
        )
        if self._session.scalars(live.limit(1)).first() is not None:
            return False
        self._session.execute(
            delete(SeenRequestRow)
            .where(SeenRequestRow.request_key.in_(keys), SeenRequestRow.expires_at < now)
            .execution_options(synchronize_session=False)
        )
        try:
            with self._session.begin_nested():
                self._session.add_all(
                    SeenRequestRow(request_key=key, seen_at=now, expires_at=until) for key in keys
                )
        except IntegrityError:  # another replica recorded one of them first
            return False
        return True

    def forget_expired(self, now: datetime) -> int:
        """Delete the requests whose window has closed; returns how many."""
        result = self._session.execute(
            delete(SeenRequestRow)
            .where(SeenRequestRow.expires_at < now)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
