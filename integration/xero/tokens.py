"""Access tokens for API calls: refreshed before they expire, and once more when Xero answers 401.

Xero rotates the refresh token on every refresh, so two processes refreshing at once would each spend it and one
would lose its connection (beyond Xero's 30-minute grace). A refresh therefore happens under the store's
`refresh_lock()`; whoever gets the lock second re-loads and, finding a newer version than the one it saw fail,
uses that instead of refreshing again. The save is a compare-and-swap on the version the refresh started from.

A custom connection has no refresh token: its "refresh" is a new client-credentials grant.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from typing import Any

import httpx

from integration.clock import Clock
from integration.errors import AuthError, Unavailable
from integration.ports import StoredToken, TokenStore
from integration.xero.auth import XeroOAuth

# Refresh this long before the access token's stated expiry, so a call never leaves with a token about to die.
LEEWAY_SECONDS = 60


class XeroTokenSession:
    """The current access token of one Xero connection, refreshed through the shared `TokenStore`."""

    def __init__(
        self, oauth: XeroOAuth, store: TokenStore, clock: Clock, *, custom_connection: bool = False
    ) -> None:
        self._oauth = oauth
        self._store = store
        self._clock = clock
        self._custom = custom_connection
        self._current: StoredToken | None = None
        self._lock = threading.Lock()
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"XeroTokenSession(oauth={self._oauth!r})"

    def _fresh(self, token: StoredToken | None) -> bool:
        if token is None or not token.tokens.get("access_token"):
            return False
        expires_at = token.tokens.get("expires_at")
        return expires_at is None or float(expires_at) - LEEWAY_SECONDS > self._clock.now().timestamp()

    def current(self) -> StoredToken:
        """A token good for at least the next minute."""
        with self._lock:
            if self._fresh(self._current):
                assert self._current is not None
                return self._current
            stored = self._store.load()
            if self._fresh(stored):
                assert stored is not None
                self._current = stored
                return stored
        return self.refresh(stale=stored)

    def refresh(self, *, stale: StoredToken | None) -> StoredToken:
        """Replace `stale` (the token that expired or drew a 401), unless another process already did."""
        with self._store.refresh_lock() as held:
            latest = self._store.load()
            if (
                latest is not None
                and self._fresh(latest)
                and (stale is None or latest.version != stale.version)
            ):
                return self._remember(latest)
            if not held:
                raise Unavailable(
                    "xero", "Another process is refreshing the Xero connection; try again shortly."
                )
            tokens = self._grant(latest)
            saved = self._store.save(
                tokens,
                previous_version=latest.version if latest else None,
                tenant_id=latest.tenant_id if latest else None,
                tenant_name=latest.tenant_name if latest else None,
            )
            self.refreshes += 1
            winner = self._store.load()
        if winner is None or (not saved and not self._fresh(winner)):
            raise AuthError("xero", "The Xero connection could not be refreshed; reconnect Xero.")
        return self._remember(winner)

    def _grant(self, latest: StoredToken | None) -> dict[str, Any]:
        refresh_token = latest.tokens.get("refresh_token") if latest else None
        if refresh_token:
            return self._oauth.refresh(str(refresh_token))
        if self._custom:
            return self._oauth.client_credentials()
        raise AuthError("xero", "Xero is not connected (no refresh token is stored); connect Xero first.")

    def _remember(self, token: StoredToken) -> StoredToken:
        with self._lock:
            self._current = token
        return token


class XeroAuth(httpx.Auth):
    """Adds the bearer token to each API request; on a 401 refreshes once and sends the request again."""

    def __init__(self, session: XeroTokenSession) -> None:
        self._session = session

    def __repr__(self) -> str:
        return "XeroAuth()"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Send with the current token; after a 401, refresh once and send again."""
        token = self._session.current()
        request.headers["Authorization"] = f"Bearer {token.tokens['access_token']}"
        response = yield request
        if response.status_code == 401:
            token = self._session.refresh(stale=token)
            request.headers["Authorization"] = f"Bearer {token.tokens['access_token']}"
            yield request
