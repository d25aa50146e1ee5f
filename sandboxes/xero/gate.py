"""What stands in front of the sandbox's API: Xero's rate limits and its Idempotency-Key memory.

Rate limits (per tenant: 5 in flight, 60 a minute, 5,000 a day; per app: 10,000 a minute) count in fixed windows
that start with the first call, as Xero's do. Every answer carries `X-DayLimit-Remaining`,
`X-MinLimit-Remaining` and `X-AppMinLimit-Remaining`; a call over a limit gets 429 with `X-Rate-Limit-Problem`
(`concurrent`, `minute`, `appminute` or `day`) and, for the windowed limits, `Retry-After` in seconds.

Idempotency follows Xero's guide: only PUT, POST and PATCH are considered; a key is case-insensitive, at most 128
characters, and remembered for 6 minutes from its first use, per app. Within that time the same key with the
same method, URL and body replays the first answer (errors included); with anything different it is a 400.
Replays are counted against the rate limits, since Xero checks limits first.
"""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sandboxes.xero import messages as msg
from sandboxes.xero.wsgi import HttpError, Request, Response

KEY_LIFETIME = timedelta(minutes=6)
MAX_KEY_LENGTH = 128
IDEMPOTENT_METHODS = ("PUT", "POST", "PATCH")


@dataclass(frozen=True, slots=True)
class Limits:
    """Xero's published limits; tests shrink them to reach them quickly."""

    concurrent: int = 5
    per_minute: int = 60
    per_day: int = 5000
    app_per_minute: int = 10_000


@dataclass(slots=True)
class _Window:
    length: float
    started: datetime | None = None
    used: int = 0

    def roll(self, now: datetime) -> None:
        if self.started is None or (now - self.started).total_seconds() >= self.length:
            self.started, self.used = now, 0

    def retry_after(self, now: datetime) -> int:
        assert self.started is not None
        return max(1, math.ceil(self.length - (now - self.started).total_seconds()))


@dataclass(slots=True)
class _Tenant:
    minute: _Window = field(default_factory=lambda: _Window(60))
    day: _Window = field(default_factory=lambda: _Window(86_400))
    in_flight: int = 0


class RateLimiter:
    """Counts calls per tenant and for the app; `admit` raises the 429 Xero would answer."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._tenants: dict[str, _Tenant] = {}
        self._app = _Window(60)
        self.refused = 0

    def admit(self, tenant_id: str, now: datetime) -> list[tuple[str, str]]:
        """Count one call and return the remaining-budget headers, or raise a 429 `HttpError`."""
        with self._lock:
            tenant = self._tenants.setdefault(tenant_id, _Tenant())
            for window in (tenant.minute, tenant.day, self._app):
                window.roll(now)
            problem: tuple[str, int | None] | None = None
            if tenant.day.used >= self.limits.per_day:
                problem = ("day", tenant.day.retry_after(now))
            elif tenant.minute.used >= self.limits.per_minute:
                problem = ("minute", tenant.minute.retry_after(now))
            elif self._app.used >= self.limits.app_per_minute:
                problem = ("appminute", self._app.retry_after(now))
            elif tenant.in_flight >= self.limits.concurrent:
                problem = ("concurrent", None)
            if problem is None:
                tenant.minute.used += 1
                tenant.day.used += 1
                self._app.used += 1
                tenant.in_flight += 1
            headers = self._headers(tenant)
        if problem is not None:
            self.refused += 1
            name, retry_after = problem
            extra = [("X-Rate-Limit-Problem", name)]
            if retry_after is not None:
                extra.append(("Retry-After", str(retry_after)))
            body = {"Title": "Too Many Requests", "Status": 429, "Detail": f"Rate limit exceeded ({name})"}
            raise HttpError(429, body, headers + extra)
        return headers

    def release(self, tenant_id: str) -> None:
        """The call admitted for `tenant_id` has finished."""
        with self._lock:
            self._tenants[tenant_id].in_flight -= 1

    def use_up(self, tenant_id: str, now: datetime, *, day: bool = False) -> None:
        """Spend the rest of the tenant's minute (or day) budget, as another app of the firm would."""
        with self._lock:
            tenant = self._tenants.setdefault(tenant_id, _Tenant())
            window = tenant.day if day else tenant.minute
            window.roll(now)
            window.used = self.limits.per_day if day else self.limits.per_minute

    def spend(self, tenant_id: str, now: datetime, calls: int) -> None:
        """Count `calls` against the tenant's day, as another app of the firm would spend them."""
        with self._lock:
            tenant = self._tenants.setdefault(tenant_id, _Tenant())
            tenant.day.roll(now)
            tenant.day.used = min(tenant.day.used + calls, self.limits.per_day)

    def _headers(self, tenant: _Tenant) -> list[tuple[str, str]]:
        return [
            ("X-DayLimit-Remaining", str(max(self.limits.per_day - tenant.day.used, 0))),
            ("X-MinLimit-Remaining", str(max(self.limits.per_minute - tenant.minute.used, 0))),
            ("X-AppMinLimit-Remaining", str(max(self.limits.app_per_minute - self._app.used, 0))),
        ]


@dataclass(frozen=True, slots=True)
class _Remembered:
    fingerprint: str
    first_used: datetime
    response: Response


class IdempotencyKeys:
    """Answers remembered by (app, tenant, key) for six minutes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[tuple[str, str, str], _Remembered] = {}
        self.replays = 0

    @staticmethod
    def key_of(request: Request) -> str | None:
        """The request's Idempotency-Key when Xero would honour it (PUT, POST, PATCH); 400 when too long."""
        key = request.headers.get("idempotency-key")
        if request.method not in IDEMPOTENT_METHODS or key is None:
            return None
        if len(key) > MAX_KEY_LENGTH:
            raise HttpError(
                400,
                {"ErrorNumber": 10, "Type": "ValidationException", "Message": msg.IDEMPOTENCY_KEY_TOO_LONG},
            )
        return key

    @staticmethod
    def _fingerprint(request: Request) -> str:
        digest = hashlib.sha256(f"{request.method} {request.path}?{request.query_string}\n".encode())
        digest.update(request.body)
        return digest.hexdigest()

    def replay(self, scope: tuple[str, str], key: str, request: Request, now: datetime) -> Response | None:
        """The remembered answer for a repeat, None for a new key; a 400 for a key reused differently."""
        with self._lock:
            remembered = self._answers.get((*scope, key.lower()))
            if remembered is None or now - remembered.first_used >= KEY_LIFETIME:
                return None
            if remembered.fingerprint != self._fingerprint(request):
                raise HttpError(
                    400,
                    {
                        "ErrorNumber": 10,
                        "Type": "ValidationException",
                        "Message": msg.idempotency_conflict(key),
                    },
                )
            self.replays += 1
            return remembered.response

    def remember(
        self, scope: tuple[str, str], key: str, request: Request, now: datetime, response: Response
    ) -> None:
        """Keep `response` as the answer to this key for the next six minutes."""
        with self._lock:
            self._answers[(*scope, key.lower())] = _Remembered(self._fingerprint(request), now, response)
