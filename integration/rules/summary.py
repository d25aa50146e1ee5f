"""The daily summary as data: what happened since the last summary, and what needs someone. Pure: the ledger's
facts in, a `Summary` out (`Service.summary()` reads the facts; `bot.views.summary` renders it).

Documents are counted once each however many runs listed them (a skipped bank deposit is seen again by the next
run's overlap window); a document posted, unlinked and posted again counts twice, since it went to Xero twice.
Open drift alerts (changes made in Xero to documents the bot posted) have a section of their own, "Changed in
Xero", and are not repeated among the failures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from integration.domain import (
    Alert,
    AlertSource,
    AlertState,
    ConnectionHealth,
    DocumentKind,
    ItemResult,
    Outcome,
)

POSTED = (Outcome.POSTED, Outcome.ADOPTED)
OUTCOMES = (*POSTED, Outcome.SKIPPED_BY_DESIGN)  # the outcomes a summary counts


@dataclass(frozen=True, slots=True)
class KindTally:
    kind: DocumentKind
    count: int
    total: Decimal


@dataclass(frozen=True, slots=True)
class PendingUnlink:
    """An unlink request still open: waiting for approval, running, or stopped at a step for a retry."""

    id: int
    number: str
    requested_by: str
    requested_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class DriftLine:
    """An open drift alert as the summary lists it: the document, what changed, and who and when where Xero said."""

    alert: Alert
    document: str
    changes: str
    who: str | None = None
    at: str | None = None


def drift_line(alert: Alert) -> DriftLine:
    """The summary's line for a drift alert, from the facts stored with it (`rules.drift.facts`); an alert raised
    before facts were stored shows its whole message as what changed."""
    facts = alert.facts or {}
    named = next((d.number for d in alert.documents if d.number), None)
    document = facts.get("number") or named or alert.subject
    at = facts.get("at")
    when = f"{datetime.fromisoformat(at).astimezone(UTC):%Y-%m-%d %H:%M} UTC" if at else None
    return DriftLine(alert, document, facts.get("changes") or alert.message, facts.get("who"), when)


@dataclass(frozen=True, slots=True)
class Summary:
    since: datetime
    until: datetime
    runs: int  # real (not preview) syncs started in the period
    posted: tuple[KindTally, ...]  # in the order kinds are sent
    skipped: tuple[KindTally, ...]  # skipped by design
    failures: tuple[Alert, ...]  # open alerts, oldest first
    ignored: int  # alerts someone chose to ignore
    unlinks: tuple[PendingUnlink, ...]  # oldest first
    connections: tuple[ConnectionHealth, ...]
    drift: tuple[DriftLine, ...] = ()  # open drift alerts, oldest first; not among `failures`

    @property
    def posted_count(self) -> int:
        return sum(t.count for t in self.posted)

    @property
    def posted_total(self) -> Decimal:
        return sum((t.total for t in self.posted), Decimal(0))

    @property
    def skipped_count(self) -> int:
        return sum(t.count for t in self.skipped)

    @property
    def all_clear(self) -> bool:
        """Nothing failing, nothing waiting on a person, every connection healthy."""
        return (
            not self.failures and not self.drift and not self.unlinks and all(c.ok for c in self.connections)
        )

    def age(self, alert: Alert) -> timedelta:
        """How long the alert has been open at the end of the period."""
        return max(self.until - alert.first_seen, timedelta(0))


class _Tally:
    """Counts and totals per kind, each document once."""

    def __init__(self) -> None:
        self.counts: dict[DocumentKind, int] = {}
        self.totals: dict[DocumentKind, Decimal] = {}
        self._seen: set[tuple[object, ...]] = set()

    def add(self, key: tuple[object, ...], kind: DocumentKind, total: Decimal) -> None:
        if key in self._seen:
            return
        self._seen.add(key)
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.totals[kind] = self.totals.get(kind, Decimal(0)) + total

    def tallies(self) -> tuple[KindTally, ...]:
        return tuple(KindTally(k, self.counts[k], self.totals[k]) for k in DocumentKind if k in self.counts)


def summarise(
    since: datetime,
    until: datetime,
    items: Iterable[ItemResult],
    *,
    runs: int,
    alerts: Sequence[Alert],
    unlinks: Sequence[PendingUnlink],
    connections: Sequence[ConnectionHealth],
) -> Summary:
    """A summary of the period from the outcomes recorded in it and the state of things at its end."""
    posted, skipped = _Tally(), _Tally()
    open_alerts = sorted((a for a in alerts if a.state is AlertState.OPEN), key=lambda a: a.first_seen)
    for item in items:
        if item.outcome in POSTED:
            posted.add((item.source, item.xero_id), item.source.kind, item.total)
        elif item.outcome is Outcome.SKIPPED_BY_DESIGN:
            skipped.add((item.source,), item.source.kind, item.total)
    return Summary(
        since=since,
        until=until,
        runs=runs,
        posted=posted.tallies(),
        skipped=skipped.tallies(),
        failures=tuple(a for a in open_alerts if a.source is not AlertSource.DRIFT),
        drift=tuple(drift_line(a) for a in open_alerts if a.source is AlertSource.DRIFT),
        ignored=sum(1 for a in alerts if a.state is AlertState.IGNORED),
        unlinks=tuple(sorted(unlinks, key=lambda u: u.requested_at)),
        connections=tuple(connections),
    )
