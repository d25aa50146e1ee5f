"""Actionstep OAuth 2.0: the authorization-code flow, refresh with rotation, and an `httpx.Auth` that uses them.

Actionstep has no client-credentials grant: a user consents once (`OAuthApp.authorize_url`, then
`ActionstepTokenSession.connect(code)`), or the bot is seeded headlessly with a refresh token
(`ActionstepTokenSession.connect_with_refresh_token`). Every token response carries `api_endpoint` (the org's regional API
base) and `orgkey`; both are kept with the tokens, and `rest_base()` builds the data URL from them.

Refresh tokens rotate, so a refresh spends the token it uses. Several processes may share one connection, so a
refresh happens under the store's `refresh_lock()`, re-reads the stored tokens first (another process may already
have refreshed: then its tokens are used and ours is never spent) and saves by compare-and-swap.

authlib builds the authorize URL and the token request bodies (`prepare_grant_uri`, `prepare_token_request`). Its
`OAuth2Client` is not used: it owns its own httpx client and refreshes without a cross-process lock or a
compare-and-swap save, which rotating tokens shared by replicas need.

Tokens never reach a log, a repr or an error message.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request

from integration.clock import Clock
from integration.errors import AuthError, Unavailable
from integration.ports import StoredToken, TokenStore

REMOTE = "actionstep"
REFRESH_EARLY = 60.0  # seconds before expiry at which a token counts as expired
KEPT_FROM_BEFORE = ("api_endpoint", "orgkey", "refresh_token")


@dataclass(frozen=True, slots=True)
class OAuthApp:
    """The bot's registration with Actionstep."""

    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    token_url: str = "https://api.actionstep.com/api/oauth/token"  # noqa: S105 (a URL)
    authorize_endpoint: str = "https://go.actionstep.com/api/oauth/authorize"
    scopes: tuple[str, ...] = ("all",)

    def authorize_url(self, state: str | None = None) -> tuple[str, str]:
        """(URL to send the user to, the `state` to check on the way back)."""
        state = state or generate_token(24)
        url = prepare_grant_uri(
            self.authorize_endpoint,
            self.client_id,
            "code",
            redirect_uri=self.redirect_uri,
            scope=" ".join(self.scopes),
            state=state,
        )
        return str(url), state


def rest_base(api_endpoint: str | None, override: str | None = None) -> str:
    """The REST base for data calls, `<scheme>://<host>/api/rest`, from the token's `api_endpoint` (or an explicit
    ACTIONSTEP_API_URL). Actionstep returns `…/api/` or `…/api`; a path before `/api` (a sandbox mounted under a
    prefix) is kept."""
    value = override or api_endpoint
    if not value:
        raise AuthError(REMOTE, "The Actionstep connection has no api_endpoint; connect Actionstep again.")
    parts = urlsplit(value)
    path = parts.path.rstrip("/")
    cut = path.find("/api/") if "/api/" in path else (len(path) - 4 if path.endswith("/api") else len(path))
    return urlunsplit((parts.scheme, parts.netloc, f"{path[:cut]}/api/rest", "", ""))


