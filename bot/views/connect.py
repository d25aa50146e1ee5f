"""The reply to `/xero connect xero|actionstep`: a short-lived link an approver opens to authorise the bot."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

from bot.views.message import Message, context, section

NAMES = {"xero": "Xero", "actionstep": "Actionstep"}


def connect_link(remote: str, url: str) -> Message:
    name = NAMES[remote]
    return Message(
        f"Connect {name}: {url}",
        [
            section(
                f"*Connect {name}*\nOpen the link, sign in to {name} and choose the firm's organisation."
            ),
            ActionsBlock(
                elements=[ButtonElement(text=f"Connect {name}", url=url, action_id=f"connect_{remote}")]
            ),
            context(
                "The link opens once, within 15 minutes; finish in the browser you open it in. Whoever opens it "
                "first can connect the bot, so keep it to yourself."
            ),
        ],
    )


def connect_usage() -> Message:
    return Message(
        "Usage: /xero connect xero or /xero connect actionstep",
        [section("Say which service to connect: `/xero connect xero` or `/xero connect actionstep`.")],
    )
