"""What a click or a modal submission gets when what it says it is about does not read (`bot.clicks`): an audited
refusal and a word to the person, never an exception."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.views import replies

CLICK = "This button no longer matches its message, so nothing was done. Reload Slack and try again."
SUBMISSION = (
    "This form no longer matches what it was opened for. Close it and open it again from the message."
)


def refused_click(deps: Deps, body: dict[str, Any], respond: Respond) -> None:
    action = body["actions"][0]
    deps.audit(
        body["user"]["id"], "slack.click", None, allowed=False,
        detail={"action": str(action.get("action_id"))[:100], "refused": "malformed value"},
    )  # fmt: skip
    respond(replace_original=False, **replies.text_message(CLICK).payload())


def refused_submission(deps: Deps, ack: Ack, body: dict[str, Any], block: str) -> None:
    ack(response_action="errors", errors={block: SUBMISSION})
    view = body.get("view") or {}
    deps.audit(
        body["user"]["id"], "slack.submit", None, allowed=False,
        detail={"modal": str(view.get("callback_id"))[:100], "refused": "malformed private_metadata"},
    )  # fmt: skip
