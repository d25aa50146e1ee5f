"""The fake Slack Web API the tests talk to: the Slack sandbox (`sandboxes.slack`) served on 127.0.0.1 (an
ephemeral port), recording every call and serving the `response_url`s it hands out, plus a check of every message
and view against Slack's rules.

The check parses each payload with `slack_sdk.models` and serialises it again, which raises on any limit the SDK
knows (text lengths, element counts); it also enforces what the SDK does not (50 blocks per message, 100 per view,
a fallback `text` beside blocks). Anything that fails is kept in `violations`, which the tests' fixture asserts empty.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from sandboxes.slack import VIEW_METHODS, SlackCall, SlackSandbox
from tests.support.http import serving

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"  # the app-level token Socket Mode connects with
Call = SlackCall


def validation_problems(method: str, body: dict[str, Any]) -> list[str]:
    """What Slack would refuse in this call's message or view."""
    problems = []
    view = body.get("view")
    if isinstance(view, str):
        view = json.loads(view)
    if method in VIEW_METHODS and isinstance(view, dict):
        try:
            View(**view).to_dict()
        except Exception as error:
            problems.append(f"{method}: {error}")
        limit = 100
        blocks = view.get("blocks") or []
    else:
        limit = 50
        blocks = body.get("blocks") or []
        if blocks and not body.get("text"):
            problems.append(f"{method}: blocks without a fallback text")
    if len(blocks) > limit:
        problems.append(f"{method}: {len(blocks)} blocks (Slack allows {limit})")
    for block in blocks:
        try:
            parsed = Block.parse(block)
            assert parsed is not None, f"unknown block {block.get('type')}"
            parsed.to_dict()
        except Exception as error:
            problems.append(f"{method}: {error}")
    return problems


class FakeSlack:
    """`with FakeSlack() as slack:` serves until the block ends. `slack.url` is the Web API base URL.

    `validate=False` skips the check (a benchmark: in real life Slack's servers do that work, not the bot's)."""

    def __init__(self, *, validate: bool = True) -> None:
        self.sandbox = SlackSandbox(BOT_TOKEN, app_token=APP_TOKEN)
        self.violations: list[str] = []
        if validate:
            self.sandbox.observers.append(
                lambda call: self.violations.extend(validation_problems(call.method, call.body))
            )
        self._stack = ExitStack()
        self._base = ""

    def __enter__(self) -> FakeSlack:
        self._base = self._stack.enter_context(serving(self.sandbox))
        return self

    def __exit__(self, *_: object) -> None:
        self._stack.close()

    @property
    def url(self) -> str:
        return f"{self._base}/"

    def response_url(self, name: str) -> str:
        return f"{self._base}/response_url/{name}"

    @property
    def calls(self) -> list[Call]:
        return self.sandbox.calls

    @property
    def messages(self) -> dict[tuple[str, str], dict[str, Any]]:
        return self.sandbox.messages

    @property
    def groups(self) -> dict[str, list[str]]:
        return self.sandbox.groups

    @property
    def unreachable_channels(self) -> set[str]:
        return self.sandbox.unreachable_channels

    def of(self, method: str) -> list[Call]:
        return self.sandbox.of(method)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Wait (at most `timeout` seconds) until `predicate()` holds; it is re-checked after each call."""
        with self.sandbox.changed:
            return self.sandbox.changed.wait_for(predicate, timeout=timeout)
