"""Keyed listings: every record from a point in one field's order, page by page, that cannot skip one.

**The listing** (`changed_since`) reads documents in (modifiedTimestamp, id) order; `dated_between` reads them in
(date, id) order between two dates. Neither walks `page=2, 3…`: offset pages drift when a document changes
mid-listing (it jumps to the end, or leaves the listing, and everything after it slides back one place, so one
document is never seen). Each page is instead a fresh first page of "key at or after the last key delivered"
(`_gteq`, so documents sharing that key are included), and the ids already delivered at that key are dropped. When
more documents share one key than fit on a page, they are drained by id (`<key>_eq` + `id_gt`) before moving on
(`_gt`). A change made during a modification listing gets a timestamp at or after the current position, so it is
delivered later in the same listing or by the next one.

Where a modification listing starts is the sync's cursor (`integration.sync.cursor`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from integration.actionstep.envelope import Linked, Page, Record
from integration.actionstep.resources import ID, MODIFIED, timestamp_filter
from integration.actionstep.schemas import parse_timestamp
from integration.errors import Rejected

Fetch = Callable[[dict[str, str]], Page]


@dataclass(frozen=True, slots=True)
class _Key:
    """The field a listing is ordered on: how to read it from a record and how to write it in a filter."""

    field: str
    read: Callable[[Any], Any]  # raises ValueError for a value that is not one
    render: Callable[[Any], str]


class _Position:
    """The last key delivered and the ids delivered at it."""

    def __init__(self, key: _Key, start: Any) -> None:
        self.key = key
        self.mark = start
        self.seen: set[str] = set()
        self.unkeyed: set[str] = set()

    def admit(self, record: Record) -> bool:
        """True (and remembered) if `record` has not been delivered yet."""
        record_id = str(record.get(ID))
        try:
            value = self.key.read(record.get(self.key.field))
        except ValueError:
            value = None  # the translator reports it; the record is delivered once
        if value is None:
            fresh = record_id not in self.unkeyed
            self.unkeyed.add(record_id)
            return fresh
        if self.mark is None or value > self.mark:
            self.mark, self.seen = value, {record_id}
            return True
        if value < self.mark or record_id in self.seen:
            return False
        self.seen.add(record_id)
        return True

    def window(self, after: bool) -> dict[str, str]:
        if self.mark is None:
            return {}
        return {f"{self.key.field}_{'gt' if after else 'gteq'}": self.key.render(self.mark)}


def _id_key(value: str) -> tuple[int, Any]:
    return (0, int(value)) if value.isdigit() else (1, value)


def _calendar_day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except (TypeError, ValueError):
        raise ValueError(f"is not a date: {value!r}") from None


_MODIFIED = _Key(MODIFIED, parse_timestamp, timestamp_filter)


def changed_since(fetch: Fetch, since: datetime | None, resource: str) -> Iterator[tuple[Record, Linked]]:
    """Every record modified at or after `since`, each once, in modification order, a page at a time.

    `fetch(extra)` returns the first page of the listing (sorted by modifiedTimestamp then id) with `extra`
    filters added (and `sort` overridden when given)."""
    start = None if since is None else since.replace(microsecond=0)
    return _keyed(fetch, _Position(_MODIFIED, start), resource)


def dated_between(
    fetch: Fetch, date_field: str, start: date | None, resource: str
) -> Iterator[tuple[Record, Linked]]:
    """Every record whose `date_field` is on or after `start` (None: the beginning), each once, in date order, a
    page at a time. The dates are written `YYYY-MM-DD`, as Actionstep sends them (`reference/actionstep.md`, bills'
    `invoiceDate`).

    `fetch(extra)` returns the first page of the listing (sorted by `date_field` then id, its upper bound already
    among its filters) with `extra` filters added (and `sort` overridden when given)."""
    key = _Key(date_field, _calendar_day, date.isoformat)
    return _keyed(fetch, _Position(key, start), resource)


def _keyed(fetch: Fetch, position: _Position, resource: str) -> Iterator[tuple[Record, Linked]]:
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
                f"Actionstep did not honour the {position.key.field} filter on {resource}; check resources.py.",
            )
        yield from _drain_group(fetch, position)
        drained = True


def _drain_group(fetch: Fetch, position: _Position) -> Iterator[tuple[Record, Linked]]:
    """The rest of the documents sharing the current key, by id."""
    assert position.mark is not None
    field, stamp = position.key.field, position.key.render(position.mark)
    last = max(position.seen, key=_id_key)
    while True:
        page = fetch({f"{field}_eq": stamp, f"{ID}_gt": last, "sort": ID})
        fresh = [record for record in page.records if position.admit(record)]
        if page.next_page is None or not fresh:
            yield from ((record, page.linked) for record in fresh)
            return
        last = str(fresh[-1].get(ID))
        for record in fresh:
            yield record, page.linked
        del page, fresh
