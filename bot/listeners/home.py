"""The App Home tab: published for whoever opens it, from the ledger's live state (read in the job runner), with
the first-run checklist at the top until the firm is set up. When the runner is full, the tab says the bot is busy
instead of staying as it was without a word."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import App

from bot.deps import Deps
from bot.roles import Role
from bot.views.status import home_busy_view, home_refusal_view, home_view
from integration.errors import XerobotError


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event["user"]
        allowed = deps.may(user, Role.BOOKKEEPER, Role.APPROVER)
        deps.audit(user, "slack.home", None, allowed=allowed)

        def publish() -> None:
            if allowed:
                status = deps.service.status()
                try:
                    checklist = deps.service.checklist()
                except XerobotError:  # the checklist is a help, never a reason to show no Home at all
                    checklist = None
                view = home_view(status, deps.next_runs(), now=datetime.now(UTC), checklist=checklist)
            else:
                view = home_refusal_view()
            deps.client.views_publish(user_id=user, view=view)

        if not deps.jobs.submit("publishing App Home", publish):
            deps.client.views_publish(user_id=user, view=home_busy_view())
