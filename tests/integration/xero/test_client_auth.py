"""Connecting to Xero and keeping the connection alive: the connect flow, custom connections, refresh rotation."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from integration.adapters.token_store import LedgerTokenStore
from integration.clock import VirtualClock
from integration.errors import AuthError
from integration.store import Store
from integration.xero import (
    AuthorizationRequest,
    RateGovernor,
    XeroAuth,
    XeroClient,
    XeroOAuth,
    XeroTokenSession,
    connect,
    connect_custom,
)
from sandboxes.xero.emulator import XeroSandbox
from tests.fakes.token_store import MemoryTokenStore
from tests.integration.xero.conftest import ENDPOINTS, client_for, oauth_for
from tests.support.recording import RecordingTransport

CALLBACK = "http://127.0.0.1:3000/oauth/xero/callback"


def _consent(http: httpx.Client, request: AuthorizationRequest) -> str:
    """Follow the authorize URL as the user's browser would; the sandbox consents at once."""
    answer = http.get(request.url)
    assert answer.status_code == 302
    return answer.headers["location"]


def test_the_connect_flow_exchanges_the_code_and_saves_tokens_with_the_organisation(
    sandbox: XeroSandbox, http: httpx.Client, clock: VirtualClock
) -> None:
    oauth = oauth_for(http, clock)
    request = oauth.authorization_url(CALLBACK)
    assert "code_challenge_method=S256" in request.url and "offline_access" in request.url
    store = MemoryTokenStore()
    connection = connect(
        oauth, store, callback_url=_consent(http, request), request=request, redirect_uri=CALLBACK
    )
    assert connection.tenant_id == sandbox.tenant_id and connection.tenant_name == "Harbour & Finch Lawyers"
    saved = store.load()
    assert saved is not None and saved.tenant_id == sandbox.tenant_id
    assert saved.tokens["refresh_token"] and saved.tokens["expires_at"] == int(clock.now().timestamp()) + 1800
    assert client_for(sandbox, http, store, clock).organisation().name == "Harbour & Finch Lawyers"


def test_a_callback_with_someone_elses_state_is_refused(http: httpx.Client, clock: VirtualClock) -> None:
    oauth = oauth_for(http, clock)
    started, other = oauth.authorization_url(CALLBACK), oauth.authorization_url(CALLBACK)
    with pytest.raises(AuthError, match="callback was not valid"):
        connect(
            oauth,
            MemoryTokenStore(),
            callback_url=_consent(http, other),
            request=started,
            redirect_uri=CALLBACK,
        )


def test_a_code_cannot_be_exchanged_without_the_matching_pkce_verifier(
    http: httpx.Client, clock: VirtualClock
) -> None:
    oauth = oauth_for(http, clock)
    request = oauth.authorization_url(CALLBACK)
    forged = AuthorizationRequest(request.url, request.state, code_verifier="x" * 48)
    with pytest.raises(AuthError, match="invalid_grant"):
        oauth.exchange_code(_consent(http, request), forged, CALLBACK)


def test_a_custom_connection_asks_for_a_new_client_credentials_token_when_it_expires(
    sandbox: XeroSandbox, http: httpx.Client, clock: VirtualClock
) -> None:
    oauth = oauth_for(http, clock)
    store = MemoryTokenStore()
    assert connect_custom(oauth, store).tenant_id == sandbox.tenant_id
    saved = store.load()
    assert saved is not None and "refresh_token" not in saved.tokens
    auth = XeroAuth(XeroTokenSession(oauth, store, clock, custom_connection=True))
    xero = XeroClient(http, auth, sandbox.tenant_id, RateGovernor(clock), clock, api_url=ENDPOINTS.api_url)
    clock.advance(31 * 60)
    assert xero.organisation()
    assert sandbox.grants["client_credentials"] == 2


def test_wrong_client_credentials_are_an_auth_error(http: httpx.Client, clock: VirtualClock) -> None:
    oauth = XeroOAuth(http, "sandbox", "wrong", clock, endpoints=ENDPOINTS)
    with pytest.raises(AuthError, match="invalid_client"):
        oauth.client_credentials()


def test_a_refresh_token_already_rotated_long_ago_cannot_revive_the_connection(
    sandbox: XeroSandbox, http: httpx.Client, clock: VirtualClock, tokens: MemoryTokenStore
) -> None:
    old = tokens.load()
    assert old is not None
    oauth = oauth_for(http, clock)
    oauth.refresh(old.tokens["refresh_token"])
    clock.advance(29 * 60)
    assert oauth.refresh(old.tokens["refresh_token"])["access_token"]  # within Xero's 30-minute grace
    clock.advance(2 * 60)
    with pytest.raises(AuthError, match="invalid_grant"):
        oauth.refresh(old.tokens["refresh_token"])


class _SlowTokenEndpoint(httpx.BaseTransport):
    """Holds each token request for a moment, so two refreshers really overlap."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/connect/token"):
            time.sleep(0.2)
        return self._inner.handle_request(request)


def test_two_processes_refreshing_at_once_spend_the_refresh_token_once(
    store: Store, sandbox: XeroSandbox, recorder: RecordingTransport, clock: VirtualClock
) -> None:
    ledger = LedgerTokenStore(store, "xero")
    assert ledger.save(sandbox.issue_tokens(), previous_version=None, tenant_id=sandbox.tenant_id)
    before = ledger.load()
    assert before is not None
    clock.advance(31 * 60)
    http = httpx.Client(transport=_SlowTokenEndpoint(recorder))
    clients = [client_for(sandbox, http, LedgerTokenStore(store, "xero"), clock) for _ in range(2)]
    start = threading.Barrier(2)
    names: list[str] = []
    failures: list[BaseException] = []

    def call(client: XeroClient) -> None:
        start.wait()
        try:
            names.append(client.organisation().name)
        except BaseException as error:  # surfaced by the assertions below
            failures.append(error)

    threads = [threading.Thread(target=call, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == [] and names == ["Harbour & Finch Lawyers"] * 2
    assert sandbox.grants["refresh_token"] == 1
    after = ledger.load()
    assert after is not None and after.version == before.version + 1 and after.tenant_id == sandbox.tenant_id


def test_tokens_and_secrets_never_appear_in_reprs(
    sandbox: XeroSandbox, http: httpx.Client, clock: VirtualClock, tokens: MemoryTokenStore, xero: XeroClient
) -> None:
    saved = tokens.load()
    assert saved is not None
    oauth = XeroOAuth(http, "app-id", "app-secret-value", clock, endpoints=ENDPOINTS)
    request = oauth.authorization_url(CALLBACK)
    session = XeroTokenSession(oauth, tokens, clock)
    shown = " ".join(map(repr, (saved, oauth, request, session, XeroAuth(session), xero)))
    for secret in (
        saved.tokens["access_token"],
        saved.tokens["refresh_token"],
        "app-secret-value",
        request.code_verifier,
    ):
        assert secret not in shown
