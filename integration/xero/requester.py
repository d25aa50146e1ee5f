"""One API call to Xero, made safely: governed, retried only where repeating is harmless, errors translated.

Retries (tenacity, sleeping on the injected clock):
- 5xx answers, timeouts and connection errors are retried with exponential backoff. A read is always safe to
  repeat. A write is repeated only with the same `Idempotency-Key` and only while Xero still remembers that key
  (6 minutes from the first attempt, less a margin), so a repeat can never create a second document. When the
  attempts or the window run out, `Unavailable` says the outcome of a write is unknown: look the document up
  before sending it again with a new key.
- A 429 waits as long as Xero's `Retry-After` says (the governor holds every caller of the tenant back) and goes
  again; a 429 for the day's limit raises `DailyLimitReached` at once.

Errors (the tree is documented in `integration.errors`): 401 after one refresh, or 403 → `AuthError` (a 401
`AuthorizationUnsuccessful` is a scope the connection lacks: `auth.missing_scope`, naming it, see `scopes.py`); a 400 or
other 4xx → `Rejected` with Xero's own messages; callers that expect per-element answers read `Elements` first.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception

from integration import telemetry
from integration.clock import Clock
from integration.errors import AuthError, RateLimited, Rejected, Unavailable
from integration.xero import wire
from integration.xero.governor import RateGovernor
from integration.xero.messages import code_for
from integration.xero.scopes import needed

MAX_KEY_LENGTH = 128
KEY_WINDOW = timedelta(minutes=6)
_TRANSPORT_ERRORS = (httpx.TransportError, TimeoutError, ConnectionError)
REMOTE = "xero"


@dataclass(frozen=True, slots=True)
class XeroRetryPolicy:
    """How hard to try. Backoff doubles from `initial_backoff` up to `max_backoff` seconds."""

    attempts: int = 4
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    throttle_retries: int = 5
    key_margin: timedelta = timedelta(seconds=30)


class _Transient(Exception):
    def __init__(self, what: str, status: int | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.status = status


class _Expired(_Transient):
    """A write failed once and Xero may have forgotten its key by now: repeating it could duplicate."""


class _Throttled(Exception):
    pass


def _retryable(error: BaseException) -> bool:
    return isinstance(error, _Transient | _Throttled) and not isinstance(error, _Expired)


@dataclass(slots=True)
class _Attempts:
    failures: int = 0
    throttles: int = 0


def _messages(payload: Any) -> list[str]:
    """Xero's words from an error body: element validation messages, else its Message/Detail."""
    if not isinstance(payload, dict):
        return []
    found = [
        str(error["Message"])
        for element in payload.get("Elements") or []
        if isinstance(element, dict)
        for error in element.get("ValidationErrors") or []
        if isinstance(error, dict) and error.get("Message")
    ]
    if not found:
        found = [str(payload[key]) for key in ("Message", "Detail", "Title") if payload.get(key)][:1]
    return found


def _detail(response: httpx.Response) -> str | None:
    try:
        payload = wire.loads(response.content)
    except ValueError:
        return None
    return str(payload.get("Detail")) if isinstance(payload, dict) and payload.get("Detail") else None


def rejected(response: httpx.Response, what: str) -> Rejected:
    """A `Rejected` carrying Xero's messages for a 4xx answer to `what`."""
    try:
        payload = wire.loads(response.content)
    except ValueError:
        payload = {"Message": response.text[:500]} if response.text else {}
    messages = tuple(_messages(payload))
    codes = {code_for(m) for m in messages}
    code = codes.pop() if len(codes) == 1 and "xero.unknown" not in codes else None
    text = "; ".join(messages) or f"HTTP {response.status_code}"
    return Rejected(
        "xero", f"Xero refused {what}: {text}", messages=messages, code=code, status=response.status_code
    )


def json_of(response: httpx.Response, what: str) -> Any:
    """The JSON of Xero's answer to `what`; one that is not JSON leaves the outcome unknown (`Unavailable`)."""
    try:
        return wire.loads(response.content)
    except ValueError:
        raise Unavailable(
            "xero",
            f"Xero's answer to {what} was not JSON (HTTP {response.status_code}); the outcome is unknown.",
        ) from None


