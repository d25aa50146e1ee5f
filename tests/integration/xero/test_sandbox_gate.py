"""What stands in front of the sandbox's API: tokens, the tenant header, rate limits, idempotency and faults."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest

from integration.clock import VirtualClock
from sandboxes.xero.emulator import XeroSandbox
from sandboxes.xero.gate import Limits, RateLimiter
from sandboxes.xero.wsgi import HttpError
from tests.integration.xero.sandbox_calls import Caller, invoice, to_json


@pytest.fixture
def client_id(sandbox: XeroSandbox) -> str:
    found = sandbox.books.contact_by_name("Northwind Holdings Pty Ltd")
    assert found is not None
    return found.id


def test_the_api_wants_a_live_bearer_token_and_the_tenant_header(
    caller: Caller, sandbox: XeroSandbox
) -> None:
    no_token = caller.http.get("/api.xro/2.0/Organisation", headers={"xero-tenant-id": sandbox.tenant_id})
    assert no_token.status_code == 401 and no_token.json()["Detail"] == "AuthenticationUnsuccessful"
    no_tenant = caller.http.get(
        "/api.xro/2.0/Organisation", headers={"Authorization": f"Bearer {caller.token}"}
    )
    assert no_tenant.status_code == 403
    assert caller.get("Organisation").status_code == 200
    sandbox.expire_tokens()
    assert caller.get("Organisation").status_code == 401


def test_the_sandbox_answers_below_its_prefix_or_when_mounted_there(sandbox: XeroSandbox) -> None:
    plain = httpx.Client(transport=httpx.WSGITransport(app=sandbox), base_url="http://sandbox")
    assert plain.get("/api.xro/2.0/Organisation").status_code == 404
    mounted = httpx.Client(
        transport=httpx.WSGITransport(app=sandbox, script_name="/xero"), base_url="http://sandbox"
    )
    assert mounted.get("/xero/api.xro/2.0/Organisation").status_code == 401


def test_every_answer_says_what_is_left_of_the_minute_day_and_app_budgets(caller: Caller) -> None:
    first, second = caller.get("Organisation"), caller.get("Accounts")
    assert first.headers["X-MinLimit-Remaining"] == "59" and second.headers["X-MinLimit-Remaining"] == "58"
    assert (
        second.headers["X-DayLimit-Remaining"] == "4998"
        and second.headers["X-AppMinLimit-Remaining"] == "9998"
    )


def test_the_sixty_first_call_in_a_minute_is_a_429_with_retry_after_until_the_window_ends(
    clock: VirtualClock,
) -> None:
    sandbox = XeroSandbox.demo(clock=clock, limits=Limits(per_minute=3))
    caller = Caller(sandbox)
    for _ in range(3):
        assert caller.get("Organisation").status_code == 200
        clock.advance(10)
    refused = caller.get("Organisation")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "30" and refused.headers["X-Rate-Limit-Problem"] == "minute"
    assert refused.headers["X-MinLimit-Remaining"] == "0"
    clock.advance(30)
    assert caller.get("Organisation").status_code == 200


def test_the_day_limit_is_a_429_naming_the_day(clock: VirtualClock) -> None:
    sandbox = XeroSandbox.demo(clock=clock, limits=Limits(per_day=2))
    caller = Caller(sandbox)
    assert [caller.get("Organisation").headers["X-DayLimit-Remaining"] for _ in range(2)] == ["1", "0"]
    refused = caller.get("Organisation")
    assert refused.status_code == 429 and refused.headers["X-Rate-Limit-Problem"] == "day"
    assert refused.headers["Retry-After"] == "86400"


def test_a_sixth_call_in_flight_is_refused_as_concurrent() -> None:
    limiter, now = RateLimiter(Limits()), datetime(2026, 11, 2, tzinfo=UTC)
    for _ in range(5):
        limiter.admit("tenant", now)
    with pytest.raises(HttpError) as refused:
        limiter.admit("tenant", now)
    assert refused.value.status == 429 and ("X-Rate-Limit-Problem", "concurrent") in refused.value.headers
    limiter.release("tenant")
    assert limiter.admit("tenant", now)


def test_the_same_key_and_request_within_six_minutes_replays_the_first_answer(
    caller: Caller, sandbox: XeroSandbox, clock: VirtualClock, client_id: str
) -> None:
    body = {"Invoices": [invoice("INV-1", client_id)]}
    first = caller.put("Invoices", body, key="Key-1")
    clock.advance(5 * 60)
    again = caller.put("Invoices", body, key="key-1")  # keys are not case-sensitive
    assert again.content == first.content and sandbox.keys.replays == 1
    assert len(sandbox.invoices()) == 1
    assert again.headers["X-DayLimit-Remaining"] == "4998"  # a replay still counts against the limits


def test_the_same_key_with_a_different_request_is_a_400(caller: Caller, client_id: str) -> None:
    caller.put("Invoices", {"Invoices": [invoice("INV-1", client_id)]}, key="k-1")
    clash = caller.put("Invoices", {"Invoices": [invoice("INV-2", client_id)]}, key="k-1")
    assert clash.status_code == 400
    assert clash.json()["Message"] == "Idempotency Key: k-1 is used with a different request."
    other_url = caller.put("Invoices", {"Invoices": [invoice("INV-1", client_id)]}, key="k-1", unitdp="4")
    assert other_url.status_code == 400


def test_after_six_minutes_a_key_is_new_again(
    caller: Caller, sandbox: XeroSandbox, clock: VirtualClock, client_id: str
) -> None:
    caller.put("Invoices", {"Invoices": [invoice("INV-1", client_id)]}, key="k-1")
    clock.advance(6 * 60)
    (element,) = caller.put("Invoices", {"Invoices": [invoice("INV-1", client_id)]}, key="k-1").json()[
        "Invoices"
    ]
    assert element["ValidationErrors"] == [{"Message": "Invoice # must be unique."}]


def test_keys_longer_than_128_characters_are_refused(caller: Caller, client_id: str) -> None:
    response = caller.put("Invoices", {"Invoices": [invoice("INV-1", client_id)]}, key="k" * 129)
    assert response.status_code == 400


def test_an_injected_5xx_applies_nothing_and_a_remembered_one_answers_every_retry(
    caller: Caller, sandbox: XeroSandbox, client_id: str
) -> None:
    body = {"Invoices": [invoice("INV-1", client_id)]}
    sandbox.faults.fail_next(1, status=503, path="Invoices")
    assert caller.put("Invoices", body, key="a").status_code == 503
    sandbox.faults.fail_next(1, status=500, remember=True)
    assert caller.put("Invoices", body, key="b").status_code == 500
    assert caller.put("Invoices", body, key="b").status_code == 500  # Xero remembers its internal errors too
    assert sandbox.invoices() == []
    assert caller.put("Invoices", body, key="a").status_code == 200


def test_a_dropped_answer_means_the_write_happened_and_a_timeout_means_it_did_not(
    caller: Caller, sandbox: XeroSandbox, client_id: str
) -> None:
    sandbox.faults.time_out_next(1, method="PUT")
    with pytest.raises(TimeoutError):
        caller.put("Invoices", {"Invoices": [invoice("INV-1", client_id)]}, key="a")
    assert sandbox.invoices() == []
    sandbox.faults.drop_response_next(1, path="Invoices")
    with pytest.raises(ConnectionResetError):
        caller.put("Invoices", {"Invoices": [invoice("INV-1", client_id)]}, key="a")
    assert [i["InvoiceNumber"] for i in sandbox.invoices()] == ["INV-1"]
    replay = caller.put("Invoices", {"Invoices": [invoice("INV-1", client_id)]}, key="a")
    assert replay.json(parse_float=Decimal)["Invoices"][0]["Total"] == Decimal("110.00")


def test_concurrent_writes_are_applied_once_per_key_and_numbered_without_clashes(clock: VirtualClock) -> None:
    sandbox = XeroSandbox.demo(
        clock=clock, limits=Limits(concurrent=100)
    )  # in-flight limits are tested above
    client_id = sandbox.add_contact("Client")
    start = threading.Barrier(8)
    answers: list[bytes] = []

    def write(index: int) -> None:
        caller = Caller(sandbox)
        start.wait()
        same = caller.put("Invoices", {"Invoices": [invoice("INV-SAME", client_id)]}, key="shared")
        answers.append(same.content)
        caller.put("Invoices", {"Invoices": [invoice(None, client_id)] * 5}, key=f"own-{index}")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(answers) == 8 and len(set(answers)) == 1
    numbers = [i["InvoiceNumber"] for i in sandbox.invoices()]
    assert numbers.count("INV-SAME") == 1 and len(numbers) == 41 and len(set(numbers)) == 41


def test_a_request_cut_short_of_its_content_length_is_refused_and_does_not_spend_its_idempotency_key(
    caller: Caller, sandbox: XeroSandbox, client_id: str
) -> None:
    body = to_json({"Invoices": [invoice("INV-CUT", client_id)]})
    environ = {
        "REQUEST_METHOD": "PUT",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/xero/api.xro/2.0/Invoices",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Bearer {caller.token}",
        "HTTP_XERO_TENANT_ID": sandbox.tenant_id,
        "HTTP_IDEMPOTENCY_KEY": "cut-short",
        "wsgi.input": io.BytesIO(body[: len(body) // 2]),
    }
    statuses: list[str] = []
    list(sandbox(environ, lambda status, headers, *_: statuses.append(status)))
    assert statuses[0].startswith("400")
    assert not any(i.get("InvoiceNumber") == "INV-CUT" for i in sandbox.invoices())
    complete = caller.write("PUT", "Invoices", {"Invoices": [invoice("INV-CUT", client_id)]}, key="cut-short")
    assert complete.status_code == 200
    assert [i["InvoiceNumber"] for i in sandbox.invoices()].count("INV-CUT") == 1
