"""The "Confirm the switch" button on the alert a refused connect raises (another organisation than the one the
ledger's links point at): approvers only, every click audited, and of several clicks one confirms; the others are
told who confirmed first."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot import ids
from bot.deps import Deps
from bot.roles import Role
from bot.views import replies
from integration.app import alert_target
from integration.errors import XerobotError


def register(app: App, deps: Deps) -> None:
    @app.action(ids.ALERT_CONFIRM_SWITCH)
    def on_confirm_switch(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        user, alert_id = body["user"]["id"], int(body["actions"][0]["value"])
        allowed = deps.may(user, Role.APPROVER)
        deps.audit(
            user, "slack.click", alert_target(alert_id), allowed=allowed,
            detail={"action": ids.ALERT_CONFIRM_SWITCH},
        )  # fmt: skip
        if not allowed:
            refusal = replies.refusal("confirm a switch of organisation", role="approver")
            respond(replace_original=False, **refusal.payload())
            return
        connector = deps.service.connector
        if connector is None:
            respond(
                replace_original=False, **replies.text_message("Connecting is not available here.").payload()
            )
            return

        def confirm() -> None:
            result = connector.switches.confirm(alert_id, user)
            deps.notifier.show(alert_id)
            if result.changed:
                text = (
                    "Switch confirmed: the next connect to the new organisation goes through (within 7 days). "
                    f"{result.consequence}"
                )
                respond(replace_original=False, **replies.outcome(text).payload())
            elif result.confirmed_by:
                respond(
                    replace_original=False,
                    **replies.outcome("This switch was confirmed already", result.confirmed_by).payload(),
                )
            else:
                text = "This switch can no longer be confirmed: it has expired. Connect again to ask anew."
                respond(replace_original=False, **replies.outcome(text).payload())

        def tell(error: Exception) -> None:
            text = (
                f"{error} {error.fix}" if isinstance(error, XerobotError) else "The switch was not confirmed."
            )
            respond(replace_original=False, **replies.text_message(text).payload())

        if not deps.jobs.submit("confirming a switch", confirm, on_error=tell):
            respond(replace_original=False, **replies.busy().payload())
