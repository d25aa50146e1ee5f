"""The daily health check's findings as `Problem`s, so they reach people through the alert desk like a sync's do:
raised once, counted while they last, resolved by the first complete check that no longer finds them. Pure: the
facts (`Service.health_check` gathers them) in, problems out.

Besides mapping and chart problems (`Service.check`), the check looks for what stops the bot working tomorrow
rather than today: a connection revoked, a refresh token about to expire unused, Xero's daily call budget nearly
spent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from integration.domain import ConnectionHealth, Problem, Severity
from integration.errors import describe

EXPIRY_WARNING = timedelta(days=7)
DAY_BUDGET_LOW = 500  # of Xero's 5,000 calls a day per organisation
NAMES = {"xero": "Xero", "actionstep": "Actionstep"}
# Connection failures a person must act on; anything else (an outage) is the sync alerts' business.
ACTIONABLE = ("auth.expired", "org.cash_basis")


@dataclass(frozen=True, slots=True)
class HealthCheck:
    """What one check found. `complete` when every look succeeded, so alerts it no longer finds may be resolved."""

    problems: tuple[Problem, ...]
    complete: bool
    connections: tuple[ConnectionHealth, ...]


def _name(remote: str) -> str:
    return NAMES.get(remote, remote)


def connection_problems(connections: Iterable[ConnectionHealth]) -> list[Problem]:
    """A revoked connection, or an Actionstep on the Cash basis."""
    problems = []
    for c in connections:
        if not c.ok and c.code in ACTIONABLE:
            fix = c.fix or describe(c.code).fix
            problems.append(Problem(c.code, f"connection:{c.remote}", f"{_name(c.remote)}: {c.detail}", fix))
    return problems


def expiry_problems(expiries: Mapping[str, datetime | None], now: datetime) -> list[Problem]:
    """Refresh tokens that expire unused within `EXPIRY_WARNING` (or already have)."""
    problems = []
    for remote, expires in sorted(expiries.items()):
        if expires is None or expires - now > EXPIRY_WARNING:
            continue
        if expires <= now:
            message = f"The {_name(remote)} connection expired unused on {expires:%d %b %Y}."
            problems.append(
                Problem("auth.expired", f"connection:{remote}", message, describe("auth.expired").fix)
            )
            continue
        days = (expires - now).days
        within = "within a day" if days < 1 else f"in {days} day{'s' if days != 1 else ''}"
        message = (
            f"The {_name(remote)} connection expires {within} ({expires:%d %b %Y %H:%M} UTC) unless the bot "
            "uses it before then."
        )
        fix = describe("auth.expiring").fix
        problems.append(Problem("auth.expiring", f"token:{remote}", message, fix, Severity.WARNING))
    return problems


def budget_problems(day_remaining: int | None) -> list[Problem]:
    """Xero's daily call budget running low (unknown until Xero has answered a call today)."""
    if day_remaining is None or day_remaining >= DAY_BUDGET_LOW:
        return []
    message = f"Xero has {day_remaining:,} of today's 5,000 API calls left for this organisation."
    return [
        Problem(
            "remote.daily_budget_low",
            "budget:xero",
            message,
            describe("remote.daily_budget_low").fix,
            Severity.WARNING,
        )
    ]
