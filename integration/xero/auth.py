"""OAuth 2.0 with Xero: the connect flow, custom connections, and the token endpoint calls behind a refresh.

Two ways to connect:
- the authorization-code flow (`authorization_url` → the user consents → `connect` with the callback's code):
  the code is exchanged for tokens, `GET /connections` names the organisation, and both are saved;
- a Xero custom connection (`connect_custom`): the client-credentials grant for a single-firm install, no user.

authlib supplies the protocol pieces: the authorize URL with state and PKCE (S256), token request bodies and the
callback parser. Its httpx *client* is not used: in authlib 1.9 it is deprecated on httpx (it wants `httpx2`), it
keeps its own token and refresh logic in memory, and a refresh here must go through the shared `TokenStore` with
a lock and compare-and-swap so two processes never spend one rotating refresh token (see `tokens.py`). So every
call goes through our own `httpx.Client` and every failure maps onto our error tree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import (
    parse_authorization_code_response,
    prepare_grant_uri,
    prepare_token_request,
)
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from integration.clock import Clock
from integration.errors import AuthError, Unavailable
from integration.ports import TokenStore
from integration.xero.endpoints import XeroEndpoints
from integration.xero.schemas import Connection
from integration.xero.scopes import SCOPES

_FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """Where to send the user, and what to keep until the callback (`state`, `code_verifier`)."""

    url: str
    state: str
    code_verifier: str = field(repr=False)


class XeroOAuth:
    """Xero's identity endpoints for one app (client id and secret)."""

    def __init__(
        self,
        http: httpx.Client,
        client_id: str,
        client_secret: str,
        clock: Clock,
        *,
        endpoints: XeroEndpoints | None = None,
        scopes: str = SCOPES,
    ) -> None:
        self._http = http
        self.client_id = client_id
        self._secret = client_secret
        self._clock = clock
        self.endpoints = endpoints or XeroEndpoints.production()
        self.scopes = scopes

    def __repr__(self) -> str:
        return f"XeroOAuth(client_id={self.client_id!r}, token_url={self.endpoints.token_url!r})"

    def authorization_url(
        self, redirect_uri: str, *, state: str | None = None, code_verifier: str | None = None
    ) -> AuthorizationRequest:
        """Start the connect flow: the consent URL with a state and PKCE challenge (fresh ones unless given, e.g.
        a state that carries the verifier for a bot with no session storage)."""
        state = state or generate_token(30)
        verifier = code_verifier or generate_token(48)
        url = prepare_grant_uri(
            self.endpoints.authorize_url,
            self.client_id,
            "code",
            redirect_uri=redirect_uri,
            scope=self.scopes,
            state=state,
            code_challenge=create_s256_code_challenge(verifier),
            code_challenge_method="S256",
        )
        return AuthorizationRequest(url=url, state=state, code_verifier=verifier)

    def exchange_code(
        self, callback_url: str, request: AuthorizationRequest, redirect_uri: str
    ) -> dict[str, Any]:
        """Trade the callback's code for tokens, checking the state matches the request we started."""
        try:
            params = parse_authorization_code_response(callback_url, state=request.state)
        except Exception as error:  # authlib raises its own OAuth2Error subclasses
            raise AuthError("xero", f"The Xero callback was not valid: {error}") from None
        body = prepare_token_request(
            "authorization_code",
            code=params["code"],
            redirect_uri=redirect_uri,
            code_verifier=request.code_verifier,
        )
        return self._token_request(body)

    def client_credentials(self) -> dict[str, Any]:
        """A token for a custom connection (no refresh token: ask again when it expires)."""
        scopes = " ".join(s for s in self.scopes.split() if s != "offline_access")
        return self._token_request(prepare_token_request("client_credentials", scope=scopes))

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        """Spend `refresh_token` for a new token set; Xero rotates the refresh token each time."""
        return self._token_request(prepare_token_request("refresh_token", refresh_token=refresh_token))

    def refuses_client(self) -> bool:
        """Whether the token endpoint refuses this app's client id and secret, asked without spending or issuing a
        token: the client is authenticated before the grant (RFC 6749 section 5.2), so a refresh grant for a token
        that does not exist draws `invalid_client` from a wrong client and `invalid_grant` from a right one."""
        body = prepare_token_request("refresh_token", refresh_token=f"probe-{generate_token(16)}")
        try:
            response = self._http.post(
                self.endpoints.token_url, content=body, headers=_FORM, auth=(self.client_id, self._secret)
            )
        except httpx.TransportError as error:
            raise Unavailable(
                "xero", f"Xero's token endpoint did not answer ({type(error).__name__})."
            ) from None
        return response.status_code == 401 or _oauth_error(response) == "invalid_client"

    def connections(self, access_token: str) -> list[Connection]:
        """The organisations this token may act for."""
        try:
            response = self._http.get(
                self.endpoints.connections_url,
                headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            )
        except httpx.TransportError as error:
            raise Unavailable(
                "xero", f"Xero's connections endpoint did not answer ({type(error).__name__})."
            ) from None
        if response.status_code in (401, 403):
            raise AuthError(
                "xero", "Xero refused the new token when listing connections.", status=response.status_code
            )
        if response.status_code >= 400:
            raise Unavailable("xero", f"Xero's connections endpoint answered {response.status_code}.")
        return [Connection.model_validate(item) for item in response.json()]

    def _token_request(self, body: str) -> dict[str, Any]:
        try:
            response = self._http.post(
                self.endpoints.token_url, content=body, headers=_FORM, auth=(self.client_id, self._secret)
            )
        except httpx.TransportError as error:
            raise Unavailable(
                "xero", f"Xero's token endpoint did not answer ({type(error).__name__})."
            ) from None
        if response.status_code >= 500:
            raise Unavailable("xero", f"Xero's token endpoint answered {response.status_code}.", status=503)
        try:
            payload: dict[str, Any] = response.json()
        except ValueError:
            payload = {}
        if response.status_code >= 400 or "access_token" not in payload:
            reason = payload.get("error", f"HTTP {response.status_code}")
            raise AuthError("xero", f"Xero refused the token request ({reason}); reconnect Xero.", status=401)
        if "expires_in" in payload:
            payload["expires_at"] = int(self._clock.now().timestamp()) + int(payload["expires_in"])
        return payload


