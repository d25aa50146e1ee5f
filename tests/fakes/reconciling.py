"""A month-end use case for tests of the Slack face and the command line: it answers `Service.reconciling`'s
interface (today, parse_period, run, sign_off, remember_message, close_of) from a reconciliation the test gives,
and records every call. Like the real one, it signs a period off once however many clicks race, and only for the
reconciliation that was shown (its fingerprint) when it is ready to sign."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime

from integration.app import ReconcileResult, SignOffOutcome
from integration.domain import Period, PeriodClose, SignOffState

SIGNED_AT = datetime(2026, 8, 3, 9, 30, tzinfo=UTC)


class FakeReconciling:
    def __init__(self, result: ReconcileResult, *, today: date = date(2026, 8, 3)) -> None:
        self.result = result
        self._today = today
        self._lock = threading.Lock()
        self.runs: list[Period | None] = []
        self.actors: list[str] = []
        self.sign_offs: list[tuple[Period, str, str]] = []
        self.remembered: list[tuple[Period, str, str]] = []
        self.signed: PeriodClose | None = None
        self.fails: Exception | None = None  # what `run` raises instead of answering, when set

    def today(self) -> date:
        return self._today

    def parse_period(self, text: str) -> Period:
        return Period.parse(text, self._today)

    def run(self, period: Period | None = None, *, actor: str = "scheduler") -> ReconcileResult:
        self.runs.append(period)
        self.actors.append(actor)
        if self.fails is not None:
            raise self.fails
        return self.result

    def sign_off(self, period: Period, fingerprint: str, user_id: str) -> SignOffOutcome:
        with self._lock:
            self.sign_offs.append((period, fingerprint, user_id))
            if self.signed is not None:
                return SignOffOutcome(
                    self.signed, False, f"Already signed off by {self.signed.signed_off_by}."
                )
            close = self.result.close
            if fingerprint != close.fingerprint or not self.result.reconciliation.ready_to_sign:
                return SignOffOutcome(
                    close, False, "The reconciliation changed since it was shown: run it again."
                )
            self.signed = replace(
                close, state=SignOffState.SIGNED_OFF, signed_off_by=user_id, signed_off_at=SIGNED_AT
            )
            return SignOffOutcome(self.signed, True, f"Signed off {period}.")

    def remember_message(self, period: Period, channel: str, ts: str) -> None:
        self.remembered.append((period, channel, ts))

    def close_of(self, period: Period) -> PeriodClose | None:
        return self.signed or self.result.close