class XeroRequester:
    """Sends requests for one tenant through its governor, with auth, retries and error translation."""

    def __init__(
        self,
        http: httpx.Client,
        auth: httpx.Auth,
        tenant_id: str,
        governor: RateGovernor,
        clock: Clock,
        *,
        api_url: str,
        retry: XeroRetryPolicy | None = None,
    ) -> None:
        self._http = http
        self._auth = _Counted(auth, self)
        self._tenant_id = tenant_id
        self._governor = governor
        self._clock = clock
        self._api_url = api_url.rstrip("/")
        self._retry = retry or XeroRetryPolicy()
        self._calls_lock = threading.Lock()
        self.api_calls = 0

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        idempotency_key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """The final response (any status below 500 except 429), or a typed error. `headers` add to ours (e.g.
        `If-Modified-Since`)."""
        headers = {**(headers or {}), "xero-tenant-id": self._tenant_id, "Accept": "application/json"}
        content = None
        if body is not None:
            content = wire.dumps(body)
            headers["Content-Type"] = "application/json"
        if idempotency_key is not None:
            if not 0 < len(idempotency_key) <= MAX_KEY_LENGTH:
                raise ValueError(f"an Idempotency-Key has 1 to {MAX_KEY_LENGTH} characters")
            headers["Idempotency-Key"] = idempotency_key
        elif method != "GET" and method != "DELETE":
            raise ValueError(f"{method} {path} is a write and needs an Idempotency-Key")
        window_end = self._clock.now() + KEY_WINDOW - self._retry.key_margin
        attempts = _Attempts()
        url = f"{self._api_url}/{path.lstrip('/')}"
        retrying = Retrying(
            sleep=self._clock.sleep,
            retry=retry_if_exception(_retryable),
            wait=lambda state: self._wait(state, attempts),
            stop=lambda state: self._stop(state, attempts, method, window_end),
            reraise=True,
        )
        try:
            response: httpx.Response = retrying(
                self._send, method, url, params, content, headers, attempts, window_end
            )
        except _Transient as failure:
            outcome = " The outcome of this write is unknown." if method not in ("GET", "DELETE") else ""
            raise Unavailable(
                "xero",
                f"Xero did not answer {method} {path}: {failure.what}.{outcome}",
                status=failure.status,
            ) from None
        except _Throttled:
            raise RateLimited(
                "xero", f"Xero kept answering 429 to {method} {path}.", retry_after=60.0
            ) from None
        if response.status_code == 401 and _detail(response) == "AuthorizationUnsuccessful":
            scope = needed(method, path) or "the scope this call needs"
            raise AuthError(
                "xero",
                f"Xero refused {method} {path}: the connection was not granted the `{scope}` scope. Reconnect "
                "Xero with `/xero connect xero` and allow every permission Xero asks for.",
                code="auth.missing_scope",
                status=401,
            )
        if response.status_code in (401, 403):
            raise AuthError(
                "xero",
                "Xero refused the connection's credentials; reconnect Xero.",
                status=response.status_code,
            )
        return response

    def _send(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None,
        content: bytes | None,
        headers: dict[str, str],
        attempts: _Attempts,
        window_end: datetime,
    ) -> httpx.Response:
        with self._governor.slot():
            if attempts.failures and "Idempotency-Key" in headers and self._clock.now() >= window_end:
                raise _Expired("no answer within Xero's idempotency window")
            if attempts.failures or attempts.throttles:
                telemetry.RETRIES.labels(REMOTE).inc()
            try:
                response = self._http.request(
                    method, url, params=params, content=content, headers=headers, auth=self._auth
                )
            except _TRANSPORT_ERRORS as error:
                telemetry.count_call(REMOTE, url.removeprefix(self._api_url), None)
                attempts.failures += 1
                raise _Transient(f"{type(error).__name__}") from None
        telemetry.count_call(REMOTE, url.removeprefix(self._api_url), response.status_code)
        self._governor.observe(response.headers)
        if response.status_code == 429:
            telemetry.THROTTLED.labels(REMOTE).inc()
            attempts.throttles += 1
            self._governor.throttled(response.headers)
            raise _Throttled()
        if response.status_code >= 500:
            attempts.failures += 1
            raise _Transient(f"HTTP {response.status_code}", response.status_code)
        return response

    def _wait(self, state: RetryCallState, attempts: _Attempts) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Throttled):
            return 0.0  # the governor waits out Retry-After for every caller of this tenant
        backoff = self._retry.initial_backoff * 2.0 ** max(attempts.failures - 1, 0)
        return min(backoff, self._retry.max_backoff)

    def _stop(self, state: RetryCallState, attempts: _Attempts, method: str, window_end: datetime) -> bool:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Throttled):
            return attempts.throttles > self._retry.throttle_retries
        if attempts.failures >= self._retry.attempts:
            return True
        if method in ("GET", "DELETE"):
            return False
        resume_at = self._clock.now() + timedelta(seconds=state.upcoming_sleep)
        return resume_at >= window_end

    def counted(self) -> None:
        """Count one request on the wire (called by the auth wrapper)."""
        with self._calls_lock:
            self.api_calls += 1


class _Counted(httpx.Auth):
    """Wraps the real auth to count every request that goes on the wire, including its 401 re-sends."""

    def __init__(self, inner: httpx.Auth, requester: XeroRequester) -> None:
        self._inner = inner
        self._requester = requester

    def sync_auth_flow(self, request: httpx.Request) -> Any:
        """Run the wrapped auth flow, counting each request it sends."""
        flow = self._inner.sync_auth_flow(request)
        outgoing = next(flow)
        while True:
            self._requester.counted()
            response = yield outgoing
            try:
                outgoing = flow.send(response)
            except StopIteration:
                return
