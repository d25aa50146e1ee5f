"""What a run found and did: problems, one outcome per document, and the run's report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from integration.domain.documents import SourceRef


class Severity(StrEnum):
    BLOCKING = "blocking"  # documents wait until it is fixed
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a bookkeeper has to fix, in their words, with the documents it holds back.

    `code` is a stable catalogue code (see `errors.CATALOGUE`); `subject` names what is wrong (an account, a
    document); `fingerprint` identifies the same problem across runs, so an alert is raised once.
    """

    code: str
    subject: str
    message: str
    fix: str
    severity: Severity = Severity.BLOCKING
    documents: tuple[SourceRef, ...] = ()
    # What the alert is about as data, for readers other than a person (the daily summary reads a drift's
    # number, changes, who and when here); stored with the alert.
    facts: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def fingerprint(self) -> str:
        return f"{self.code}:{self.subject}"


class RunStatus(StrEnum):
    """How a run ended; the values are what the ledger stores."""

    RUNNING = "running"  # not finished yet, or its process died before it could say
    OK = "ok"
    INTERRUPTED = "interrupted"  # a retriable error: what it did not reach is left for the next run
    FAILED = "failed"  # any other error: nothing more is posted until a person acts


class Outcome(StrEnum):
    """What a sync did with one document."""

    POSTED = "posted"
    ADOPTED = "adopted"  # already in Xero with the same number and total: linked, not re-sent
    FAILED = "failed"
    BLOCKED = "blocked"  # waits on a mapping, a lock date or a document it depends on
    SKIPPED_BY_DESIGN = "skipped_by_design"
    ALREADY_LINKED = "already_linked"
    CHANGED_AFTER_POSTING = "changed_after_posting"
    AWAITING_CHANGE = "awaiting_change"  # unlinked, and not changed in Actionstep since: not re-posted
    WOULD_POST = "would_post"  # dry run

    @property
    def finished(self) -> bool:
        """True when nothing more is to be done until the document changes in Actionstep."""
        return self not in (
            Outcome.FAILED,
            Outcome.BLOCKED,
            Outcome.CHANGED_AFTER_POSTING,
            Outcome.WOULD_POST,
        )


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One document's outcome in one run."""

    source: SourceRef
    number: str
    outcome: Outcome
    total: Decimal
    tax: Decimal = Decimal(0)
    xero_id: str | None = None
    error_code: str | None = None
    message: str | None = None
    fix: str | None = None


@dataclass(frozen=True, slots=True)
class Reapplied:
    """What a sync did with one removed allocation: re-applied it, or could not (`reason`)."""

    credit_note_number: str
    invoice_number: str
    amount: Decimal
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass(slots=True)
class SyncReport:
    """Everything a run did, for Slack, the command line and the ledger."""

    run_id: int | None
    trigger: str
    actor: str
    started_at: datetime
    finished_at: datetime | None = None
    dry_run: bool = False
    items: list[ItemResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    api_calls: int = 0
    status: RunStatus = RunStatus.RUNNING
    error: str | None = None
    error_code: str | None = None
    xero_short_code: str | None = None
    reallocations: list[Reapplied] = field(default_factory=list)  # credit applied again after an unlink

    def count(self, outcome: Outcome) -> int:
        return sum(1 for item in self.items if item.outcome is outcome)

    def total(self, outcome: Outcome) -> Decimal:
        return sum((item.total for item in self.items if item.outcome is outcome), Decimal(0))

    def count_posted(self) -> int:
        """Documents this run put in Xero, or found there and linked."""
        return self.count(Outcome.POSTED) + self.count(Outcome.ADOPTED)
