"""Faults and limits: retries only where safe, uncertain outcomes settled by lookup, rate limits honoured."""

from __future__ import annotations

import httpx
import pytest

from integration.clock import VirtualClock
from integration.errors import AuthError, DailyLimitReached, Rejected, Unavailable
from integration.xero import RateGovernor, XeroClient
from sandboxes.xero.emulator import XeroSandbox
from sandboxes.xero.gate import Limits
from tests.fakes.token_store import MemoryTokenStore
from tests.integration.xero import builders as build
from tests.integration.xero.conftest import client_for, connected_store


def test_a_write_answered_with_503_is_retried_with_the_same_key_and_creates_one_invoice(
    xero: XeroClient, sandbox: XeroSandbox, clock: VirtualClock, northwind: str
) -> None:
    sandbox.faults.fail_next(2, status=503, method="PUT")
    (result,) = xero.create("Invoices", [build.sales_invoice("AS-1", northwind)], "sync-1:AS-1")
    assert result.ok
    attempts = sandbox.requests_to("Invoices", "PUT")
    assert [r.idempotency_key for r in attempts] == ["sync-1:AS-1"] * 3
    assert [r.status for r in attempts] == [503, 503, 200]
    assert xero.api_calls == 3 and clock.slept == pytest.approx(0.5 + 1.0)
    assert len(sandbox.invoices()) == 1


def test_a_timed_out_write_is_retried_with_the_same_key(
    xero: XeroClient, sandbox: XeroSandbox, northwind: str
) -> None:
    sandbox.faults.time_out_next(1, method="PUT")
    (result,) = xero.create("Invoices", [build.sales_invoice("AS-1", northwind)], "key-1")
    assert result.ok
    assert [r.status for r in sandbox.requests_to("Invoices", "PUT")] == ["timeout", 200]
    assert len(sandbox.invoices()) == 1


def test_a_lost_answer_after_the_write_was_applied_is_replayed_by_xero_not_duplicated(
    xero: XeroClient, sandbox: XeroSandbox, northwind: str
) -> None:
    sandbox.faults.drop_response_next(1, method="PUT")
    (result,) = xero.create("Invoices", [build.sales_invoice("AS-1", northwind)], "key-1")
    assert result.ok and result.number == "AS-1"
    assert [r.status for r in sandbox.requests_to("Invoices", "PUT")] == ["dropped 200", 200]
    assert sandbox.keys.replays == 1
    assert [i["InvoiceID"] for i in sandbox.invoices()] == [result.xero_id]


def test_when_no_answer_ever_comes_the_outcome_is_unknown_and_a_lookup_settles_it(
    xero: XeroClient, sandbox: XeroSandbox, northwind: str
) -> None:
    sandbox.faults.drop_response_next(10, method="PUT")
    with pytest.raises(Unavailable, match="outcome of this write is unknown") as raised:
        xero.create("Invoices", [build.sales_invoice("AS-1", northwind)], "key-1")
    assert raised.value.code == "remote.unavailable"
    assert len(sandbox.requests_to("Invoices", "PUT")) == 4
    (settled,) = xero.find_invoices(numbers=["AS-1"])
    assert settled.status == "AUTHORISED" and len(sandbox.invoices()) == 1


def test_a_write_is_not_repeated_once_xero_may_have_forgotten_its_key(
    xero: XeroClient, sandbox: XeroSandbox, clock: VirtualClock, northwind: str
) -> None:
    sandbox.faults.time_out_next(1, seconds=400, method="PUT")
    with pytest.raises(Unavailable, match="unknown"):
        xero.create("Invoices", [build.sales_invoice("AS-1", northwind)], "key-1")
    assert len(sandbox.requests_to("Invoices", "PUT")) == 1
    assert clock.slept == pytest.approx(400)


def test_reads_are_retried_after_a_5xx_and_give_up_as_unavailable(
    xero: XeroClient, sandbox: XeroSandbox
) -> None:
    sandbox.faults.fail_next(1, status=500, method="GET")
    assert xero.organisation().name == "Harbour & Finch Lawyers"
    sandbox.faults.fail_next(4, status=503, method="GET")
    with pytest.raises(Unavailable) as raised:
        xero.accounts()
    assert raised.value.status == 503 and "outcome" not in str(raised.value)
    assert xero.api_calls == 2 + 4


def test_a_429_waits_out_retry_after_and_then_succeeds(
    xero: XeroClient, sandbox: XeroSandbox, clock: VirtualClock
) -> None:
    xero.organisation()
    clock.advance(20)
    sandbox.use_up_minute()
    assert xero.tax_rates()
    assert sandbox.limiter.refused == 1
    assert [r.status for r in sandbox.requests_to("TaxRates")] == [429, 200]
    assert clock.slept == pytest.approx(40)  # Retry-After: the rest of the minute that began 20 s ago


