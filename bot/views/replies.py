"""Every short sentence the app says to one person: help, refusals, "busy", and what happened to a click.

Kept together so the voice stays the same and the messages can be reviewed in one place.
"""

from __future__ import annotations

from bot.views.message import Message, context, section
from bot.views.text import mention, safe

HELP = [
    (
        "`/xero sync`",
        "push everything approved in Actionstep to Xero, and report what posted and what failed",
    ),
    ("`/xero sync preview`", "show what a sync would post, without sending anything"),
    ("`/xero status`", "last sync, open alerts, connection health and the next scheduled runs"),
    ("`/xero check`", "check the account mappings for everything waiting to be posted"),
    ("`/xero connect xero` / `/xero connect actionstep`", "approvers: a link to authorise the bot"),
    ("`/xero mappings`", "approvers: review the suggested account mappings, accept them or pick others"),
    (
        "`/xero unlink INV-123`",
        "unlink a posted document (payments first, then the document) so it can be corrected; approvers confirm",
    ),
    (
        "`/xero reconcile [YYYY-MM]`",
        "month end: last month (or the one named) in Actionstep against Xero, each difference with its fix, "
        "balances and trust three ways, with the CSV; approvers sign off",
    ),
    ("`/xero help`", "this list"),
]


def help_message() -> Message:
    lines = "\n".join(f"• {command}: {what}" for command, what in HELP)
    return Message(
        "xerobot commands",
        [
            section(f"*Actionstep → Xero, from Slack*\n{lines}"),
            context(
                "Bookkeepers can sync and act on alerts (Retry, Ignore, Fix mapping) in the alerts channel."
            ),
        ],
    )


def text_message(text: str) -> Message:
    """A reply of our own words plus, possibly, outside text: escaped as a whole."""
    return Message(text, [section(safe(text, 2900))])


def refusal(what: str, role: str = "bookkeeper") -> Message:
    return text_message(
        f"Sorry, only the firm's {role}s can {what}. If you should be one, ask whoever runs the bot to add you."
    )


BUSY = "The bot is busy with other requests right now. Please try again in a minute."


def busy() -> Message:
    return text_message(BUSY)


def failed(what: str) -> Message:
    return text_message(
        f"Something went wrong while {what}; nothing more was done. The details are in the bot's log."
    )


def outcome(text: str, by: str | None = None) -> Message:
    """What happened to a click, told to the person who clicked; `by` names who acted first (as a mention)."""
    who = f" (by {mention(by)})" if by else ""
    return Message(text + (f" (by {by})" if by else ""), [section(safe(text, 2800) + who)])
