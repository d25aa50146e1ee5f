"""Looking at and acting on alerts: what the alert messages, their buttons and the notifier need.

Raising alerts is not here: a sync raises its own (`syncing`), a health check its findings (`status`).
"""

from __future__ import annotations

from collections import Counter

from integration.alerting.desk import AlertAction, AlertDesk
from integration.domain import Activity, Alert, AlertState


class Alerts:
    """The alerts in the ledger; `Service.alerts`."""

    def __init__(self, desk: AlertDesk) -> None:
        self._desk = desk

    def get(self, alert_id: int) -> Alert:
        return self._desk.get(alert_id)

    def unresolved(self) -> list[Alert]:
        return self._desk.unresolved()

    def open_by_code(self) -> dict[str, int]:
        """How many alerts are open (not ignored, not resolved), by code."""
        return dict(Counter(a.code for a in self._desk.unresolved() if a.state is AlertState.OPEN))

    def activity(self, alert_id: int, limit: int = 3) -> list[Activity]:
        """What people did with the alert, newest first."""
        return self._desk.activity(alert_id, limit)

    def ignore(self, alert_id: int, actor: str, reason: str) -> AlertAction:
        return self._desk.ignore(alert_id, actor, reason)

    def unignore(self, alert_id: int, actor: str) -> AlertAction:
        return self._desk.unignore(alert_id, actor)

    def claim_post(self, alert_id: int, channel: str) -> bool:
        """True when the caller is now the one to post the alert's message (it has none and nobody is posting)."""
        return self._desk.claim_post(alert_id, channel)

    def posted(self, alert_id: int, channel: str, ts: str) -> None:
        self._desk.posted(alert_id, channel, ts)

    def release_post(self, alert_id: int) -> None:
        """Give the claim back when the post failed, so a later publish tries again."""
        self._desk.release_post(alert_id)
