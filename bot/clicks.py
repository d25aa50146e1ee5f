"""What a click or a modal submission says it is about, read strictly.

A button's value and a modal's `private_metadata` are the only outside text a listener turns into a ledger id, so
they are read as the views write them and nothing else: ASCII digits, at most `MAX_DIGITS` of them (no sign, space,
underscore or other script's digits: `３`, `' 3 '` and `3_0` are refused, where `int()` would take them). A button's
value must also be what the message it came from refers to: its block is `<kind>:<id>` (as the views name it) and,
when Slack sends the message along, that block holds this very button with this value. The month-end Sign off
button's value is `YYYY-MM:<fingerprint>` in the block `reconcile:YYYY-MM`, read as strictly (`clicked_period`).
"""

from __future__ import annotations

import re
from typing import Any

from integration.domain import Period

MAX_DIGITS = 12
DIGITS = re.compile(f"[0-9]{{1,{MAX_DIGITS}}}")
PERIOD_VALUE = re.compile(r"([0-9]{4})-([0-9]{2}):([A-Za-z0-9_-]{1,128})")


def record_id(value: object) -> int | None:
    """The id `value` spells, or None when it is not 1 to `MAX_DIGITS` ASCII digits."""
    if isinstance(value, str) and DIGITS.fullmatch(value):
        return int(value)
    return None


def clicked_id(body: dict[str, Any], kind: str) -> int | None:
    """The id a button click is about (`kind` names its block: `alert`, `unlink`), or None when the click's value
    is malformed or is not what the message it came from refers to."""
    action = _action(body)
    value = action.get("value")
    found = record_id(value)
    if found is None or action.get("block_id") != f"{kind}:{value}":
        return None
    return found if _on_message(body, action) else None


def clicked_period(body: dict[str, Any]) -> tuple[Period, str] | None:
    """(period, fingerprint) a Sign off click is about: its value is `YYYY-MM:<fingerprint>` (ASCII digits, a month
    1 to 12, a fingerprint of letters, digits, `-` and `_`) in the block `reconcile:YYYY-MM`; else None."""
    action = _action(body)
    value = action.get("value")
    found = PERIOD_VALUE.fullmatch(value) if isinstance(value, str) else None
    if (
        found is None
        or not 1 <= int(found[2]) <= 12
        or action.get("block_id") != f"reconcile:{found[1]}-{found[2]}"
    ):
        return None
    return (Period(int(found[1]), int(found[2])), found[3]) if _on_message(body, action) else None


def _action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions")
    return actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}


def _on_message(body: dict[str, Any], action: dict[str, Any]) -> bool:
    """Whether the message the click came from holds this very button with this value in its block."""
    message = body.get("message")
    blocks = message.get("blocks") if isinstance(message, dict) else None
    if blocks is None:
        return True  # an ephemeral or App Home click carries no message: the block id is what it refers to
    for block in blocks if isinstance(blocks, list) else ():
        if isinstance(block, dict) and block.get("block_id") == action["block_id"]:
            elements = block.get("elements") or ()
            if any(
                isinstance(e, dict)
                and e.get("action_id") == action.get("action_id")
                and e.get("value") == action.get("value")
                for e in elements
            ):
                return True
    return False


def metadata_id(metadata: object, key: str) -> int | None:
    """The id a modal's `private_metadata` carries under `key`, written as the views write it
    (`{"alert": 12}`), or None."""
    if not isinstance(metadata, str):
        return None
    match = re.fullmatch(f'\\{{"{re.escape(key)}": ([0-9]{{1,{MAX_DIGITS}}})\\}}', metadata)
    return int(match[1]) if match else None
