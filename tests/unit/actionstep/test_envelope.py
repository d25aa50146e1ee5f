"""Parsing Actionstep's envelope: object-or-list, 204, linked maps, paging under the resource asked for."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from integration.actionstep.envelope import EnvelopeError, pages, parse_page


def response(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode() if body is not None else b"")


def test_a_single_record_as_an_object_becomes_a_one_item_list() -> None:
    page = parse_page(
        response({"bills": {"id": "1"}, "meta": {"paging": {"bills": {"recordCount": 1}}}}), "bills"
    )
    assert page.records == [{"id": "1"}] and page.record_count == 1 and page.next_page is None


def test_204_and_an_empty_body_are_an_empty_page() -> None:
    assert parse_page(response(None, 204), "bills").records == []
    assert parse_page(response(None, 200), "bills").record_count == 0


def test_linked_records_become_id_maps_per_type_whatever_their_id_type() -> None:
    body = {
        "bills": [{"id": "1"}],
        "linked": {"billlines": [{"id": 7, "amount": "1"}], "taxcodes": {"id": "2"}},
    }
    page = parse_page(response(body), "bills")
    assert page.linked == {"billlines": {"7": {"id": 7, "amount": "1"}}, "taxcodes": {"2": {"id": "2"}}}


def test_paging_is_read_under_the_resource_or_a_lone_block_under_another_name() -> None:
    right = {"bills": [], "meta": {"paging": {"bills": {"nextPage": "http://x/2", "recordCount": "9"}}}}
    assert parse_page(response(right), "bills").next_page == "http://x/2"
    assert parse_page(response(right), "bills").record_count == 9
    spec_bug = {"bills": [], "meta": {"paging": {"participants": {"nextPage": "http://x/3"}}}}
    assert parse_page(response(spec_bug), "bills").next_page == "http://x/3"


def test_numbers_in_the_body_are_decimals_never_floats() -> None:
    page = parse_page(httpx.Response(200, content=b'{"bills": [{"id": 1, "totalInclusive": 0.1}]}'), "bills")
    assert page.records[0]["totalInclusive"] == Decimal("0.1")


@pytest.mark.parametrize("content", [b"not json", b"[1, 2]", b'{"bills": "nope"}'])
def test_a_body_that_is_not_an_envelope_is_refused(content: bytes) -> None:
    with pytest.raises(EnvelopeError):
        parse_page(httpx.Response(200, content=content), "bills")


def test_pages_follow_next_page_lazily_and_stop_on_a_repeated_url() -> None:
    served: list[str] = []
    bodies = {
        "http://x/bills": {
            "bills": [{"id": "1"}],
            "meta": {"paging": {"bills": {"nextPage": "http://x/bills?page=2"}}},
        },
        "http://x/bills?page=2": {
            "bills": [{"id": "2"}],
            "meta": {"paging": {"bills": {"nextPage": "http://x/bills"}}},
        },
    }

    def get(url: str, params: Any) -> httpx.Response:
        served.append(url)
        return response(bodies[url])

    walk = pages(get, "http://x/bills", None, "bills")
    assert next(walk).records == [{"id": "1"}] and served == ["http://x/bills"]
    assert [p.records for p in walk] == [[{"id": "2"}]] and len(served) == 2