def _oauth_error(response: httpx.Response) -> str | None:
    try:
        payload = response.json()
    except ValueError:
        return None
    return str(payload.get("error")) if isinstance(payload, dict) else None


def _choose(connections: list[Connection], tenant_id: str | None, prefer: str | None = None) -> Connection:
    organisations = [c for c in connections if c.tenant_type == "ORGANISATION"]
    if tenant_id is not None:
        organisations = [c for c in organisations if c.tenant_id == tenant_id]
    if not organisations:
        raise AuthError("xero", "The Xero connection does not include the organisation to act for.")
    preferred = [c for c in organisations if c.tenant_id == prefer]
    return (preferred or organisations)[0]


def connect(
    oauth: XeroOAuth,
    store: TokenStore,
    *,
    callback_url: str,
    request: AuthorizationRequest,
    redirect_uri: str,
    tenant_id: str | None = None,
    prefer: str | None = None,
    accept: Callable[[Connection], None] | None = None,
) -> Connection:
    """Finish the connect flow: exchange the code, pick the organisation (`prefer`'s when the token may act for
    it), let `accept` refuse it by raising, then save tokens and tenant."""
    tokens = oauth.exchange_code(callback_url, request, redirect_uri)
    return _save_new(oauth, store, tokens, tenant_id, prefer=prefer, accept=accept)


def connect_custom(oauth: XeroOAuth, store: TokenStore, *, tenant_id: str | None = None) -> Connection:
    """Connect through a custom connection (client-credentials grant) and save the token and tenant."""
    return _save_new(oauth, store, oauth.client_credentials(), tenant_id)


def _save_new(
    oauth: XeroOAuth,
    store: TokenStore,
    tokens: dict[str, Any],
    tenant_id: str | None,
    *,
    prefer: str | None = None,
    accept: Callable[[Connection], None] | None = None,
) -> Connection:
    chosen = _choose(oauth.connections(str(tokens["access_token"])), tenant_id, prefer)
    if accept is not None:
        accept(chosen)
    current = store.load()
    saved = store.save(
        tokens,
        previous_version=current.version if current else None,
        tenant_id=chosen.tenant_id,
        tenant_name=chosen.tenant_name,
    )
    if not saved:
        raise AuthError(
            "xero", "Another process changed the Xero connection at the same time; connect again."
        )
    return chosen
