"""Where a sync's reading of each kind starts: the one cursor of the ledger, and the documents still pending.

Per kind, the ledger's `cursors` table keeps the modification time the last run got to (key `documents:<kind>`).
The next listing starts `OVERLAP` before it, so a document whose timestamp lags its commit (a long transaction, or
clocks that disagree) by less than the overlap is still read; a document read twice is recognised by its version.

A document a run leaves unfinished (blocked, failed or unreadable, changed after posting) is kept in the ledger's pending set
(`pending_documents`) in the same transaction as its outcome, so the cursor moves on past it, to the newest change
seen. Each run lists what changed since the cursor, then reads the pending documents it did not list again by id;
one that finishes, or is gone or no longer approved in Actionstep, leaves the set. So a run's reads track what
changed, not the age of the oldest unfinished document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta

from integration.domain import Document, DocumentKind, ItemResult, MalformedDocument, SourceRef
from integration.store import Store, UnitOfWork

# Re-read this much before the cursor: clocks and commits are not perfectly ordered.
OVERLAP = timedelta(minutes=10)

Item = Document | MalformedDocument


def _key(kind: DocumentKind) -> str:
    return f"documents:{kind.value}"


def since(store: Store, kind: DocumentKind) -> datetime | None:
    """Where the next listing of `kind` starts: its cursor less the overlap (None: from the beginning)."""
    with store.unit_of_work() as uow:
        stored = uow.cursors.get(_key(kind))
    return start(datetime.fromisoformat(stored) if stored else None)


def pending(store: Store, kind: DocumentKind) -> list[str]:
    """The ids of `kind`'s documents a run left unfinished, to be read again by id."""
    with store.unit_of_work() as uow:
        return uow.pending.ids(kind)


def start(position: datetime | None, overlap: timedelta = OVERLAP) -> datetime | None:
    """Where a listing starts for a cursor at `position`: `overlap` before it (None: from the beginning)."""
    return position - overlap if position is not None else None


def _ref(item: Item) -> SourceRef:
    return item.source if isinstance(item, MalformedDocument) else item.ref


class KindCursor:
    """One kind's reading through one run: the newest change seen, the documents listed and read again, and the
    changes to the pending set not yet written."""

    def __init__(
        self, kind: DocumentKind, pending: Iterable[str] = (), *, began: datetime | None = None
    ) -> None:
        self.kind = kind
        self.newest: datetime | None = None
        # Timestamps have whole seconds: a change committed after the listing read a second's documents can carry
        # that same second, so the cursor never passes the second in which the listing began.
        self.began = began.replace(microsecond=0) if began is not None else None
        self._pending = list(pending)
        self._listed: set[str] = set()
        self._keep: dict[SourceRef, ItemResult] = {}
        self._drop: set[SourceRef] = set()

    def read(self, listing: Iterable[Item], by_id: Callable[[list[str]], Iterable[Item]]) -> Iterator[Item]:
        """What changed (`listing`), then the pending documents it did not hold, read again (`by_id`); a pending
        document that does not come back is gone or no longer approved, and leaves the set."""
        for item in listing:
            self._listed.add(_ref(item).id)
            yield item
        wanted = [i for i in self._pending if i not in self._listed]
        if not wanted:
            return
        found: set[str] = set()
        for item in by_id(wanted):
            found.add(_ref(item).id)
            yield item
        gone = {SourceRef(self.kind, i) for i in wanted if i not in found}
        self._drop |= gone
        for ref in gone:
            self._keep.pop(ref, None)

    def saw(self, modified_at: datetime | None, finished: bool, item: ItemResult | None = None) -> None:
        """A document decided: `item`, its outcome, keeps it pending unless `finished`."""
        if modified_at is not None:
            self.newest = modified_at if self.newest is None else max(self.newest, modified_at)
        if item is None:
            assert finished, "an unfinished document needs its outcome, to be kept pending"
            return
        if finished:
            self._drop.add(item.source)
            self._keep.pop(item.source, None)
        else:
            self._keep[item.source] = item
            self._drop.discard(item.source)

    def position(self) -> datetime | None:
        """Where this run leaves the cursor: the newest change seen, but not past the second the listing began
        (None: it saw nothing, and the cursor stays where it was)."""
        if self.newest is None or self.began is None:
            return self.newest
        return min(self.newest, self.began)

    def settle(self, uow: UnitOfWork) -> None:
        """Write the pending set's changes so far into `uow` (committed with the outcomes that caused them)."""
        for ref, item in self._keep.items():
            uow.pending.keep(ref, item.outcome.value, item.error_code)
        uow.pending.remove(self._drop)
        self._keep, self._drop = {}, set()

    def save(self, store: Store) -> None:
        """Move the cursor to the newest change seen, with what is left of the pending set's changes."""
        position = self.position()
        with store.unit_of_work() as uow:
            self.settle(uow)
            if position is not None:
                uow.cursors.set(_key(self.kind), position.isoformat())
            uow.commit()
