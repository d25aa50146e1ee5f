"""The demo console: the real bolt app, the Slack sandbox and both accounting sandboxes in one process, driven
from a terminal. Typed commands and button presses become requests signed as Slack signs them and dispatched to
the app; what the app sends to Slack is drawn as it would appear (messages, edits, replies only you see, modals).

Input, one entry per line (the same from a keyboard or a `--script` file): a slash command (`/xero sync`); a
button's number, or its label in brackets (`[Fix mapping]`, the newest one shown); `home` to open the Home tab;
`quit`. Prefix a line with `@colleague` or `@stranger` to act as someone else (you are a bookkeeper and approver,
your colleague a bookkeeper, the stranger neither). When a modal asks for something, the next lines answer it.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from pydantic import SecretStr
from rich.console import Console
from rich.text import Text
from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot import ids
from bot.app import LISTENER_THREADS, build_app
from bot.console import render
from bot.demo import build_demo
from bot.http_server import make_server
from bot.jobs import JobRunner, Pool
from bot.settings import BotSettings
from sandboxes.slack import RESPONSE_URL, VIEW_METHODS, SlackCall, SlackSandbox

PEOPLE = {"you": "UDEMO", "colleague": "UCOLLEAGUE", "stranger": "USTRANGER"}
NAMES = {user: name for name, user in PEOPLE.items()} | {"UBOT": "xerobot"}
CHANNELS = {"CBOOKS": "#books", "CALERTS": "#xero-alerts"}
BOT_TOKEN = "xoxb-demo-console"  # noqa: S105 (the sandbox's own token, not a secret)
DEMO_SCRIPT = ("/xero sync", "/xero sync", "/xero status")


class Session:
    def __init__(self, directory: Path, console: Console, *, backlog: int = 0) -> None:
        self.console = console
        self.service, self.sandboxes = build_demo(directory, backlog=backlog)
        self.slack = SlackSandbox(BOT_TOKEN)
        self._server = make_server(self.slack, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.run, daemon=True, name="slack-sandbox")
        self._thread.start()
        self._base = f"http://127.0.0.1:{self._server.effective_port}"
        self._secret = secrets.token_hex(16)
        self.jobs, self.listeners = JobRunner(), Pool(LISTENER_THREADS, "xerobot-listener")
        settings = BotSettings(
            _env_file=None,
            slack_bot_token=SecretStr(BOT_TOKEN),
            slack_signing_secret=SecretStr(self._secret),
            slack_api_url=f"{self._base}/",
            xerobot_alerts_channel="CALERTS",
            xerobot_bookkeepers=(PEOPLE["you"], PEOPLE["colleague"]),
            xerobot_approvers=(PEOPLE["you"],),
        )
        self.app: App = build_app(settings, self.service, jobs=self.jobs, listener_pool=self.listeners)
        self.board = render.ButtonBoard()
        self._seen = 0
        self._triggers = itertools.count(1)

    def close(self) -> None:
        self.jobs.shutdown()
        self.listeners.shutdown()
        self._server.trigger.pull_trigger(self._server.close)
        self._thread.join(timeout=5)
        self.service.close()

    def run(self, lines: Iterator[str], *, echo: bool = True) -> None:
        """Carry out each entry until the lines run out or one says quit; `echo` shows each entry (a script's)."""
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line in ("quit", "exit"):
                return
            user = PEOPLE["you"]
            if line.startswith("@"):
                name, _, line = line[1:].partition(" ")
                user = PEOPLE.get(name, user)
            if echo:
                self.console.print(Text(f"{NAMES[user]}> {line}", style="bold"))
            self.step(line.strip(), user, lines)

    def step(self, line: str, user: str, lines: Iterator[str]) -> None:
        if line.startswith(ids.COMMAND):
            self._command(line.removeprefix(ids.COMMAND).strip(), user)
        elif line == "home":
            event = {"type": "app_home_opened", "user": user, "tab": "home"}
            self._dispatch(json.dumps(self._event(event)).encode(), "application/json")
        elif (button := self._button(line)) is not None:
            self._press(button, user)
        else:
            self.console.print("Type a /xero command, a button number, [Button label], home or quit.")
            return
        self._show(user, lines)

    def _button(self, line: str) -> render.Button | None:
        if line.isdigit():
            return self.board.buttons.get(int(line))
        if line.startswith("[") and line.endswith("]"):
            return self.board.find(line[1:-1])
        return None

    def _command(self, text: str, user: str) -> None:
        form = {
            "command": ids.COMMAND, "text": text, "user_id": user, "channel_id": "CBOOKS", "team_id": "T1",
            "response_url": f"{self._base}/{RESPONSE_URL}/{user}", "trigger_id": self._trigger(),
        }  # fmt: skip
        self._dispatch(urlencode(form).encode(), "application/x-www-form-urlencoded")

    def _press(self, button: render.Button, user: str) -> None:
        payload = {
            "type": "block_actions", "user": {"id": user}, "team": {"id": "T1"}, "trigger_id": self._trigger(),
            "channel": {"id": button.channel}, "container": {"channel_id": button.channel, "message_ts": button.ts},
            "message": {"ts": button.ts}, "response_url": f"{self._base}/{RESPONSE_URL}/{user}",
            "actions": [
                {"type": "button", "action_id": button.action_id, "block_id": button.block_id, "value": button.value}
            ],
        }  # fmt: skip
        self._dispatch(
            urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
        )

    def _submit(self, modal: dict[str, Any], values: dict[str, Any], user: str) -> None:
        payload = {
            "type": "view_submission", "user": {"id": user}, "team": {"id": "T1"}, "trigger_id": self._trigger(),
            "view": {**modal, "state": {"values": values}},
        }  # fmt: skip
        self._dispatch(
            urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
        )

    def _event(self, event: dict[str, Any]) -> dict[str, Any]:
        return {"type": "event_callback", "team_id": "T1", "event_id": f"Ev{self._trigger()}", "event": event}

    def _trigger(self) -> str:
        return (
            f"{next(self._triggers)}.{self._secret[:8]}.demo"  # unique across sessions: the ledger keeps them
        )

    def _dispatch(self, body: bytes, content_type: str) -> None:
        """Hand the app a request signed exactly as Slack signs one; show what it answers at once."""
        stamp = str(int(time.time()))
        signature = SignatureVerifier(self._secret).generate_signature(timestamp=stamp, body=body)
        headers: dict[str, str | Sequence[str]] = {
            "content-type": [content_type], "x-slack-request-timestamp": [stamp], "x-slack-signature": [signature or ""],
        }  # fmt: skip
        response = self.app.dispatch(BoltRequest(body=body.decode(), headers=headers))
        if response.body and response.headers.get("content-type", [""])[0].startswith("application/json"):
            answer = json.loads(response.body)
            if answer.get("text") or answer.get("blocks"):
                self._draw("only you can see this", answer)

    def _settle(self) -> None:
        if not (self.listeners.wait_idle(120) and self.jobs.wait_idle(120) and self.listeners.wait_idle(120)):
            self.console.print("(still working; showing what has arrived so far)")

    def _show(self, user: str, lines: Iterator[str]) -> None:
        """Draw what reached Slack since the last entry; answer a modal that asks for input."""
        self._settle()
        calls = self.slack.calls[self._seen :]
        self._seen += len(calls)
        latest: dict[str, SlackCall] = {}
        for call in calls:
            latest[_key(call)] = call
        modal: dict[str, Any] | None = None
        for key, call in latest.items():
            if key.startswith("skip"):
                continue
            shown = call.body.get("view")
            if call.method in VIEW_METHODS and isinstance(shown, dict):
                self.console.print(
                    render.view(
                        "Home tab" if shown.get("type") == "home" else "Modal", shown, _name, self.board
                    )
                )
                modal = shown if shown.get("submit") else None
            else:
                self._draw(_title(call), call.body)
        if modal is not None:
            self._answer(modal, user, lines)

    def _draw(self, title: str, body: dict[str, Any]) -> None:
        self.console.print(render.message(title, body, _name, self.board))

    def _answer(self, modal: dict[str, Any], user: str, lines: Iterator[str]) -> None:
        values: dict[str, Any] = {}
        for block in modal.get("blocks") or []:
            if block.get("type") != "input":
                continue
            element = block["element"]
            if element["type"] == "static_select":
                options = [o for group in element.get("option_groups") or [] for o in group["options"]]
                options += element.get("options") or []
                for number, option in enumerate(options, 1):
                    self.console.print(f"  ({number}) {option['text']['text']}")
                choice = _ask(lines, self.console, f"{block['label']['text']} (number)")
                picked = (
                    options[int(choice) - 1] if choice.isdigit() and 0 < int(choice) <= len(options) else None
                )
                if picked is None:
                    self.console.print("Cancelled.")
                    return
                values[block["block_id"]] = {
                    element["action_id"]: {"type": "static_select", "selected_option": picked}
                }
            else:
                text = _ask(lines, self.console, block["label"]["text"])
                values[block["block_id"]] = {
                    element["action_id"]: {"type": "plain_text_input", "value": text}
                }
        self._submit(modal, values, user)
        self._show(user, lines)


def _ask(lines: Iterator[str], console: Console, label: str) -> str:
    console.print(Text(f"  {label}: ", style="yellow"), end="")
    answer = next(lines, "").strip()
    console.print(answer)
    return answer


def _key(call: SlackCall) -> str:
    """Which drawn thing a call changes: a message, a view, or a reply of its own."""
    if call.method in ("chat.postMessage", "chat.update"):
        return f"message:{call.body.get('channel')}:{call.body.get('ts') or id(call)}"
    if call.method in VIEW_METHODS:
        return f"view:{call.body.get('view_id') or call.body.get('user_id') or id(call)}"
    if call.method in (RESPONSE_URL, "chat.postEphemeral"):
        return f"reply:{id(call)}"
    return f"skip:{id(call)}"


def _title(call: SlackCall) -> str:
    channel = CHANNELS.get(call.body.get("channel", ""), call.body.get("channel", ""))
    if call.method in (RESPONSE_URL, "chat.postEphemeral"):
        return (
            "only you can see this" if call.body.get("response_type") != "in_channel" else "#books · xerobot"
        )
    thread = " · in thread" if call.body.get("thread_ts") else ""
    edited = " · updated" if call.method == "chat.update" else ""
    return f"{channel} · xerobot{thread}{edited}"


def _name(user_id: str) -> str:
    return NAMES.get(user_id, user_id)
