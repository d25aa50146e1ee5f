"""Month-end reconciliation: `Service.reconciling`.

`run(period)` reads the period from Actionstep and Xero (never writing to Xero: `reconcile.reader`), keeps the
outcome for the period in the ledger (`period_closes`: fingerprint, whether it agrees and is ready to sign),
reopens a signed-off period whose reconciliation now differs, and raises one alert per overdrawn matter (source
TRUST), resolved when a later complete run finds the matter back in credit. One run at a time (a lease).

`sign_off` records an approver's sign-off once (one conditional UPDATE: of two concurrent clicks exactly one
wins), only for the reconciliation the approver saw (its fingerprint) and only when it was ready; the audit log
and the ledger both keep who and when.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta, tzinfo
from typing import NoReturn

from integration.alerting.desk import AlertDesk
from integration.clock import Clock
from integration.domain import (
    AlertChanges,
    AlertSource,
    Period,
    PeriodClose,
    Problem,
    Reconciliation,
    SignOffState,
    XeroRecord,
)
from integration.errors import ReconcileInProgress, Unavailable, describe
from integration.leases import LeaseBusy, held
from integration.ports import ActionstepGateway, ReportedBalance, XeroBooks, XeroGateway
from integration.reconcile.reader import PeriodReader
from integration.rules.reconcile_export import fingerprint
from integration.store import Store

log = logging.getLogger(__name__)
LEASE = "reconcile"
LEASE_TTL = timedelta(minutes=30)
OVERDRAWN = "trust.overdrawn"


@dataclass(frozen=True, slots=True)
class ReconcileResult:
    """One run: the reconciliation, the period's close as the ledger now keeps it, whether this run reopened a
    signed-off period (and why), and what changed among the trust alerts (for the caller to publish)."""

    reconciliation: Reconciliation
    close: PeriodClose
    reopened: bool = False
    changes: AlertChanges = field(default_factory=AlertChanges)


@dataclass(frozen=True, slots=True)
class SignOffOutcome:
    """What a Sign off click did: `done` when this click signed the period off; otherwise `message` says why not
    (already signed off by whom and when, not ready, or the reconciliation changed since it was shown)."""

    close: PeriodClose | None
    done: bool
    message: str


class NoBooks:
    """The books of a service that has no way to read Xero's periods: every read says so, so a reconciliation
    through it is incomplete, never agreeing."""

    api_calls = 0

    def day_calls_remaining(self) -> int | None:
        return None

    def _refuse(self) -> NoReturn:
        raise Unavailable("xero", "this service cannot read Xero's periods or reports")

    def dated(self, endpoint: str, start: date, end: date) -> Iterator[XeroRecord]:
        self._refuse()

    def records_by_ids(self, endpoint: str, xero_ids: Iterable[str]) -> list[XeroRecord]:
        self._refuse()

    def balances(self, as_at: date) -> list[ReportedBalance]:
        self._refuse()


def overdrawn_problems(rec: Reconciliation) -> list[Problem]:
    """One problem per overdrawn matter: the alert that stays open until the matter is back in credit."""
    if rec.trust is None:
        return []
    entry = describe(OVERDRAWN)
    return [
        Problem(
            OVERDRAWN,
            f"matter:{m.matter_id}",
            f"{m.name}'s trust ledger is overdrawn by {-m.balance:,.2f} at {rec.period.end.isoformat()}.",
            entry.fix,
            facts={"matter": m.matter_id, "balance": f"{m.balance:.2f}", "period": str(rec.period)},
        )
        for m in rec.trust.overdrawn
    ]


def _reopen_reason(rec: Reconciliation) -> str:
    if rec.incomplete:
        return f"a later reconciliation could not read everything ({len(rec.incomplete)} parts)"
    if rec.differences:
        return f"a later reconciliation found {len(rec.differences)} differences"
    return "a later reconciliation differs from the one signed off"


class Reconciling:
    """Reconciles periods and keeps their closes. `timezone` is the firm's, for what "today" and "last month"
    mean (the composition root sets it from `XEROBOT_TIMEZONE`)."""

    def __init__(
        self,
        store: Store,
        actionstep: ActionstepGateway,
        xero: XeroGateway,
        books: XeroBooks,
        alerts: AlertDesk,
        clock: Clock,
        *,
        timezone: tzinfo = UTC,
    ) -> None:
        self._store = store
        self._reader = PeriodReader(store, actionstep, xero, books, clock)
        self._alerts = alerts
        self._clock = clock
        self.timezone = timezone

    def today(self) -> date:
        """The firm's local date."""
        return self._clock.now().astimezone(self.timezone).date()

    def parse_period(self, text: str) -> Period:
        """The month `text` names (YYYY-MM); ValueError naming the problem and the form for a malformed or future
        month."""
        return Period.parse(text, self.today())

    def run(self, period: Period | None = None, *, actor: str = "scheduler") -> ReconcileResult:
        """Reconcile `period` (None: the month before today). Raises `ReconcileInProgress` while another runs."""
        period = period or Period.before(self.today())
        if period.start > self.today():
            raise ValueError(f"{period} has not started yet.")
        try:
            with held(self._store, LEASE, LEASE_TTL, detail=f"{actor} reconciling {period}"):
                rec = self._reader.reconcile(period)
                return self._keep(rec, actor)
        except LeaseBusy as busy:
            raise ReconcileInProgress(
                f"A reconciliation is already running ({busy.detail or 'started elsewhere'})."
            ) from None

    def _keep(self, rec: Reconciliation, actor: str) -> ReconcileResult:
        digest = fingerprint(rec)
        with self._store.unit_of_work() as uow:
            close, reopened = uow.closes.record(
                rec.period, digest, agrees=rec.agrees, ready=rec.ready_to_sign, at=rec.at,
                because=_reopen_reason(rec),
            )  # fmt: skip
            uow.audit.record(
                actor, "reconcile.run", str(rec.period),
                detail={"agrees": rec.agrees, "differences": len(rec.differences), "incomplete": len(rec.incomplete),
                        "fingerprint": digest, "xero_calls": rec.xero_calls},
            )  # fmt: skip
            if reopened:
                uow.audit.record(
                    actor, "reconcile.reopened", str(rec.period), detail={"because": close.reopened_because}
                )
            uow.commit()
        changes = AlertChanges()
        if rec.trust is not None and rec.trust.complete:  # a partial ledger neither raises nor resolves
            changes = self._alerts.raise_problems(overdrawn_problems(rec), AlertSource.TRUST, complete=True)
        if reopened:
            log.warning("Month end %s reopened: %s", rec.period, close.reopened_because)
        return ReconcileResult(rec, close, reopened, changes)

    def sign_off(self, period: Period, seen: str, user_id: str) -> SignOffOutcome:
        """Sign `period` off for the reconciliation with fingerprint `seen` (the one the approver was shown)."""
        with self._store.unit_of_work() as uow:
            now = self._clock.now()
            if uow.closes.sign_off(period, seen, user_id, now):
                uow.audit.record(user_id, "reconcile.signed_off", str(period), detail={"fingerprint": seen})
                uow.commit()
                close = uow.closes.get(period)
                return SignOffOutcome(close, True, f"{period} signed off by <@{user_id}>.")
            close = uow.closes.get(period)
            uow.audit.record(user_id, "reconcile.sign_off_refused", str(period), allowed=False,
                             detail={"fingerprint": seen})  # fmt: skip
            uow.commit()
        return SignOffOutcome(close, False, _why_not(period, close, seen))

    def remember_message(self, period: Period, channel: str, ts: str) -> None:
        """The month-end message of `period`, to update when its close changes."""
        with self._store.unit_of_work() as uow:
            uow.closes.remember_message(period, channel, ts)
            uow.commit()

    def close_of(self, period: Period) -> PeriodClose | None:
        with self._store.unit_of_work() as uow:
            return uow.closes.get(period)


def _why_not(period: Period, close: PeriodClose | None, seen: str) -> str:
    if close is None:
        return f"There is no reconciliation of {period} yet: run `/xero reconcile {period}` first."
    if close.state is SignOffState.SIGNED_OFF:
        when = close.signed_off_at.isoformat(timespec="minutes") if close.signed_off_at else "earlier"
        return f"{period} is already signed off, by <@{close.signed_off_by}> at {when}."
    if close.fingerprint != seen:
        return (
            f"The reconciliation of {period} has changed since this message was posted: run "
            f"`/xero reconcile {period}` and sign off the new one."
        )
    return f"{period} is not ready to sign off: the checklist still has open items."
