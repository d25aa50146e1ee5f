"""The buttons of drift alerts through Slack, end to end: signed requests to the real app behind the real HTTP server,
the fake Slack, and the demo firm in both sandboxes through the real connectors. Drift is made as a person makes it
in Xero (a void or an edit through Xero's API, a payment created reconciled as a bank-feed match); the drift pass
runs as the scheduler runs it and its alerts are posted. Each kind shows the buttons that fit it, people without
the role are refused and audited, and however many clicks arrive at once each action happens once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot import ids
from integration.app import Service
from integration.clock import VirtualClock
from integration.domain import Alert, AlertSource, AlertState
from sandboxes.server import Sandboxes
from tests.support.bot import ALERTS, BOOKKEEPER, STRANGER, RunningBot, running_demo_bot
from tests.support.xero_people import delete_payment_in_xero, edit_in_xero, in_xero, void_in_xero


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[RunningBot]:
    clock = VirtualClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    with running_demo_bot(tmp_path, clock=clock) as running:
        running.command("sync")
        running.settle()
        assert not drift_pass(
            running
        ).new  # the cursors are set; the demo adopts its bank-feed payment (auto)
        clock.advance(5)
        yield running


def service(bot: RunningBot) -> Service:
    return bot.firm.service


def sandboxes(bot: RunningBot) -> Sandboxes:
    found: Sandboxes = bot.firm.sandboxes  # type: ignore[attr-defined]
    return found


def drift_pass(bot: RunningBot) -> Any:
    """One drift pass, its alerts posted, as the scheduler's drift job does."""
    changes = service(bot).drift().changes
    bot.server.notifier.publish(changes)
    bot.settle()
    return changes


def unsettled(bot: RunningBot, skip: int = 0, type_: str = "ACCREC") -> dict[str, Any]:
    found = [
        i
        for i in sandboxes(bot).xero.invoices()
        if i["Type"] == type_
        and i["Status"] == "AUTHORISED"
        and not i["AmountPaid"]
        and not i["AmountCredited"]
    ]
    return found[skip]


def alert_on(bot: RunningBot, code: str, xero_id: str | None = None) -> Alert:
    (alert,) = [
        a
        for a in service(bot).alerts.unresolved()
        if a.source is AlertSource.DRIFT
        and a.code == code
        and (xero_id is None or xero_id.lower() in a.subject)
    ]
    return alert


def buttons(bot: RunningBot, alert: Alert) -> list[str]:
    message = bot.message(ALERTS, service(bot).alerts.get(alert.id).slack_ts or "")
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def shown(bot: RunningBot, alert: Alert) -> str:
    return json.dumps(
        bot.message(ALERTS, service(bot).alerts.get(alert.id).slack_ts or ""), ensure_ascii=False
    )


def told(bot: RunningBot, user: str = BOOKKEEPER) -> list[str]:
    return [json.dumps(c.body, ensure_ascii=False) for c in bot.replies_to(user)]


def bank_feed_payment(bot: RunningBot, invoice: dict[str, Any]) -> str:
    body = {
        "Payments": [
            {
                "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                "Account": {"Code": "090"},
                "Date": "2026-11-01",
                "Amount": Decimal(str(invoice["Total"])),
                "Reference": "Bank feed",
                "IsReconciled": True,
            }
        ]
    }
    made = in_xero(sandboxes(bot).xero, "PUT", "Payments", body)
    assert made.status_code == 200, made.text
    return str(made.json()["Payments"][0]["PaymentID"])


def audited(bot: RunningBot, action: str) -> list[Any]:
    with bot.firm.store.unit_of_work() as uow:
        return uow.audit.recent(500, action=action)


def scalar(bot: RunningBot, sql: str, **values: Any) -> Any:
    with bot.firm.store.engine.connect() as connection:
        return connection.execute(text(sql), values).scalar()


def clicks(bot: RunningBot, action_id: str, alert: Alert, times: int) -> None:
    with ThreadPoolExecutor(times) as pool:
        responses = list(pool.map(lambda _: bot.click(action_id, alert.id), range(times)))
    assert all(r.status_code == 200 for r in responses)
    bot.settle()


def test_each_kind_of_drift_shows_the_buttons_that_fit_it_and_none_offers_retry(demo: RunningBot) -> None:
    voided, paid = unsettled(demo, 0), unsettled(demo, 1)
    assert void_in_xero(sandboxes(demo).xero, voided["InvoiceID"]).status_code == 200
    bank_feed_payment(demo, paid)
    with demo.firm.store.unit_of_work() as uow:
        ours = uow.links.active_by_xero_id(p["PaymentID"] for p in sandboxes(demo).xero.payments())
    deleted = next(
        p for p in sandboxes(demo).xero.payments() if p["PaymentID"].lower() in ours and not p["IsReconciled"]
    )
    assert delete_payment_in_xero(sandboxes(demo).xero, deleted["PaymentID"]).status_code == 200
    drift_pass(demo)
    sandboxes(demo).xero.archive_contact(voided["Contact"]["ContactID"])
    sandboxes(demo).clock.advance(5)  # type: ignore[attr-defined]
    drift_pass(demo)

    unlink = [ids.ALERT_UNLINK_LEDGER, ids.ALERT_CHECK_AGAIN, ids.ALERT_IGNORE, ids.ALERT_DETAILS]
    assert buttons(demo, alert_on(demo, "drift.voided")) == unlink
    assert buttons(demo, alert_on(demo, "drift.payment_deleted")) == unlink
    assert buttons(demo, alert_on(demo, "drift.paid_elsewhere")) == [
        ids.ALERT_ADOPT_PAYMENT, ids.ALERT_CHECK_AGAIN, ids.ALERT_IGNORE, ids.ALERT_DETAILS,
    ]  # fmt: skip
    assert buttons(demo, alert_on(demo, "drift.contact_archived")) == [
        ids.ALERT_CHECK_AGAIN, ids.ALERT_IGNORE, ids.ALERT_DETAILS,
    ]  # fmt: skip
    message = shown(demo, alert_on(demo, "drift.paid_elsewhere"))
    assert "Adopt Xero's payment" in message and '"style": "primary"' in message
    assert "Unlink in the ledger?" in shown(demo, alert_on(demo, "drift.voided"))  # asks before it unlinks


