"""The buttons on an alert: each does its job once, however often or by how many people it is clicked, says who
did what on the message, and refuses people without the role."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot import ids
from integration.domain import Alert, AlertState
from tests.support.bot import ALERTS, BOOKKEEPER, GROUP_MEMBER, STRANGER, RunningBot
from tests.support.firm import sales_invoice, supplier_invoice
from tests.support.slack import interaction_body

REFUSAL = ("xero.account_invalid", "Account code '200' is not a valid code for this document.")


def texts(payload: dict[str, object]) -> str:
    return json.dumps(payload, ensure_ascii=False)


def failed_post(bot: RunningBot) -> Alert:
    """A sync whose one invoice Xero refuses: one alert, posted."""
    bot.firm.actionstep.add(sales_invoice("INV-9"))
    bot.firm.xero.refuse_documents["INV-9"] = REFUSAL
    bot.command("sync")
    bot.settle()
    (alert,) = bot.firm.service.alerts.unresolved()
    return alert


def retry_runs(bot: RunningBot) -> int:
    with bot.firm.store.unit_of_work() as uow:
        return sum(1 for e in uow.audit.recent(100) if e.action == "alert.retry")


def reason(text: str) -> dict[str, object]:
    return {ids.IGNORE_REASON_BLOCK: {ids.IGNORE_REASON_INPUT: {"type": "plain_text_input", "value": text}}}


def shown(bot: RunningBot, alert: Alert) -> str:
    return texts(bot.message(ALERTS, alert.slack_ts or ""))


def test_retry_runs_a_sync_and_the_message_ends_resolved_with_the_report_in_its_thread(
    bot: RunningBot,
) -> None:
    alert = failed_post(bot)
    del bot.firm.xero.refuse_documents["INV-9"]

    response = bot.click(ids.ALERT_RETRY, alert.id)
    bot.settle()

    assert response.status_code == 200
    assert [d.number for d in bot.firm.xero.posted] == ["INV-9"]
    message = shown(bot, alert)
    assert "(resolved" in message and "<@UBOOK> retried it" in message and ": resolved" in message
    (thread,) = [c for c in bot.slack.of("chat.postMessage") if c.body.get("thread_ts") == alert.slack_ts]
    assert "Sync #2 finished" in texts(thread.body)
    assert any("Retrying: a sync is running" in texts(c.body) for c in bot.replies_to(BOOKKEEPER))


def test_two_people_clicking_retry_at_once_run_one_sync_and_the_second_is_told_who(bot: RunningBot) -> None:
    alert = failed_post(bot)
    del bot.firm.xero.refuse_documents["INV-9"]
    entered, release = threading.Event(), threading.Event()
    bot.firm.xero.before_create = lambda: (entered.set(), release.wait(10))

    bot.click(ids.ALERT_RETRY, alert.id, user=BOOKKEEPER)
    assert entered.wait(10)
    bot.click(ids.ALERT_RETRY, alert.id, user=GROUP_MEMBER)
    assert bot.slack.wait_for(lambda: bool(bot.replies_to(GROUP_MEMBER)))
    release.set()
    bot.settle()

    assert retry_runs(bot) == 1 and len(bot.firm.xero.posted) == 1
    (told,) = bot.replies_to(GROUP_MEMBER)
    assert "A retry of it is already running. (by <@UBOOK>)" in texts(told.body)


def test_a_click_slack_delivers_twice_has_one_effect(bot: RunningBot) -> None:
    alert = failed_post(bot)
    del bot.firm.xero.refuse_documents["INV-9"]
    body, content_type = interaction_body(bot.button(ids.ALERT_RETRY, alert.id))

    first = bot.post(body, content_type)
    again = bot.post(
        body, content_type, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    bot.settle()

    assert first.status_code == again.status_code == 200
    assert retry_runs(bot) == 1
    with bot.firm.store.unit_of_work() as uow:
        clicks = [e for e in uow.audit.recent(100) if e.action == "slack.click"]
    assert len(clicks) == 1


def test_ignore_opens_a_modal_and_the_reason_shows_on_the_message_with_undo(bot: RunningBot) -> None:
    alert = failed_post(bot)
    bot.click(ids.ALERT_IGNORE, alert.id)
    bot.settle()
    (opened,) = bot.slack.of("views.open")
    assert opened.body["view"]["callback_id"] == ids.IGNORE_MODAL

    response = bot.submit(ids.IGNORE_MODAL, alert.id, reason("Client <b>disputes</b> & pays later"))
    bot.settle()

    assert response.status_code == 200 and response.text == ""
    message = shown(bot, alert)
    assert (
        "Ignored by <@UBOOK>" in message
        and "“Client &lt;b&gt;disputes&lt;/b&gt; &amp; pays later”" in message
    )
    assert "Undo ignore" in message and "Retry" not in message
    assert bot.firm.service.alerts.get(alert.id).state is AlertState.IGNORED


def test_two_people_ignoring_at_once_ignore_it_once_and_the_second_is_told_who_did(bot: RunningBot) -> None:
    alert = failed_post(bot)
    with ThreadPoolExecutor(2) as pool:
        responses = list(
            pool.map(
                lambda user: bot.submit(ids.IGNORE_MODAL, alert.id, reason(f"{user} says so"), user=user),
                [BOOKKEEPER, GROUP_MEMBER],
            )
        )
    bot.settle()

    assert all(r.status_code == 200 for r in responses)
    winner = bot.firm.service.alerts.get(alert.id).ignored_by
    loser = GROUP_MEMBER if winner == BOOKKEEPER else BOOKKEEPER
    (told,) = bot.slack.of("chat.postEphemeral")
    assert told.body["user"] == loser and f"already ignored (by <@{winner}>)" in texts(told.body)
    with bot.firm.store.unit_of_work() as uow:
        assert sum(1 for e in uow.audit.recent(100) if e.action == "alert.ignore") == 1


def test_an_empty_reason_is_sent_back_to_the_modal(bot: RunningBot) -> None:
    alert = failed_post(bot)
    response = bot.submit(ids.IGNORE_MODAL, alert.id, reason("   "))
    bot.settle()
    assert response.json() == {
        "response_action": "errors",
        "errors": {ids.IGNORE_REASON_BLOCK: "Say why, so colleagues know."},
    }
    assert bot.firm.service.alerts.get(alert.id).state is AlertState.OPEN


def test_undo_brings_the_alert_back_once(bot: RunningBot) -> None:
    alert = failed_post(bot)
    bot.firm.service.alerts.ignore(alert.id, GROUP_MEMBER, "later")
    bot.click(ids.ALERT_UNIGNORE, alert.id)
    bot.settle()
    bot.click(ids.ALERT_UNIGNORE, alert.id)
    bot.settle()
    message = shown(bot, alert)
    assert "Retry" in message and "<@UBOOK> undid the ignore" in message
    assert bot.firm.service.alerts.get(alert.id).state is AlertState.OPEN
    assert "Nothing to undo" in texts(bot.replies_to(BOOKKEEPER)[-1].body)


def test_details_open_a_modal_for_anyone_who_asks(bot: RunningBot) -> None:
    alert = failed_post(bot)
    bot.click(ids.ALERT_DETAILS, alert.id, user=STRANGER)
    bot.settle()
    (opened,) = bot.slack.of("views.open")
    view = texts(opened.body["view"])
    assert "Xero account code not valid" in view and "INV-9" in view and "*Why:*" in view


def test_fix_mapping_offers_the_active_coded_accounts_and_saving_resolves_the_alert(bot: RunningBot) -> None:
    bot.firm.actionstep.add(supplier_invoice("BILL-1"))
    bot.command("sync")
    bot.settle()
    (alert,) = bot.firm.service.alerts.unresolved()
    assert "Fix mapping" in shown(bot, alert)

    bot.click(ids.ALERT_FIX, alert.id)
    bot.settle()
    (loading,) = bot.slack.of("views.open")
    (picker,) = bot.slack.of("views.update")
    options = [
        o["value"] for g in picker.body["view"]["blocks"][1]["element"]["option_groups"] for o in g["options"]
    ]
    assert "Reading Xero's chart" in texts(loading.body) and "429" in options
    assert "461" not in options and "" not in options  # archived, and the account without a code
    chosen = {ids.FIX_ACCOUNT_BLOCK: {ids.FIX_ACCOUNT_INPUT: {"selected_option": {"value": "429"}}}}
    bot.submit(ids.FIX_MODAL, alert.id, chosen)
    bot.settle()

    assert {m.source_id: m.xero_account for m in bot.firm.service.mappings()}["5040"] == "429"
    message = shown(bot, alert)
    assert (
        "(resolved" in message and "<@UBOOK> fixed the mapping" in message and "account:5040 → 429" in message
    )
    (told,) = bot.slack.of("chat.postEphemeral")
    assert "now maps to 429" in texts(told.body)


@pytest.mark.parametrize("action", [ids.ALERT_RETRY, ids.ALERT_IGNORE, ids.ALERT_UNIGNORE, ids.ALERT_FIX])
def test_someone_without_the_role_is_refused_and_the_click_is_audited(bot: RunningBot, action: str) -> None:
    alert = failed_post(bot)
    bot.click(action, alert.id, user=STRANGER)
    bot.settle()
    (told,) = bot.replies_to(STRANGER)
    assert "Sorry, only the firm's bookkeepers" in texts(told.body) and told.body["replace_original"] is False
    assert bot.slack.of("views.open") == [] and retry_runs(bot) == 0
    assert bot.firm.service.alerts.get(alert.id).state is AlertState.OPEN
    with bot.firm.store.unit_of_work() as uow:
        (click,) = [e for e in uow.audit.recent(100) if e.action == "slack.click"]
    assert (click.actor, click.allowed, click.detail) == (STRANGER, False, {"action": action})


def test_a_stranger_submitting_an_ignore_modal_is_refused_in_the_modal(bot: RunningBot) -> None:
    alert = failed_post(bot)
    response = bot.submit(ids.IGNORE_MODAL, alert.id, reason("no"), user=STRANGER)
    bot.settle()
    assert response.json()["response_action"] == "errors"
    assert bot.firm.service.alerts.get(alert.id).state is AlertState.OPEN
