"""`/xero …`: help, sync (and preview), status, check, connect, unlink, mappings, reconcile. Empty or unknown text gets help, never an error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond

from bot import ids
from bot.deps import Deps
from bot.listeners import connect, mappings, reconcile, unlinks
from bot.notifier import SyncMessage
from bot.roles import Role
from bot.views import replies
from bot.views.report import in_progress_message, notice_message, progress_message, report_message
from bot.views.status import check_message, status_message
from integration.app import Progress
from integration.domain import AlertChanges
from integration.errors import SyncInProgress, XerobotError

READERS = (Role.BOOKKEEPER, Role.APPROVER)


def parse(text: str) -> tuple[str, bool]:
    """(verb, preview) from the command text; anything unrecognised is "help"."""
    words = text.lower().split()
    if words == ["sync"] or words == ["sync", "preview"]:
        return "sync", len(words) == 2
    if words in (["status"], ["check"]):
        return words[0], False
    return "help", False


def register(app: App, deps: Deps) -> None:
    @app.command(ids.COMMAND)
    def on_command(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        user, text = command["user_id"], (command.get("text") or "").strip()
        if connect.is_connect(text):
            connect.handle(ack, deps, user, text)
            return
        if unlinks.is_unlink(text):
            unlinks.handle(ack, deps, command, respond)
            return
        if mappings.is_mappings(text):
            mappings.handle(ack, deps, command)
            return
        if reconcile.is_reconcile(text):
            reconcile.handle(ack, deps, command, respond)
            return
        verb, preview = parse(text)
        if verb == "help":
            ack(**replies.help_message().payload())
            deps.audit(user, "slack.command", "help", allowed=True, detail={"text": text})
            return
        allowed = (
            deps.may(user, Role.BOOKKEEPER) if verb == "sync" and not preview else deps.may(user, *READERS)
        )
        if not allowed:
            ack(**replies.refusal("run a sync" if verb == "sync" else f"use `/xero {verb}`").payload())
            deps.audit(user, "slack.command", verb, allowed=False, detail={"text": text})
            return
        ack()
        deps.audit(user, "slack.command", verb, allowed=True, detail={"text": text})

        def status() -> None:
            respond(**status_message(deps.service.status(), deps.next_runs()).payload())

        def check() -> None:
            respond(**check_message(deps.service.check()).payload())

        jobs: dict[str, Callable[[], None]] = {
            "sync": lambda: _sync(deps, user, command["channel_id"], respond, preview),
            "status": status,
            "check": check,
        }
        on_error = _tell_failure(respond, f"running `/xero {text}`")
        if not deps.jobs.submit(f"command:{verb}", jobs[verb], on_error=on_error):
            respond(**replies.busy().payload())


def _sync(deps: Deps, user: str, channel: str, respond: Respond, preview: bool) -> None:
    """Run the sync in a message in the channel, posted once the sync may run: a sync refused because another
    runs is told to the person who asked alone (ephemeral), never announced to the channel."""
    message = SyncMessage(deps.client, channel, respond)

    def started() -> None:
        message.start(progress_message(user, preview))

    def progress(update: Progress) -> None:
        message.progress(progress_message(user, preview, update))

    changes = AlertChanges()  # a preview raises none
    try:
        if preview:
            report = deps.service.preview("slack", user, progress=progress, started=started)
        else:
            done = deps.service.sync("slack", user, progress=progress, started=started)
            report, changes = done.report, done.changes
    except SyncInProgress as error:
        respond(**in_progress_message(error.actor, error.trigger, error.started).payload())
        return
    except XerobotError as error:
        message.finish(notice_message(f"The sync could not start: {error} {error.fix}"))
        return
    except Exception:
        message.finish(replies.failed("running the sync"))
        raise
    message.finish(report_message(report))
    deps.notifier.publish(changes)


def _tell_failure(respond: Respond, what: str) -> Callable[[Exception], None]:
    def tell(error: Exception) -> None:
        if isinstance(error, XerobotError):
            respond(**replies.text_message(f"{error} {error.fix}").payload())
        else:
            respond(**replies.failed(what).payload())

    return tell
