"""One GET to Actionstep, with the required headers, bounded retries and errors translated into `errors`.

- 429: wait for `Retry-After` when Actionstep sends one (seconds or an HTTP date), else back off exponentially;
  after the last attempt, or when asked to wait longer than `max_wait`, raise `RateLimited` with the wait.
- 5xx, timeouts and connection errors: GETs are safe to repeat, so retry with backoff, then raise `Unavailable`.
- 401 after the auth flow's one refresh, or 403 (permission or scope): `AuthError`.
- 404 and other 4xx: `Rejected`, with Actionstep's own words when its `errors` body has any.
Waits go through the injected `Clock`, so tests and benchmarks do not sleep.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from integration import telemetry
from integration.actionstep.envelope import Params
from integration.actionstep.resources import MEDIA_TYPE
from integration.clock import Clock
from integration.errors import AuthError, RateLimited, Rejected, Unavailable

REMOTE = "actionstep"
HEADERS = {"Accept": MEDIA_TYPE, "Content-Type": MEDIA_TYPE}


@dataclass(frozen=True, slots=True)
class ActionstepRetryPolicy:
    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_wait: float = 300.0  # a longer Retry-After is handed to the caller rather than slept through

    def backoff(self, attempt: int) -> float:
        return float(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


class ActionstepRequester:
    """Sends GETs for the client. `calls` counts requests sent, retries included."""

    def __init__(
        self, http: httpx.Client, auth: httpx.Auth | None, clock: Clock, retry: ActionstepRetryPolicy
    ) -> None:
        self._http = http
        self._auth = auth
        self._clock = clock
        self._retry = retry
        self.calls = 0

    def get(self, url: str, params: Params | None = None) -> httpx.Response:
        """A 200 or 204 response for `url`, or one of the errors above."""
        retry = self._retry
        what = _describe(url)
        for attempt in range(1, retry.attempts + 1):
            last = attempt == retry.attempts
            self.calls += 1
            if attempt > 1:
                telemetry.RETRIES.labels(REMOTE).inc()
            try:
                response = self._http.get(url, params=params, headers=HEADERS, auth=self._auth)
            except httpx.TransportError as error:
                telemetry.count_call(REMOTE, what, None)
                if last:
                    message = f"Actionstep did not answer for {what} ({type(error).__name__}) after {attempt} attempts."
                    raise Unavailable(REMOTE, message) from None
                self._clock.sleep(retry.backoff(attempt))
                continue
            status = response.status_code
            telemetry.count_call(REMOTE, what, status)
            if status in (200, 204):
                return response
            if status == 429:
                telemetry.THROTTLED.labels(REMOTE).inc()
                wait = self._retry_after(response) or retry.backoff(attempt)
                if last or wait > retry.max_wait:
                    raise RateLimited(REMOTE, f"Actionstep is rate limiting {what}.", retry_after=wait)
                self._clock.sleep(wait)
                continue
            if status >= 500:
                if last:
                    message = f"Actionstep failed with {status} for {what} after {attempt} attempts."
                    raise Unavailable(REMOTE, message, status=status)
                self._clock.sleep(retry.backoff(attempt))
                continue
            raise _refusal(status, what, response)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _retry_after(self, response: httpx.Response) -> float | None:
        value = response.headers.get("Retry-After")
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - self._clock.now()).total_seconds())


def _describe(url: str) -> str:
    path = httpx.URL(url).path
    return path.split("/api/rest/", 1)[-1] or path


def _messages(response: httpx.Response) -> tuple[str, ...]:
    try:
        errors: Any = json.loads(response.content).get("errors")
    except (ValueError, AttributeError):
        return ()
    items = errors if isinstance(errors, list) else [errors] if errors else []
    found = []
    for item in items:
        text = (
            item.get("message") or item.get("title") or item.get("detail") if isinstance(item, dict) else item
        )
        if text:
            found.append(str(text))
    return tuple(found)


def _refusal(status: int, what: str, response: httpx.Response) -> Exception:
    words = _messages(response)
    said = f": {'; '.join(words)}" if words else ""
    if status == 401:
        return AuthError(REMOTE, f"Actionstep refused the access token for {what}{said}.", status=status)
    if status == 403:
        message = f"Actionstep refused access to {what} (403){said}: the connected user or the app's scopes lack permission."
        return AuthError(REMOTE, message, status=status)
    if status == 404:
        return Rejected(REMOTE, f"Actionstep has no {what} (404){said}.", messages=words, status=status)
    return Rejected(
        REMOTE, f"Actionstep refused the request for {what} ({status}){said}.", messages=words, status=status
    )
