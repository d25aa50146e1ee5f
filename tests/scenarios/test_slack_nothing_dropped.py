"""Nothing a person asks for is dropped without a word: when the job runner is full, every refused job is told to
the person who asked (in the modal they submitted, or ephemerally), and a sync refused because another runs is told
to the person who asked alone, never announced in the channel. Through the real bolt app with signed requests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot import ids
from integration.domain import AlertState, UnlinkRequest, UnlinkState
from tests.support.bot import APPROVER, BOOKKEEPER, CHANNEL, GROUP_MEMBER, RunningBot, running_demo_bot
from tests.support.firm import sales_invoice, supplier_invoice
from tests.support.slack import button_payload, event_body, interaction_body

BUSY = "The bot is busy with other requests right now. Please try again in a minute."
REFUSAL = ("xero.account_invalid", "Account code '200' is not a valid code for this document.")


def texts(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False)


@contextmanager
def runner_full(bot: RunningBot) -> Iterator[None]:
    """Every slot of the bot's job runner taken by a job that waits, until the block ends."""
    release = threading.Event()

    def hold() -> None:
        release.wait(30)

    taken = 0
    while bot.server.jobs.submit("holding a slot", hold):
        taken += 1
    assert taken > 0
    try:
        yield
    finally:
        release.set()
        bot.settle()


def failed_post(bot: RunningBot) -> int:
    bot.firm.actionstep.add(sales_invoice("INV-9"))
    bot.firm.xero.refuse_documents["INV-9"] = REFUSAL
    bot.command("sync")
    bot.settle()
    (alert,) = bot.firm.service.alerts.unresolved()
    return alert.id


def reason(text: str) -> dict[str, object]:
    return {ids.IGNORE_REASON_BLOCK: {ids.IGNORE_REASON_INPUT: {"type": "plain_text_input", "value": text}}}


def account(value: str | None) -> dict[str, object]:
    chosen = {"selected_option": {"value": value}} if value else {"selected_option": None}
    return {ids.FIX_ACCOUNT_BLOCK: {ids.FIX_ACCOUNT_INPUT: chosen}}


def test_an_ignore_submitted_while_the_runner_is_full_is_answered_in_the_modal_which_stays_open(
    bot: RunningBot,
) -> None:
    alert_id = failed_post(bot)
    with runner_full(bot):
        response = bot.submit(ids.IGNORE_MODAL, alert_id, reason("Client disputes it"))
    assert response.json() == {"response_action": "errors", "errors": {ids.IGNORE_REASON_BLOCK: BUSY}}
    assert bot.firm.service.alerts.get(alert_id).state is AlertState.OPEN

    again = bot.submit(ids.IGNORE_MODAL, alert_id, reason("Client disputes it"))
    bot.settle()
    assert again.status_code == 200 and again.text == ""
    assert bot.firm.service.alerts.get(alert_id).state is AlertState.IGNORED


def test_a_fix_mapping_submitted_while_the_runner_is_full_is_answered_in_the_modal(bot: RunningBot) -> None:
    bot.firm.actionstep.add(supplier_invoice("BILL-1"))
    bot.command("sync")
    bot.settle()
    (alert,) = bot.firm.service.alerts.unresolved()
    with runner_full(bot):
        response = bot.submit(ids.FIX_MODAL, alert.id, account("429"))
    assert response.json() == {"response_action": "errors", "errors": {ids.FIX_ACCOUNT_BLOCK: BUSY}}
    assert "5040" not in {m.source_id for m in bot.firm.service.mappings()}


def test_a_fix_mapping_submitted_without_an_account_is_answered_in_the_modal(bot: RunningBot) -> None:
    bot.firm.actionstep.add(supplier_invoice("BILL-1"))
    bot.command("sync")
    bot.settle()
    (alert,) = bot.firm.service.alerts.unresolved()
    response = bot.submit(ids.FIX_MODAL, alert.id, account(None))
    bot.settle()
    assert response.json() == {
        "response_action": "errors",
        "errors": {ids.FIX_ACCOUNT_BLOCK: "Choose the Xero account to map to."},
    }


