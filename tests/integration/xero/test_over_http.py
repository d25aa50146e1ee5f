"""The sandbox served over real HTTP on loopback, and the client talking to it through a real socket."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
import pytest

from integration.clock import SystemClock
from integration.sandbox.xero import XeroSandbox
from integration.xero import (
    RateGovernor,
    RetryPolicy,
    TokenManager,
    XeroAuth,
    XeroClient,
    XeroEndpoints,
    XeroOAuth,
    connect_custom,
)
from tests.fakes.token_store import MemoryTokenStore
from tests.integration.xero import builders as build


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served() -> Iterator[tuple[XeroSandbox, str]]:
    sandbox = XeroSandbox.demo()
    server = make_server("127.0.0.1", 0, sandbox, server_class=_Server, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield sandbox, f"http://127.0.0.1:{server.server_port}/xero"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


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
        auth = XeroAuth(TokenManager(oauth, store, clock, custom_connection=True))
        retry = RetryPolicy(initial_backoff=0.05)
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
