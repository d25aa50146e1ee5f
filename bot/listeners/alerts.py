"""The buttons on an alert message (Retry, Ignore, Undo, Details, Fix mapping; Link to the Xero payment and Post
anyway on a payment Xero already shows; Check again, Unlink in the ledger and Adopt Xero's payment on a change made
in Xero) and the modals they open.

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
from integration.app import DriftAction, DriftActions, Progress, alert_target
from integration.domain import Alert, AlertState
from integration.errors import XerobotError

ACTS = {
    ids.ALERT_RETRY: "retry alerts",
    ids.ALERT_IGNORE: "ignore alerts",
    ids.ALERT_UNIGNORE: "undo an ignore",
    ids.ALERT_FIX: "fix mappings",
    ids.ALERT_LINK_PAYMENT: "link payments to Xero",
    ids.ALERT_POST_ANYWAY: "post payments",
    ids.ALERT_CHECK_AGAIN: "check alerts against Xero",
    ids.ALERT_UNLINK_LEDGER: "unlink documents in the ledger",
    ids.ALERT_ADOPT_PAYMENT: "adopt payments made in Xero",
}
DriftAct = Callable[[DriftActions, int, str], DriftAction]
DRIFT_ACTIONS: dict[str, tuple[str, DriftAct]] = {  # button -> (what the job is called, the use case)
    ids.ALERT_CHECK_AGAIN: ("checking Xero again", lambda acts, alert, user: acts.check_again(alert, user)),
    ids.ALERT_UNLINK_LEDGER: ("unlinking in the ledger", lambda acts, alert, user: acts.unlink(alert, user)),
    ids.ALERT_ADOPT_PAYMENT: ("adopting Xero's payment", lambda acts, alert, user: acts.adopt(alert, user)),
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

    def in_job(
        name: str, respond: Respond, job: Callable[[], None], refused: Callable[[], None] | None = None
    ) -> None:
        """Run `job` on the job runner; when it is full, say so (`refused`, else an ephemeral "busy")."""

        def tell(error: Exception) -> None:
            message = (
                replies.text_message(f"{error} {error.fix}")
                if isinstance(error, XerobotError)
                else replies.failed(name)
            )
            respond(replace_original=False, **message.payload())

        if deps.jobs.submit(name, job, on_error=tell):
            return
        if refused is not None:
            refused()
        else:
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

    def on_drift_action(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        if (who := clicked(body, respond)) is None:
            return
        user, alert_id = who
        name, use_case = DRIFT_ACTIONS[body["actions"][0]["action_id"]]

        def act() -> None:
            result = use_case(deps.service.drift_actions, alert_id, user)
            deps.notifier.show(alert_id)
            respond(replace_original=False, **replies.outcome(result.text).payload())
            deps.notifier.publish(result.changes)

        in_job(name, respond, act)

    for action_id in DRIFT_ACTIONS:
        app.action(action_id)(on_drift_action)

    @app.action(ids.ALERT_IGNORE)
    def on_ignore(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        if (who := clicked(body, respond)) is None or (alert := live(who[1], respond)) is None:
            return
        if alert.state is not AlertState.OPEN:
            respond(replace_original=False, **replies.outcome(*_already(alert)).payload())
            return
        client.views_open(trigger_id=body["trigger_id"], view=ignore_modal(alert))

    def submitted(
        ack: Ack, block: str, problem: str | None, who: tuple[str, int], name: str, job: Callable[[], None]
    ) -> None:
        """Close the modal only once its work is queued; otherwise say why in the modal, beside `block`. A modal
        has no response_url, so a job that fails is told where the alert is, to the person alone."""
        user, alert_id = who

        def tell(_: Exception) -> None:
            deps.notifier.tell(deps.service.alerts.get(alert_id), user, replies.failed(name))

        if problem is None and not deps.jobs.submit(name, job, on_error=tell):
            problem = replies.BUSY
        if problem is None:
            ack()
        else:
            ack(response_action="errors", errors={block: problem})

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
        problem = None
        if not allowed:
            problem = "Only the firm's bookkeepers can ignore alerts."
        elif not reason:
            problem = "Say why, so colleagues know."
        submitted(ack, ids.IGNORE_REASON_BLOCK, problem, (user, alert_id), "ignoring the alert",
                  lambda: _ignore(deps, user, alert_id, reason))  # fmt: skip
        deps.audit(
            user, "slack.submit", alert_target(alert_id), allowed=allowed, detail={"modal": ids.IGNORE_MODAL}
        )

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

        def busy() -> None:  # said in the modal, which would otherwise read "Reading…" for good
            client.views_update(
                view_id=view_id, hash=view_hash, view=loading_modal("Fix mapping", replies.BUSY)
            )

        in_job("reading Xero's chart", respond, show_chart, refused=busy)

    @app.view(ids.FIX_MODAL)
    def on_fix_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user, alert_id = body["user"]["id"], clicks.metadata_id(view.get("private_metadata"), "alert")
        if alert_id is None:
            refused_submission(deps, ack, body, ids.FIX_ACCOUNT_BLOCK)
            return
        chosen = (
            view["state"]["values"][ids.FIX_ACCOUNT_BLOCK][ids.FIX_ACCOUNT_INPUT].get("selected_option") or {}
        )
        allowed, account = deps.may(user, Role.BOOKKEEPER), str(chosen.get("value") or "")
        problem = None
        if not allowed:
            problem = "Only the firm's bookkeepers can fix mappings."
        elif not account:
            problem = "Choose the Xero account to map to."
        submitted(ack, ids.FIX_ACCOUNT_BLOCK, problem, (user, alert_id), "fixing the mapping",
                  lambda: _fix(deps, user, alert_id, account))  # fmt: skip
        deps.audit(
            user, "slack.submit", alert_target(alert_id), allowed=allowed, detail={"modal": ids.FIX_MODAL}
        )


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
