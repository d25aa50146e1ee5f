"""Actionstep's response envelope, and a lazy page iterator over it.

A GET answers `{"links": …, "<resource>": […] | {…}, "linked": {"<type>": […]}, "meta": {"paging": {"<resource>":
{…, "nextPage": url}}}}`; it is not JSON:API. The quirks handled here:
- the resource key holds a bare object when one record comes back: always normalised to a list;
- an empty result can be 204 with no body: an empty page;
- side-loaded records under `linked` become id -> record maps per resource type, for look-up by link id;
- the paging block is read under the resource that was asked for (the bills spec files it under another name, so a
  lone paging block is accepted whatever its key);
- numbers are parsed as `Decimal`, never float.

`pages()` follows `nextPage` one request at a time, so only one page is ever in memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from integration.errors import Unavailable

Record = dict[str, Any]
Linked = dict[str, dict[str, Record]]
Params = Mapping[str, str]
Get = Callable[[str, Params | None], httpx.Response]


class EnvelopeError(Unavailable):
    """The body is not an Actionstep envelope (a proxy's error page, say): retriable like any outage."""

    def __init__(self, message: str) -> None:
        super().__init__("actionstep", message)


@dataclass(frozen=True, slots=True)
class Page:
    records: list[Record]
    linked: Linked = field(default_factory=dict)
    next_page: str | None = None
    record_count: int | None = None


def _as_list(value: Any) -> list[Record]:
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    raise EnvelopeError(f"expected records, got {type(value).__name__}")


def parse_page(response: httpx.Response, resource: str) -> Page:
    """One page of `resource` from a 200 or 204 response."""
    if response.status_code == 204 or not response.content.strip():
        return Page([], record_count=0)
    try:
        body = json.loads(response.content, parse_float=Decimal)
    except ValueError as error:
        raise EnvelopeError(f"the response for {resource} is not JSON ({error})") from None
    if not isinstance(body, dict):
        raise EnvelopeError(f"the response for {resource} is not an object")
    linked: Linked = {
        name: {str(item.get("id")): item for item in _as_list(items)}
        for name, items in (body.get("linked") or {}).items()
    }
    paging_blocks = (body.get("meta") or {}).get("paging") or {}
    paging = paging_blocks.get(resource)
    if paging is None and len(paging_blocks) == 1:
        paging = next(iter(paging_blocks.values()))
    paging = paging or {}
    count = paging.get("recordCount")
    return Page(
        _as_list(body.get(resource)),
        linked,
        paging.get("nextPage") or None,
        int(count) if count is not None else None,
    )


def pages(get: Get, url: str, params: Params | None, resource: str) -> Iterator[Page]:
    """Every page of a listing, fetched as the previous one is consumed (nextPage carries the query on)."""
    page = parse_page(get(url, params), resource)
    yield page
    seen = {url}
    while page.next_page and page.next_page not in seen:
        seen.add(page.next_page)
        page = parse_page(get(page.next_page, None), resource)
        yield page