def test_fix_mapping_clicked_while_the_runner_is_full_says_so_in_the_modal_instead_of_loading_for_good(
    bot: RunningBot,
) -> None:
    bot.firm.actionstep.add(supplier_invoice("BILL-1"))
    bot.command("sync")
    bot.settle()
    (alert,) = bot.firm.service.alerts.unresolved()
    with runner_full(bot):
        bot.click(ids.ALERT_FIX, alert.id)
        assert bot.slack.wait_for(lambda: bool(bot.slack.of("views.update")))
    (update,) = bot.slack.of("views.update")
    assert BUSY in texts(update.body["view"]) and "Reading Xero" not in texts(update.body["view"])


def test_app_home_opened_while_the_runner_is_full_says_the_bot_is_busy(bot: RunningBot) -> None:
    with runner_full(bot):
        bot.post(*event_body({"type": "app_home_opened", "user": APPROVER, "tab": "home"}, event_id="EvFull"))
        assert bot.slack.wait_for(lambda: bool(bot.slack.of("views.publish")))
    (published,) = bot.slack.of("views.publish")
    assert published.body["user_id"] == APPROVER and "The bot is busy" in texts(published.body["view"])


def test_a_second_sync_is_refused_to_the_person_who_asked_alone_and_never_posted_in_the_channel(
    bot: RunningBot,
) -> None:
    bot.firm.actionstep.add(sales_invoice("INV-1"))
    entered, release = threading.Event(), threading.Event()

    def held_in_xero() -> None:
        entered.set()
        release.wait(10)

    bot.firm.xero.before_create = held_in_xero
    bot.command("sync")
    assert entered.wait(10)
    bot.command("sync", user=GROUP_MEMBER)
    assert bot.slack.wait_for(lambda: bool(bot.replies_to(GROUP_MEMBER)))
    release.set()
    bot.settle()

    (told,) = bot.replies_to(GROUP_MEMBER)
    assert "A sync is already running (started by <@UBOOK>" in texts(told.body)
    assert told.body.get("response_type", "ephemeral") == "ephemeral"
    in_channel = [c.body for c in bot.slack.calls if c.method in ("chat.postMessage", "chat.update")]
    assert not any("already running" in texts(body) for body in in_channel)
    assert not any(GROUP_MEMBER in texts(body) for body in in_channel)
    (started,) = [c for c in bot.slack.of("chat.postMessage") if c.body["channel"] == CHANNEL]
    assert "Sync started by <@UBOOK>" in texts(started.body)
    assert len(bot.firm.xero.posted) == 1


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[RunningBot]:
    with running_demo_bot(tmp_path) as running:
        running.command("sync")
        running.settle()
        yield running


def ask(bot: RunningBot, text: str, user: str = BOOKKEEPER) -> UnlinkRequest:
    bot.command(text, user=user)
    bot.settle()
    (request,) = bot.firm.service.unlinks.open()
    assert request.slack_channel and request.slack_ts
    return request


def test_a_second_ask_to_unlink_a_waiting_document_is_answered_with_the_waiting_one(demo: RunningBot) -> None:
    request = ask(demo, "unlink INV-1004")
    demo.command("unlink inv-1004", user=APPROVER)
    demo.settle()
    (told,) = demo.replies_to(APPROVER)
    assert told.body.get("response_type", "ephemeral") == "ephemeral"
    link = f"<https://slack.com/archives/{request.slack_channel}/p{(request.slack_ts or '').replace('.', '')}|INV-1004>"
    assert f"An unlink of {link} is already waiting for confirmation: asked by <@UBOOK>" in texts(told.body)
    assert [r.id for r in demo.firm.service.unlinks.open()] == [request.id]
    assert len([c for c in demo.slack.of("chat.postMessage") if "Unlink INV-1004?" in texts(c.body)]) == 1


def test_cancel_clicked_while_the_runner_is_full_is_told_the_bot_is_busy(demo: RunningBot) -> None:
    request = ask(demo, "unlink INV-1004")
    payload = button_payload(
        ids.UNLINK_CANCEL, str(request.id), user=BOOKKEEPER, channel=request.slack_channel or "",
        message_ts=request.slack_ts or "", response_url=demo.slack.response_url(BOOKKEEPER),
    )  # fmt: skip
    with runner_full(demo):
        demo.post(*interaction_body(payload))
        assert demo.slack.wait_for(lambda: bool(demo.replies_to(BOOKKEEPER)))
    (busy,) = demo.replies_to(BOOKKEEPER)
    assert BUSY in texts(busy.body) and busy.body["replace_original"] is False
    assert demo.firm.service.unlinks.get(request.id).state is UnlinkState.PENDING
