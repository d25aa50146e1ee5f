"""Xero's identity side in the sandbox: the authorize page, the token endpoint and `/connections`.

Grants: `authorization_code` (with PKCE S256 when the authorize request carried a challenge),
`refresh_token` and `client_credentials` (a custom connection, which gets no refresh token). The client
authenticates with HTTP Basic or form fields; id and secret are `sandbox` unless configured otherwise.

Lifetimes as Xero documents them: access tokens 30 minutes; a refresh returns a new refresh token, and the old one
still works for a 30-minute grace in case the answer was lost; an unused refresh token expires after 60 days.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

from integration.clock import Clock
from sandboxes.xero import messages as msg
from sandboxes.xero import scopes
from sandboxes.xero.consent import ALLOW, consent_page
from sandboxes.xero.render import utc_string
from sandboxes.xero.wsgi import HttpError, Request, Response, json_response

# Every scope a test token gets unless it asks for fewer: the granular set a posting app can hold.
ALL_SCOPES = (
    "offline_access accounting.settings accounting.contacts accounting.invoices accounting.payments "
    "accounting.banktransactions accounting.manualjournals accounting.reports.balancesheet.read "
    "accounting.reports.trialbalance.read"
)
ACCESS_LIFETIME = timedelta(minutes=30)
REFRESH_GRACE = timedelta(minutes=30)
REFRESH_UNUSED = timedelta(days=60)
CODE_LIFETIME = timedelta(minutes=5)


@dataclass(slots=True)
class _Access:
    expires: datetime
    client_id: str
    scopes: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Refresh:
    issued: datetime
    client_id: str
    scope: str
    rotated_at: datetime | None = None


@dataclass(slots=True)
class _Code:
    client_id: str
    redirect_uri: str
    scope: str
    challenge: str | None
    issued: datetime


def _unknown_scopes(scope: str) -> list[str]:
    return [s for s in scope.split() if s not in scopes.KNOWN]


def _back(params: dict[str, str], answer: dict[str, str]) -> Response:
    """Send the browser back to the app's `redirect_uri` with `answer` and the caller's state."""
    query = dict(answer)
    if params.get("state") is not None:
        query["state"] = params["state"]
    redirect_uri = params["redirect_uri"]
    separator = "&" if "?" in redirect_uri else "?"
    return Response(302, b"", [("Location", f"{redirect_uri}{separator}{urlencode(query)}")])


def _oauth_error(error: str, status: int = 400) -> HttpError:
    return HttpError(status, {"error": error})


class Identity:
    """Tokens for one organisation (tenant)."""

    def __init__(
        self, clock: Clock, *, tenant_id: str, tenant_name: str, client_id: str = "sandbox",
        client_secret: str = "sandbox",
    ) -> None:  # fmt: skip
        self._clock = clock
        self.tenant_id = tenant_id
        self.tenant_name = tenant_name
        self._client = (client_id, client_secret)
        self._lock = threading.Lock()
        self._access: dict[str, _Access] = {}
        self._refresh: dict[str, _Refresh] = {}
        self._codes: dict[str, _Code] = {}
        self._connected = self._clock.now()
        self._connection_id = str(uuid.uuid4())
        self.grants: Counter[str] = Counter()
        self.ask_consent = (
            False  # True: authorize shows the consent page a person clicks through, as Xero does
        )

    # Endpoints -------------------------------------------------------------------------------------------------

    def authorize(self, request: Request) -> Response:
        """GET authorize: the consent page when `ask_consent` is set (as Xero does), else consent at once and
        redirect back to `redirect_uri` with a code and the caller's state."""
        params = {key: values[0] for key, values in request.query.items()}
        return self._authorize(params, consented=not self.ask_consent)

    def consent(self, request: Request) -> Response:
        """POST authorize: the consent page's answer. "Cancel" goes back with `error=access_denied` (RFC 6749
        §4.1.2.1), "Allow access" with a code."""
        form = {key.lower(): values[0] for key, values in parse_qs(request.body.decode()).items()}
        decision = form.pop("decision", "")
        if decision == ALLOW:
            return self._authorize(form, consented=True)
        self._validate(form)
        return _back(form, {"error": "access_denied", "error_description": "The user denied access"})

    def _validate(self, params: dict[str, str]) -> None:
        client_id, redirect_uri = params.get("client_id"), params.get("redirect_uri")
        if client_id != self._client[0] or not redirect_uri or params.get("response_type") != "code":
            raise HttpError(400, {"error": "invalid_request"})

    def _authorize(self, params: dict[str, str], *, consented: bool) -> Response:
        self._validate(params)
        client_id, redirect_uri = params["client_id"], params["redirect_uri"]
        scope = params.get("scope") or ""
        if unknown := _unknown_scopes(scope):
            # RFC 6749 §4.1.2.1: an unknown scope comes back to the app as `invalid_scope`; Xero does so for a
            # scope the app may not use (the fidelity audit's Scopes row; XeroAPI/Xero-NetStandard #298).
            return _back(
                params, {"error": "invalid_scope", "error_description": f"unknown scope: {' '.join(unknown)}"}
            )
        challenge = params.get("code_challenge")
        if challenge and (params.get("code_challenge_method") or "plain") != "S256":
            raise HttpError(400, {"error": "invalid_request", "error_description": "only S256 is supported"})
        if not consented:
            page = consent_page(params, self.tenant_name, scope)
            return Response(
                200, page, [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")]
            )
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Code(client_id, redirect_uri, scope, challenge, self._clock.now())
        return _back(params, {"code": code, "scope": scope})

    def token(self, request: Request) -> Response:
        """The token endpoint: one of the three grants, or an OAuth error."""
        form = {
            key: values[0] for key, values in parse_qs(request.body.decode(), keep_blank_values=True).items()
        }
        client_id = self._authenticate(request, form)
        grant = form.get("grant_type")
        with self._lock:
            if grant == "authorization_code":
                payload = self._code_grant(form, client_id)
            elif grant == "refresh_token":
                payload = self._refresh_grant(form, client_id)
            elif grant == "client_credentials":
                if _unknown_scopes(form.get("scope") or ""):
                    raise _oauth_error("invalid_scope")
                payload = self._issue(client_id, form.get("scope") or "", refresh=False)
            else:
                raise _oauth_error("unsupported_grant_type")
            self.grants[str(grant)] += 1
        return json_response(200, payload, [("Cache-Control", "no-store")])

    def connections(self, request: Request) -> Response:
        """The organisations the bearer token may act for (this sandbox's one)."""
        self.client_of(request)
        stamp = utc_string(self._connected)
        return json_response(
            200,
            [
                {
                    "id": self._connection_id,
                    "authEventId": self._connection_id,
                    "tenantId": self.tenant_id,
                    "tenantType": "ORGANISATION",
                    "tenantName": self.tenant_name,
                    "createdDateUtc": stamp,
                    "updatedDateUtc": stamp,
                }
            ],
        )

    def client_of(self, request: Request) -> str:
        """The app a bearer token belongs to; a 401 like Xero's when the token is missing, unknown or expired."""
        return self.grant_of(request)[0]

    def grant_of(self, request: Request) -> tuple[str, frozenset[str]]:
        """The app a bearer token belongs to and the scopes it was granted; 401 as `client_of`."""
        header = request.headers.get("authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        with self._lock:
            access = self._access.get(token)
        if access is None or access.expires <= self._clock.now():
            # An expired token says when it expired (freakboy3742/pyxero PR #337); an unknown one does not.
            detail = msg.token_expired(access.expires) if access is not None else "AuthenticationUnsuccessful"
            raise HttpError(
                401,
                {"Type": None, "Title": "Unauthorized", "Status": 401, "Detail": detail},
                [("WWW-Authenticate", 'Bearer error="invalid_token"')],
            )
        return access.client_id, access.scopes

    # Test helpers ----------------------------------------------------------------------------------------------

    def issue(self, *, refresh: bool = True, scope: str = ALL_SCOPES) -> dict[str, Any]:
        """A token set as the connect flow would have produced (for seeding a token store in tests)."""
        with self._lock:
            return self._issue(self._client[0], scope, refresh=refresh)

    def expire_access_tokens(self) -> None:
        """Every access token issued so far stops working now (refresh tokens keep working)."""
        with self._lock:
            now = self._clock.now()
            for access in self._access.values():
                access.expires = min(access.expires, now)

    def disconnect(self) -> None:
        """The firm disconnected the app: every token stops working."""
        with self._lock:
            self._access.clear()
            self._refresh.clear()

    # Grants ----------------------------------------------------------------------------------------------------

    def _authenticate(self, request: Request, form: dict[str, str]) -> str:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                raise _oauth_error("invalid_client") from None
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if (client_id, secret) != self._client:
            raise _oauth_error("invalid_client")
        return client_id

    def _code_grant(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        code = self._codes.pop(form.get("code", ""), None)
        now = self._clock.now()
        if code is None or code.client_id != client_id or now - code.issued > CODE_LIFETIME:
            raise _oauth_error("invalid_grant")
        if form.get("redirect_uri") != code.redirect_uri:
            raise _oauth_error("invalid_grant")
        if code.challenge is not None:
            verifier = form.get("code_verifier", "")
            digest = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            )
            if digest != code.challenge:
                raise _oauth_error("invalid_grant")
        return self._issue(client_id, code.scope, refresh="offline_access" in code.scope.split())

    def _refresh_grant(self, form: dict[str, str], client_id: str) -> dict[str, Any]:
        spent = self._refresh.get(form.get("refresh_token", ""))
        now = self._clock.now()
        if (
            spent is None
            or spent.client_id != client_id
            or now - spent.issued > REFRESH_UNUSED
            or (spent.rotated_at is not None and now - spent.rotated_at > REFRESH_GRACE)
        ):
            raise _oauth_error("invalid_grant")
        spent.rotated_at = spent.rotated_at or now
        return self._issue(client_id, spent.scope, refresh=True)

    def _issue(self, client_id: str, scope: str, *, refresh: bool) -> dict[str, Any]:
        now = self._clock.now()
        access = "sbx-at-" + secrets.token_urlsafe(24)
        self._access[access] = _Access(now + ACCESS_LIFETIME, client_id, frozenset(scope.split()))
        payload: dict[str, Any] = {
            "access_token": access,
            "expires_in": int(ACCESS_LIFETIME.total_seconds()),
            "token_type": "Bearer",
            "scope": scope,
        }
        if refresh:
            token = "sbx-rt-" + secrets.token_urlsafe(24)
            self._refresh[token] = _Refresh(now, client_id, scope)
            payload["refresh_token"] = token
        return payload
