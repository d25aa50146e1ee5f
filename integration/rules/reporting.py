"""A sync report as numbers a bookkeeper reads: counts and totals by kind and outcome, problems with fixes, and
the same as JSON for scripts (`xerobot sync --json`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integration.domain import DocumentKind, Outcome, RunStatus, SyncReport

OUTCOME_LABELS = {
    Outcome.POSTED: "posted",
    Outcome.ADOPTED: "already in Xero, linked",
    Outcome.FAILED: "failed",
    Outcome.BLOCKED: "waiting",
    Outcome.SKIPPED_BY_DESIGN: "skipped by design",
    Outcome.ALREADY_LINKED: "already linked",
    Outcome.CHANGED_AFTER_POSTING: "changed after posting",
    Outcome.AWAITING_CHANGE: "unlinked, unchanged",
    Outcome.WOULD_POST: "would post",
}


@dataclass(frozen=True, slots=True)
class Tally:
    count: int
    total: Decimal


def tallies(report: SyncReport) -> dict[DocumentKind, dict[Outcome, Tally]]:
    """Counts and totals per kind and outcome, kinds in the order they are sent."""
    counts: dict[DocumentKind, dict[Outcome, list[Any]]] = defaultdict(
        lambda: defaultdict(lambda: [0, Decimal(0)])
    )
    for item in report.items:
        cell = counts[item.source.kind][item.outcome]
        cell[0] += 1
        cell[1] += item.total
    order = list(DocumentKind)
    return {
        kind: {
            outcome: Tally(c, t)
            for outcome, (c, t) in sorted(by_outcome.items(), key=lambda kv: list(Outcome).index(kv[0]))
        }
        for kind, by_outcome in sorted(counts.items(), key=lambda kv: order.index(kv[0]))
    }


def duration_seconds(report: SyncReport) -> float:
    if report.finished_at is None:
        return 0.0
    return (report.finished_at - report.started_at).total_seconds()


def headline(report: SyncReport) -> str:
    """One sentence: what the run did."""
    if report.dry_run:
        name = "Preview"
        lead = f"would post {report.count(Outcome.WOULD_POST)} ({report.total(Outcome.WOULD_POST):,.2f})"
    else:
        name = f"Sync #{report.run_id}" if report.run_id else "Sync"
        posted = report.count(Outcome.POSTED) + report.count(Outcome.ADOPTED)
        lead = f"posted {posted} ({report.total(Outcome.POSTED) + report.total(Outcome.ADOPTED):,.2f})"
    parts = [lead]
    for outcome in (
        Outcome.FAILED,
        Outcome.BLOCKED,
        Outcome.CHANGED_AFTER_POSTING,
        Outcome.SKIPPED_BY_DESIGN,
        Outcome.ALREADY_LINKED,
    ):
        if report.count(outcome):
            parts.append(f"{report.count(outcome)} {OUTCOME_LABELS[outcome]}")
    state = "" if report.status is RunStatus.OK else f" ({report.status})"
    return (
        f"{name}{state}: "
        + ", ".join(parts)
        + f". {report.api_calls} API calls in {duration_seconds(report):.1f} s."
    )


def to_dict(report: SyncReport) -> dict[str, Any]:
    """The report as JSON-ready data; money as strings so no reader turns it into a float."""
    return {
        "run_id": report.run_id,
        "trigger": report.trigger,
        "actor": report.actor,
        "dry_run": report.dry_run,
        "status": report.status,
        "error": report.error,
        "error_code": report.error_code,
        "started_at": report.started_at.isoformat(),
        "finished_at": report.finished_at.isoformat() if report.finished_at else None,
        "duration_seconds": round(duration_seconds(report), 3),
        "api_calls": report.api_calls,
        "headline": headline(report),
        "by_kind": {
            kind.value: {
                outcome.value: {"count": t.count, "total": str(t.total)} for outcome, t in outcomes.items()
            }
            for kind, outcomes in tallies(report).items()
        },
        "items": [
            {
                "kind": item.source.kind.value,
                "id": item.source.id,
                "number": item.number,
                "outcome": item.outcome.value,
                "total": str(item.total),
                "tax": str(item.tax),
                "xero_id": item.xero_id,
                "code": item.error_code,
                "message": item.message,
                "fix": item.fix,
            }
            for item in report.items
        ],
        "problems": [
            {
                "code": p.code,
                "subject": p.subject,
                "message": p.message,
                "fix": p.fix,
                "severity": p.severity.value,
                "documents": [str(ref) for ref in p.documents],
            }
            for p in report.problems
        ],
    }
