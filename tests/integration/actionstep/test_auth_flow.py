"""OAuth with the local Actionstep: authorize and exchange, refresh with rotation, and concurrent refreshers sharing
the ledger's token store (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import httpx

from integration.actionstep.auth import ActionstepAuth, ActionstepTokenSession
from integration.actionstep.client import ActionstepClient
from integration.adapters.token_store import LedgerTokenStore
from integration.clock import VirtualClock
from integration.store import Store
from sandboxes.actionstep.emulator import ActionstepSandbox
from tests.support.actionstep import BASE, REDIRECT, REST, MemoryTokenStore, http_for, oauth_app


def test_the_authorization_code_flow_stores_tokens_with_the_api_endpoint_and_orgkey(
    sandbox: ActionstepSandbox, http: httpx.Client, clock: VirtualClock
) -> None:
    url, state = oauth_app().authorize_url()
    query = parse_qs(urlsplit(url).query)
    assert query["response_type"] == ["code"] and query["redirect_uri"] == [REDIRECT]
    assert query["scope"] == ["all"] and query["state"] == [state] and len(state) >= 20
    redirect = http.get(url)
    assert redirect.status_code == 302
    back = parse_qs(urlsplit(redirect.headers["Location"]).query)
    assert back["state"] == [state]
    store = MemoryTokenStore()
    session = ActionstepTokenSession(oauth_app(), store, http, clock)
    token = session.connect(back["code"][0])
    assert (
        token.tokens["api_endpoint"] == f"{BASE}/actionstep/api/" and token.tokens["orgkey"] == "harbourfinch"
    )
    assert token.tenant_id == "harbourfinch"
    assert token.tokens["expires_at"] == clock.now().timestamp() + 3600
    assert session.api_base() == REST
    client = ActionstepClient(http, ActionstepAuth(session), session.api_base(), clock)
    assert len(client.timekeepers()) == 5


def test_seeding_from_a_refresh_token_stores_the_rotated_one(
    sandbox: ActionstepSandbox, http: httpx.Client, clock: VirtualClock
) -> None:
    store = MemoryTokenStore()
    token = ActionstepTokenSession(oauth_app(), store, http, clock).connect_with_refresh_token("sandbox")
    assert token.tokens["refresh_token"] not in ("", "sandbox")
    assert store.load() == token


def test_a_refresh_rotates_the_refresh_token_and_keeps_the_endpoint(
    sandbox: ActionstepSandbox, http: httpx.Client, clock: VirtualClock
) -> None:
    session = ActionstepTokenSession(oauth_app(), MemoryTokenStore(), http, clock)
    first = session.connect_with_refresh_token("sandbox")
    second = session.refresh(first)
    assert second.version == first.version + 1
    assert second.tokens["refresh_token"] != first.tokens["refresh_token"]
    assert second.tokens["api_endpoint"] == first.tokens["api_endpoint"]
    spent = http.post(
        f"{BASE}/actionstep/api/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": first.tokens["refresh_token"]},
        auth=("sandbox", "sandbox"),
    )
    assert spent.status_code == 400


def test_a_refresh_started_from_a_stale_token_uses_what_another_process_saved(
    sandbox: ActionstepSandbox, http: httpx.Client, clock: VirtualClock
) -> None:
    store = MemoryTokenStore()
    mine = ActionstepTokenSession(oauth_app(), store, http, clock)
    theirs = ActionstepTokenSession(oauth_app(), store, http, clock)
    stale = mine.connect_with_refresh_token("sandbox")
    fresh = theirs.refresh(stale)
    grants = sandbox.oauth.grants["refresh_token"]
    assert mine.refresh(stale) == fresh
    assert sandbox.oauth.grants["refresh_token"] == grants


def test_two_processes_refreshing_at_once_spend_the_refresh_token_once(
    store: Store, sandbox: ActionstepSandbox, clock: VirtualClock
) -> None:
    ActionstepTokenSession(
        oauth_app(), LedgerTokenStore(store, "actionstep"), http_for(sandbox), clock
    ).connect_with_refresh_token("sandbox")
    clock.advance(3600)  # the stored access token has expired for everyone
    grants = sandbox.oauth.grants["refresh_token"]
    sessions = [
        ActionstepTokenSession(
            oauth_app(), LedgerTokenStore(store, "actionstep", wait_for_lock=20), http_for(sandbox), clock
        )
        for _ in range(2)
    ]
    start = threading.Barrier(len(sessions))
    read: list[int] = []
    failures: list[BaseException] = []

    def reader(session: ActionstepTokenSession) -> None:
        client = ActionstepClient(http_for(sandbox), ActionstepAuth(session), REST, clock)
        start.wait()
        try:
            read.append(len(client.tax_codes()))
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=reader, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == [] and read == [3, 3]
    assert sandbox.oauth.grants["refresh_token"] == grants + 1
    assert sessions[0].current() == sessions[1].current()
    saved = LedgerTokenStore(store, "actionstep").load()
    assert saved is not None and saved.version == 2
    again = sessions[0].refresh(saved)  # the stored refresh token is the live one
    assert again.version == 3


def test_tokens_and_secrets_stay_out_of_reprs(
    sandbox: ActionstepSandbox, http: httpx.Client, clock: VirtualClock
) -> None:
    store = MemoryTokenStore()
    session = ActionstepTokenSession(oauth_app(), store, http, clock)
    token = session.connect_with_refresh_token("sandbox")
    shown = repr(session) + repr(token) + repr(oauth_app()) + repr(ActionstepAuth(session))
    for secret in (token.tokens["access_token"], token.tokens["refresh_token"], "client_secret='sandbox'"):
        assert secret not in shown
