"""What a click or a modal submission says it is about, read strictly.

A button's value and a modal's `private_metadata` are the only outside text a listener turns into a ledger id, so
they are read as the views write them and nothing else: ASCII digits, at most `MAX_DIGITS` of them (no sign, space,
underscore or other script's digits: `３`, `' 3 '` and `3_0` are refused, where `int()` would take them). A button's
value must also be what the message it came from refers to: its block is `<kind>:<id>` (as the views name it) and,
when Slack sends the message along, that block holds this very button with this value.
"""

from __future__ import annotations

import re
from typing import Any

MAX_DIGITS = 12
DIGITS = re.compile(f"[0-9]{{1,{MAX_DIGITS}}}")


def record_id(value: object) -> int | None:
    """The id `value` spells, or None when it is not 1 to `MAX_DIGITS` ASCII digits."""
    if isinstance(value, str) and DIGITS.fullmatch(value):
        return int(value)
    return None


def clicked_id(body: dict[str, Any], kind: str) -> int | None:
    """The id a button click is about (`kind` names its block: `alert`, `unlink`), or None when the click's value
    is malformed or is not what the message it came from refers to."""
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}
    value = action.get("value")
    found = record_id(value)
    if found is None or action.get("block_id") != f"{kind}:{value}":
        return None
    message = body.get("message")
    blocks = message.get("blocks") if isinstance(message, dict) else None
    if blocks is None:
        return found  # an ephemeral or App Home click carries no message: the block id is what it refers to
    for block in blocks if isinstance(blocks, list) else ():
        if isinstance(block, dict) and block.get("block_id") == action["block_id"]:
            elements = block.get("elements") or ()
            if any(
                isinstance(e, dict)
                and e.get("action_id") == action.get("action_id")
                and e.get("value") == value
                for e in elements
            ):
                return found
    return None


def metadata_id(metadata: object, key: str) -> int | None:
    """The id a modal's `private_metadata` carries under `key`, written as the views write it
    (`{"alert": 12}`), or None."""
    if not isinstance(metadata, str):
        return None
    match = re.fullmatch(f'\\{{"{re.escape(key)}": ([0-9]{{1,{MAX_DIGITS}}})\\}}', metadata)
    return int(match[1]) if match else None
