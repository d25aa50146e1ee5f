"""Period closes: each month's latest reconciliation (its fingerprint, whether it agreed and was ready to sign) and
its sign-off, kept so a click signs off exactly the reconciliation it was shown, once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from integration.domain import Period, PeriodClose, SignOffState
from integration.store.tables import PeriodCloseRow


def _close(row: PeriodCloseRow) -> PeriodClose:
    year, month = row.period.split("-")
    return PeriodClose(
        Period(int(year), int(month)), SignOffState(row.state), row.fingerprint, row.agrees, row.reconciled_at,
        signed_off_by=row.signed_off_by, signed_off_at=row.signed_off_at, reopened_at=row.reopened_at,
        reopened_because=row.reopened_because, channel=row.channel, ts=row.ts, ready=row.ready,
    )  # fmt: skip


class PeriodCloseRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, period: Period) -> PeriodClose | None:
        row = self._session.get(PeriodCloseRow, str(period))
        return None if row is None else _close(row)

    def record(
        self, period: Period, fingerprint: str, *, agrees: bool, ready: bool, at: datetime, because: str
    ) -> tuple[PeriodClose, bool]:
        """Keep a new reconciliation of `period`; returns the close and whether this reopened a sign-off (a
        signed-off period whose reconciliation now has another fingerprint; `because` says what differs)."""
        row = self._session.get(PeriodCloseRow, str(period), with_for_update=True)
        reopened = False
        if row is None:
            row = PeriodCloseRow(period=str(period), state=SignOffState.OPEN.value, fingerprint=fingerprint)
            self._session.add(row)
        elif row.state == SignOffState.SIGNED_OFF.value and fingerprint != row.signed_fingerprint:
            row.state, row.reopened_at, row.reopened_because = SignOffState.REOPENED.value, at, because[:500]
            reopened = True
        row.fingerprint, row.agrees, row.ready, row.reconciled_at = fingerprint, agrees, ready, at
        self._session.flush()
        return _close(row), reopened

    def sign_off(self, period: Period, fingerprint: str, user_id: str, at: datetime) -> bool:
        """Sign `period` off for the reconciliation with `fingerprint`, if that is still the latest, it was ready,
        and nobody has signed it off: one conditional UPDATE, so of two concurrent clicks exactly one wins."""
        result = self._session.execute(
            update(PeriodCloseRow)
            .where(
                PeriodCloseRow.period == str(period),
                PeriodCloseRow.fingerprint == fingerprint,
                PeriodCloseRow.ready.is_(True),
                PeriodCloseRow.state != SignOffState.SIGNED_OFF.value,
            )
            .values(
                state=SignOffState.SIGNED_OFF.value,
                signed_off_by=user_id,
                signed_off_at=at,
                signed_fingerprint=fingerprint,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def remember_message(self, period: Period, channel: str, ts: str) -> None:
        """The month-end message to update when the close changes."""
        self._session.execute(
            update(PeriodCloseRow).where(PeriodCloseRow.period == str(period)).values(channel=channel, ts=ts)
        )
