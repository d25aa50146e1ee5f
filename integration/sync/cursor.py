"""Where a sync's listing of each kind starts: the one cursor of the ledger.

Per kind, the ledger's `cursors` table keeps the modification time the last run got to (key `documents:<kind>`).
The next listing starts `OVERLAP` before it, so a document whose timestamp lags its commit (a long transaction, or
clocks that disagree) by less than the overlap is still read; a document read twice is recognised by its version.

A run moves a kind's cursor only past documents that are finished: it stops at the oldest one still blocked or
failed (so that one is listed again next time), else at the newest one seen.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from integration.domain import DocumentKind
from integration.store import Store

# Re-read this much before the cursor: clocks and commits are not perfectly ordered.
OVERLAP = timedelta(minutes=10)


def _key(kind: DocumentKind) -> str:
    return f"documents:{kind.value}"


def since(store: Store, kind: DocumentKind) -> datetime | None:
    """Where the next listing of `kind` starts: its cursor less the overlap (None: from the beginning)."""
    with store.unit_of_work() as uow:
        stored = uow.cursors.get(_key(kind))
    return start(datetime.fromisoformat(stored) if stored else None)


def start(position: datetime | None, overlap: timedelta = OVERLAP) -> datetime | None:
    """Where a listing starts for a cursor at `position`: `overlap` before it (None: from the beginning)."""
    return position - overlap if position is not None else None


class KindCursor:
    """One kind's cursor through one run: the newest change seen, and the oldest document not yet finished."""

    def __init__(self, kind: DocumentKind) -> None:
        self.kind = kind
        self.newest: datetime | None = None
        self.oldest_unfinished: datetime | None = None

    def saw(self, modified_at: datetime, finished: bool) -> None:
        self.newest = modified_at if self.newest is None else max(self.newest, modified_at)
        if not finished:
            old = self.oldest_unfinished
            self.oldest_unfinished = modified_at if old is None else min(old, modified_at)

    def position(self) -> datetime | None:
        """Where this run leaves the cursor (None: it saw nothing, and the cursor stays where it was)."""
        return self.oldest_unfinished or self.newest

    def save(self, store: Store) -> None:
        position = self.position()
        if position is None:
            return
        with store.unit_of_work() as uow:
            uow.cursors.set(_key(self.kind), position.isoformat())
            uow.commit()
