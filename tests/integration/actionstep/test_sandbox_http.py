"""The local Actionstep at the HTTP level: envelope quirks, filters, sort, paging, includes, headers, OAuth, faults.

These talk to the sandbox with plain httpx, never through our client, so they check the sandbox against the docs.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from integration.clock import VirtualClock
from sandboxes.actionstep.emulator import ActionstepSandbox
from tests.support.actionstep import BASE, REDIRECT, REST, TOKEN_URL, bearer


@pytest.fixture
def headers(sandbox: ActionstepSandbox, http: httpx.Client) -> dict[str, str]:
    return bearer(sandbox, http)


def get(http: httpx.Client, headers: dict[str, str], path: str, **params: Any) -> httpx.Response:
    return http.get(f"{REST}/{path}", params=params, headers=headers)


def numbers(body: dict[str, Any]) -> list[str]:
    bills = body["bills"]
    return [b["ourReference"] for b in (bills if isinstance(bills, list) else [bills])]


def test_a_listing_has_the_resource_key_links_meta_paging_and_no_data_key(
    http: httpx.Client, headers: dict[str, str]
) -> None:
    body = get(http, headers, "bills", pageSize=2).json()
    assert "data" not in body
    assert isinstance(body["bills"], list) and len(body["bills"]) == 2
    assert body["links"]["bills.theirParticipant"] == {
        "href": f"{REST}/participants/{{bills.theirParticipant}}",
        "type": "participants",
    }
    paging = body["meta"]["paging"]["bills"]
    assert paging["recordCount"] == 11 and paging["pageCount"] == 6 and paging["page"] == 1
    assert paging["prevPage"] is None and paging["nextPage"].startswith(f"{REST}/bills?")
    assert parse_qs(urlsplit(paging["nextPage"]).query)["page"] == ["2"]


def test_ids_and_money_come_as_exact_json_numbers_booleans_as_t_or_f_and_timestamps_carry_an_offset(
    http: httpx.Client, headers: dict[str, str]
) -> None:
    response = get(http, headers, "bills", ourReference="INV-1001")
    assert '"id":1,' in response.text and '"totalInclusive":4357.00,' in response.text
    body = json.loads(response.content, parse_float=Decimal)
    bill = body["bills"]
    assert bill["id"] == 1 and bill["totalInclusive"] == Decimal("4357.00")
    assert bill["modifiedTimestamp"] == "2026-07-06T16:30:00+10:00"
    assert bill["links"]["action"] == [5001] and bill["links"]["theirParticipant"] == "101"
    assert "debug" in body["meta"] and "debug" not in body
    participant = get(http, headers, "participants/101").json()["participants"]
    assert participant["isCompany"] == "T"


def test_a_query_matching_one_record_returns_a_bare_object(
    http: httpx.Client, headers: dict[str, str]
) -> None:
    body = get(http, headers, "bills", ourReference="INV-1002").json()
    assert isinstance(body["bills"], dict) and body["bills"]["ourReference"] == "INV-1002"


def test_a_query_matching_nothing_is_204_with_no_body(http: httpx.Client, headers: dict[str, str]) -> None:
    response = get(http, headers, "bills", ourReference="INV-NOPE")
    assert response.status_code == 204 and response.content == b""


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"ourReference": "INV-1001"}, ["INV-1001"]),
        ({"ourReference_eq": "INV-1001"}, ["INV-1001"]),
        (
            {"status_nteq": "Open", "sort": "ourReference"},
            ["INV-1001", "INV-1004", "INV-1005", "INV-1007", "INV-1008", "INV-1010"],
        ),
        ({"totalInclusive_lt": "1000", "sort": "totalInclusive"}, ["INV-1008", "INV-1007", "INV-0998"]),
        ({"totalInclusive_lteq": "907.50", "sort": "totalInclusive"}, ["INV-1008", "INV-1007", "INV-0998"]),
        ({"totalInclusive_gt": "4205", "sort": "-totalInclusive"}, ["INV-1001"]),
        ({"totalInclusive_gteq": "4205.00", "sort": "-totalInclusive"}, ["INV-1001", "INV-1002"]),
        ({"modifiedTimestamp_gteq": "2026-08-10T09:00:00+10:00", "sort": "id"}, ["INV-1009", "INV-1010"]),
        ({"modifiedTimestamp_gt": "2026-08-09T23:00:00", "sort": "id"}, []),
        ({"status_in": "Draft,Deleted", "sort": "id"}, ["INV-1007", "INV-1008"]),
        ({"status_ntin": "Open,Closed,Draft"}, ["INV-1008"]),
        ({"status": "Draft,Deleted", "sort": "id"}, ["INV-1007", "INV-1008"]),
        ({"ourReference_ilike": "inv-099*"}, ["INV-0998"]),
        ({"ourReference_like": "inv-099*"}, []),
        ({"ourReference_ntilike": "INV-10*"}, ["INV-0998"]),
        ({"action": "5003", "sort": "id"}, ["INV-1003", "INV-1006"]),
        ({"id_in": "2,3"}, ["INV-1002", "INV-1003"]),
    ],
)
def test_filters_follow_the_documented_operators(
    http: httpx.Client, headers: dict[str, str], params: dict[str, str], expected: list[str]
) -> None:
    response = get(http, headers, "bills", **params)
    assert (numbers(response.json()) if response.status_code == 200 else []) == expected


def test_an_unknown_field_or_an_unsupported_nested_filter_is_a_400_with_errors(
    http: httpx.Client, headers: dict[str, str]
) -> None:
    for params in (
        {"colour_eq": "red"},
        {"action[actionType]": "5"},
        {"sort": "colour"},
        {"pageSize": "many"},
    ):
        response = get(http, headers, "bills", **params)
        assert response.status_code == 400 and set(response.json()) == {"errors"}


def test_sort_takes_several_fields_and_a_minus_for_descending(
    http: httpx.Client, headers: dict[str, str]
) -> None:
    body = get(http, headers, "bills", sort="-modifiedTimestamp,-id", pageSize=3).json()
    assert numbers(body) == ["INV-1010", "INV-1009", "INV-1008"]


def test_page_size_is_capped_at_200_and_next_page_urls_walk_the_rest(
    sandbox: ActionstepSandbox, http: httpx.Client, headers: dict[str, str]
) -> None:
    for i in range(250):
        sandbox.put("participants", {"id": str(9000 + i), "displayName": f"P{i}", "isCompany": "F"})
    body = get(http, headers, "participants", pageSize=500).json()
    paging = body["meta"]["paging"]["participants"]
    assert len(body["participants"]) == 200 and paging["pageSize"] == 200 and paging["pageCount"] == 2
    second = http.get(paging["nextPage"], headers=headers).json()
    assert len(second["participants"]) == paging["recordCount"] - 200
    assert second["meta"]["paging"]["participants"]["nextPage"] is None
    assert second["meta"]["paging"]["participants"]["prevPage"] is not None


def test_include_side_loads_linked_records_including_chained_links(
    http: httpx.Client, headers: dict[str, str]
) -> None:
    body = get(
        http, headers, "bills", ourReference="INV-1001", include="lines.taxCode,theirParticipant"
    ).json()
    lines = body["linked"]["billlines"]
    assert [line["id"] for line in lines] == body["bills"]["links"]["lines"]
    assert {code["code"] for code in body["linked"]["taxcodes"]} == {"GST", "FRE"}
    assert body["linked"]["participants"][0]["displayName"] == "Northwind Holdings Pty Ltd"
    assert get(http, headers, "bills", include="nothing").status_code == 400


def test_records_are_read_by_one_id_or_a_comma_list_and_an_unknown_id_is_404(
    http: httpx.Client, headers: dict[str, str]
) -> None:
    assert get(http, headers, "participants/102").json()["participants"]["displayName"] == "Margaret O'Brien"
    several = get(http, headers, "participants/101,999,203").json()["participants"]
    assert [p["id"] for p in several] == [101, 203]
    assert get(http, headers, "participants/999").status_code == 404
    assert get(http, headers, "nosuchthings").status_code == 404


def test_the_api_needs_a_valid_bearer_token_and_actionsteps_media_type(
    sandbox: ActionstepSandbox, clock: VirtualClock, http: httpx.Client, headers: dict[str, str]
) -> None:
    assert http.get(f"{REST}/bills", headers={**headers, "Authorization": "Bearer nope"}).status_code == 401
    assert http.get(f"{REST}/bills", headers={**headers, "Accept": "application/json"}).status_code == 406
    assert http.get(f"{REST}/bills", headers={**headers, "Content-Type": "text/plain"}).status_code == 415
    assert http.options(f"{REST}/bills", headers=headers).headers["Allow"] == "GET, OPTIONS"
    clock.advance(3601)
    assert http.get(f"{REST}/bills", headers=headers).status_code == 401


def test_authorize_redirects_back_with_a_code_that_exchanges_once_for_tokens(http: httpx.Client) -> None:
    response = http.get(
        f"{BASE}/actionstep/api/oauth/authorize",
        params={"response_type": "code", "client_id": "sandbox", "redirect_uri": REDIRECT, "state": "s-1"},
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT and query["state"] == ["s-1"]
    form = {
        "grant_type": "authorization_code",
        "code": query["code"][0],
        "redirect_uri": REDIRECT,
        "client_id": "sandbox",
        "client_secret": "sandbox",
    }
    tokens = http.post(TOKEN_URL, data=form).json()
    assert tokens["api_endpoint"] == f"{BASE}/actionstep/api/" and tokens["orgkey"] == "harbourfinch"
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 3600 and tokens["refresh_token"]
    assert http.post(TOKEN_URL, data=form).json() == {
        "error": "invalid_grant",
        "error_description": "unknown code",
    }


def test_refresh_tokens_rotate_but_the_standing_sandbox_token_always_works(
    sandbox: ActionstepSandbox, http: httpx.Client
) -> None:
    def refresh(token: str, secret: str = "sandbox") -> httpx.Response:  # noqa: S107
        form = {
            "grant_type": "refresh_token",
            "refresh_token": token,
            "client_id": "sandbox",
            "client_secret": secret,
        }
        return http.post(TOKEN_URL, data=form)

    first = refresh("sandbox").json()
    second = refresh(first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert refresh(first["refresh_token"]).status_code == 400  # spent
    assert refresh("sandbox").status_code == 200 and refresh("sandbox").status_code == 200
    assert refresh("sandbox", secret="wrong").status_code == 401
    basic = http.post(
        TOKEN_URL,
        data={"grant_type": "refresh_token", "refresh_token": "sandbox"},
        auth=("sandbox", "sandbox"),
    )
    assert basic.status_code == 200
    assert sandbox.oauth.grants["refresh_token"] == 5


def test_faults_answer_the_next_requests_with_429_5xx_or_401_in_order(
    sandbox: ActionstepSandbox, http: httpx.Client, headers: dict[str, str]
) -> None:
    sandbox.faults.rate_limit(retry_after=7)
    sandbox.faults.rate_limit()
    sandbox.faults.server_error(2, status=503)
    sandbox.faults.unauthorized()
    assert sandbox.faults.pending == 5
    first = get(http, headers, "bills")
    assert first.status_code == 429 and first.headers["Retry-After"] == "7"
    second = get(http, headers, "bills")
    assert second.status_code == 429 and "Retry-After" not in second.headers
    assert [get(http, headers, "bills").status_code for _ in range(4)] == [503, 503, 401, 200]
    assert sandbox.faults.pending == 0


def test_a_fault_for_one_resource_leaves_the_others_alone_and_slow_pages_take_time(
    sandbox: ActionstepSandbox, clock: VirtualClock, http: httpx.Client, headers: dict[str, str]
) -> None:
    sandbox.faults.server_error(resource="receipts")
    sandbox.faults.slow(seconds=30, resource="bills")
    assert get(http, headers, "taxcodes").status_code == 200
    assert get(http, headers, "receipts").status_code == 500
    before = clock.now()
    assert get(http, headers, "bills").status_code == 200
    assert (clock.now() - before).total_seconds() == 30


def test_the_sandbox_answers_only_under_its_prefix_and_may_be_mounted_with_script_name(
    sandbox: ActionstepSandbox, headers: dict[str, str]
) -> None:
    with httpx.Client(transport=httpx.WSGITransport(app=sandbox), base_url=BASE) as plain:
        assert plain.get(f"{BASE}/api/rest/bills", headers=headers).status_code == 404
    mounted = httpx.WSGITransport(app=sandbox, script_name="/actionstep")
    with httpx.Client(transport=mounted, base_url=BASE) as client:
        assert client.get(f"{BASE}/api/rest/taxcodes", headers=headers).status_code == 200


def test_requests_are_recorded_without_their_tokens(
    sandbox: ActionstepSandbox, http: httpx.Client, headers: dict[str, str]
) -> None:
    get(http, headers, "taxcodes", pageSize=5)
    last = sandbox.requests[-1]
    assert (last.method, last.path, last.query, last.status) == (
        "GET",
        "/actionstep/api/rest/taxcodes",
        "pageSize=5",
        200,
    )
    assert last.accept == "application/vnd.api+json"
    assert headers["Authorization"][7:] not in repr(list(sandbox.requests))


def test_a_documents_deep_link_lands_on_a_page_that_names_it(http: httpx.Client) -> None:
    page = http.get(f"{BASE}/actionstep/mym/asfw/billing/bill/view/id/1")
    assert page.status_code == 200 and "/mym/asfw/billing/bill/view/id/1" in page.text
