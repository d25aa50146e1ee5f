"""The unlink conversation through Slack, end to end: signed requests to the real app behind the real HTTP server,
the fake Slack, and the demo firm in both sandboxes through the real connectors. A bookkeeper asks, an approver
confirms, the message follows every step to the outcome, the ledger and Xero show the result, and the next sync
after the document is approved again in Actionstep posts it and (when the old copy was left in Xero) raises the
duplicate sentinel naming both copies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot import ids
from integration.app import Service, UnlinkPolicy
from integration.domain import LinkState, UnlinkRequest, UnlinkState
from sandboxes.server import Sandboxes
from tests.support.bot import ALERTS, APPROVER, BOOKKEEPER, CHANNEL, STRANGER, RunningBot, running_demo_bot
from tests.support.firm import sales_invoice
from tests.support.slack import button_payload, event_body, interaction_body


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[RunningBot]:
    with running_demo_bot(tmp_path) as running:
        running.command("sync")
        running.settle()
        yield running


def service(bot: RunningBot) -> Service:
    return bot.firm.service


def sandboxes(bot: RunningBot) -> Sandboxes:
    found: Sandboxes = bot.firm.sandboxes  # type: ignore[attr-defined]
    return found


def ask(bot: RunningBot, number: str, *, user: str = BOOKKEEPER) -> UnlinkRequest:
    bot.command(f"unlink {number}", user=user)
    bot.settle()
    (request,) = [r for r in service(bot).unlinks.open() if r.number == number]
    return request


def press(bot: RunningBot, action_id: str, request: UnlinkRequest, *, user: str = APPROVER) -> None:
    assert request.slack_channel and request.slack_ts, "the request has no message to click on"
    payload = button_payload(
        action_id, str(request.id), user=user, channel=request.slack_channel, message_ts=request.slack_ts,
        response_url=bot.slack.response_url(user),
    )  # fmt: skip
    bot.post(*interaction_body(payload))
    bot.settle()


def shown(bot: RunningBot, request: UnlinkRequest) -> str:
    return json.dumps(bot.message(CHANNEL, request.slack_ts or ""), ensure_ascii=False)


def buttons(bot: RunningBot, request: UnlinkRequest) -> list[dict[str, Any]]:
    blocks = bot.message(CHANNEL, request.slack_ts or "")["blocks"]
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def linked(bot: RunningBot, number: str) -> bool:
    with bot.firm.store.unit_of_work() as uow:
        return any(link.state is LinkState.LINKED for link in uow.links.by_number(number))


def xero_invoice(bot: RunningBot, number: str) -> dict[str, Any]:
    return next(i for i in sandboxes(bot).xero.invoices() if i["InvoiceNumber"] == number)


def reapprove(bot: RunningBot, number: str, **changes: Any) -> None:
    """Correct the bill in Actionstep and approve it again."""
    bill = next(b for b in sandboxes(bot).actionstep.records("bills") if b["ourReference"] == number)
    sandboxes(bot).actionstep.update("bills", str(bill["id"]), dueDate="2026-12-31", **changes)


def test_a_bookkeeper_asks_an_approver_confirms_and_the_message_follows_every_step(demo: RunningBot) -> None:
    request = ask(demo, "INV-1001")

    plan = shown(demo, request)
    assert "Unlink INV-1001?" in plan and "RCT-5001" in plan and "RCT-5002" in plan and "4,357.00" in plan
    assert "InvoiceID=" in plan and "the Xero copy of INV-1001 stays" in plan
    assert [(b["text"]["text"], b.get("style"), "confirm" in b) for b in buttons(demo, request)] == [
        ("Unlink", "danger", True),
        ("Unlink and void in Xero", "danger", True),
        ("Cancel", None, False),
    ]

    press(demo, ids.UNLINK_CONFIRM_VOID, request)

    edits = [c.body for c in demo.slack.of("chat.update") if c.body.get("ts") == request.slack_ts]
    assert len(edits) >= 4, "the message is edited as each of the three steps completes"
    assert any("Unlinking INV-1001" in json.dumps(e) for e in edits)
    final = shown(demo, request)
    assert "Unlinked INV-1001" in final and f"confirmed by <@{APPROVER}> (Unlink and void in Xero)" in final
    assert final.count(":white_check_mark:") >= 3 and buttons(demo, request) == []
    assert not any(linked(demo, n) for n in ("INV-1001", "RCT-5001", "RCT-5002"))
    assert xero_invoice(demo, "INV-1001")["Status"] == "VOIDED"
    payments = [p for p in sandboxes(demo).xero.payments() if p["Reference"] in ("RCT-5001", "RCT-5002")]
    assert [p["Status"] for p in payments] == ["DELETED", "DELETED"]


def test_a_click_by_someone_who_is_not_an_approver_is_refused_and_audited(demo: RunningBot) -> None:
    request = ask(demo, "INV-1004")

    press(demo, ids.UNLINK_CONFIRM, request, user=STRANGER)
    press(demo, ids.UNLINK_CONFIRM, request, user=BOOKKEEPER)

    for user in (STRANGER, BOOKKEEPER):
        (told,) = demo.replies_to(user)
        assert "only the firm's approvers can confirm unlinks" in json.dumps(told.body)
    with demo.firm.store.unit_of_work() as uow:
        clicks = [e for e in uow.audit.recent(50) if e.action == "slack.click"]
    assert {(e.actor, e.allowed) for e in clicks} == {(STRANGER, False), (BOOKKEEPER, False)}
    assert all(e.target == f"unlink:{request.id}" for e in clicks)
    assert service(demo).unlinks.get(request.id).state is UnlinkState.PENDING and linked(demo, "INV-1004")


def test_after_unlink_only_the_reapproved_bill_is_posted_again_and_the_sentinel_names_both_copies(
    demo: RunningBot,
) -> None:
    request = ask(demo, "INV-1001")
    old = xero_invoice(demo, "INV-1001")

    press(demo, ids.UNLINK_CONFIRM, request)

    assert "Unlinked INV-1001" in shown(demo, request)
    assert not linked(demo, "INV-1001") and xero_invoice(demo, "INV-1001")["Status"] == "PAID"
    reapprove(demo, "INV-1001", ourReference="INV-1001A")  # Xero keeps INV-1001 on the copy left there
    demo.command("sync")
    demo.settle()

    new = xero_invoice(demo, "INV-1001A")
    assert new["Status"] == "AUTHORISED" and linked(demo, "INV-1001A")
    (alert,) = [a for a in service(demo).alerts.unresolved() if a.code == "doc.duplicate_copy"]
    posted = json.dumps(demo.message(ALERTS, alert.slack_ts or ""), ensure_ascii=False)
    assert "Second copy in Xero" in posted and "in Xero twice" in posted
    assert f"InvoiceID={old['InvoiceID']}" in posted and f"InvoiceID={new['InvoiceID']}" in posted
    reports = [json.dumps(m, ensure_ascii=False) for (c, _), m in demo.slack.messages.items() if c == CHANNEL]
    (report,) = [r for r in reports if "Sync #2 finished" in r]
    assert "in Xero twice" in report and f"InvoiceID={old['InvoiceID']}" in report


def test_after_unlink_and_void_a_reapproved_bill_under_the_same_number_is_explained_not_duplicated(
    demo: RunningBot,
) -> None:
    request = ask(demo, "INV-1002")
    assert "CN-4001" in shown(demo, request)
    press(demo, ids.UNLINK_CONFIRM_VOID, request)
    assert xero_invoice(demo, "INV-1002")["Status"] == "VOIDED"

    reapprove(demo, "INV-1002")
    demo.command("sync")
    demo.settle()

    (alert,) = [a for a in service(demo).alerts.unresolved() if a.code == "doc.number_held_by_old_copy"]
    assert "voided when it was unlinked" in alert.message and "new number in Actionstep" in alert.fix
    assert not any(a.code == "doc.duplicate_copy" for a in service(demo).alerts.unresolved())


def test_unlink_and_void_is_not_offered_when_a_payment_is_reconciled(demo: RunningBot) -> None:
    (payment,) = [p for p in sandboxes(demo).xero.payments() if p["Reference"] == "RCT-5003"]
    sandboxes(demo).xero.reconcile_payment(payment["PaymentID"])

    request = ask(demo, "INV-1005")

    assert [b["text"]["text"] for b in buttons(demo, request)] == ["Unlink", "Cancel"]
    assert "Unlink and void in Xero is not possible" in shown(demo, request)
    assert "RCT-5003 is reconciled" in shown(demo, request)


def test_an_unknown_number_gets_the_closest_suggestions_only_for_the_asker(demo: RunningBot) -> None:
    demo.command("unlink INV1001", user=BOOKKEEPER)
    demo.settle()
    (told,) = demo.replies_to(BOOKKEEPER)
    assert "Nothing was posted to Xero as INV1001. Did you mean INV-1001" in json.dumps(told.body)
    assert not [c for c in demo.slack.of("chat.postMessage") if "Unlink" in json.dumps(c.body)]


def test_cancel_by_the_requester_closes_the_request_and_a_late_confirmation_is_told(demo: RunningBot) -> None:
    request = ask(demo, "INV-1004")
    press(demo, ids.UNLINK_CANCEL, request, user=BOOKKEEPER)
    press(demo, ids.UNLINK_CONFIRM, request)

    assert "cancelled by <@UBOOK>" in shown(demo, request) and buttons(demo, request) == []
    assert "the request was cancelled (by <@UBOOK>)" in json.dumps(demo.replies_to(APPROVER)[-1].body)
    assert linked(demo, "INV-1004")


def test_app_home_lists_pending_unlinks(demo: RunningBot) -> None:
    request = ask(demo, "INV-1004")
    demo.post(*event_body({"type": "app_home_opened", "user": APPROVER, "tab": "home"}, event_id="EvHome1"))
    demo.settle()

    (published,) = demo.slack.of("views.publish")
    home = json.dumps(published.body["view"], ensure_ascii=False)
    assert "Pending unlinks (1)" in home and "INV-1004" in home and "waits for an approver" in home
    assert f"p{(request.slack_ts or '').replace('.', '')}" in home, "it links to the request's message"


def test_someone_without_a_role_cannot_ask_for_an_unlink_and_is_audited(demo: RunningBot) -> None:
    response = demo.command("unlink INV-1001", user=STRANGER)
    demo.settle()
    assert "only the firm's bookkeepers can ask for an unlink" in response.text
    with demo.firm.store.unit_of_work() as uow:
        (event,) = [e for e in uow.audit.recent(50) if e.actor == STRANGER]
    assert (event.action, event.target, event.allowed) == ("slack.command", "unlink", False)
    assert service(demo).unlinks.open() == [] and linked(demo, "INV-1001")


def test_with_the_two_person_rule_an_approver_cannot_confirm_their_own_request(bot: RunningBot) -> None:
    bot.firm.actionstep.add(sales_invoice("INV-9"))
    bot.command("sync")
    bot.settle()
    bot.firm.service.unlinks.policy = UnlinkPolicy(two_person=True)
    request = ask(bot, "INV-9", user=APPROVER)

    press(bot, ids.UNLINK_CONFIRM, request, user=APPROVER)

    assert "another approver must confirm it" in json.dumps(bot.replies_to(APPROVER)[-1].body)
    with bot.firm.store.unit_of_work() as uow:
        (refused,) = uow.audit.recent(20, action="unlink.refused")
    assert (refused.actor, refused.allowed, (refused.detail or {})["code"]) == (
        APPROVER,
        False,
        "unlink.two_person",
    )
    assert bot.firm.service.unlinks.get(request.id).state is UnlinkState.PENDING and linked(bot, "INV-9")
    assert not bot.firm.xero.statuses


def test_an_unlink_and_void_through_slack_voids_the_copy_in_xero(bot: RunningBot) -> None:
    bot.firm.actionstep.add(sales_invoice("INV-9"))
    bot.command("sync")
    bot.settle()
    request = ask(bot, "INV-9")

    press(bot, ids.UNLINK_CONFIRM_VOID, request)

    assert set(bot.firm.xero.statuses.values()) == {"VOIDED"} and not linked(bot, "INV-9")
    assert "Unlinked INV-9" in shown(bot, request)


@pytest.mark.parametrize("action_id", [ids.UNLINK_CONFIRM, ids.UNLINK_CANCEL])
def test_a_click_on_an_unlink_request_that_does_not_exist_is_answered_once_saying_so(
    demo: RunningBot, action_id: str
) -> None:
    request = ask(demo, "INV-1004")
    before = len(demo.replies_to(APPROVER))

    press(demo, action_id, replace(request, id=request.id + 1000))

    (answer,) = demo.replies_to(APPROVER)[before:]
    assert f"There is no unlink request {request.id + 1000}." in json.dumps(answer.body)
    assert linked(demo, "INV-1004") and service(demo).unlinks.get(request.id).state is UnlinkState.PENDING
