"""Slack messages and views drawn in a terminal (rich), for the demo console: mrkdwn becomes styles, mentions
become names, dates their fallback, links their label; buttons are numbered so a person can press them by number.

Text from outside arrives escaped (`&lt;!channel&gt;`) and is shown literally: it is put into `rich.text.Text`,
never parsed as rich markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Group, RenderableType
from rich.emoji import Emoji
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

TOKEN = re.compile(r"<(?P<target>[^>|]+)(?:\|(?P<label>[^>]*))?>")
STYLE = re.compile(r"(?P<code>`[^`\n]+`)|(?P<bold>\*[^*\n]+\*)|(?<![\w])(?P<italic>_[^_\n]+_)(?![\w])")


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action_id: str
    value: str
    channel: str | None
    ts: str | None
    block_id: str | None = None


class ButtonBoard:
    """Numbers every button shown, in order; a number keeps pointing at its button."""

    def __init__(self) -> None:
        self.buttons: dict[int, Button] = {}

    def add(self, button: Button) -> int:
        number = len(self.buttons) + 1
        self.buttons[number] = button
        return number

    def find(self, label: str) -> Button | None:
        """The most recently shown button with this label."""
        matches = [b for b in self.buttons.values() if b.label.lower() == label.lower()]
        return matches[-1] if matches else None


def mrkdwn(text: str, names: Callable[[str], str]) -> Text:
    """Slack mrkdwn as styled terminal text; `names` turns a user id into a name."""
    out = Text()
    position = 0
    for match in TOKEN.finditer(text):
        _styled(out, text[position : match.start()])
        target, label = match["target"], match["label"]
        if target.startswith("@"):
            out.append("@" + names(target[1:]), style="bold cyan")
        elif target.startswith("!date"):
            out.append(html.unescape(label or target))
        elif target.startswith("!"):
            out.append("@" + target[1:], style="bold red")
        else:
            out.append(html.unescape(label or target), style=f"underline blue link {html.unescape(target)}")
        position = match.end()
    _styled(out, text[position:])
    return out


def _styled(out: Text, text: str) -> None:
    position = 0
    for match in STYLE.finditer(text):
        out.append(_plain(text[position : match.start()]))
        kind = match.lastgroup or ""
        inner = match[kind][1:-1]
        out.append(_plain(inner), style={"code": "bold magenta", "bold": "bold", "italic": "italic"}[kind])
        position = match.end()
    out.append(_plain(text[position:]))


def _plain(text: str) -> str:
    return Emoji.replace(html.unescape(text))


def blocks(
    items: list[dict[str, Any]],
    names: Callable[[str], str],
    board: ButtonBoard,
    where: tuple[str | None, str | None],
) -> list[RenderableType]:
    """Each block as a renderable; buttons are added to `board` (`where` is the message's channel and ts)."""
    drawn: list[RenderableType] = []
    for block in items:
        kind = block.get("type")
        if kind == "header":
            drawn.append(Text(block["text"]["text"], style="bold underline"))
        elif kind == "section":
            if block.get("text"):
                drawn.append(_text(block["text"], names))
            for item in block.get("fields") or []:
                drawn.append(_text(item, names))
        elif kind == "context":
            drawn.append(
                Text.assemble(*(_text(e, names) for e in block["elements"] if "text" in e), style="dim")
            )
        elif kind == "divider":
            drawn.append(Rule(style="dim"))
        elif kind == "actions":
            row = Text()
            for element in block["elements"]:
                button = Button(
                    element["text"]["text"],
                    element["action_id"],
                    element.get("value", ""),
                    *where,
                    block_id=block.get("block_id"),
                )
                row.append(f"[{board.add(button)}] {button.label}", style="reverse bold")
                row.append("  ")
            drawn.append(row)
        elif kind == "input":
            drawn.append(Text(f"▸ {block['label']['text']}", style="bold yellow"))
    return drawn


def _text(item: dict[str, Any], names: Callable[[str], str]) -> Text:
    if item.get("type") == "plain_text":
        return Text(item["text"])
    return mrkdwn(item["text"], names)


def message(title: str, body: dict[str, Any], names: Callable[[str], str], board: ButtonBoard) -> Panel:
    where = (body.get("channel"), body.get("ts"))
    content = blocks(body.get("blocks") or [], names, board, where) or [mrkdwn(body.get("text") or "", names)]
    return Panel(Group(*content), title=title, title_align="left", border_style="green")


def view(title: str, shown: dict[str, Any], names: Callable[[str], str], board: ButtonBoard) -> Panel:
    heading = (shown.get("title") or {}).get("text")
    content = blocks(shown.get("blocks") or [], names, board, (None, None))
    label = f"{title}: {heading}" if heading else title
    return Panel(Group(*content), title=label, title_align="left", border_style="magenta")
