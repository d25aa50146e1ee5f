"""Alerts: each problem raised once by fingerprint, counted while it repeats, resolved when it stops, ignored on
request. The Slack message an alert lives in is recorded here too, claimed before it is posted so that two
processes never post the same alert twice.

Every change is one conditional UPDATE that also bumps `version`, so double clicks and two people acting at once
change an alert once: the second caller sees nothing changed and reads who got there first.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from integration.domain import Alert, AlertDocument, AlertSource, Problem
from integration.store.tables import AlertRow
from integration.store.types import utcnow


def _to_alert(row: AlertRow) -> Alert:
    detail = row.detail or {}
    return Alert(
        id=row.id,
        fingerprint=row.fingerprint,
        code=row.code,
        subject=row.subject,
        message=row.message,
        fix=row.fix,
        source=AlertSource(detail.get("source", AlertSource.SYNC.value)),
        count=row.count,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        version=row.version,
        documents=tuple(AlertDocument(ref, number) for ref, number in detail.get("documents", [])),
        resolved_at=row.resolved_at,
        ignored_at=row.ignored_at,
        ignored_by=row.ignored_by,
        ignore_reason=row.ignore_reason,
        slack_channel=row.slack_channel,
        slack_ts=row.slack_ts,
        facts=row.facts,
    )


def _detail(source: AlertSource, documents: Collection[AlertDocument]) -> dict[str, Any]:
    return {"source": source.value, "documents": [[d.ref, d.number] for d in documents]}


class AlertRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def raise_(
        self,
        problem: Problem,
        source: AlertSource,
        documents: Collection[AlertDocument],
        *,
        now: datetime | None = None,
    ) -> tuple[Alert, str]:
        """Record that `problem` was seen. Returns the alert and what happened: "new" (never seen, or seen again
        after it was resolved: it is posted afresh), or "repeated" (still open or ignored: counted)."""
        now = now or utcnow()
        row = self._by_fingerprint(problem.fingerprint)
        if row is None:
            try:
                with self._session.begin_nested():
                    row = AlertRow(
                        fingerprint=problem.fingerprint, code=problem.code, subject=problem.subject,
                        message=problem.message, fix=problem.fix, detail=_detail(source, documents), count=1, facts=problem.facts,
                        first_seen=now, last_seen=now, version=1,
                    )  # fmt: skip
                    self._session.add(row)
                return _to_alert(row), "new"
            except IntegrityError:  # another process raised it first: count ours on its row
                row = self._by_fingerprint(problem.fingerprint)
                assert row is not None
        reopened = row.resolved_at is not None
        values: dict[str, Any] = {
            "code": problem.code, "message": problem.message, "fix": problem.fix,
            "detail": _detail(source, documents), "last_seen": now, "version": AlertRow.version + 1,
            "facts": problem.facts,
        }  # fmt: skip
        if reopened:
            values.update(
                count=1, first_seen=now, resolved_at=None, ignored_at=None, ignored_by=None,
                ignore_reason=None, slack_channel=None, slack_ts=None,
            )  # fmt: skip
        else:
            values["count"] = AlertRow.count + 1
        self._update(AlertRow.id == row.id, **values)
        return self._get(row.id), "new" if reopened else "repeated"

    def get(self, alert_id: int) -> Alert | None:
        row = self._session.get(AlertRow, alert_id, populate_existing=True)
        return _to_alert(row) if row else None

    def unresolved(self) -> list[Alert]:
        """Open and ignored alerts, oldest first."""
        rows = self._session.scalars(
            select(AlertRow).where(AlertRow.resolved_at.is_(None)).order_by(AlertRow.first_seen, AlertRow.id)
        )
        return [_to_alert(row) for row in rows]

    def resolve_missing(
        self, source: AlertSource, seen: Collection[str], *, now: datetime | None = None
    ) -> list[Alert]:
        """Resolve every unresolved alert from `source` whose fingerprint is not in `seen`; returns them."""
        resolved = []
        for alert in self.unresolved():
            if alert.source is source and alert.fingerprint not in seen and self.resolve(alert.id, now=now):
                resolved.append(self._get(alert.id))
        return resolved

    def resolve(self, alert_id: int, *, now: datetime | None = None) -> bool:
        return self._update(
            AlertRow.id == alert_id, AlertRow.resolved_at.is_(None), resolved_at=now or utcnow()
        )

    def ignore(self, alert_id: int, by: str, reason: str, *, now: datetime | None = None) -> bool:
        """Ignore an open alert; False when it was not open (already ignored, or resolved)."""
        return self._update(
            AlertRow.id == alert_id,
            AlertRow.resolved_at.is_(None),
            AlertRow.ignored_at.is_(None),
            ignored_at=now or utcnow(),
            ignored_by=by,
            ignore_reason=reason,
        )

    def unignore(self, alert_id: int) -> bool:
        """Undo an ignore; False when the alert was not ignored (any more)."""
        return self._update(
            AlertRow.id == alert_id,
            AlertRow.resolved_at.is_(None),
            AlertRow.ignored_at.is_not(None),
            ignored_at=None,
            ignored_by=None,
            ignore_reason=None,
        )

    def claim_post(self, alert_id: int, channel: str) -> bool:
        """Reserve the right to post the alert's message; False if it has one, or someone else is posting it."""
        return self._update(
            AlertRow.id == alert_id, AlertRow.slack_channel.is_(None), slack_channel=channel, bump=False
        )

    def posted(self, alert_id: int, channel: str, ts: str) -> None:
        self._update(AlertRow.id == alert_id, slack_channel=channel, slack_ts=ts, bump=False)

    def release_post(self, alert_id: int) -> None:
        """Give up a claim whose post failed, so the next raise tries again."""
        self._update(AlertRow.id == alert_id, AlertRow.slack_ts.is_(None), slack_channel=None, bump=False)

    def _get(self, alert_id: int) -> Alert:
        alert = self.get(alert_id)
        assert alert is not None
        return alert

    def _by_fingerprint(self, fingerprint: str) -> AlertRow | None:
        return self._session.scalar(select(AlertRow).where(AlertRow.fingerprint == fingerprint))

    def _update(self, *where: ColumnElement[bool], bump: bool = True, **values: Any) -> bool:
        if bump and "version" not in values:
            values["version"] = AlertRow.version + 1
        result = self._session.execute(
            update(AlertRow).where(*where).values(**values).execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