def test_a_person_without_the_role_is_refused_and_the_refusal_is_audited(demo: RunningBot) -> None:
    sale = unsettled(demo)
    assert void_in_xero(sandboxes(demo).xero, sale["InvoiceID"]).status_code == 200
    drift_pass(demo)
    alert = alert_on(demo, "drift.voided")

    for action in (ids.ALERT_UNLINK_LEDGER, ids.ALERT_CHECK_AGAIN):
        demo.click(action, alert.id, user=STRANGER)
    demo.settle()

    refusals = told(demo, STRANGER)
    assert len(refusals) == 2 and "unlink documents in the ledger" in refusals[0]
    refused = [e for e in audited(demo, "slack.click") if e.actor == STRANGER]
    assert len(refused) == 2 and not any(e.allowed for e in refused)
    assert {e.detail["action"] for e in refused} == {ids.ALERT_UNLINK_LEDGER, ids.ALERT_CHECK_AGAIN}
    assert audited(demo, "alert.unlink_in_ledger") == []
    links = "SELECT count(*) FROM links WHERE lower(xero_id) = :x AND state = 'linked'"
    assert scalar(demo, links, x=sale["InvoiceID"].lower()) == 1
    assert service(demo).alerts.get(alert.id).state is AlertState.OPEN


def test_ten_concurrent_adopt_clicks_adopt_once_and_a_later_click_says_it_is_done(demo: RunningBot) -> None:
    sale = unsettled(demo)
    fed = bank_feed_payment(demo, sale)
    drift_pass(demo)
    alert = alert_on(demo, "drift.paid_elsewhere")

    clicks(demo, ids.ALERT_ADOPT_PAYMENT, alert, 10)

    decisions = (
        "SELECT count(*) FROM xero_payment_decisions WHERE xero_payment_id = :p AND decision = 'adopt'"
    )
    assert scalar(demo, decisions, p=fed.lower()) == 1
    assert len(audited(demo, "alert.adopt_xero_payment")) == 1
    replies = told(demo)
    assert sum("Adopted Xero" in r for r in replies) == 1
    assert len(replies) == 10  # everyone is told what came of their click
    message = shown(demo, alert)
    assert "(resolved" in message and "adopted Xero" in message and "alert.adopt_payment" not in message

    demo.click(ids.ALERT_ADOPT_PAYMENT, alert.id)
    demo.settle()
    assert "Nothing to do: this alert is already resolved." in told(demo)[-1]
    assert len(audited(demo, "alert.adopt_xero_payment")) == 1
    sandboxes(demo).clock.advance(5)  # type: ignore[attr-defined]
    assert not drift_pass(demo).new


def test_ten_concurrent_unlink_clicks_unlink_once_and_a_later_click_says_it_is_done(demo: RunningBot) -> None:
    sale = unsettled(demo)
    assert void_in_xero(sandboxes(demo).xero, sale["InvoiceID"]).status_code == 200
    drift_pass(demo)
    alert = alert_on(demo, "drift.voided")

    clicks(demo, ids.ALERT_UNLINK_LEDGER, alert, 10)

    assert len(audited(demo, "alert.unlink_in_ledger")) == 1
    unlinked = "SELECT count(*) FROM links WHERE lower(xero_id) = :x AND state = 'unlinked'"
    assert scalar(demo, unlinked, x=sale["InvoiceID"].lower()) == 1
    replies = told(demo)
    assert sum(f"{sale['InvoiceNumber']} is no longer linked in the ledger" in r for r in replies) == 1
    message = shown(demo, alert)
    assert "(resolved" in message and "unlinked it in the ledger" in message

    demo.click(ids.ALERT_UNLINK_LEDGER, alert.id)
    demo.settle()
    assert "Nothing to do: this alert is already resolved." in told(demo)[-1]


def test_check_again_resolves_the_alert_once_xero_matches_again(demo: RunningBot) -> None:
    sale = unsettled(demo)
    line = {"Description": "Changed by hand", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200"}
    assert edit_in_xero(sandboxes(demo).xero, sale["InvoiceID"], LineItems=[line]).status_code == 200
    drift_pass(demo)
    alert = alert_on(demo, "drift.edited")
    demo.click(ids.ALERT_CHECK_AGAIN, alert.id)
    demo.settle()
    assert "Still there" in told(demo)[-1]
    assert service(demo).alerts.get(alert.id).state is AlertState.OPEN

    back = edit_in_xero(sandboxes(demo).xero, sale["InvoiceID"], LineItems=sale["LineItems"])
    assert back.status_code == 200, back.text
    demo.click(ids.ALERT_CHECK_AGAIN, alert.id)
    demo.settle()

    assert "Xero matches what the bot posted again" in told(demo)[-1]
    assert "(resolved" in shown(demo, alert) and "checked Xero again" in shown(demo, alert)
