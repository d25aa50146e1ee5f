"""`/xero reconcile [YYYY-MM]` and the Sign off button on the month-end message.

Bookkeepers and approvers may reconcile; only approvers sign off. Every command and click is audited, allowed or
not. A malformed or future month is answered at once with the reason and the expected form, and nothing runs;
otherwise the command is acknowledged at once and the reconciliation (slow: it reads Xero and Actionstep) runs on
the job runner, then is posted in the channel with its CSV in the thread. Signing off is the use case's: it records
one sign-off however many clicks race, so only the click that signed edits the message; any other is told why not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk.errors import SlackApiError

from bot import clicks, ids
from bot.deps import Deps
from bot.listeners.malformed import refused_click
from bot.month_end import post_reconciliation
from bot.roles import Role
from bot.views import replies
from bot.views.reconcile import month, reconcile_message, signed_off_blocks
from integration.domain import Period, PeriodClose
from integration.errors import XerobotError

USAGE = "Name the month as `/xero reconcile YYYY-MM` (for example `/xero reconcile 2026-07`), or leave it out for last month."


def is_reconcile(text: str) -> bool:
    return text.lower().split()[:1] == ["reconcile"]


def handle(ack: Ack, deps: Deps, command: dict[str, Any], respond: Respond) -> None:
    """`/xero reconcile [YYYY-MM]`: check the month at once, then reconcile it on the job runner and post it."""
    user, text = command["user_id"], (command.get("text") or "").strip()
    words = text.split()
    allowed = deps.may(user, Role.BOOKKEEPER, Role.APPROVER)
    deps.audit(user, "slack.command", "reconcile", allowed=allowed, detail={"text": text})
    if not allowed:
        ack(**replies.refusal("run the month-end reconciliation").payload())
        return
    reconciling = deps.service.reconciling
    try:
        if len(words) > 2:
            raise ValueError("Only one month at a time.")
        period = reconciling.parse_period(words[1]) if len(words) == 2 else Period.before(reconciling.today())
    except ValueError as error:
        ack(**replies.text_message(f"{error} {USAGE}").payload())
        return
    ack(
        **replies.text_message(
            f"Reconciling {month(period)}… The result is posted here when it is ready."
        ).payload()
    )
    channel = command["channel_id"]

    def reconcile() -> None:
        result = reconciling.run(period, actor=user)
        try:
            post_reconciliation(deps.client, deps.notifier, deps.service, channel, result)
        except (
            SlackApiError
        ):  # the bot may not post here: the response_url needs no membership (and has no thread)
            message = reconcile_message(result.reconciliation, result.close, reopened=result.reopened)
            respond(response_type="in_channel", **message.payload())

    if not deps.jobs.submit("reconciling a month", reconcile, on_error=_tell_failure(respond, "reconciling")):
        respond(**replies.busy().payload())


def register(app: App, deps: Deps) -> None:
    @app.action(ids.RECONCILE_SIGN_OFF)
    def on_sign_off(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        user, found = body["user"]["id"], clicks.clicked_period(body)
        if found is None:
            refused_click(deps, body, respond)
            return
        period, fingerprint = found
        allowed = deps.may(user, Role.APPROVER)
        deps.audit(
            user, "slack.click", f"period:{period}", allowed=allowed,
            detail={"action": ids.RECONCILE_SIGN_OFF, "fingerprint": fingerprint},
        )  # fmt: skip
        if not allowed:
            respond(replace_original=False, **replies.refusal("sign off a month", role="approver").payload())
            return

        def sign_off() -> None:
            outcome = deps.service.reconciling.sign_off(period, fingerprint, user)
            if outcome.done and outcome.close is not None:
                _show_signed(deps, body, respond, outcome.close)
            else:
                respond(replace_original=False, **replies.text_message(outcome.message).payload())

        if not deps.jobs.submit(
            "signing off a month", sign_off, on_error=_tell_failure(respond, "signing off")
        ):
            respond(replace_original=False, **replies.busy().payload())


def _show_signed(deps: Deps, body: dict[str, Any], respond: Respond, close: PeriodClose) -> None:
    """Edit the clicked message: the button gives way to who signed off and when; the rest stays as it was."""
    message = body.get("message") or {}
    blocks = signed_off_blocks(message.get("blocks") or [], close)
    text = f"Month end {month(close.period)}: signed off"
    container = body.get("container") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if channel and ts:
        try:
            deps.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
            return
        except SlackApiError:
            pass
    respond(replace_original=True, text=text, blocks=blocks)


def _tell_failure(respond: Respond, what: str) -> Callable[[Exception], None]:
    def tell(error: Exception) -> None:
        if isinstance(error, XerobotError):
            respond(replace_original=False, **replies.text_message(f"{error} {error.fix}").payload())
        else:
            respond(replace_original=False, **replies.failed(what).payload())

    return tell
