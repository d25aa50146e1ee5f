"""Helpers for the Actionstep tests: a client wired to an in-process sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from integration.actionstep.auth import ActionstepAuth, ActionstepTokenSession, OAuthApp
from integration.actionstep.client import ActionstepClient
from integration.actionstep.resources import MEDIA_TYPE
from integration.clock import VirtualClock
from integration.domain import Document, DocumentKind, MalformedDocument
from integration.ports import TokenStore
from sandboxes.actionstep.emulator import ActionstepSandbox
from tests.fakes.token_store import MemoryTokenStore

BASE = "http://actionstep.test"
REST = f"{BASE}/actionstep/api/rest"
TOKEN_URL = f"{BASE}/actionstep/api/oauth/token"
REDIRECT = "http://bot.test/oauth/actionstep"


def oauth_app() -> OAuthApp:
    return OAuthApp(
        "sandbox",
        "sandbox",
        REDIRECT,
        token_url=TOKEN_URL,
        authorize_endpoint=f"{BASE}/actionstep/api/oauth/authorize",
    )


def http_for(sandbox: ActionstepSandbox, **options: Any) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=sandbox), base_url=BASE, **options)


def connected_client(
    sandbox: ActionstepSandbox,
    clock: VirtualClock,
    *,
    store: TokenStore | None = None,
    http: httpx.Client | None = None,
    page_size: int = 200,
) -> tuple[ActionstepClient, ActionstepTokenSession]:
    """A client connected to `sandbox` through the headless refresh token `sandbox`."""
    http = http or http_for(sandbox)
    store = store or MemoryTokenStore()
    session = ActionstepTokenSession(oauth_app(), store, http, clock)
    if store.load() is None:
        session.connect_with_refresh_token("sandbox")
    client = ActionstepClient(http, ActionstepAuth(session), session.api_base(), clock, page_size=page_size)
    return client, session


def bearer(sandbox: ActionstepSandbox, http: httpx.Client) -> dict[str, str]:
    """Headers for a raw API call: a fresh access token and Actionstep's media type."""
    reply = http.post(
        TOKEN_URL,
        data={
            "grant_type": "refresh_token",
            "refresh_token": "sandbox",
            "client_id": "sandbox",
            "client_secret": "sandbox",
        },
    )
    token = reply.json()["access_token"]
    return {"Authorization": f"Bearer {token}", "Accept": MEDIA_TYPE, "Content-Type": MEDIA_TYPE}


def every_document(client: ActionstepClient) -> Iterator[Document | MalformedDocument]:
    """Every kind's documents from the beginning, as a first sync lists them (one kind at a time)."""
    for kind in DocumentKind:
        yield from client.documents(kind, None)
