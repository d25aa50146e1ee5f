"""Lookups: Xero's list filters and `where` clauses, chunked so URLs stay short, pages followed to the end.

Xero prefers its explicit list parameters (`IDs`, `InvoiceNumbers`, `ContactIDs`) where an endpoint has them;
elsewhere a filter becomes `where=Field=="a" OR Field=="b"`. Different filters are ANDed, as Xero does with its
parameters. The longest value list is split into chunks and the rest sent whole, so the union over the chunks
is exactly the AND of the filters.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

CHUNK = 40
PAGE_SIZE = 100
MAX_PAGES = 1000


@dataclass(frozen=True, slots=True)
class Filter:
    """Match any of `values` on a list parameter (`param`) or a `where` field (`field`, optionally a Guid)."""

    values: tuple[str, ...]
    param: str | None = None
    field: str | None = None
    guid: bool = False

    @classmethod
    def on(
        cls, values: Iterable[str], *, param: str | None = None, field: str | None = None, guid: bool = False
    ) -> Filter:
        """A filter over `values`, duplicates dropped, order kept."""
        return cls(tuple(dict.fromkeys(values)), param, field, guid)


def literal(value: str, *, guid: bool = False) -> str:
    """A `where` literal; quotes and backslashes escaped as Xero's C#-style syntax expects."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'Guid("{escaped}")' if guid else f'"{escaped}"'


def any_of(field: str, values: Iterable[str], *, guid: bool = False) -> str:
    """`field` equal to any of `values`, as a `where` clause."""
    clauses = [f"{field}=={literal(v, guid=guid)}" for v in values]
    return clauses[0] if len(clauses) == 1 else "(" + " OR ".join(clauses) + ")"


def filter_params(filters: list[Filter], extra: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
    """The query parameters of each request needed to apply `filters`."""
    active = [f for f in filters if f.values]
    if not active:
        raise ValueError("a lookup needs at least one value to look for")
    longest = max(active, key=lambda f: len(f.values))
    for chunk in iter_chunks(list(longest.values), CHUNK):
        params = dict(extra or {})
        clauses = []
        for item in active:
            values = chunk if item is longest else list(item.values)
            if item.param:
                params[item.param] = ",".join(values)
            elif item.field:
                clauses.append(any_of(item.field, values, guid=item.guid))
        if clauses:
            params["where"] = " AND ".join(clauses)
        yield params


def sub_key(key: str, index: int) -> str:
    """A distinct, deterministic Idempotency-Key for the `index`-th request made on behalf of `key`."""
    derived = f"{key}#{index}"
    if len(derived) <= 128:
        return derived
    return f"{hashlib.sha256(key.encode()).hexdigest()}#{index}"


def items(payload: Any, key: str) -> list[dict[str, Any]]:
    """The list under `key` in a response body (empty when absent)."""
    found = payload.get(key) if isinstance(payload, dict) else None
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def iter_chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
