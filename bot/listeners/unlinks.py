"""`/xero unlink NUMBER` and the buttons on its message: [Unlink], [Unlink and void in Xero], [Cancel], [Retry].

Bookkeepers and approvers may ask; only approvers confirm or retry; whoever asked, or an approver, may cancel. Every
command and click is audited, allowed or not. The Service decides each request once and refuses what the rules
forbid (expiry, the two-person rule, a void Xero would refuse); whoever came second is told who got there first. The
message is posted in the channel (an approver has to see it to confirm it) and edited as each step completes.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk.errors import SlackApiError

from bot import clicks, ids
from bot.deps import Deps
from bot.listeners.malformed import refused_click
from bot.roles import Role
from bot.views import replies
from bot.views.unlinks import already_asked, unlink_message
from integration.app import UnlinkOutcome, request_target
from integration.domain import UnlinkRequest, UnlinkState
from integration.errors import UnlinkPending, XerobotError

EDIT_ATTEMPTS = 3
USAGE = "Say which document: `/xero unlink INV-123` (an invoice, credit note or payment number)."


def is_unlink(text: str) -> bool:
    return text.lower().split()[:1] == ["unlink"]


def handle(ack: Ack, deps: Deps, command: dict[str, Any], respond: Respond) -> None:
    """`/xero unlink NUMBER`: plan it, record the request and post it for an approver."""
    user, text = command["user_id"], (command.get("text") or "").strip()
    words = text.split()
    allowed = deps.may(user, Role.BOOKKEEPER, Role.APPROVER)
    deps.audit(user, "slack.command", "unlink", allowed=allowed, detail={"text": text})
    if not allowed:
        ack(**replies.refusal("ask for an unlink").payload())
        return
    if len(words) != 2:
        ack(**replies.text_message(USAGE).payload())
        return
    ack()

    def plan() -> None:
        try:
            request = deps.service.unlinks.request(words[1], user)
        except UnlinkPending as pending:
            respond(**already_asked(deps.service.unlinks.get(pending.request_id)).payload())
            return
        except XerobotError as error:
            respond(**replies.text_message(f"{error} {error.fix}").payload())
            return
        payload = unlink_message(request, deps.service.unlinks.now()).payload()
        try:
            ts = deps.client.chat_postMessage(channel=command["channel_id"], **payload)["ts"]
        except SlackApiError:  # the bot may not post here: the response_url needs no membership
            respond(response_type="in_channel", **payload)
            return
        deps.service.unlinks.posted(request.id, command["channel_id"], ts)

    if not deps.jobs.submit("planning an unlink", plan, on_error=_tell_failure(respond)):
        respond(**replies.busy().payload())


def register(app: App, deps: Deps) -> None:
    def clicked(body: dict[str, Any], respond: Respond, *roles: Role) -> tuple[str, int] | None:
        """Audit the click; return (user, request id) when the user may act, else tell them why not."""
        action = body["actions"][0]
        user, request_id = body["user"]["id"], clicks.clicked_id(body, "unlink")
        if request_id is None:
            refused_click(deps, body, respond)
            return None
        allowed = deps.may(user, *roles)
        if not allowed and action["action_id"] == ids.UNLINK_CANCEL:
            allowed = _requester(deps, request_id) == user
        deps.audit(
            user, "slack.click", request_target(request_id), allowed=allowed,
            detail={"action": action["action_id"]},
        )  # fmt: skip
        if not allowed:
            what = "cancel an unlink" if action["action_id"] == ids.UNLINK_CANCEL else "confirm unlinks"
            respond(replace_original=False, **replies.refusal(what, role="approver").payload())
            return None
        return user, request_id

    def act(body: dict[str, Any], respond: Respond, void: bool | None) -> None:
        if (who := clicked(body, respond, Role.APPROVER)) is None:
            return
        user, request_id = who
        message = _Message(deps, body, respond)

        def run() -> None:
            unlinks = deps.service.unlinks
            try:
                if void is None:
                    outcome = unlinks.retry(request_id, user, progress=message.show)
                else:
                    outcome = unlinks.confirm(request_id, user, void_in_xero=void, progress=message.show)
            except XerobotError as error:
                respond(replace_original=False, **replies.text_message(f"{error} {error.fix}").payload())
                with suppress(XerobotError):  # a request that does not exist has no state to show: told once
                    message.show(unlinks.get(request_id))
                return
            message.show(outcome.request)
            if not outcome.changed:
                respond(replace_original=False, **replies.outcome(*_already(outcome)).payload())

        if not deps.jobs.submit("carrying out an unlink", run, on_error=_tell_failure(respond)):
            respond(replace_original=False, **replies.busy().payload())

    @app.action(ids.UNLINK_CONFIRM)
    def on_unlink(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        act(body, respond, void=False)

    @app.action(ids.UNLINK_CONFIRM_VOID)
    def on_unlink_and_void(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        act(body, respond, void=True)

    @app.action(ids.UNLINK_RETRY)
    def on_retry(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        act(body, respond, void=None)

    @app.action(ids.UNLINK_CANCEL)
    def on_cancel(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        if (who := clicked(body, respond, Role.APPROVER)) is None:
            return
        user, request_id = who

        def cancel() -> None:
            try:
                outcome = deps.service.unlinks.cancel(request_id, user)
            except XerobotError as error:
                respond(replace_original=False, **replies.text_message(f"{error} {error.fix}").payload())
                return
            _Message(deps, body, respond).show(outcome.request)
            if not outcome.changed:
                respond(replace_original=False, **replies.outcome(*_already(outcome)).payload())

        if not deps.jobs.submit("cancelling an unlink", cancel, on_error=_tell_failure(respond)):
            respond(replace_original=False, **replies.busy().payload())


class _Message:
    """The request's message, edited to its live state. An edit that raced a newer change is redone, so the last
    edit shows the newest state; without a known channel message it is edited through the click's response_url."""

    def __init__(self, deps: Deps, body: dict[str, Any], respond: Respond) -> None:
        self._deps, self._respond = deps, respond
        container = body.get("container") or {}
        self._where = (container.get("channel_id"), container.get("message_ts"))

    def show(self, request: UnlinkRequest) -> None:
        unlinks = self._deps.service.unlinks
        for _ in range(EDIT_ATTEMPTS):
            self._edit(request)
            latest = unlinks.get(request.id)
            if latest.version == request.version:
                return
            request = latest

    def _edit(self, request: UnlinkRequest) -> None:
        payload = unlink_message(request, self._deps.service.unlinks.now()).payload()
        channel, ts = request.slack_channel or self._where[0], request.slack_ts or self._where[1]
        if channel and ts:
            try:
                self._deps.client.chat_update(channel=channel, ts=ts, **payload)
                return
            except SlackApiError:
                pass
        self._respond(replace_original=True, **payload)


def _requester(deps: Deps, request_id: int) -> str | None:
    try:
        return deps.service.unlinks.get(request_id).requested_by
    except XerobotError:
        return None


def _already(outcome: UnlinkOutcome) -> tuple[str, str | None]:
    """Why this click changed nothing, from the request's live state, and who made it so."""
    request = outcome.request
    if outcome.busy_by:
        return "Nothing done: someone is acting on this document right now", outcome.busy_by
    texts = {
        UnlinkState.PENDING: "Nothing done: the request is still waiting for confirmation.",
        UnlinkState.RUNNING: "Nothing done: it is already being carried out",
        UnlinkState.DONE: "Nothing to do: it is already unlinked",
        UnlinkState.FAILED: "It stopped at a step; Retry carries it on",
        UnlinkState.CANCELLED: "Nothing to do: the request was cancelled",
    }
    by = None if request.state in (UnlinkState.PENDING, UnlinkState.FAILED) else request.approved_by
    return texts[request.state], by


def _tell_failure(respond: Respond) -> Callable[[Exception], None]:
    def tell(_: Exception) -> None:
        respond(replace_original=False, **replies.failed("working on the unlink").payload())

    return tell
