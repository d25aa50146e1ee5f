"""A message as views produce it, and the budget that keeps it inside Slack's limits.

`Message.payload()` serialises the blocks through `slack_sdk.models`, which raises if a block breaks one of Slack's
limits (text lengths, element counts); the 50-block and total-size limits the SDK does not check are kept by
`Budget`, which packs lines into sections and ends a list with "…and N more" when the message is full.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.views.text import clip, safe

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
# Slack refuses messages whose blocks hold much more than ~13,000 characters (msg_blocks_too_long), though it
# documents no number; stay well under it.
MAX_MESSAGE_CHARS = 11_000
MAX_FALLBACK_TEXT = 3_000
MAX_LINE = 1_500  # one list line; a longer one is clipped


@dataclass(frozen=True, slots=True)
class Message:
    """Fallback `text` (notifications, screen readers): plain words, escaped on the way out since Slack reads it
    as mrkdwn too; and the blocks, already mrkdwn."""

    text: str
    blocks: Sequence[Block] = ()

    def payload(self) -> dict[str, Any]:
        """`text` and `blocks` as Slack's API takes them, validated on the way."""
        return {
            "text": safe(self.text, MAX_FALLBACK_TEXT),
            "blocks": [block.to_dict() for block in self.blocks],
        }


def mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def section(text: str) -> SectionBlock:
    return SectionBlock(text=mrkdwn(text))


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[mrkdwn(t) for t in texts if t][:10])


@dataclass
class Budget:
    """Blocks and characters left in one message or view."""

    max_blocks: int = MAX_MESSAGE_BLOCKS
    max_chars: int = MAX_MESSAGE_CHARS
    blocks: list[Block] = field(default_factory=list)
    chars: int = 0

    def room(self, blocks: int = 1, chars: int = 0) -> bool:
        return len(self.blocks) + blocks <= self.max_blocks and self.chars + chars <= self.max_chars

    def add(self, block: Block, chars: int = 0) -> bool:
        """Add `block` (holding about `chars` characters of text) if it fits."""
        if not self.room(1, chars):
            return False
        self.blocks.append(block)
        self.chars += chars
        return True

    def add_lines(
        self,
        heading: str,
        lines: Sequence[str],
        *,
        max_sections: int = 10,
        max_chars: int | None = None,
        limit: int | None = None,
        total: int | None = None,
    ) -> int:
        """`heading` then `lines` (at most `limit` of them, in at most `max_chars` characters, so one long list
        leaves room for the next), packed into as few sections as fit, then "…and N more." for the lines not
        shown. `total` is how many lines there are when `lines` holds only the first ones (a long list need not
        be rendered in full). Returns how many lines were shown."""
        cap = max_chars if max_chars is not None else self.max_chars
        chunks: list[tuple[str, int]] = []
        current, count, packed = heading, 0, 0
        for raw in lines[:limit]:
            line = clip(raw, MAX_LINE)
            candidate = f"{current}\n{line}" if current else line
            if len(candidate) <= MAX_SECTION_TEXT:
                if packed + len(candidate) > cap:
                    break
                current, count = candidate, count + 1
                continue
            if packed + len(current) + len(line) > cap:
                break
            chunks.append((current, count))
            packed += len(current)
            current, count = line, 1
        if current:
            chunks.append((current, count))
        shown = 0
        everything = len(lines) if total is None else total
        truncated = everything > sum(count for _, count in chunks)
        for index, (text, count) in enumerate(chunks[:max_sections]):
            note_room = 0 if index == len(chunks) - 1 and not truncated else 1
            if not self.room(1 + note_room, len(text)):
                break
            self.add(section(text), len(text))
            shown += count
        missing = everything - shown
        if missing:
            note = f"…and {missing:,} more."
            self.add(context(note), len(note))
        return shown
