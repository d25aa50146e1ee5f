"""The Xero client wired to an in-process sandbox on a virtual clock; every write body checked against the spec."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from integration.clock import VirtualClock
from integration.ports import TokenStore
from integration.xero import (
    RateGovernor,
    XeroAuth,
    XeroClient,
    XeroEndpoints,
    XeroOAuth,
    XeroRetryPolicy,
    XeroTokenSession,
)
from sandboxes.xero.emulator import XeroSandbox
from tests.fakes.token_store import MemoryTokenStore
from tests.integration.xero.sandbox_calls import Caller
from tests.support.recording import RecordingTransport
from tests.support.xero_spec import violations

BASE = "http://xero.sandbox/xero"
ENDPOINTS = XeroEndpoints.under(BASE)


def oauth_for(http: httpx.Client, clock: VirtualClock) -> XeroOAuth:
    return XeroOAuth(http, "sandbox", "sandbox", clock, endpoints=ENDPOINTS)


def client_for(
    sandbox: XeroSandbox,
    http: httpx.Client,
    store: TokenStore,
    clock: VirtualClock,
    *,
    governor: RateGovernor | None = None,
    retry: XeroRetryPolicy | None = None,
    tenant_id: str | None = None,
) -> XeroClient:
    """A client for the sandbox's tenant (or `tenant_id`), authenticating through `store`."""
    auth = XeroAuth(XeroTokenSession(oauth_for(http, clock), store, clock))
    return XeroClient(
        http,
        auth,
        tenant_id or sandbox.tenant_id,
        governor or RateGovernor(clock),
        clock,
        api_url=ENDPOINTS.api_url,
        retry=retry,
    )


def connected_store(sandbox: XeroSandbox) -> MemoryTokenStore:
    store = MemoryTokenStore()
    store.save(sandbox.issue_tokens(), previous_version=None, tenant_id=sandbox.tenant_id)
    return store


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def sandbox(clock: VirtualClock) -> XeroSandbox:
    return XeroSandbox.demo(clock=clock)


@pytest.fixture
def recorder(sandbox: XeroSandbox) -> Iterator[RecordingTransport]:
    """Records what the client sends; afterwards, every write body must match Xero's spec."""
    transport = RecordingTransport(httpx.WSGITransport(app=sandbox))
    yield transport
    problems = [problem for sent in transport.writes() for problem in violations(sent)]
    assert not problems, "write bodies that break Xero's spec:\n" + "\n".join(problems)


@pytest.fixture
def http(recorder: RecordingTransport) -> Iterator[httpx.Client]:
    with httpx.Client(transport=recorder) as client:
        yield client


@pytest.fixture
def tokens(sandbox: XeroSandbox) -> MemoryTokenStore:
    return connected_store(sandbox)


@pytest.fixture
def xero(
    sandbox: XeroSandbox, http: httpx.Client, tokens: MemoryTokenStore, clock: VirtualClock
) -> XeroClient:
    return client_for(sandbox, http, tokens, clock)


@pytest.fixture
def northwind(sandbox: XeroSandbox) -> str:
    """The ContactID of the demo client that already exists in Xero (read from the books, not over the API)."""
    found = sandbox.books.contact_by_name("Northwind Holdings Pty Ltd")
    assert found is not None
    return found.id


@pytest.fixture
def caller(sandbox: XeroSandbox) -> Caller:
    """Raw HTTP access to the sandbox, for tests of its own rules."""
    return Caller(sandbox)