def test_the_governor_keeps_sixty_calls_a_minute_without_ever_drawing_a_429(
    xero: XeroClient, sandbox: XeroSandbox, clock: VirtualClock
) -> None:
    for _ in range(70):
        xero.organisation()
    assert sandbox.limiter.refused == 0 and xero.api_calls == 70
    assert clock.slept == pytest.approx(60)


def test_when_the_day_budget_is_spent_the_client_stops_instead_of_hammering(clock: VirtualClock) -> None:
    small = XeroSandbox.demo(clock=clock, limits=Limits(per_day=3))
    with httpx.Client(transport=httpx.WSGITransport(app=small)) as http:
        xero = client_for(small, http, connected_store(small), clock)
        for _ in range(3):
            xero.organisation()
        with pytest.raises(DailyLimitReached) as raised:
            xero.organisation()
    assert raised.value.code == "remote.daily_limit"
    assert len(small.requests) == 3  # the fourth call was never sent


def test_a_429_for_the_day_limit_raises_at_once_without_retrying(
    xero: XeroClient, sandbox: XeroSandbox, clock: VirtualClock
) -> None:
    sandbox.use_up_day()
    with pytest.raises(DailyLimitReached, match=r"resets in about 24\.0 h"):
        xero.organisation()
    with pytest.raises(DailyLimitReached):
        xero.accounts()
    assert len(sandbox.requests) == 1 and clock.slept == 0


def test_an_expired_access_token_is_refreshed_before_the_call(
    xero: XeroClient, sandbox: XeroSandbox, tokens: MemoryTokenStore, clock: VirtualClock
) -> None:
    first = tokens.load()
    clock.advance(31 * 60)
    assert xero.organisation()
    assert sandbox.grants["refresh_token"] == 1
    latest = tokens.load()
    assert first is not None and latest is not None and latest.version == first.version + 1
    assert latest.tokens["refresh_token"] != first.tokens["refresh_token"]
    assert all(r.status == 200 for r in sandbox.requests_to("Organisation"))


def test_a_401_refreshes_once_and_sends_the_call_again(xero: XeroClient, sandbox: XeroSandbox) -> None:
    sandbox.expire_tokens()
    assert xero.accounts()
    assert [r.status for r in sandbox.requests_to("Accounts")] == [401, 200]
    assert xero.api_calls == 2 and sandbox.grants["refresh_token"] == 1


def test_a_revoked_connection_is_an_auth_error_not_a_retry(xero: XeroClient, sandbox: XeroSandbox) -> None:
    sandbox.disconnect()
    with pytest.raises(AuthError) as raised:
        xero.organisation()
    assert raised.value.code == "auth.expired"
    assert len(sandbox.requests_to("Organisation")) == 1


def test_a_wrong_tenant_is_refused_as_an_auth_error(
    sandbox: XeroSandbox, http: httpx.Client, tokens: MemoryTokenStore, clock: VirtualClock
) -> None:
    xero = client_for(sandbox, http, tokens, clock, tenant_id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(AuthError) as raised:
        xero.organisation()
    assert raised.value.status == 403


def test_a_key_reused_for_a_different_request_is_rejected_with_xeros_words(
    xero: XeroClient, northwind: str
) -> None:
    assert xero.create("Invoices", [build.sales_invoice("AS-1", northwind)], "same-key")[0].ok
    with pytest.raises(Rejected) as raised:
        xero.create("Invoices", [build.sales_invoice("AS-2", northwind)], "same-key")
    assert raised.value.messages == ("Idempotency Key: same-key is used with a different request.",)
    assert raised.value.status == 400


def test_each_tenant_shares_one_governor_between_clients(
    sandbox: XeroSandbox, http: httpx.Client, tokens: MemoryTokenStore, clock: VirtualClock
) -> None:
    governor = RateGovernor(clock)
    first = client_for(sandbox, http, tokens, clock, governor=governor)
    second = client_for(sandbox, http, tokens, clock, governor=governor)
    for _ in range(35):
        first.organisation()
        second.organisation()
    assert sandbox.limiter.refused == 0 and clock.slept == pytest.approx(60)


def test_plain_text_answers_are_read_without_crashing_a_404_is_left_out_and_an_offline_organisation_is_unavailable(
    xero: XeroClient, sandbox: XeroSandbox
) -> None:
    assert xero.find_credit_notes(ids=["00000000-0000-0000-0000-000000000000"]) == []
    sandbox.faults.fail_next(10, status=503)
    with pytest.raises(Unavailable) as raised:
        xero.organisation()
    assert raised.value.status == 503


def test_an_expired_token_is_refreshed_once_and_the_call_goes_through(
    xero: XeroClient, sandbox: XeroSandbox
) -> None:
    sandbox.expire_tokens()
    assert xero.organisation().name
