"""The connect pages as a person uses them: a real headless Chromium (Debian's, driven by Playwright) follows the
link `/xero connect` gives, through the sandbox's consent page, to the success page; a second browser replaying the
same callback (the same `state`) is refused, and so is the first browser replaying it.

Skips, saying why, where Chromium or Playwright is missing (`.ci/run` installs both); never downloads a browser."""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from integration.app.connect import Connector
from integration.clock import SystemClock
from integration.settings import load_settings
from sandboxes.server import Sandboxes, settings_for
from tests.support.bot import APPROVER, RunningBot, running_bot
from tests.support.firm import Firm
from tests.support.http import serving

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":  # .ci/run installs it: a CI without it must not pass quietly
            pytest.fail("CI has no /usr/bin/chromium: .ci/run should have installed it")
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium; .ci/run does)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (the dev extras)"
    )
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, headless=True, timeout=TIMEOUT_MS
        )
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def connecting(tmp_path: Path) -> Iterator[tuple[RunningBot, Sandboxes, str]]:
    """The bot serving on loopback, with its connector pointed at the sandboxes, also served on loopback."""
    sandboxes = Sandboxes.demo()
    sandboxes.xero.identity.ask_consent = True  # the consent page a person clicks through, as Xero shows it
    port = free_port()
    with serving(sandboxes) as base, httpx.Client(trust_env=False, timeout=10) as http:
        env = {name.lower(): value for name, value in settings_for(base).items()}
        settings = load_settings(**env, xerobot_public_url=f"http://127.0.0.1:{port}")

        def with_connector(firm: Firm) -> None:
            firm.service.connector = Connector(settings, firm.store, http, SystemClock())

        with running_bot(f"sqlite:///{tmp_path / 'ledger.db'}", port=port, prepare=with_connector) as bot:
            yield bot, sandboxes, base


def link_from_slack(bot: RunningBot) -> str:
    """The link `/xero connect xero` gives an approver."""
    response = bot.command("connect xero", user=APPROVER)
    assert response.status_code == 200
    found = re.search(
        r"http://127\.0\.0\.1:\d+/oauth/xero/start\?ticket=[A-Za-z0-9_%-]+", json.dumps(response.json())
    )
    assert found, response.text
    return found.group(0)


@pytest.fixture
def browsers(chromium: Any) -> Iterator[Callable[[], tuple[Any, Any]]]:
    """Opens browser contexts (each a browser of its own: no shared cookies), closed when the test ends, so no
    connection to the bot outlives it."""
    opened: list[Any] = []

    def open_one() -> tuple[Any, Any]:
        context = chromium.new_context()
        opened.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        return context, context.new_page()

    yield open_one
    for context in opened:
        context.close()


def test_a_person_connects_xero_in_a_browser_and_a_second_browser_replaying_the_state_is_refused(
    connecting: tuple[RunningBot, Sandboxes, str], browsers: Callable[[], tuple[Any, Any]]
) -> None:
    bot, sandboxes, sandbox_base = connecting
    link = link_from_slack(bot)

    context, page = browsers()
    visited: list[str] = []
    page.on(
        "request", lambda request: visited.append(request.url) if request.is_navigation_request() else None
    )
    page.goto(link, wait_until="load")
    assert page.title() == "Xero | Allow access"  # the sandbox's consent page
    assert "Harbour & Finch Lawyers" in page.inner_text("h1")
    with page.expect_navigation(url=re.compile(r".*/oauth/xero/callback.*"), wait_until="load") as landed:
        page.get_by_role("button", name="Allow access").click()
    response = landed.value
    assert response is not None and response.status == 200, page.content()
    assert page.title() == "Xero is connected"
    assert "Harbour & Finch Lawyers" in page.inner_text("body") and APPROVER in page.inner_text("body")
    assert [u.split("?")[0] for u in visited if u.startswith(sandbox_base)] == [
        f"{sandbox_base}/xero/identity/connect/authorize"
    ] * 2, visited  # shown, then answered
    callback = page.url
    assert callback.startswith(f"{bot.url}/oauth/xero/callback?") and "state=" in callback
    cookies = context.cookies(bot.url + "/oauth/xero/")
    assert [(c["name"], c["httpOnly"], c["sameSite"]) for c in cookies] == [("xerobot_connect", True, "Lax")]

    with bot.firm.store.unit_of_work() as uow:
        connection = uow.connections.get("xero")
    assert connection is not None and connection.tenant_id == sandboxes.xero.tenant_id
    assert connection.connected_by == APPROVER

    _, stranger_page = browsers()
    replay = stranger_page.goto(callback, wait_until="load")
    assert replay is not None and replay.status == 400
    assert stranger_page.title() == "Xero was not connected"
    assert "used only once" in stranger_page.inner_text("body")

    again = page.goto(callback, wait_until="load")
    assert again is not None and again.status == 400 and "used only once" in page.inner_text("body")

    with bot.firm.store.unit_of_work() as uow:
        after = uow.connections.get("xero")
    assert after is not None and after.version == connection.version


def test_a_callback_caught_on_its_way_cannot_be_finished_in_another_browser(
    connecting: tuple[RunningBot, Sandboxes, str], browsers: Callable[[], tuple[Any, Any]]
) -> None:
    bot, sandboxes, _ = connecting
    link = link_from_slack(bot)
    context, page = browsers()
    page.goto(link, wait_until="load")  # the consent page, in the browser that holds the cookie now
    assert page.title() == "Xero | Allow access"
    fields = page.eval_on_selector_all("form input[type=hidden]", "els => els.map(e => [e.name, e.value])")
    answered = context.request.post(  # "Allow access", with the answer held instead of followed
        page.url.split("?")[0], form={**dict(fields), "decision": "allow"}, max_redirects=0
    )
    callback = answered.headers["location"]
    assert callback.startswith(f"{bot.url}/oauth/xero/callback?")

    _, stranger_page = browsers()
    stolen = stranger_page.goto(callback, wait_until="load")
    assert stolen is not None and stolen.status == 400
    assert "started in another browser" in stranger_page.inner_text("body")
    with bot.firm.store.unit_of_work() as uow:
        assert uow.connections.get("xero") is None

    finished = page.goto(callback, wait_until="load")
    assert finished is not None and finished.status == 200 and page.title() == "Xero is connected"
    with bot.firm.store.unit_of_work() as uow:
        connection = uow.connections.get("xero")
    assert connection is not None and connection.tenant_id == sandboxes.xero.tenant_id
