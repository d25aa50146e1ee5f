"""When a period's listing has another page: Xero's `pagination` block when the answer has one, a full page of
1,000 otherwise; and what a period read refuses before any call."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from integration.clock import VirtualClock
from integration.xero import RateGovernor, XeroClient

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


def client_answering(body: dict[str, Any], sent: list[httpx.Request] | None = None) -> XeroClient:
    def answer(request: httpx.Request) -> httpx.Response:
        if sent is not None:
            sent.append(request)
        return httpx.Response(200, json=body)

    clock = VirtualClock()
    http = httpx.Client(transport=httpx.MockTransport(answer))
    return XeroClient(
        http, httpx.Auth(), "tenant", RateGovernor(clock), clock, api_url="http://xero.test/api.xro/2.0"
    )


def payments(n: int) -> list[dict[str, Any]]:
    return [{"PaymentID": f"p-{i}", "Status": "AUTHORISED", "Amount": 1} for i in range(n)]


def test_a_short_page_is_not_the_last_when_xeros_pagination_says_more_pages_follow() -> None:
    body = {
        "pagination": {"page": 1, "pageSize": 100, "pageCount": 3, "itemCount": 250},
        "Payments": payments(100),
    }
    found, more = client_answering(body).dated_page("Payments", *OCTOBER, 1)
    assert len(found) == 100 and more
    _, more = client_answering(body).dated_page("Payments", *OCTOBER, 3)
    assert not more


def test_without_pagination_only_a_full_page_of_a_thousand_may_have_another_after_it() -> None:
    assert client_answering({"Payments": payments(1000)}).dated_page("Payments", *OCTOBER, 1)[1]
    assert not client_answering({"Payments": payments(999)}).dated_page("Payments", *OCTOBER, 1)[1]


def test_a_period_read_refuses_an_endpoint_reconciliation_does_not_read_or_a_period_ending_before_it_starts() -> (
    None
):
    sent: list[httpx.Request] = []
    xero = client_answering({}, sent)
    with pytest.raises(ValueError, match="not an endpoint"):
        xero.dated_page("Contacts", *OCTOBER, 1)
    with pytest.raises(ValueError, match="starts on or before its end"):
        xero.dated_page("Invoices", OCTOBER[1], OCTOBER[0], 1)
    with pytest.raises(ValueError, match="not an endpoint"):
        xero.by_ids("ManualJournals", ["x"])
    assert xero.by_ids("Invoices", []) == [] and sent == []


def test_bank_transfers_are_one_call_whatever_page_is_asked_for_next() -> None:
    sent: list[httpx.Request] = []
    body = {"BankTransfers": [{"BankTransferID": "t-1", "Amount": 5, "Date": "/Date(1791072000000+0000)/"}]}
    xero = client_answering(body, sent)
    found, more = xero.dated_page("BankTransfers", *OCTOBER, 1)
    assert [t["BankTransferID"] for t in found] == ["t-1"] and not more
    assert xero.dated_page("BankTransfers", *OCTOBER, 2) == ([], False) and len(sent) == 1
