"""Alerts raised from problems, what changed when they were raised, and the health of each connection."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from integration.domain.mappings import MappingKind


class AlertState(StrEnum):
    OPEN = "open"
    IGNORED = "ignored"
    RESOLVED = "resolved"


class AlertSource(StrEnum):
    """What raised an alert; only the same source may resolve it, since only it looks at the same things."""

    SYNC = "sync"  # a sync report: failed posts, problems with the documents it listed, a run that failed
    CHECK = "check"  # a health check: standing mapping problems, connections
    DUPLICATE = (
        "duplicate"  # a second copy in Xero: no later look can tell it was dealt with, so a person says so
    )
    DRIFT = "drift"  # a change made in Xero to a posted document; resolved when a later look finds it gone
    CONNECT = "connect"  # a connect to another organisation, refused: resolved when an approver confirms it
    TRUST = "trust"  # a trust breach a reconciliation found (an overdrawn matter); resolved when one finds it fixed


# Problem subjects that one mapping can fix (see `mapping.py`), and the mapping kind each names.
_FIXABLE_SUBJECTS = {
    "account": MappingKind.ACCOUNT,
    "role": MappingKind.ROLE,
    "timekeeper": MappingKind.TIMEKEEPER,
}


@dataclass(frozen=True, slots=True)
class AlertDocument:
    """A document an alert holds back, as a bookkeeper knows it."""

    ref: str  # SourceRef as text, "kind:id"
    number: str | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    """A problem raised once in the alerts channel, counted while it repeats, then resolved.

    `version` grows with every change, so a message rendered from it can tell whether it is still current.
    """

    id: int
    fingerprint: str
    code: str
    subject: str
    message: str
    fix: str
    source: AlertSource
    count: int
    first_seen: datetime
    last_seen: datetime
    version: int
    documents: tuple[AlertDocument, ...] = ()
    resolved_at: datetime | None = None
    ignored_at: datetime | None = None
    ignored_by: str | None = None
    ignore_reason: str | None = None
    slack_channel: str | None = None
    slack_ts: str | None = None
    facts: dict[str, Any] | None = None  # the problem's facts as data (see `Problem.facts`)

    @property
    def state(self) -> AlertState:
        if self.resolved_at is not None:
            return AlertState.RESOLVED
        return AlertState.IGNORED if self.ignored_at is not None else AlertState.OPEN

    @property
    def mapping_target(self) -> tuple[MappingKind, str] | None:
        """The mapping that would fix this alert, when one mapping can: (kind, Actionstep side)."""
        if not self.code.startswith("mapping."):
            return None
        prefix, _, source_id = self.subject.partition(":")
        kind = _FIXABLE_SUBJECTS.get(prefix)
        return (kind, source_id) if kind is not None and source_id else None


@dataclass(slots=True)
class AlertChanges:
    """What raising a report's problems did: alerts to post, to update, and to mark resolved."""

    new: list[Alert] = field(default_factory=list)
    repeated: list[Alert] = field(default_factory=list)
    resolved: list[Alert] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.new or self.repeated or self.resolved)


@dataclass(frozen=True, slots=True)
class Activity:
    """Something a person did, from the audit log: who, what, when, and how it turned out."""

    at: datetime
    actor: str
    action: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ConnectionHealth:
    """Whether the bot can reach one remote as the firm, in a bookkeeper's words; `code` (from `errors.CATALOGUE`)
    says why not."""

    remote: str  # "xero" | "actionstep"
    ok: bool
    detail: str
    fix: str | None = None
    code: str | None = None
