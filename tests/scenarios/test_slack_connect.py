"""`/xero connect …` through the real HTTP server: approvers get a link, everyone else a polite refusal."""

from __future__ import annotations

import json

import httpx

from bot.demo import SANDBOX_BASE
from integration.app.connect import Connector
from integration.clock import SystemClock
from integration.settings import load_settings
from sandboxes.server import settings_for
from tests.support.bot import APPROVER, BOOKKEEPER, RunningBot


def with_connector(bot: RunningBot) -> None:
    env = {name.lower(): value for name, value in settings_for(SANDBOX_BASE).items()}
    settings = load_settings(**env, xerobot_public_url="https://bot.example")
    service = bot.firm.service
    service.connector = Connector(settings, bot.firm.store, httpx.Client(), SystemClock())


def test_an_approver_gets_a_connect_link_and_the_request_is_audited(bot: RunningBot) -> None:
    with_connector(bot)
    response = bot.command("connect xero", user=APPROVER)
    bot.settle()
    shown = json.dumps(response.json())
    assert "Connect Xero" in shown and "https://bot.example/oauth/xero/start?ticket=" in shown
    with bot.firm.store.unit_of_work() as uow:
        events = [(e.actor, e.action, e.target, e.allowed) for e in uow.audit.recent(10)]
    assert (APPROVER, "slack.command", "connect xero", True) in events


def test_a_bookkeeper_who_is_not_an_approver_is_refused_and_audited(bot: RunningBot) -> None:
    with_connector(bot)
    response = bot.command("connect xero", user=BOOKKEEPER)
    bot.settle()
    assert "only the firm's approvers can connect" in response.text and "ticket=" not in response.text
    with bot.firm.store.unit_of_work() as uow:
        events = [(e.actor, e.action, e.allowed) for e in uow.audit.recent(10)]
    assert (BOOKKEEPER, "slack.command", False) in events


def test_connect_without_a_service_name_explains_the_two_choices(bot: RunningBot) -> None:
    response = bot.command("connect", user=APPROVER)
    assert "/xero connect xero" in response.text and "/xero connect actionstep" in response.text
