"""The buttons on an alert message (Retry, Ignore, Undo, Details, Fix mapping; Link to the Xero payment and Post
anyway on a payment Xero already shows) and the modals they open.

Each click is acked at once and audited, allowed or not. Acting is the Service's job, and it re-checks the alert's
live state: a double click, a colleague clicking too, or a retried delivery changes the alert once, and whoever came
second is told who got there first. Modals open inside the click's listener, because a trigger lasts 3 seconds;
anything slower (a sync, reading Xero's chart) goes to the job runner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import clicks, ids
from bot.deps import Deps
from bot.listeners.malformed import refused_click, refused_submission
from bot.roles import Role
from bot.views import replies
from bot.views.alerts import details_modal, fix_modal, ignore_modal, loading_modal
from bot.views.report import report_message
from integration.app import Progress, alert_target
from integration.domain import Alert, AlertState
from integration.errors import XerobotError

ACTS = {
    ids.ALERT_RETRY: "retry alerts",
    ids.ALERT_IGNORE: "ignore alerts",
    ids.ALERT_UNIGNORE: "undo an ignore",
    ids.ALERT_FIX: "fix mappings",
    ids.ALERT_LINK_PAYMENT: "link payments to Xero",
    ids.ALERT_POST_ANYWAY: "post payments",
}


def register(app: App, deps: Deps) -> None:
    def clicked(body: dict[str, Any], respond: Respond) -> tuple[str, int] | None:
        """Audit the click; return (user, alert id) when the user may act, else tell them why not."""
        action = body["actions"][0]
        user, alert_id = body["user"]["id"], clicks.clicked_id(body, "alert")
        if alert_id is None:
            refused_click(deps, body, respond)
            return None
        allowed = action["action_id"] == ids.ALERT_DETAILS or deps.may(user, Role.BOOKKEEPER)
        deps.audit(
            user,
            "slack.click",
            alert_target(alert_id),
            allowed=allowed,
            detail={"action": action["action_id"]},
        )
        if not allowed:
            respond(replace_original=False, **replies.refusal(ACTS[action["action_id"]]).payload())
            return None
        return user, alert_id

    def in_job(name: str, respond: Respond, job: Callable[[], None]) -> None:
        def tell(error: Exception) -> None:
            message = (
                replies.text_message(f"{error} {error.fix}")
                if isinstance(error, XerobotError)
                else replies.failed(name)
            )
            respond(replace_original=False, **message.payload())

        if not deps.jobs.submit(name, job, on_error=tell):
            respond(replace_original=False, **replies.busy().payload())

    def live(alert_id: int, respond: Respond) -> Alert | None:
        try:
            return deps.service.alerts.get(alert_id)
        except XerobotError as error:
            respond(replace_original=False, **replies.text_message(f"{error} {error.fix}").payload())
            return None

    @app.action(ids.ALERT_RETRY)
    def on_retry(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        if (who := clicked(body, respond)) is None:
            return
        user, alert_id = who

        def retry() -> None:
            told: list[bool] = []

            def started(_: Progress) -> None:
                if not told:
                    told.append(True)
                    text = "Retrying: a sync is running, and this alert updates when it ends."
                    respond(replace_original=False, **replies.outcome(text).payload())

            result = deps.service.retry(alert_id, user, progress=started)
            if result.busy:
                respond(replace_original=False, **replies.outcome(result.busy, result.busy_by).payload())
            deps.notifier.show(alert_id)
            if result.report is not None:
                deps.notifier.reply(result.alert, report_message(result.report))
                deps.notifier.publish(result.changes)

        in_job("retrying the alert", respond, retry)

    @app.action(ids.ALERT_LINK_PAYMENT)
    def on_link_payment(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        if (who := clicked(body, respond)) is None:
            return
        user, alert_id = who

        def link() -> None:
            result = deps.service.xero_payments.link(alert_id, user)
            deps.notifier.show(alert_id)
            respond(replace_original=False, **replies.outcome(result.text).payload())

        in_job("linking a payment", respond, link)

    @app.action(ids.ALERT_POST_ANYWAY)
    def on_post_anyway(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        if (who := clicked(body, respond)) is None:
            return
        user, alert_id = who

        def post() -> None:
            result = deps.service.xero_payments.post_anyway(alert_id, user)
            deps.notifier.show(alert_id)
            respond(replace_original=False, **replies.outcome(result.text).payload())
            if result.retry is not None and result.retry.report is not None:
                deps.notifier.reply(result.retry.alert, report_message(result.retry.report))
                deps.notifier.publish(result.retry.changes)

        in_job("posting a payment", respond, post)

    @app.action(ids.ALERT_IGNORE)
    def on_ignore(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        if (who := clicked(body, respond)) is None or (alert := live(who[1], respond)) is None:
            return
        if alert.state is not AlertState.OPEN:
            respond(replace_original=False, **replies.outcome(*_already(alert)).payload())
            return
        client.views_open(trigger_id=body["trigger_id"], view=ignore_modal(alert))

    @app.view(ids.IGNORE_MODAL)
    def on_ignore_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user, alert_id = body["user"]["id"], clicks.metadata_id(view.get("private_metadata"), "alert")
        if alert_id is None:
            refused_submission(deps, ack, body, ids.IGNORE_REASON_BLOCK)
            return
        reason = (
            view["state"]["values"][ids.IGNORE_REASON_BLOCK][ids.IGNORE_REASON_INPUT].get("value") or ""
        ).strip()
        allowed = deps.may(user, Role.BOOKKEEPER)
        if not allowed:
            ack(
                response_action="errors",
                errors={ids.IGNORE_REASON_BLOCK: "Only the firm's bookkeepers can ignore alerts."},
            )
        elif not reason:
            ack(response_action="errors", errors={ids.IGNORE_REASON_BLOCK: "Say why, so colleagues know."})
        else:
            ack()
        deps.audit(
            user, "slack.submit", alert_target(alert_id), allowed=allowed, detail={"modal": ids.IGNORE_MODAL}
        )
        if allowed and reason:
            deps.jobs.submit("ignoring an alert", lambda: _ignore(deps, user, alert_id, reason))

    @app.action(ids.ALERT_UNIGNORE)
    def on_unignore(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        if (who := clicked(body, respond)) is None:
            return
        user, alert_id = who

        def unignore() -> None:
            result = deps.service.alerts.unignore(alert_id, user)
            deps.notifier.show(alert_id)
            if not result.changed:
                respond(replace_original=False, **replies.outcome(*_already(result.alert)).payload())

        in_job("undoing an ignore", respond, unignore)

    @app.action(ids.ALERT_DETAILS)
    def on_details(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        if (who := clicked(body, respond)) is None or (alert := live(who[1], respond)) is None:
            return
        client.views_open(
            trigger_id=body["trigger_id"], view=details_modal(alert, deps.service.alerts.activity(alert.id))
        )

    @app.action(ids.ALERT_FIX)
    def on_fix(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        if (who := clicked(body, respond)) is None or (alert := live(who[1], respond)) is None:
            return
        if alert.state is not AlertState.OPEN:
            respond(replace_original=False, **replies.outcome(*_already(alert)).payload())
            return
        if alert.mapping_target is None:
            text = "This alert is not fixed by one mapping: follow its fix, then sync again."
            respond(replace_original=False, **replies.outcome(text).payload())
            return
        opened = client.views_open(
            trigger_id=body["trigger_id"],
            view=loading_modal("Fix mapping", "Reading Xero's chart of accounts…"),
        )
        view_id, view_hash = opened["view"]["id"], opened["view"].get("hash")

        def show_chart() -> None:
            try:
                view = fix_modal(alert, deps.service.xero_accounts())
            except XerobotError as error:
                view = loading_modal("Fix mapping", f"Could not read Xero's chart: {error} {error.fix}")
            client.views_update(view_id=view_id, hash=view_hash, view=view)

        in_job("reading Xero's chart", respond, show_chart)

    @app.view(ids.FIX_MODAL)
    def on_fix_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user, alert_id = body["user"]["id"], clicks.metadata_id(view.get("private_metadata"), "alert")
        if alert_id is None:
            refused_submission(deps, ack, body, ids.FIX_ACCOUNT_BLOCK)
            return
        chosen = (
            view["state"]["values"][ids.FIX_ACCOUNT_BLOCK][ids.FIX_ACCOUNT_INPUT].get("selected_option") or {}
        )
        allowed = deps.may(user, Role.BOOKKEEPER)
        if not allowed:
            ack(
                response_action="errors",
                errors={ids.FIX_ACCOUNT_BLOCK: "Only the firm's bookkeepers can fix mappings."},
            )
        else:
            ack()
        deps.audit(
            user, "slack.submit", alert_target(alert_id), allowed=allowed, detail={"modal": ids.FIX_MODAL}
        )
        if allowed and chosen.get("value"):
            deps.jobs.submit("fixing a mapping", lambda: _fix(deps, user, alert_id, chosen["value"]))


def _ignore(deps: Deps, user: str, alert_id: int, reason: str) -> None:
    result = deps.service.alerts.ignore(alert_id, user, reason)
    deps.notifier.show(alert_id)
    if not result.changed:
        deps.notifier.tell(result.alert, user, replies.outcome(*_already(result.alert)))


def _fix(deps: Deps, user: str, alert_id: int, account: str) -> None:
    try:
        result = deps.service.fix_mapping(alert_id, account, user)
    except XerobotError as error:
        deps.notifier.tell(
            deps.service.alerts.get(alert_id), user, replies.text_message(f"{error} {error.fix}")
        )
        return
    deps.notifier.show(alert_id)
    if result.busy:
        text = result.busy
    elif result.mapping is not None and result.resolved:
        text = f"Saved: {result.mapping.source_id} now maps to {result.mapping.xero_account}, and the problem is gone."
    else:
        text = "Saved. The check still reports a problem: see the alert for what remains."
    deps.notifier.tell(result.alert, user, replies.outcome(text))


def _already(alert: Alert) -> tuple[str, str | None]:
    """Why there is nothing to do, from the alert's live state, and who made it so."""
    if alert.state is AlertState.RESOLVED:
        return "Nothing to do: this alert is already resolved.", None
    if alert.state is AlertState.IGNORED:
        return "Nothing to do: this alert is already ignored", alert.ignored_by
    return "Nothing to undo: this alert is not ignored.", None
