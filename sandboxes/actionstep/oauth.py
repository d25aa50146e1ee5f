"""The local Actionstep's OAuth 2.0 endpoints: authorize (auto-consent) and token, as the docs describe them.

Only the authorization-code grant exists (no client credentials). The token endpoint takes a form with
`grant_type` (`authorization_code` or `refresh_token`) and the client id and secret (in the form or as HTTP Basic).
Every grant returns `access_token`, `token_type`, `expires_in`, `refresh_token`, `api_endpoint` (the regional API
base: here the sandbox's own `<prefix>/api/`) and `orgkey`. Refresh tokens rotate: a refresh spends the token it
was given. The refresh token `sandbox` is always accepted and never spent, so the bot can be pointed at the sandbox
headlessly (DESIGN.md §5).
"""

from __future__ import annotations

import secrets
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from integration.clock import Clock

STANDING_REFRESH_TOKEN = "sandbox"
CODE_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class TokenReply:
    status: int
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Code:
    redirect_uri: str
    expires: datetime


class OAuthServer:
    """Issues, rotates and checks tokens. Thread-safe."""

    def __init__(
        self,
        clock: Clock,
        *,
        client_id: str,
        client_secret: str,
        orgkey: str,
        access_lifetime: timedelta = timedelta(hours=1),
    ) -> None:
        self._clock = clock
        self._client = (client_id, client_secret)
        self.orgkey = orgkey
        self.access_lifetime = access_lifetime
        self._lock = threading.Lock()
        self._codes: dict[str, _Code] = {}
        self._refresh: set[str] = set()
        self._access: dict[str, datetime] = {}
        self.grants: Counter[str] = Counter()  # grant type -> successful grants, for tests to inspect

    def authorize(self, params: Mapping[str, str]) -> tuple[int, str]:
        """(status, redirect location or error text) for GET authorize: consent is given at once."""
        if params.get("response_type") != "code":
            return 400, "response_type must be code"
        if params.get("client_id") != self._client[0]:
            return 400, "unknown client_id"
        redirect = params.get("redirect_uri")
        if not redirect:
            return 400, "redirect_uri is required"
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = _Code(redirect, self._clock.now() + CODE_LIFETIME)
        query = {"code": code, **({"state": params["state"]} if "state" in params else {})}
        return 302, f"{redirect}{'&' if '?' in redirect else '?'}{urlencode(query)}"

    def token(self, form: Mapping[str, str], basic: tuple[str, str] | None, api_endpoint: str) -> TokenReply:
        client = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        if client != self._client:
            return TokenReply(401, {"error": "invalid_client"})
        grant = form.get("grant_type")
        with self._lock:
            if grant == "authorization_code":
                code = self._codes.pop(form.get("code", ""), None)
                if code is None or code.expires < self._clock.now():
                    return TokenReply(400, {"error": "invalid_grant", "error_description": "unknown code"})
                if form.get("redirect_uri") != code.redirect_uri:
                    return TokenReply(400, {"error": "invalid_grant", "error_description": "redirect_uri"})
            elif grant == "refresh_token":
                presented = form.get("refresh_token", "")
                if presented != STANDING_REFRESH_TOKEN and presented not in self._refresh:
                    return TokenReply(400, {"error": "invalid_grant", "error_description": "refresh token"})
                self._refresh.discard(presented)
            else:
                return TokenReply(400, {"error": "unsupported_grant_type"})
            self.grants[grant] += 1
            return TokenReply(200, self._issue(api_endpoint))

    def _issue(self, api_endpoint: str) -> dict[str, Any]:
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self._access[access] = self._clock.now() + self.access_lifetime
        self._refresh.add(refresh)
        return {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": int(self.access_lifetime.total_seconds()),
            "refresh_token": refresh,
            "api_endpoint": api_endpoint,
            "orgkey": self.orgkey,
        }

    def valid(self, access_token: str) -> bool:
        with self._lock:
            expires = self._access.get(access_token)
        return expires is not None and self._clock.now() < expires

    def expire_access_tokens(self) -> None:
        """Make every access token issued so far answer 401, as after an hour."""
        with self._lock:
            self._access.clear()

    def revoke(self) -> None:
        """Forget every token, as when a firm disconnects the app (the standing `sandbox` token still works)."""
        with self._lock:
            self._access.clear()
            self._refresh.clear()
