"""Sync runs and the outcome of each document in each run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from integration.domain import DocumentKind, ItemResult, Outcome, RunStatus, SourceRef
from integration.store.tables import SyncItemRow, SyncRunRow
from integration.store.types import utcnow


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    trigger: str
    actor: str
    dry_run: bool
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    api_calls: int
    error: str | None
    summary: dict[str, Any] | None


def _to_run(row: SyncRunRow) -> RunRecord:
    return RunRecord(
        row.id, row.trigger, row.actor, row.dry_run, RunStatus(row.status), row.started_at,
        row.finished_at, row.api_calls, row.error, row.summary,
    )  # fmt: skip


ITEM_COLUMNS = (
    SyncItemRow.source_kind, SyncItemRow.source_id, SyncItemRow.source_number, SyncItemRow.outcome,
    SyncItemRow.total, SyncItemRow.tax, SyncItemRow.xero_id, SyncItemRow.error_code, SyncItemRow.message,
)  # fmt: skip


class RunRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def start(self, trigger: str, actor: str, *, dry_run: bool = False, at: datetime | None = None) -> int:
        row = SyncRunRow(
            trigger=trigger,
            actor=actor,
            dry_run=dry_run,
            status=RunStatus.RUNNING.value,
            started_at=at or utcnow(),
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def record(self, run_id: int, items: Iterable[ItemResult], *, at: datetime | None = None) -> None:
        """Store outcomes in one statement (a run can have thousands)."""
        when = at or utcnow()
        rows = [
            {
                "run_id": run_id,
                "source_kind": item.source.kind.value,
                "source_id": item.source.id,
                "source_number": item.number,
                "outcome": item.outcome.value,
                "total": item.total,
                "tax": item.tax,
                "xero_id": item.xero_id,
                "error_code": item.error_code,
                "message": item.message,
                "recorded_at": when,
            }
            for item in items
        ]
        if rows:
            self._session.execute(insert(SyncItemRow), rows)

    def finish(
        self,
        run_id: int,
        *,
        status: RunStatus,
        api_calls: int,
        summary: dict[str, Any] | None = None,
        error: str | None = None,
        at: datetime | None = None,
    ) -> None:
        row = self._session.get_one(SyncRunRow, run_id)
        row.status, row.api_calls, row.summary, row.error = RunStatus(status).value, api_calls, summary, error
        row.finished_at = at or utcnow()

    def last(self, *, include_dry_runs: bool = False) -> RunRecord | None:
        query = select(SyncRunRow).order_by(SyncRunRow.started_at.desc(), SyncRunRow.id.desc()).limit(1)
        if not include_dry_runs:
            query = query.where(SyncRunRow.dry_run.is_(False))
        row = self._session.scalar(query)
        return _to_run(row) if row else None

    def firsts(self) -> tuple[bool, bool]:
        """Whether any preview (dry run) was recorded, and whether any real run posted or adopted a document."""
        previewed = self._session.scalar(select(SyncRunRow.id).where(SyncRunRow.dry_run.is_(True)).limit(1))
        posted = self._session.scalar(
            select(SyncItemRow.id)
            .join(SyncRunRow, SyncRunRow.id == SyncItemRow.run_id)
            .where(
                SyncItemRow.outcome.in_([Outcome.POSTED.value, Outcome.ADOPTED.value]),
                SyncRunRow.dry_run.is_(False),
            )
            .limit(1)
        )
        return previewed is not None, posted is not None

    def items_since(
        self, since: datetime, outcomes: Iterable[Outcome] | None = None, *, until: datetime | None = None
    ) -> list[ItemResult]:
        """Outcomes recorded since `since` (and before `until`) by real (not dry) runs, e.g. for the daily summary.
        Reads columns, not ORM objects: a busy day has tens of thousands."""
        query = (
            select(*ITEM_COLUMNS)
            .join(SyncRunRow, SyncRunRow.id == SyncItemRow.run_id)
            .where(SyncItemRow.recorded_at >= since, SyncRunRow.dry_run.is_(False))
        )
        if until is not None:
            query = query.where(SyncItemRow.recorded_at < until)
        if outcomes is not None:
            query = query.where(SyncItemRow.outcome.in_([o.value for o in outcomes]))
        return [_to_item(row) for row in self._session.execute(query.order_by(SyncItemRow.id))]

    def count_since(self, since: datetime, until: datetime) -> int:
        """Real (not dry) runs started in [since, until)."""
        return int(
            self._session.scalar(
                select(func.count())
                .select_from(SyncRunRow)
                .where(
                    SyncRunRow.started_at >= since,
                    SyncRunRow.started_at < until,
                    SyncRunRow.dry_run.is_(False),
                )
            )
            or 0
        )


def _to_item(row: Any) -> ItemResult:
    """An outcome from a `SyncItemRow`, or from a row of `ITEM_COLUMNS`."""
    return ItemResult(
        source=SourceRef(DocumentKind(row.source_kind), row.source_id),
        number=row.source_number,
        outcome=Outcome(row.outcome),
        total=row.total,
        tax=row.tax,
        xero_id=row.xero_id,
        error_code=row.error_code,
        message=row.message,
    )
