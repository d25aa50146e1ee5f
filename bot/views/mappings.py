"""The `/xero mappings` modal: every suggested mapping pending documents need, to accept all, accept one by one
(checkboxes), or replace with another Xero account picked from a list.

The pickers are static selects: Slack filters a static select as the person types, so the list is searchable, and
its options come from the one reading of Xero's chart the modal was built from (an external select would read the
chart again on every keystroke, or need a cache shared between the bot's processes). Each picker offers only the
accounts that suit its row (compatible type, active, with a code): the suggestion first, then by code, at most
100 (Slack's limit), fewer when many rows share `OPTIONS_BUDGET`; a row with more suitable accounts than it shows
says so, and `xerobot mappings set` takes any code.

The modal carries the rows it shows in `private_metadata` (kind, source, suggested code), so the submission is read
against exactly what the person saw.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    InputBlock,
    Option,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import ids
from bot.views.message import context, section
from bot.views.text import clip, escape, plural
from integration.app import Suggestions
from integration.domain import Confidence, MappingKind, MappingRow, Suggestion, XeroAccount

MAX_ROWS = 20  # rows a modal shows; the rest wait for the next round (the most-needed come first)
MAX_OPTIONS = 100  # Slack's limit for one static select
OPTIONS_BUDGET = 1_000  # options in the whole modal, so twenty pickers stay near 100 KB
PER_CHECKBOXES = 10  # Slack's limit for one checkbox group
TICKED = (Confidence.HIGH, Confidence.MEDIUM)
KIND_WORDS = {MappingKind.ACCOUNT: "Account", MappingKind.ROLE: "Role", MappingKind.TIMEKEEPER: "Timekeeper"}


@dataclass(frozen=True, slots=True)
class ShownRow:
    """A row of the modal, as its private metadata carries it."""

    kind: MappingKind
    source_id: str
    suggested: str | None


def mappings_modal(found: Suggestions, *, channel: str | None) -> View:
    """The modal for `found`; without suggestions, a note that every need is mapped."""
    shown = found.suggestions[:MAX_ROWS]
    if not shown:
        text = ":white_check_mark: Every account, timekeeper and role that pending documents need is mapped."
        return View(type="modal", title="Mappings", close="Close", blocks=[section(text)])
    rows = [ShownRow(s.kind, s.source_id, s.xero_code) for s in shown]
    metadata = {"channel": channel, "rows": [[r.kind.value, r.source_id, r.suggested or ""] for r in rows]}
    blocks: list[Block] = [
        section(
            f"*{plural(len(found.suggestions), 'mapping')}* that pending documents need "
            f"{'is' if len(found.suggestions) == 1 else 'are'} missing. Tick the suggestions to accept (the "
            "high and medium ones are ticked), or accept them all; pick another Xero account for any row below. "
            "Every row is checked against Xero's chart before it is saved."
        )
    ]
    if len(found.suggestions) > len(shown):
        blocks.append(
            context(f"Showing the {len(shown)} most needed; open it again after saving for the rest.")
        )
    blocks.append(
        InputBlock(
            block_id=ids.MAPPINGS_MODE_BLOCK,
            label="Save",
            element=RadioButtonsElement(
                action_id=ids.MAPPINGS_MODE_INPUT,
                options=[_mode("ticked", "The ticked suggestions"), _mode("all", "Accept all suggestions")],
                initial_option=_mode("ticked", "The ticked suggestions"),
            ),
            hint="Either way, an account picked below replaces that row's suggestion.",
        )
    )
    offered = [(n, s) for n, s in enumerate(shown) if s.xero_code]
    for group in range(0, len(offered), PER_CHECKBOXES):
        chunk = offered[group : group + PER_CHECKBOXES]
        options = [_accept_option(n, s) for n, s in chunk]
        ticked = [_accept_option(n, s) for n, s in chunk if s.confidence in TICKED]
        blocks.append(
            InputBlock(
                block_id=f"{ids.MAPPINGS_ACCEPT_BLOCK}:{group // PER_CHECKBOXES}",
                label="Suggestions" if group == 0 else "More suggestions",
                optional=True,
                element=CheckboxesElement(
                    action_id=ids.MAPPINGS_ACCEPT_INPUT, options=options, initial_options=ticked or None
                ),
            )
        )
    per_picker = max(10, min(MAX_OPTIONS, OPTIONS_BUDGET // len(shown)))
    for n, suggestion in enumerate(shown):
        suitable = found.options.get((suggestion.kind, suggestion.source_id), [])
        blocks.append(_picker(n, suggestion, suitable, per_picker))
    return View(
        type="modal",
        callback_id=ids.MAPPINGS_MODAL,
        private_metadata=json.dumps(metadata),
        title="Suggested mappings",
        submit="Save mappings",
        close="Cancel",
        blocks=blocks,
    )


def _mode(value: str, text: str) -> Option:
    return Option(text=text, value=value)


def _accept_option(n: int, s: Suggestion) -> Option:
    why = f"{s.confidence.value if s.confidence else ''}: {s.why}"
    return Option(
        text=clip(f"{KIND_WORDS[s.kind]} {s.source_name} → {s.xero_code} {s.xero_name}", 75),
        description=clip(f"{why} · {plural(s.documents, 'document')}", 75),
        value=str(n),
    )


def _picker(n: int, s: Suggestion, accounts: Sequence[XeroAccount], limit: int) -> Block:
    label = clip(f"{KIND_WORDS[s.kind]} {s.source_name}", 2000)
    if not accounts:
        return context(
            f"*{escape(label)}*: Xero's chart has no active account with a code of a suitable type; create one in "
            "Xero, then open this again."
        )
    ordered = sorted(accounts, key=lambda a: (a.code != s.xero_code, a.code or ""))
    options = [Option(text=clip(f"{a.code} {a.name}", 75), value=a.code or "") for a in ordered[:limit]]
    if s.xero_code:
        hint = f"Suggested: {s.xero_code} {s.xero_name} ({s.confidence.value if s.confidence else ''})."
    else:
        hint = "No suggestion: pick the Xero account, or leave it for later."
    if len(ordered) > limit:
        hint += f" The first {limit} of {len(ordered)} suitable accounts; `xerobot mappings set` takes any."
    return InputBlock(
        block_id=f"{ids.MAPPINGS_PICK_BLOCK}:{n}",
        label=label,
        optional=True,
        element=StaticSelectElement(
            action_id=ids.MAPPINGS_PICK_INPUT, placeholder="Another Xero account", options=options
        ),
        hint=clip(hint, 2000),
    )


@dataclass(frozen=True, slots=True)
class Submission:
    """What a submitted modal asks to save: the rows (numbered by their place in the modal) and, for each row, the
    block its answer came from (where an error about it belongs)."""

    rows: list[MappingRow]
    blocks: dict[int, str]
    channel: str | None


def read_submission(view: dict[str, Any]) -> Submission:
    """The rows a submitted modal asks to save: a picked account wins; otherwise the suggestion, when it is ticked
    or "accept all" is chosen."""
    metadata = json.loads(view.get("private_metadata") or "{}")
    shown = [ShownRow(MappingKind(k), s, c or None) for k, s, c in metadata.get("rows", [])]
    values: dict[str, dict[str, Any]] = (view.get("state") or {}).get("values") or {}
    mode = ((values.get(ids.MAPPINGS_MODE_BLOCK) or {}).get(ids.MAPPINGS_MODE_INPUT) or {}).get(
        "selected_option"
    ) or {}
    accept_all = mode.get("value") == "all"
    ticked: set[int] = set()
    for block_id, answer in values.items():
        if block_id.startswith(f"{ids.MAPPINGS_ACCEPT_BLOCK}:"):
            chosen = (answer.get(ids.MAPPINGS_ACCEPT_INPUT) or {}).get("selected_options") or []
            ticked.update(int(o["value"]) for o in chosen if str(o.get("value", "")).isdigit())
    offered = [n for n, row in enumerate(shown) if row.suggested]
    checkbox_block = {n: f"{ids.MAPPINGS_ACCEPT_BLOCK}:{p // PER_CHECKBOXES}" for p, n in enumerate(offered)}
    rows, blocks = [], {}
    for n, row in enumerate(shown):
        pick_block = f"{ids.MAPPINGS_PICK_BLOCK}:{n}"
        picked = ((values.get(pick_block) or {}).get(ids.MAPPINGS_PICK_INPUT) or {}).get(
            "selected_option"
        ) or {}
        if picked.get("value"):
            rows.append(MappingRow(n, row.kind, row.source_id, picked["value"]))
            blocks[n] = pick_block
        elif row.suggested and (accept_all or n in ticked):
            rows.append(MappingRow(n, row.kind, row.source_id, row.suggested))
            blocks[n] = checkbox_block[n]
    return Submission(rows, blocks, metadata.get("channel"))


def saved_text(count: int) -> str:
    return f"Saved {plural(count, 'mapping')}. `/xero sync preview` shows what will post now, and `/xero sync` posts it."
