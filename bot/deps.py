"""What every listener needs, built once by `build_app` and handed to each listener module's `register`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.jobs import JobRunner
from bot.notifier import Notifier
from bot.roles import Role, Roles
from bot.views.status import NextRun
from integration.app import Service


@dataclass(frozen=True, slots=True)
class Deps:
    service: Service
    client: WebClient
    roles: Roles
    jobs: JobRunner
    notifier: Notifier
    next_runs: Callable[[], Sequence[NextRun]]

    def may(self, user: str, *roles: Role) -> bool:
        return any(self.roles.has(user, role) for role in roles)

    def audit(
        self,
        user: str,
        action: str,
        target: str | None,
        *,
        allowed: bool,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Every command and click, allowed or not, goes to the audit log."""
        self.service.audit(user, action, target, allowed=allowed, detail=detail)
