"""The local Actionstep's storage: one table per resource, each record a compact row.

A record arrives in wire form (a dict of fields plus `links`) and is kept as a tuple aligned to its resource's
columns, so a large backlog costs a few hundred bytes a record rather than a dict per record and per `links`.
Timestamps are kept as aware datetimes in the firm's time zone (so filters and sorts compare instants, and renders
show the offset, as Actionstep does); everything else is kept as sent, so a test can seed a malformed value and
see the client cope with it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from sandboxes.actionstep.catalogue import NUMBER_FIELDS, TIMESTAMP_FIELDS, ResourceSpec

# The demo firm is in Sydney; a fixed offset keeps renders stable (Actionstep itself would follow DST).
FIRM_TZ = timezone(timedelta(hours=10))

Row = tuple[Any, ...]


def as_timestamp(value: Any) -> datetime | None:
    """An aware datetime in the firm's zone from an ISO string or datetime; naive values are taken as UTC."""
    if value is None or value == "":
        return None
    moment = (
        value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(FIRM_TZ)


def _link(value: Any, many: bool) -> Any:
    if many:
        if value is None:
            return ()
        items = value if isinstance(value, list | tuple) else str(value).split(",")
        return tuple(str(item) for item in items)
    return None if value is None else str(value)


class Table:
    """Records of one resource by id. Not thread-safe on its own: the sandbox holds its lock around every use."""

    def __init__(self, spec: ResourceSpec) -> None:
        self.spec = spec
        self.rows: dict[str, Row] = {}
        self._index = {name: i for i, name in enumerate(spec.columns)}
        self._stamps = [i for i, name in enumerate(spec.fields) if name in TIMESTAMP_FIELDS]
        self._numbers = [i for i, name in enumerate(spec.fields) if name in NUMBER_FIELDS]
        self._next_id = 1

    def column(self, name: str) -> int | None:
        return self._index.get(name)

    def to_row(self, record: Mapping[str, Any]) -> Row:
        spec = self.spec
        values: list[Any] = [record.get(name) for name in spec.fields]
        values[0] = str(values[0])
        for i in self._stamps:
            values[i] = as_timestamp(values[i])
        links = record.get("links") or {}
        values.extend(_link(links.get(name), name in spec.many) for name in spec.links)
        return tuple(values)

    def render(self, row: Row) -> dict[str, Any]:
        """The record as Actionstep sends it."""
        spec = self.spec
        count = len(spec.fields)
        out: dict[str, Any] = dict(zip(spec.fields, row[:count], strict=True))
        for i in self._stamps:
            if row[i] is not None:
                out[spec.fields[i]] = row[i].isoformat()
        for i in self._numbers:
            out[spec.fields[i]] = _number(row[i])
        out["id"] = _number(row[0])
        out["links"] = {
            name: [_number(item) for item in value] if isinstance(value, tuple) else value
            for name, value in zip(spec.links, row[count:], strict=True)
        }
        return out

    def put(self, record: Mapping[str, Any]) -> str:
        if record.get("id") is None:
            record = {**record, "id": str(self.allocate_id())}
        row = self.to_row(record)
        self.rows[row[0]] = row
        if row[0].isdigit():
            self._next_id = max(self._next_id, int(row[0]) + 1)
        return str(row[0])

    def allocate_id(self) -> int:
        allocated = self._next_id
        self._next_id += 1
        return allocated

    def replace(self, record_id: str, changes: Mapping[str, Any]) -> None:
        """Change some fields (and links) of a record; raises KeyError if there is none."""
        current = self.render(self.rows[record_id])
        links = {**current.pop("links"), **(changes.get("links") or {})}
        self.rows[record_id] = self.to_row({**current, **changes, "links": links})

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows.values())

    def __len__(self) -> int:
        return len(self.rows)


def _number(value: Any) -> Any:
    """A stored number as Actionstep sends it: an int or an exact Decimal (the sandbox's JSON writes both as JSON
    numbers); anything that is not a number is left as it is."""
    if value is None or isinstance(value, bool | int):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return value
    if not number.is_finite():
        return value
    return int(number) if number == number.to_integral_value() and "." not in str(value) else number
