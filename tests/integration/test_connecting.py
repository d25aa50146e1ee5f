"""Connecting Xero and Actionstep from a link: a browser follows it through the consent page and back, and the
ledger holds the new connection; forged, stale, replayed, crossed or foreign links are refused with a page that
says so, and a connect to another organisation than the ledger's links point at waits for an approver."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.demo import SANDBOX_BASE
from bot.web import wsgi_app
from integration.app.connect import Connector
from integration.clock import SystemClock
from integration.domain import AlertChanges, DocumentKind, Link, SourceRef
from integration.settings import load_settings
from integration.store import Store
from sandboxes.server import Sandboxes, settings_for

BOT = "http://bot.local"


@dataclass
class Browser:
    connector: Connector
    client: httpx.Client
    sandboxes: Sandboxes
    mounts: dict[str, httpx.BaseTransport]
    published: list[AlertChanges] = field(default_factory=list)

    def open(self, url: str) -> httpx.Response:
        return self.client.get(url)

    def consent(self, link: str) -> str:
        """Open `link` and go through the consent page; the callback URL the remote sends the browser back to."""
        start = self.client.get(link, follow_redirects=False)
        assert start.status_code == 302, start.text
        consent = self.client.get(start.headers["location"], follow_redirects=False)
        assert consent.status_code == 302, consent.text
        return str(consent.headers["location"])

    def another(self) -> httpx.Client:
        """A second browser: same network, no cookies."""
        return httpx.Client(mounts=self.mounts, follow_redirects=True)


@pytest.fixture
def browser(store: Store) -> Iterator[Browser]:
    sandboxes = Sandboxes.demo()
    env = {name.lower(): value for name, value in settings_for(SANDBOX_BASE).items()}
    settings = load_settings(**env, xerobot_public_url=BOT)
    to_sandboxes = httpx.WSGITransport(app=sandboxes)
    published: list[AlertChanges] = []
    with httpx.Client(transport=to_sandboxes) as http:
        connector = Connector(settings, store, http, SystemClock())
        app = wsgi_app(None, lambda: {}, connector, alerts=published.append)
        mounts: dict[str, httpx.BaseTransport] = {
            f"{BOT}/": httpx.WSGITransport(app=app),
            f"{SANDBOX_BASE}/": to_sandboxes,
        }
        with httpx.Client(mounts=mounts, follow_redirects=True) as client:
            yield Browser(connector, client, sandboxes, mounts, published)


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


def test_the_connection_records_who_started_the_flow(browser: Browser, store: Store) -> None:
    browser.open(browser.connector.link("xero", "UAPPROVER"))
    browser.open(browser.connector.link("actionstep", "UOTHERAPPROVER"))
    with store.unit_of_work() as uow:
        xero, actionstep = uow.connections.get("xero"), uow.connections.get("actionstep")
    assert xero is not None and xero.connected_by == "UAPPROVER"
    assert actionstep is not None and actionstep.connected_by == "UOTHERAPPROVER"


def test_an_actionstep_link_opened_in_a_browser_connects_the_firm(browser: Browser, store: Store) -> None:
    page = browser.open(browser.connector.link("actionstep", "UAPPROVER"))
    assert page.status_code == 200, page.text
    assert "Actionstep is connected" in page.text
    assert stored(store, "actionstep") == ("harbourfinch", True)


def test_the_start_page_binds_the_flow_to_the_browser_with_a_strict_cookie(browser: Browser) -> None:
    start = browser.client.get(browser.connector.link("xero", "UAPPROVER"), follow_redirects=False)
    cookie = start.headers["set-cookie"]
    assert cookie.startswith("xerobot_connect=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/oauth/xero/" in cookie
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    assert cookie.split(";")[0].split("=", 1)[1] != state


@pytest.mark.parametrize("remote", ["xero", "actionstep"])
def test_a_replayed_callback_is_refused_and_the_first_connection_stands(
    browser: Browser, store: Store, remote: str
) -> None:
    callback = browser.consent(browser.connector.link(remote, "UAPPROVER"))
    assert browser.open(callback).status_code == 200
    with store.unit_of_work() as uow:
        first = uow.connections.get(remote)
    replay = browser.open(callback)
    assert replay.status_code == 400 and "used only once" in replay.text
    with store.unit_of_work() as uow:
        after = uow.connections.get(remote)
    assert first is not None and after is not None and after.version == first.version


def test_a_used_state_with_a_fresh_code_is_refused(browser: Browser, store: Store) -> None:
    """The state, not the code, is what makes a callback ours: a second code fetched for the same state (as an
    attacker would, with their own consent) is refused once the state was used."""
    callback = browser.consent(browser.connector.link("xero", "UAPPROVER"))
    assert browser.open(callback).status_code == 200
    start = urlsplit(callback)
    consent = browser.client.get(
        f"{SANDBOX_BASE}/xero/identity/connect/authorize",
        params={
            "response_type": "code", "client_id": "sandbox", "redirect_uri": f"{BOT}/oauth/xero/callback",
            "scope": "offline_access", "state": parse_qs(start.query)["state"][0],
        },
        follow_redirects=False,
    )  # fmt: skip
    fresh = browser.open(consent.headers["location"])
    assert fresh.status_code == 400 and "used only once" in fresh.text


@pytest.mark.parametrize("remote", ["xero", "actionstep"])
def test_a_callback_opened_in_another_browser_is_refused(browser: Browser, store: Store, remote: str) -> None:
    callback = browser.consent(browser.connector.link(remote, "UAPPROVER"))
    with browser.another() as stranger:
        page = stranger.get(callback)
    assert page.status_code == 400 and "started in another browser" in page.text
    assert stored(store, remote) == (None, False)
    assert browser.open(callback).status_code == 200  # the browser that started can still finish


AUTHORIZE = {
    "xero": f"{SANDBOX_BASE}/xero/identity/connect/authorize",
    "actionstep": f"{SANDBOX_BASE}/actionstep/api/oauth/authorize",
}


@pytest.mark.parametrize("remote", ["xero", "actionstep"])
def test_a_ticket_where_a_state_belongs_is_refused(browser: Browser, store: Store, remote: str) -> None:
    """A real code from the consent page, sent back with a connect link's ticket as its state."""
    link = browser.connector.link(remote, "UAPPROVER")
    ticket = parse_qs(urlsplit(link).query)["ticket"][0]
    browser.consent(browser.connector.link(remote, "UAPPROVER"))  # the browser holds a flow's cookie
    consent = browser.client.get(
        AUTHORIZE[remote],
        params={
            "response_type": "code", "client_id": "sandbox", "redirect_uri": f"{BOT}/oauth/{remote}/callback",
            "scope": "offline_access" if remote == "xero" else "all", "state": ticket,
        },
        follow_redirects=False,
    )  # fmt: skip
    assert consent.status_code == 302 and "code=" in consent.headers["location"]
    page = browser.open(consent.headers["location"])
    assert page.status_code == 400 and "not valid or has expired" in page.text
    assert stored(store, remote) == (None, False)


