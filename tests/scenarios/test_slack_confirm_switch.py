"""The alert a refused connect to another organisation raises: its "Confirm the switch" button is for approvers
only, every click is audited, concurrent clicks confirm once, and the confirmation says what happens to the links."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest

from bot import ids
from bot.demo import SANDBOX_BASE
from integration.app.connect import Connector
from integration.app.organisation_switch import Organisation
from integration.clock import SystemClock
from integration.domain import Alert, AlertChanges, AlertState, DocumentKind, Link, SourceRef
from integration.errors import OrganisationChanged
from integration.settings import load_settings
from sandboxes.server import settings_for
from tests.support.bot import ALERTS, APPROVER, BOOKKEEPER, RunningBot

OLD = Organisation("tenant-old", "Old Books Ltd")
NEW = Organisation("tenant-new", "New Books Ltd")


def refused_switch(bot: RunningBot) -> tuple[Connector, Alert]:
    """A ledger bound to Old Books Ltd, a connect to New Books Ltd refused, and its alert posted."""
    env = {name.lower(): value for name, value in settings_for(SANDBOX_BASE).items()}
    settings = load_settings(**env, xerobot_public_url="https://bot.example")
    connector = Connector(settings, bot.firm.store, httpx.Client(), SystemClock())
    bot.firm.service.connector = connector
    with bot.firm.store.unit_of_work() as uow:
        uow.links.add(
            Link(SourceRef(DocumentKind.SALES_INVOICE, "77"), "v1", "INV-77", "x-77", "INV-77", "ACCREC",
                 Decimal("10.00"))
        )  # fmt: skip
        uow.commit()
    with pytest.raises(OrganisationChanged) as refused:
        connector.switches.allows("xero", BOOKKEEPER, OLD, NEW)
    assert isinstance(refused.value.changes, AlertChanges)
    bot.server.notifier.publish(refused.value.changes)
    (alert,) = refused.value.changes.new
    return connector, bot.firm.service.alerts.get(alert.id)


def shown(bot: RunningBot, alert: Alert) -> str:
    return json.dumps(bot.message(ALERTS, alert.slack_ts or ""), ensure_ascii=False)


def test_the_alert_names_both_organisations_and_offers_the_switch(bot: RunningBot) -> None:
    _, alert = refused_switch(bot)
    message = shown(bot, alert)
    assert "Old Books Ltd" in message and "New Books Ltd" in message
    assert ids.ALERT_CONFIRM_SWITCH in message and "stay linked to their copies in Old Books Ltd" in message


def test_a_bookkeeper_cannot_confirm_the_switch_and_the_click_is_audited(bot: RunningBot) -> None:
    _, alert = refused_switch(bot)
    bot.click(ids.ALERT_CONFIRM_SWITCH, alert.id, user=BOOKKEEPER)
    bot.settle()
    (reply,) = bot.replies_to(BOOKKEEPER)
    assert "only the firm's approvers" in json.dumps(reply.body)
    assert bot.firm.service.alerts.get(alert.id).state is AlertState.OPEN
    with bot.firm.store.unit_of_work() as uow:
        assert uow.oauth_states.take_switch("xero", NEW.id, now=SystemClock().now()) is None
        clicks = [(e.actor, e.allowed) for e in uow.audit.recent(20) if e.action == "slack.click"]
    assert clicks == [(BOOKKEEPER, False)]


def test_an_approver_confirms_once_however_often_it_is_clicked(bot: RunningBot) -> None:
    connector, alert = refused_switch(bot)
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda _: bot.click(ids.ALERT_CONFIRM_SWITCH, alert.id, user=APPROVER), range(3)))
    bot.settle()
    told = [json.dumps(r.body) for r in bot.replies_to(APPROVER)]
    assert sum("Switch confirmed" in t for t in told) == 1
    assert sum("confirmed already" in t for t in told) == 2
    assert any("stay linked to their copies in Old Books Ltd" in t for t in told)
    with bot.firm.store.unit_of_work() as uow:
        confirmations = [e for e in uow.audit.recent(50) if e.action == "alert.confirm_switch"]
    assert [e.actor for e in confirmations] == [APPROVER]
    assert bot.firm.service.alerts.get(alert.id).state is AlertState.RESOLVED
    message = shown(bot, alert)
    assert "(resolved" in message and "confirmed the switch" in message
    assert connector.switches.allows("xero", BOOKKEEPER, OLD, NEW)  # the next connect goes through, once
    with pytest.raises(OrganisationChanged):
        connector.switches.allows("xero", BOOKKEEPER, OLD, NEW)
