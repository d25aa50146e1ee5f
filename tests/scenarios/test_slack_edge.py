"""What reaches `POST /slack/events` from a stranger, a replayed capture or a broken sender: nothing is parsed before
the signature holds; malformed input gets 400 (401 unsigned) and no traceback; another workspace or app is refused;
a replay does nothing on any replica; the log neither grows with a body nor takes a forged line."""

from __future__ import annotations

import io
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.demo import SANDBOX_BASE
from bot.web import wsgi_app
from integration.app.connect import Connector
from integration.clock import SystemClock
from integration.settings import load_settings
from integration.store import Store
from sandboxes.server import settings_for
from tests.support.bot import RunningBot, replica, running_bot
from tests.support.logs import served_log as captured_log
from tests.support.slack import command_body, event_body, signed_headers

FORGED = "2026-11-29 10:00:00,000 INFO bot.web: forged"
LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) |  \| )")


@pytest.fixture
def served_log() -> Iterator[io.StringIO]:
    with captured_log() as stream:
        yield stream


def _assert_no_forged_line(text: str) -> None:
    for line in text.splitlines():
        assert LINE.match(line), f"a log line not written by the logger: {line!r}"
        assert not line.startswith(FORGED)


def _command(bot: RunningBot, text: str = "sync", **fields: str) -> tuple[bytes, str]:
    body, content_type = command_body(
        text, user="UBOOK", channel="CBOOKS", response_url=bot.slack.response_url("UBOOK")
    )
    for name, value in fields.items():
        body = re.sub(f"{name}=[^&]*".encode(), httpx.QueryParams({name: value}).__str__().encode(), body)
    return body, content_type


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"payload=%7Bnot+json", "application/x-www-form-urlencoded"),
        (b"payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
        (b"\xff\xfe text=sync", "application/x-www-form-urlencoded"),
        (b'{"type": "event_callback", "event": ', "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b"text=sync", "text/plain"),
        (b"a=1&a=2", "application/x-www-form-urlencoded"),
        (
            b"payload=%7B%22type%22%3A%22block_actions%22%2C%22actions%22%3A%22x%22%7D",
            "application/x-www-form-urlencoded",
        ),
    ],
)
def test_a_malformed_signed_body_gets_400_and_no_traceback(
    bot: RunningBot, served_log: io.StringIO, body: bytes, content_type: str
) -> None:
    response = bot.post(body, content_type)
    bot.settle()
    assert response.status_code == 400 and "Traceback" not in response.text
    assert "Traceback" not in served_log.getvalue()
    assert bot.firm.service.last_run() is None


def test_a_malformed_unsigned_body_gets_401_before_it_is_parsed(
    bot: RunningBot, served_log: io.StringIO
) -> None:
    response = bot.post(b"payload=%7Bnot+json", "application/x-www-form-urlencoded", signed=False)
    assert response.status_code == 401
    assert "Traceback" not in served_log.getvalue() and "not+json" not in served_log.getvalue()


