"""Collection queries on the local Actionstep: filters, sort, paging and includes, rendered in Actionstep's envelope.

From the docs: filters are `<field>_<op>=<value>` with ops eq, nteq, lt, lteq, gt, gteq, in, ntin, like, ntlike,
ilike, ntilike (`*` is the wildcard) and a bare `<field>=<value>` means eq (or in, given a comma list); a filter on a
to-many link matches when any of its ids does (reference digest §2 "Filtering": the PHP SDK's operator list and the
official demo's examples). Timestamps compare as instants. Dates (`DATE_FIELDS`: bills' `invoiceDate`, the other
documents' `date`) compare as calendar days, so `date_gteq=2026-07-01&date_lteq=2026-07-31` is July; the docs give no
example of a date filter's value, so the sandbox takes the form the dates are sent in, `YYYY-MM-DD`, and refuses
another (400, our choice), and a stored value that is not a date matches no order comparison. `sort` is a comma list with `-` for descending. `page` is 1-based and
`pageSize` is capped at 200 (default 50). `include=link[.link]` side-loads related records under `linked`.

The envelope is not JSON:API: the resource key holds a list, or a bare object when the response carries exactly one
record; `links` holds URL templates; `meta.paging.<resource>` has recordCount, pageCount, page, pageSize and
full-URL prevPage/nextPage. An empty result is left to the caller, which answers 204 with no body.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from sandboxes.actionstep.catalogue import DATE_FIELDS, TIMESTAMP_FIELDS
from sandboxes.actionstep.tables import Row, Table, as_timestamp

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
RESERVED = frozenset({"page", "pageSize", "sort", "include", "fields"})
POSITIVE_OPS = ("eq", "lt", "lteq", "gt", "gteq", "in", "like", "ilike")
NEGATED = {"nteq": "eq", "ntin": "in", "ntlike": "like", "ntilike": "ilike"}

Predicate = Callable[[Row], bool]


class QueryError(ValueError):
    """A query the API would refuse (400), with the reason."""


@dataclass(slots=True)
class Query:
    predicates: list[Predicate] = field(default_factory=list)
    sort: list[tuple[int, bool]] = field(default_factory=list)
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    include: list[str] = field(default_factory=list)


def _number(value: str) -> Decimal | None:
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "lt": operator.lt,
    "lteq": operator.le,
    "gt": operator.gt,
    "gteq": operator.ge,
}


def _pattern(value: str, ignore_case: bool) -> re.Pattern[str]:
    parts = (re.escape(part) for part in re.split(r"[*%]", value))
    return re.compile(".*".join(parts), re.IGNORECASE if ignore_case else 0)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _test(op: str, value: str, field: str) -> Callable[[Any], bool]:
    """How one stored value is tested against the filter's value; numbers compare as numbers, timestamps as
    instants and dates as days."""
    if op in ("like", "ilike"):
        pattern = _pattern(value, op == "ilike")
        return lambda stored: pattern.fullmatch(str(stored)) is not None
    if op == "in":
        texts = set(value.split(","))
        numbers = {number for number in map(_number, texts) if number is not None}
        return lambda stored: str(stored) in texts or (bool(numbers) and _number(str(stored)) in numbers)
    compare = ORDER[op]
    if field in TIMESTAMP_FIELDS:
        moment = as_timestamp(value)
        return lambda stored: compare(stored, moment)
    if field in DATE_FIELDS:
        day = date.fromisoformat(value)  # a ValueError is the caller's 400

        def on_day(stored: Any) -> bool:
            mine = _day(stored)
            return mine is not None and compare(mine, day)

        return on_day
    number = _number(value)

    def test(stored: Any) -> bool:
        text = str(stored)
        if op == "eq" and text == value:
            return True
        if number is not None:
            mine = _number(text)
            if mine is not None:
                return compare(mine, number)
        return compare(text, value)

    return test


def _predicate(table: Table, key: str, value: str) -> Predicate:
    name, _, op = key.rpartition("_")
    if not name or (op not in POSITIVE_OPS and op not in NEGATED):
        name, op = key, ("in" if "," in value else "eq")
    if "[" in name:
        raise QueryError(f"filtering on a linked resource's fields ({key}) is not supported here")
    index = table.column(name)
    if index is None:
        raise QueryError(f"{table.spec.name} has no field or link '{name}'")
    negated = op in NEGATED
    try:
        test = _test(NEGATED.get(op, op), value, name)
    except ValueError:
        what = "a date (YYYY-MM-DD)" if name in DATE_FIELDS else "a timestamp"
        raise QueryError(f"'{value}' is not {what} (filter {key})") from None

    def matches(row: Row) -> bool:
        stored = row[index]
        if isinstance(stored, tuple):
            hit = any(test(item) for item in stored if item is not None)
        else:
            hit = stored is not None and test(stored)
        return hit != negated

    return matches


def parse_query(table: Table, params: Sequence[tuple[str, str]]) -> Query:
    query = Query()
    for key, value in params:
        if key == "page":
            query.page = max(1, _int(key, value))
        elif key == "pageSize":
            query.page_size = min(MAX_PAGE_SIZE, max(1, _int(key, value)))
        elif key == "sort":
            query.sort = [_sort_field(table, item) for item in value.split(",") if item]
        elif key == "include":
            query.include = [item for item in value.split(",") if item]
        elif key not in RESERVED and not key.startswith("fields["):
            predicate = _predicate(table, key, value)
            # Timestamp and date filters are cheap and, late in a listing, rule out most rows: test them first.
            if key.partition("_")[0] in TIMESTAMP_FIELDS | DATE_FIELDS:
                query.predicates.insert(0, predicate)
            else:
                query.predicates.append(predicate)
    return query


def _int(key: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise QueryError(f"{key} must be a whole number, not '{value}'") from None


def _sort_field(table: Table, item: str) -> tuple[int, bool]:
    name = item.lstrip("-")
    index = table.column(name)
    if index is None:
        raise QueryError(f"{table.spec.name} cannot be sorted by '{name}'")
    return index, item.startswith("-")


def _sort_key(value: Any) -> tuple[Any, ...]:
    if isinstance(value, tuple):
        value = value[0] if value else None
    if value is None:
        return (0,)
    if isinstance(value, str):
        if value.isdigit():
            return (1, int(value))
        number = _number(value)
        return (1, number) if number is not None else (2, value)
    return (3, value)


def select(table: Table, query: Query, rows: Iterable[Row] | None = None) -> list[Row]:
    """Matching rows in the requested order (by id when no sort is given)."""
    predicates = query.predicates
    found = [row for row in (table if rows is None else rows) if all(p(row) for p in predicates)]
    found.sort(key=_by(0))
    for index, descending in reversed(query.sort):
        found.sort(key=_by(index), reverse=descending)
    return found


def _by(index: int) -> Callable[[Row], tuple[Any, ...]]:
    return lambda row: _sort_key(row[index])


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Row]
    record_count: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.record_count / self.page_size))


def page_of(rows: list[Row], query: Query) -> Page:
    start = (query.page - 1) * query.page_size
    return Page(rows[start : start + query.page_size], len(rows), query.page, query.page_size)


def _page_url(url: str, params: Sequence[tuple[str, str]], page: int) -> str:
    kept = [(k, v) for k, v in params if k != "page"]
    return f"{url}?{urlencode([*kept, ('page', str(page))])}"


def envelope(
    tables: dict[str, Table],
    table: Table,
    page: Page,
    include: Sequence[str],
    *,
    rest_base: str,
    url: str,
    params: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    """The response body for `page` of `table`, with includes side-loaded from `tables`."""
    spec = table.spec
    records = [table.render(row) for row in page.rows]
    body: dict[str, Any] = {
        "links": {
            f"{spec.name}.{link}": {"href": f"{rest_base}/{target}/{{{spec.name}.{link}}}", "type": target}
            for link, target in spec.links.items()
        },
        spec.name: records[0] if len(records) == 1 else records,
    }
    if include:
        linked: dict[str, dict[str, dict[str, Any]]] = {}
        for path in include:
            _side_load(tables, table, page.rows, path.split("."), linked)
        body["linked"] = {name: list(found.values()) for name, found in linked.items()}
    more, fewer = page.page < page.page_count, page.page > 1
    body["meta"] = {
        # Recent captures carry `debug` inside `meta` (issue 12 of this project); the PHP SDK strips it.
        "debug": {"server": "xerobot-sandbox"},
        "paging": {
            spec.name: {
                "recordCount": page.record_count,
                "pageCount": page.page_count,
                "page": page.page,
                "pageSize": page.page_size,
                "prevPage": _page_url(url, params, page.page - 1) if fewer else None,
                "nextPage": _page_url(url, params, page.page + 1) if more else None,
            }
        },
    }
    return body


def _side_load(
    tables: dict[str, Table],
    table: Table,
    rows: Iterable[Row],
    path: list[str],
    linked: dict[str, dict[str, dict[str, Any]]],
) -> None:
    link, rest = path[0], path[1:]
    target_name = table.spec.links.get(link)
    index = table.column(link)
    if target_name is None or index is None:
        raise QueryError(f"{table.spec.name} has no link '{link}' to include")
    target = tables[target_name]
    found: list[Row] = []
    for row in rows:
        ids = row[index] if isinstance(row[index], tuple) else (row[index],)
        found.extend(target.rows[i] for i in ids if i is not None and i in target.rows)
    bucket = linked.setdefault(target_name, {})
    for row in found:
        bucket.setdefault(row[0], target.render(row))
    if rest:
        _side_load(tables, target, found, rest, linked)
