"""`/xero connect xero|actionstep`: approvers get a link to authorise the bot with Xero or Actionstep."""

from __future__ import annotations

from slack_bolt import Ack

from bot.deps import Deps
from bot.roles import Role
from bot.views import replies
from bot.views.connect import connect_link, connect_usage
from integration.app.connect import REMOTES
from integration.errors import XerobotError


def is_connect(text: str) -> bool:
    return text.lower().split()[:1] == ["connect"]


def handle(ack: Ack, deps: Deps, user: str, text: str) -> None:
    words = text.lower().split()
    remote = words[1] if len(words) == 2 and words[1] in REMOTES else None
    if not deps.may(user, Role.APPROVER):
        ack(**replies.refusal("connect Xero or Actionstep", role="approver").payload())
        deps.audit(user, "slack.command", "connect", allowed=False, detail={"text": text})
        return
    if remote is None:
        ack(**connect_usage().payload())
        return
    if deps.service.connector is None:
        ack(**replies.text_message("Connecting from Slack is not available in this set-up.").payload())
        return
    try:
        link = deps.service.connector.link(remote, user)
    except XerobotError as error:
        ack(**replies.text_message(f"{error} {error.fix}").payload())
        return
    ack(**connect_link(remote, link).payload())
    deps.audit(user, "slack.command", f"connect {remote}", allowed=True)
