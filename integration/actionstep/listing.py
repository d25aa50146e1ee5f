"""Incremental reads: a listing of what changed since an instant that cannot skip a change.

**The listing** (`changed_since`) reads documents in (modifiedTimestamp, id) order. It does not walk `page=2, 3…`:
offset pages drift when a document changes mid-listing (it jumps to the end and everything after it slides back one
place, so one document is never seen). Each page is instead a fresh first page of "modified at or after the last
timestamp delivered" (`_gteq`, so documents sharing that timestamp are included), and the ids already delivered at
that timestamp are dropped. When more documents share one timestamp than fit on a page, they are drained by id
(`modifiedTimestamp_eq` + `id_gt`) before moving on (`_gt`). A change made during the listing gets a timestamp at or
after the current position, so it is delivered later in the same listing or by the next one.

Where a listing starts is the sync's cursor (`integration.sync.cursor`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from integration.actionstep.envelope import Linked, Page, Record
from integration.actionstep.resources import ID, MODIFIED, timestamp_filter
from integration.actionstep.schemas import parse_timestamp
from integration.errors import Rejected

Fetch = Callable[[dict[str, str]], Page]


class _Position:
    """The last timestamp delivered and the ids delivered at it."""

    def __init__(self, since: datetime | None) -> None:
        self.mark = None if since is None else since.replace(microsecond=0)
        self.seen: set[str] = set()
        self.unstamped: set[str] = set()

    def admit(self, record: Record) -> bool:
        """True (and remembered) if `record` has not been delivered yet."""
        record_id = str(record.get(ID))
        moment = _modified(record)
        if moment is None:
            fresh = record_id not in self.unstamped
            self.unstamped.add(record_id)
            return fresh
        if self.mark is None or moment > self.mark:
            self.mark, self.seen = moment, {record_id}
            return True
        if moment < self.mark or record_id in self.seen:
            return False
        self.seen.add(record_id)
        return True

    def window(self, after: bool) -> dict[str, str]:
        if self.mark is None:
            return {}
        return {f"{MODIFIED}_{'gt' if after else 'gteq'}": timestamp_filter(self.mark)}


def _modified(record: Record) -> datetime | None:
    try:
        return parse_timestamp(record.get(MODIFIED))
    except ValueError:
        return None  # the translator reports it; the record is delivered once


def _id_key(value: str) -> tuple[int, Any]:
    return (0, int(value)) if value.isdigit() else (1, value)


def changed_since(fetch: Fetch, since: datetime | None, resource: str) -> Iterator[tuple[Record, Linked]]:
    """Every record modified at or after `since`, each once, in modification order, a page at a time.

    `fetch(extra)` returns the first page of the listing (sorted by modifiedTimestamp then id) with `extra`
    filters added (and `sort` overridden when given)."""
    position = _Position(since)
    drained = False
    while True:
        page = fetch(position.window(after=drained))
        fresh = [record for record in page.records if position.admit(record)]
        more, progressed = page.next_page is not None, bool(fresh)
        for record in fresh:
            yield record, page.linked
        del page, fresh  # so the next page is fetched without this one still in memory
        if not more:
            return
        if progressed:
            drained = False
            continue
        if drained:
            raise Rejected(
                "actionstep",
                f"Actionstep did not honour the {MODIFIED} filter on {resource}; check resources.py.",
            )
        yield from _drain_group(fetch, position)
        drained = True


def _drain_group(fetch: Fetch, position: _Position) -> Iterator[tuple[Record, Linked]]:
    """The rest of the documents sharing the current timestamp, by id."""
    assert position.mark is not None
    stamp = timestamp_filter(position.mark)
    last = max(position.seen, key=_id_key)
    while True:
        page = fetch({f"{MODIFIED}_eq": stamp, f"{ID}_gt": last, "sort": ID})
        fresh = [record for record in page.records if position.admit(record)]
        if page.next_page is None or not fresh:
            yield from ((record, page.linked) for record in fresh)
            return
        last = str(fresh[-1].get(ID))
        for record in fresh:
            yield record, page.linked
        del page, fresh
