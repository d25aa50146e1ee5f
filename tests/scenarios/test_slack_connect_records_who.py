"""Who connected Xero or Actionstep is recorded with the connection: the approver who asked for the link in Slack
and then followed it through the remote's consent page."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from bot.demo import SANDBOX_BASE
from bot.web import wsgi_app
from integration.adapters.token_store import LedgerTokenStore
from integration.app.connect import Connector
from integration.clock import SystemClock
from integration.settings import load_settings
from integration.store import Store
from sandboxes.server import Sandboxes, settings_for
from tests.support.bot import APPROVER, RunningBot

BOT = "https://bot.example"


@pytest.mark.parametrize("remote", ["xero", "actionstep"])
def test_the_approver_who_followed_the_link_from_slack_is_recorded_as_connected_by(
    bot: RunningBot, remote: str
) -> None:
    sandboxes = Sandboxes.demo()
    env = {name.lower(): value for name, value in settings_for(SANDBOX_BASE).items()}
    settings = load_settings(**env, xerobot_public_url=BOT)
    to_sandboxes = httpx.WSGITransport(app=sandboxes)
    with httpx.Client(transport=to_sandboxes) as http:
        connector = Connector(settings, bot.firm.store, http, SystemClock())
        bot.firm.service.connector = connector
        answer = json.dumps(bot.command(f"connect {remote}", user=APPROVER).json())
        link = re.search(rf"{BOT}/oauth/{remote}/start\?ticket=[^|>\"]+", answer)
        assert link is not None, answer
        mounts = {
            f"{BOT}/": httpx.WSGITransport(app=wsgi_app(None, lambda: {}, connector)),
            f"{SANDBOX_BASE}/": to_sandboxes,
        }
        with httpx.Client(mounts=mounts, follow_redirects=True) as browser:
            page = browser.get(link.group(0))
    assert page.status_code == 200 and "is connected" in page.text, page.text
    with bot.firm.store.unit_of_work() as uow:
        connection = uow.connections.get(remote)
    assert connection is not None and connection.connected_by == APPROVER


def test_a_token_refresh_keeps_who_connected(store: Store) -> None:
    LedgerTokenStore(store, "xero", connected_by=APPROVER).save(
        {"access_token": "a", "refresh_token": "r"}, previous_version=None, tenant_id="t1"
    )
    refresher = LedgerTokenStore(store, "xero")
    stored = refresher.load()
    assert stored is not None
    assert refresher.save({"access_token": "b", "refresh_token": "s"}, previous_version=stored.version)
    with store.unit_of_work() as uow:
        connection = uow.connections.get("xero")
    assert connection is not None and connection.connected_by == APPROVER