def test_a_50_mb_unsigned_body_is_refused_without_growing_the_log(
    bot: RunningBot, served_log: io.StringIO
) -> None:
    with socket.create_connection(("127.0.0.1", bot.server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 52428800\r\n\r\n"
        )
        chunk = b'{"x": "' + b"A" * 65536
        answer = b""
        try:
            for _ in range(800):  # 50 MB, or until the server has answered and closed
                sock.sendall(chunk)
        except OSError:
            pass
        answer = sock.recv(1024)
    assert answer.startswith(b"HTTP/1.1 413")
    assert len(served_log.getvalue()) < 4096


def test_an_unsigned_body_just_under_the_cap_is_refused_and_never_logged(
    bot: RunningBot, served_log: io.StringIO
) -> None:
    body = b"payload=" + b"A" * (1000 * 1000)
    response = bot.post(body, "application/x-www-form-urlencoded", signed=False)
    assert response.status_code == 401
    assert len(served_log.getvalue()) < 4096 and "AAAA" not in served_log.getvalue()


def test_a_forged_newline_in_a_body_never_starts_a_log_line(bot: RunningBot, served_log: io.StringIO) -> None:
    bot.post(f"text=sync\n{FORGED}".encode(), "application/x-www-form-urlencoded", signed=False)
    bot.post(*_command(bot, team_id=f"T9\n{FORGED}"))  # signed, another workspace: logged, escaped
    bot.settle()
    logged = served_log.getvalue()
    assert "T9\\n2026-11-29" in logged
    _assert_no_forged_line(logged)


def test_a_forged_newline_in_a_header_never_starts_a_log_line(
    bot: RunningBot, served_log: io.StringIO
) -> None:
    with socket.create_connection(("127.0.0.1", bot.server.port), timeout=5) as sock:
        sock.sendall(
            f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slack-Signature: v0=1\r{FORGED}\r\n"
            "Content-Length: 0\r\n\r\n".encode()
        )
        answer = sock.recv(1024)
    assert answer.split(b"\r\n", 1)[0].endswith(b" 400 Bad Request")
    _assert_no_forged_line(served_log.getvalue())


def test_a_forged_newline_in_the_oauth_error_description_never_starts_a_log_line(
    store: Store, served_log: io.StringIO
) -> None:
    env = {name.lower(): value for name, value in settings_for(SANDBOX_BASE).items()}
    settings = load_settings(**env, xerobot_public_url="https://bot.example")
    with httpx.Client() as http:
        app = wsgi_app(None, dict, Connector(settings, store, http, SystemClock()))
        with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="https://bot.example") as browser:
            query = httpx.QueryParams(
                {"error": "access_denied", "error_description": f"no\n{FORGED}\r\x1b[2J"}
            )
            response = browser.get(f"/oauth/xero/callback?{query}")
    assert response.status_code == 400
    logged = served_log.getvalue()
    assert "no\\n2026-11-29" in logged and "\\r" in logged and "[2J" in logged
    assert "\x1b" not in logged and "\r" not in logged, "escaped, however the escape is spelled"
    _assert_no_forged_line(logged)


def test_a_signed_request_from_another_workspace_is_refused_and_does_nothing(bot: RunningBot) -> None:
    response = bot.post(*_command(bot, team_id="T9OTHER"))
    bot.settle()
    assert response.status_code == 403
    assert bot.firm.service.last_run() is None
    event, content_type = event_body(
        {"type": "app_home_opened", "user": "UBOOK", "tab": "home"}, event_id="Ev9"
    )
    foreign = event.replace(b'"team_id": "T1"', b'"team_id": "T9OTHER"')
    assert bot.post(foreign, content_type).status_code == 403


def test_a_signed_request_for_another_app_is_refused_when_the_app_id_is_set(tmp_path: Path) -> None:
    with running_bot(f"sqlite:///{tmp_path / 'ledger.db'}", slack_app_id="A1") as bot:
        refused = bot.post(*_command(bot, "status", api_app_id="A9OTHER"))
        served = bot.post(*_command(bot, "status"))
        bot.settle()
    assert refused.status_code == 403 and served.status_code == 200
    assert len(bot.slack.of("response_url")) == 1


def test_a_signed_sync_replayed_to_a_second_replica_does_nothing(database_url: str) -> None:
    with running_bot(database_url) as first, replica(first, database_url) as second:
        body, content_type = _command(first)
        headers = {"Content-Type": content_type, **signed_headers(body)}
        assert first.http.post(f"{first.url}/slack/events", content=body, headers=headers).status_code == 200
        first.settle()
        run = first.firm.service.last_run()
        assert run is not None
        again = second.http.post(f"{second.url}/slack/events", content=body, headers=headers)
        second.settle()
        assert again.status_code == 200 and again.content == b""
        latest = second.firm.service.last_run()
        assert latest is not None and latest.run_id == run.run_id


def test_an_event_retried_to_a_second_replica_is_handled_once(database_url: str) -> None:
    with running_bot(database_url) as first, replica(first, database_url) as second:
        body, content_type = event_body(
            {"type": "app_home_opened", "user": "UBOOK", "tab": "home"}, event_id="Ev7"
        )
        assert first.post(body, content_type).status_code == 200
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        # Slack signs a retry anew (another timestamp): only the event id is the same
        retried = second.post(
            body, content_type, timestamp=int(json.loads(body)["event_time"]) + 1, headers=retry
        )
        assert retried.status_code == 200
        first.settle()
        second.settle()
        assert len(first.slack.of("views.publish")) == 1