def test_a_state_where_a_ticket_belongs_is_refused(browser: Browser) -> None:
    callback = browser.consent(browser.connector.link("xero", "UAPPROVER"))
    state = parse_qs(urlsplit(callback).query)["state"][0]
    page = browser.client.get(f"{BOT}/oauth/xero/start", params={"ticket": state}, follow_redirects=False)
    assert page.status_code == 400 and "not valid or has expired" in page.text


def test_a_connect_link_opens_once(browser: Browser) -> None:
    link = browser.connector.link("xero", "UAPPROVER")
    assert browser.client.get(link, follow_redirects=False).status_code == 302
    again = browser.client.get(link, follow_redirects=False)
    assert again.status_code == 400 and "used already" in again.text


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


def test_an_error_description_cannot_forge_a_log_line_or_markup(
    browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    forged = "no\n2026-11-29 10:00:00 INFO bot.web Xero connected by UADMIN\r<script>alert(1)</script>"
    with caplog.at_level(logging.INFO, logger="bot.connect_pages"):
        page = browser.client.get(
            f"{BOT}/oauth/xero/callback", params={"error": "access_denied", "error_description": forged}
        )
    assert page.status_code == 400 and "<script>" not in page.text
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.connect_pages"]
    assert lines and all("\n" not in line and "\r" not in line for line in lines)
    assert "\\n2026-11-29" in lines[0]


def bind_ledger_to(store: Store, tenant_id: str, tenant_name: str) -> None:
    """A ledger that has posted to another organisation: its connection and one linked invoice."""
    with store.unit_of_work() as uow:
        uow.connections.save(
            "xero", {"access_token": "old", "refresh_token": "old"}, expected_version=None,
            tenant_id=tenant_id, tenant_name=tenant_name, connected_by="UFOUNDER",
        )  # fmt: skip
        uow.links.add(
            Link(SourceRef(DocumentKind.SALES_INVOICE, "1001"), "v1", "INV-1001", "xero-inv-1", "INV-1001",
                 "ACCREC", Decimal("110.00"))
        )  # fmt: skip
        uow.commit()


def test_another_organisation_is_refused_naming_both_until_an_approver_confirms(
    browser: Browser, store: Store
) -> None:
    bind_ledger_to(store, "tenant-old", "Old Books Ltd")
    page = browser.open(browser.connector.link("xero", "UBOOKKEEPER"))
    assert page.status_code == 409
    assert "Old Books Ltd" in page.text and "Harbour &amp; Finch Lawyers" in page.text
    assert stored(store, "xero") == ("tenant-old", True)
    (changes,) = browser.published
    (alert,) = changes.new
    assert alert.code == "connect.other_organisation"
    assert "Old Books Ltd" in alert.message and "stay linked" in alert.message

    again = browser.open(browser.connector.link("xero", "UBOOKKEEPER"))  # asking again changes nothing
    assert again.status_code == 409 and stored(store, "xero") == ("tenant-old", True)

    confirmed = browser.connector.switches.confirm(alert.id, "UAPPROVER")
    assert confirmed.changed and "stay linked to their copies in Old Books Ltd" in confirmed.consequence
    assert not browser.connector.switches.confirm(alert.id, "UAPPROVER2").changed

    page = browser.open(browser.connector.link("xero", "UBOOKKEEPER"))
    assert page.status_code == 200, page.text
    assert "in place of Old Books Ltd" in page.text
    with store.unit_of_work() as uow:
        connection = uow.connections.get("xero")
        actions = [(e.actor, e.action, e.allowed) for e in uow.audit.recent(20)]
    assert connection is not None and connection.tenant_id == browser.sandboxes.xero.tenant_id
    assert connection.connected_by == "UBOOKKEEPER"
    assert ("UAPPROVER", "alert.confirm_switch", True) in actions
    assert ("UBOOKKEEPER", "connect.xero", False) in actions and (
        "UBOOKKEEPER",
        "connect.xero",
        True,
    ) in actions


def test_after_a_confirmed_switch_the_ledger_is_bound_to_the_new_organisation(
    browser: Browser, store: Store
) -> None:
    bind_ledger_to(store, "tenant-old", "Old Books Ltd")
    browser.open(browser.connector.link("xero", "UBOOKKEEPER"))
    (alert,) = browser.published[0].new
    browser.connector.switches.confirm(alert.id, "UAPPROVER")
    assert browser.open(browser.connector.link("xero", "UBOOKKEEPER")).status_code == 200
    bound = browser.connector.switches.bound("xero")
    assert bound is not None and bound.name == "Harbour & Finch Lawyers"


def test_the_same_organisation_connects_again_without_asking(browser: Browser, store: Store) -> None:
    bind_ledger_to(store, browser.sandboxes.xero.tenant_id, "Harbour & Finch Lawyers")
    page = browser.open(browser.connector.link("xero", "UAPPROVER"))
    assert page.status_code == 200 and not browser.published


def test_an_actionstep_org_other_than_the_linked_one_is_refused(browser: Browser, store: Store) -> None:
    bind_ledger_to(store, "tenant-old", "Old Books Ltd")
    with store.unit_of_work() as uow:
        uow.connections.save(
            "actionstep", {"access_token": "old"}, expected_version=None, tenant_id="oldfirm"
        )
        uow.commit()
    page = browser.open(browser.connector.link("actionstep", "UAPPROVER"))
    assert page.status_code == 409 and "oldfirm" in page.text and "harbourfinch" in page.text
    assert stored(store, "actionstep") == ("oldfirm", False)
