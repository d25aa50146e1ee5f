"""Unlink requests: the plan shown, who asked, who decided, each step as it completes, and the outcome.

A request is decided once: confirming and cancelling are each one conditional UPDATE on a pending, unexpired row, so
of twenty people (or one person twenty times) clicking at once exactly one wins; the others read who did. Only the
holder of the document's unlink lease records steps, so those are plain read-modify-writes.

A document has at most one request waiting for confirmation: a waiting request holds the document in
`pending_document` (a unique key) until it is decided, or expires and a newer request takes the key over; whoever
asks while one waits is given that one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from integration.domain import StepRecord, UnlinkPlan, UnlinkRequest, UnlinkState
from integration.rules.summary import PendingUnlink
from integration.store.plans import plan_from_json, plan_to_json, steps_from_json, steps_to_json
from integration.store.tables import UnlinkRequestRow

OPEN = (UnlinkState.PENDING.value, UnlinkState.RUNNING.value, UnlinkState.FAILED.value)


def _to_request(row: UnlinkRequestRow) -> UnlinkRequest:
    return UnlinkRequest(
        id=row.id,
        number=row.number,
        plan=plan_from_json(row.plan),
        state=UnlinkState(row.state),
        requested_by=row.requested_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        version=row.version,
        void_in_xero=row.void_in_xero,
        approved_by=row.approved_by,
        finished_at=row.finished_at,
        steps_done=steps_from_json(row.steps_done),
        error=row.error,
        slack_channel=row.slack_channel,
        slack_ts=row.slack_ts,
    )


class UnlinkRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def create(
        self, plan: UnlinkPlan, *, requested_by: str, now: datetime, expires_at: datetime
    ) -> tuple[UnlinkRequest, bool]:
        """Record a pending request for the plan's document: (the request, True). When one is already waiting for
        that document (and has not expired), nothing is recorded: (that request, False)."""
        document = str(plan.source)
        self._update(  # an expired request no longer holds the document
            UnlinkRequestRow.pending_document == document, UnlinkRequestRow.expires_at <= now,
            bump=False, pending_document=None,
        )  # fmt: skip
        if (waiting := self._waiting(document)) is not None:
            return waiting, False
        try:
            with self._session.begin_nested():
                row = UnlinkRequestRow(
                    number=plan.number, plan=plan_to_json(plan), state=UnlinkState.PENDING.value,
                    requested_by=requested_by, created_at=now, expires_at=expires_at, steps_done=steps_to_json(()),
                    version=1, pending_document=document,
                )  # fmt: skip
                self._session.add(row)
            return _to_request(row), True
        except IntegrityError:  # someone asked for the same document at the same moment, and got there first
            waiting = self._waiting(document)
            assert waiting is not None
            return waiting, False

    def _waiting(self, document: str) -> UnlinkRequest | None:
        row = self._session.scalar(
            select(UnlinkRequestRow)
            .where(UnlinkRequestRow.pending_document == document)
            .execution_options(populate_existing=True)
        )
        return _to_request(row) if row else None

    def get(self, request_id: int) -> UnlinkRequest | None:
        row = self._session.get(UnlinkRequestRow, request_id, populate_existing=True)
        return _to_request(row) if row else None

    def open(self, now: datetime) -> list[UnlinkRequest]:
        """Requests still to be decided (and not expired), running, or stopped at a step; oldest first."""
        rows = self._session.scalars(
            select(UnlinkRequestRow)
            .where(UnlinkRequestRow.state.in_(OPEN))
            .order_by(UnlinkRequestRow.created_at, UnlinkRequestRow.id)
        )
        requests = [_to_request(row) for row in rows]
        return [r for r in requests if not r.expired(now)]

    def open_lines(self, now: datetime) -> list[PendingUnlink]:
        """`open()` without the plans, for listings such as the daily summary."""
        rows = self._session.execute(
            select(
                UnlinkRequestRow.id,
                UnlinkRequestRow.number,
                UnlinkRequestRow.requested_by,
                UnlinkRequestRow.created_at,
                UnlinkRequestRow.expires_at,
                UnlinkRequestRow.state,
            )
            .where(UnlinkRequestRow.state.in_(OPEN))
            .order_by(UnlinkRequestRow.created_at, UnlinkRequestRow.id)
        )
        return [
            PendingUnlink(id_, number, by, created, expires)
            for id_, number, by, created, expires, state in rows
            if not (state == UnlinkState.PENDING.value and now >= expires)
        ]

    def confirm(self, request_id: int, *, by: str, void_in_xero: bool, now: datetime) -> bool:
        """Decide a pending, unexpired request: it is now running. False if someone else decided it first."""
        return self._update(
            UnlinkRequestRow.id == request_id,
            UnlinkRequestRow.state == UnlinkState.PENDING.value,
            UnlinkRequestRow.expires_at > now,
            state=UnlinkState.RUNNING.value,
            approved_by=by,
            void_in_xero=void_in_xero,
        )

    def cancel(self, request_id: int, *, by: str, now: datetime) -> bool:
        return self._update(
            UnlinkRequestRow.id == request_id,
            UnlinkRequestRow.state == UnlinkState.PENDING.value,
            state=UnlinkState.CANCELLED.value,
            approved_by=by,
            finished_at=now,
        )

    def resume(self, request_id: int) -> bool:
        """Carry on a request that stopped at a step (or whose runner died): it is running again."""
        return self._update(
            UnlinkRequestRow.id == request_id,
            UnlinkRequestRow.state.in_((UnlinkState.FAILED.value, UnlinkState.RUNNING.value)),
            state=UnlinkState.RUNNING.value,
            error=None,
        )

    def record_step(self, request_id: int, record: StepRecord) -> None:
        row = self._session.get(UnlinkRequestRow, request_id, populate_existing=True)
        assert row is not None
        steps = (*steps_from_json(row.steps_done), record)
        self._update(UnlinkRequestRow.id == request_id, steps_done=steps_to_json(steps))

    def finish(
        self, request_id: int, state: UnlinkState, *, now: datetime, error: str | None = None,
        version: int | None = None,
    ) -> bool:  # fmt: skip
        """Record the outcome; with `version`, only if the request has not changed since (False if it has)."""
        where = [UnlinkRequestRow.id == request_id]
        if version is not None:
            where.append(UnlinkRequestRow.version == version)
        return self._update(*where, state=state.value, finished_at=now, error=error)

    def posted(self, request_id: int, channel: str, ts: str) -> None:
        """Where the request's Slack message is, so every later change edits it."""
        self._update(UnlinkRequestRow.id == request_id, slack_channel=channel, slack_ts=ts, bump=False)

    def _update(self, *where: ColumnElement[bool], bump: bool = True, **values: Any) -> bool:
        if values.get("state", UnlinkState.PENDING.value) != UnlinkState.PENDING.value:
            values["pending_document"] = None  # decided: the document may be asked for again
        if bump:
            values["version"] = UnlinkRequestRow.version + 1
        result = self._session.execute(
            update(UnlinkRequestRow)
            .where(*where)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
