"""Connecting Xero and Actionstep from a link: a browser follows it through the consent page and back, and the
ledger holds the new connection; forged, stale or crossed links are refused with a page that says so."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from bot.demo import SANDBOX_BASE
from bot.web import wsgi_app
from integration.app.connect import Connector
from integration.clock import SystemClock
from integration.settings import load_settings
from integration.store import Store
from sandboxes.server import Sandboxes, settings_for

BOT = "http://bot.local"


@dataclass
class Browser:
    connector: Connector
    client: httpx.Client
    sandboxes: Sandboxes

    def open(self, url: str) -> httpx.Response:
        return self.client.get(url)


@pytest.fixture
def browser(store: Store) -> Iterator[Browser]:
    sandboxes = Sandboxes.demo()
    env = {name.lower(): value for name, value in settings_for(SANDBOX_BASE).items()}
    settings = load_settings(**env, xerobot_public_url=BOT)
    to_sandboxes = httpx.WSGITransport(app=sandboxes)
    with httpx.Client(transport=to_sandboxes) as http:
        connector = Connector(settings, store, http, SystemClock())
        app = wsgi_app(None, lambda: {}, connector)
        mounts = {f"{BOT}/": httpx.WSGITransport(app=app), f"{SANDBOX_BASE}/": to_sandboxes}
        with httpx.Client(mounts=mounts, follow_redirects=True) as client:
            yield Browser(connector, client, sandboxes)


def stored(store: Store, remote: str) -> tuple[str | None, bool]:
    with store.unit_of_work() as uow:
        connection = uow.connections.get(remote)
    return (
        (connection.tenant_id, bool(connection.tokens.get("refresh_token"))) if connection else (None, False)
    )


def test_a_xero_link_opened_in_a_browser_connects_the_organisation(browser: Browser, store: Store) -> None:
    page = browser.open(browser.connector.link("xero", "UAPPROVER"))
    assert page.status_code == 200, page.text
    assert "Xero is connected" in page.text and "Harbour &amp; Finch Lawyers" in page.text
    assert stored(store, "xero") == (browser.sandboxes.xero.tenant_id, True)
    with store.unit_of_work() as uow:
        assert [(e.actor, e.action) for e in uow.audit.recent(5)] == [("UAPPROVER", "connect.xero")]


def test_an_actionstep_link_opened_in_a_browser_connects_the_firm(browser: Browser, store: Store) -> None:
    page = browser.open(browser.connector.link("actionstep", "UAPPROVER"))
    assert page.status_code == 200, page.text
    assert "Actionstep is connected" in page.text
    assert stored(store, "actionstep") == ("harbourfinch", True)


def test_a_forged_ticket_is_refused_with_a_page_and_nothing_is_stored(browser: Browser, store: Store) -> None:
    page = browser.open(f"{BOT}/oauth/xero/start?ticket=not-a-ticket")
    assert page.status_code == 400
    assert "Xero was not connected" in page.text and "not valid or has expired" in page.text
    assert stored(store, "xero") == (None, False)


def test_a_link_for_one_service_cannot_connect_the_other(browser: Browser, store: Store) -> None:
    link = browser.connector.link("actionstep", "UAPPROVER")
    page = browser.open(link.replace("/oauth/actionstep/", "/oauth/xero/"))
    assert page.status_code == 400 and "another service" in page.text
    assert stored(store, "xero") == (None, False)


def test_a_callback_with_a_tampered_state_is_refused(browser: Browser, store: Store) -> None:
    page = browser.open(f"{BOT}/oauth/xero/callback?code=abc&state=forged")
    assert page.status_code == 400 and "not valid or has expired" in page.text
    assert stored(store, "xero") == (None, False)


def test_a_refused_consent_says_so(browser: Browser) -> None:
    page = browser.open(f"{BOT}/oauth/xero/callback?error=access_denied&error_description=The+user+said+no")
    assert page.status_code == 400 and "The user said no" in page.text
