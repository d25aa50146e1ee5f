"""Text for mrkdwn: escaping outside text, mentions, dates each reader sees in their own time zone, money, counts."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def escape(text: object) -> str:
    """Slack's three control characters, `&` first; everything else is left alone (as Slack asks)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def safe(text: object, limit: int) -> str:
    """Outside text escaped for mrkdwn, at most `limit` characters once escaped (escaping can make a text five
    times longer), cut between entities, never inside one."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    out: list[str] = []
    size = 0
    for char in str(text):
        piece = ENTITIES.get(char, char)
        if size + len(piece) > limit - 1:
            break
        out.append(piece)
        size += len(piece)
    return "".join(out).rstrip() + "…"


def mention(actor: str | None) -> str:
    """A Slack user id becomes a mention; anything else (the scheduler, a command-line user) plain text."""
    if actor and USER_ID.match(actor):
        return f"<@{actor}>"
    return safe(actor or "someone", 100)


def when(moment: datetime | None, style: str = "{date_short_pretty} {time}") -> str:
    """A time Slack shows in each reader's own time zone, with a UTC fallback for clients that cannot."""
    if moment is None:
        return "never"
    fallback = f"{moment:%d %b %Y %H:%M} UTC"
    return f"<!date^{int(moment.timestamp())}^{style}|{fallback}>"


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else (many or singular + 's')}"


def link(url: str, label: str) -> str:
    """A mrkdwn link; both parts escaped (Slack decodes `&amp;` in the address)."""
    return f"<{escape(url)}|{escape(label)}>"
