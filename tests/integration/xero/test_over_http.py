"""The sandbox served over real HTTP on loopback, and the client talking to it through a real socket."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from integration.clock import SystemClock
from integration.xero import (
    RateGovernor,
    XeroAuth,
    XeroClient,
    XeroEndpoints,
    XeroOAuth,
    XeroRetryPolicy,
    XeroTokenSession,
    connect_custom,
)
from sandboxes.xero.emulator import XeroSandbox
from tests.fakes.token_store import MemoryTokenStore
from tests.integration.xero import builders as build
from tests.support.http import serving


@pytest.fixture
def served() -> Iterator[tuple[XeroSandbox, str]]:
    sandbox = XeroSandbox.demo()
    with serving(sandbox) as base:
        yield sandbox, f"{base}/xero"


def test_a_custom_connection_posts_and_finds_an_invoice_over_real_http(
    served: tuple[XeroSandbox, str],
) -> None:
    sandbox, base = served
    clock = SystemClock()
    endpoints = XeroEndpoints.under(base)
    store = MemoryTokenStore()
    with httpx.Client(timeout=0.3) as http:
        oauth = XeroOAuth(http, "sandbox", "sandbox", clock, endpoints=endpoints)
        connection = connect_custom(oauth, store)
        auth = XeroAuth(XeroTokenSession(oauth, store, clock, custom_connection=True))
        retry = XeroRetryPolicy(initial_backoff=0.05)
        xero = XeroClient(
            http,
            auth,
            connection.tenant_id,
            RateGovernor(clock),
            clock,
            api_url=endpoints.api_url,
            retry=retry,
        )
        contact = sandbox.books.contact_by_name("Northwind Holdings Pty Ltd")
        assert contact is not None
        (created,) = xero.create("Invoices", [build.sales_invoice("AS-1", contact.id)], "http-1")
        sandbox.faults.time_out_next(1, seconds=0.6, mode="sleep", method="GET")
        (found,) = xero.find_invoices(numbers=["AS-1"])
    assert created.ok and found.id == created.xero_id
    lookups = sandbox.requests_to("Invoices", "GET")
    assert (
        len(lookups) == 2 and lookups[1].status == 200
    )  # the first timed out at the client and was sent again
    assert xero.api_calls == 3
