"""`/xero mappings`: a modal of suggested mappings for approvers, and its submission.

The command is acked at once; the modal opens as "reading Xero's chart…" (a trigger lasts 3 seconds) and is
replaced when the suggestions are ready (one reading of the chart, on the job runner). On submission the rows are
checked against the chart before the modal closes: a row that does not suit keeps the modal open with the reason
beside it (`response_action="errors"`); otherwise the modal closes, the mappings are saved on the job runner, and
the person is told. Anyone but an approver is refused, at the command and again at the submission.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.deps import Deps
from bot.roles import Role
from bot.views import replies
from bot.views.alerts import loading_modal
from bot.views.mappings import mappings_modal, read_submission, saved_text
from bot.views.message import Message
from bot.views.text import clip
from integration.errors import XerobotError

TITLE = "Suggested mappings"
MAX_ERROR = 300  # characters of an error shown beside a block


def is_mappings(text: str) -> bool:
    return text.lower().split()[:1] == ["mappings"]


def handle(ack: Ack, deps: Deps, command: dict[str, Any]) -> None:
    """Open the modal for an approver; refuse anyone else."""
    user, text = command["user_id"], (command.get("text") or "").strip()
    allowed = deps.may(user, Role.APPROVER)
    deps.audit(user, "slack.command", "mappings", allowed=allowed, detail={"text": text})
    if not allowed:
        ack(**replies.refusal("review and save mappings", role="approver").payload())
        return
    ack()
    opened = deps.client.views_open(
        trigger_id=command["trigger_id"], view=loading_modal(TITLE, "Reading Xero's chart of accounts…")
    )
    view_id, view_hash = opened["view"]["id"], opened["view"].get("hash")
    channel = command.get("channel_id")

    def show() -> None:
        try:
            view = mappings_modal(deps.service.suggest_mappings(), channel=channel)
        except XerobotError as error:
            view = loading_modal(TITLE, f"Could not read Xero's chart: {error} {error.fix}")
        deps.client.views_update(view_id=view_id, hash=view_hash, view=view)

    def failed(_: Exception) -> None:
        deps.client.views_update(
            view_id=view_id, view=loading_modal(TITLE, replies.failed("suggesting").text)
        )

    if not deps.jobs.submit("suggesting mappings", show, on_error=failed):
        deps.client.views_update(view_id=view_id, view=loading_modal(TITLE, replies.busy().text))


def register(app: App, deps: Deps) -> None:
    @app.view(ids.MAPPINGS_MODAL)
    def on_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = body["user"]["id"]
        allowed = deps.may(user, Role.APPROVER)
        deps.audit(user, "slack.submit", "mappings", allowed=allowed, detail={"modal": ids.MAPPINGS_MODAL})
        if not allowed:
            ack(
                response_action="errors",
                errors={ids.MAPPINGS_MODE_BLOCK: "Only the firm's approvers can save mappings."},
            )
            return
        submission = read_submission(view)
        if not submission.rows:
            text = "Nothing to save: tick a suggestion, choose Accept all, or pick an account."
            ack(response_action="errors", errors={ids.MAPPINGS_MODE_BLOCK: text})
            return
        try:
            checked = deps.service.check_accepted_mappings(submission.rows)
        except XerobotError as error:
            text = clip(f"Could not check them against Xero's chart: {error} {error.fix}", MAX_ERROR)
            ack(response_action="errors", errors={ids.MAPPINGS_MODE_BLOCK: text})
            return
        if checked.problems:
            errors: dict[str, str] = {}
            for problem in checked.problems:
                block = submission.blocks[problem.row]
                errors[block] = clip(f"{errors.get(block, '')} {problem.message}".strip(), MAX_ERROR)
            ack(response_action="errors", errors=errors)
            return
        ack()
        mappings = checked.mappings

        def save() -> None:
            deps.service.save_mappings(mappings, user)
            _tell(deps, user, submission.channel, replies.text_message(saved_text(len(mappings))))

        def failed(_: Exception) -> None:
            _tell(deps, user, submission.channel, replies.failed("saving the mappings"))

        if not deps.jobs.submit("saving mappings", save, on_error=failed):
            _tell(deps, user, submission.channel, replies.busy())


def _tell(deps: Deps, user: str, channel: str | None, message: Message) -> None:
    """Tell the person where they typed the command; a direct message when the bot cannot post there."""
    try:
        if channel:
            deps.client.chat_postEphemeral(channel=channel, user=user, **message.payload())
            return
    except SlackApiError:
        pass
    deps.client.chat_postMessage(channel=user, **message.payload())