class ActionstepTokenSession:
    """The connection's tokens, refreshed when due. Thread-safe; several processes may share the store."""

    def __init__(self, app: OAuthApp, store: TokenStore, http: httpx.Client, clock: Clock) -> None:
        self._app = app
        self._store = store
        self._http = http
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: StoredToken | None = None
        self.refreshes = 0  # refresh grants this session made, for tests and the bench

    def __repr__(self) -> str:
        return f"ActionstepTokenSession(client_id={self._app.client_id!r})"

    def connect(self, code: str, accept: Callable[[dict[str, Any]], None] | None = None) -> StoredToken:
        """Exchange an authorization code and store the tokens as a fresh connection; `accept` sees the token
        response first (its `orgkey` names the org) and refuses it by raising."""
        tokens = self._grant({"grant_type": "authorization_code", "code": code}, {})
        if accept is not None:
            accept(tokens)
        return self._save_fresh(tokens)

    def connect_with_refresh_token(self, refresh_token: str) -> StoredToken:
        """Seed the connection from a refresh token (ACTIONSTEP_REFRESH_TOKEN); the rotated one is stored."""
        tokens = self._grant({"grant_type": "refresh_token", "refresh_token": refresh_token}, {})
        return self._save_fresh(tokens)

    def refuses_client(self) -> bool:
        """Whether the token endpoint refuses the app's client id and secret, asked without spending or issuing a
        token: the client is authenticated before the grant (RFC 6749 section 5.2), so a refresh grant for a token
        that does not exist draws `invalid_client` from a wrong client and `invalid_grant` from a right one."""
        app = self._app
        body = prepare_token_request(
            "refresh_token",
            refresh_token=f"probe-{generate_token(16)}",
            redirect_uri=app.redirect_uri,
            client_id=app.client_id,
            client_secret=app.client_secret,
        )
        try:
            response = self._http.post(
                app.token_url,
                content=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
                auth=httpx.Auth(),
            )
        except httpx.TransportError as error:
            raise Unavailable(
                REMOTE, f"Actionstep's token endpoint did not answer ({type(error).__name__})."
            ) from None
        return response.status_code == 401 or _json(response).get("error") == "invalid_client"

    def current(self) -> StoredToken:
        """The tokens in use, refreshed first when expired or about to be."""
        with self._lock:
            token = self._cached or self._load()
            self._cached = token
        if self._expiring(token):
            return self.refresh(token)
        return token

    def refresh(self, stale: StoredToken) -> StoredToken:
        """New tokens in place of `stale` (after a 401, or near expiry). Spends the refresh token only if nobody
        else has refreshed since `stale` was read."""
        with self._store.refresh_lock() as held:
            latest = self._load()
            if latest.version != stale.version and not self._expiring(latest):
                token = latest
            elif not held:
                raise Unavailable(
                    REMOTE, "Another process is refreshing the Actionstep tokens; try again shortly."
                )
            else:
                tokens = self._grant(
                    {"grant_type": "refresh_token", "refresh_token": latest.tokens.get("refresh_token", "")},
                    latest.tokens,
                )
                self._store.save(tokens, previous_version=latest.version)
                self.refreshes += 1
                token = self._load()
        with self._lock:
            self._cached = token
        return token

    def api_base(self, override: str | None = None) -> str:
        """The REST base for this connection (see `rest_base`)."""
        if override:
            return rest_base(None, override)
        return rest_base(self.current().tokens.get("api_endpoint"))

    def _load(self) -> StoredToken:
        token = self._store.load()
        if token is None:
            raise AuthError(
                REMOTE, "Actionstep is not connected yet; connect it from the bot's Actionstep link."
            )
        return token

    def _expiring(self, token: StoredToken) -> bool:
        expires_at = token.tokens.get("expires_at")
        return expires_at is None or float(expires_at) - REFRESH_EARLY <= self._clock.now().timestamp()

    def _save_fresh(self, tokens: dict[str, Any]) -> StoredToken:
        self._store.save(tokens, previous_version=None, tenant_id=tokens.get("orgkey"))
        token = self._load()
        with self._lock:
            self._cached = token
        return token

    def _grant(self, form: dict[str, str], before: dict[str, Any]) -> dict[str, Any]:
        app = self._app
        grant_type = form.pop("grant_type")
        body = prepare_token_request(
            grant_type,
            redirect_uri=app.redirect_uri,
            client_id=app.client_id,
            client_secret=app.client_secret,
            **form,
        )
        try:
            response = self._http.post(
                app.token_url,
                content=body,
                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
                auth=httpx.Auth(),  # the token endpoint takes client credentials, not a bearer token
            )
        except httpx.TransportError as error:
            raise Unavailable(
                REMOTE, f"Actionstep's token endpoint did not answer ({type(error).__name__})."
            ) from None
        if response.status_code >= 500:
            raise Unavailable(
                REMOTE,
                f"Actionstep's token endpoint failed ({response.status_code}).",
                status=response.status_code,
            )
        reply = _json(response)
        if response.status_code != 200 or "access_token" not in reply:
            reason = reply.get("error") or f"HTTP {response.status_code}"
            raise AuthError(
                REMOTE,
                f"Actionstep refused the token request ({reason}); connect Actionstep again.",
                status=response.status_code,
            )
        tokens = {key: before[key] for key in KEPT_FROM_BEFORE if key in before}
        tokens.update({key: value for key, value in reply.items() if value is not None})
        tokens["expires_at"] = self._clock.now().timestamp() + float(reply.get("expires_in") or 3600)
        return tokens


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class ActionstepAuth(httpx.Auth):
    """Adds the bearer token; on a 401, refreshes once and replays the request."""

    def __init__(self, session: ActionstepTokenSession) -> None:
        self._session = session

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._session.current()
        request.headers["Authorization"] = f"Bearer {token.tokens['access_token']}"
        response = yield request
        if response.status_code == 401:
            token = self._session.refresh(token)
            request.headers["Authorization"] = f"Bearer {token.tokens['access_token']}"
            yield request
