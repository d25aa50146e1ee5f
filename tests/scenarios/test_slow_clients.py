"""Clients that send slowly, or too much, cannot take the bot offline: many connections trickling their headers
leave `/healthz` and Slack's commands answering; a request still arriving after the read timeout is cut off; a body
over the cap is refused with 413 from its `Content-Length`, before it is sent."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.bot import RunningBot, running_bot

SLOW_CLIENTS = 150
TEST_BOUND = 20.0  # seconds: the slow clients stop by themselves after this, whatever the test does


@contextmanager
def slow_clients(bot: RunningBot, count: int, *, every: float = 0.5) -> Iterator[list[socket.socket]]:
    """`count` connections that each send a request line and then one header byte every `every` seconds, until
    the block ends (or `TEST_BOUND` passes)."""
    stop = threading.Event()
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", bot.server.port), timeout=5)
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        sockets.append(sock)

    def trickle() -> None:
        deadline = time.monotonic() + TEST_BOUND
        while not stop.wait(every) and time.monotonic() < deadline:
            for sock in sockets:
                with contextlib.suppress(OSError):  # the server cut this one off
                    sock.sendall(b"a")

    thread = threading.Thread(target=trickle, daemon=True, name="slow-clients")
    thread.start()
    try:
        yield sockets
    finally:
        stop.set()
        thread.join(timeout=5)
        for sock in sockets:
            sock.close()


def test_150_slow_connections_leave_health_and_a_signed_command_answering(tmp_path: Path) -> None:
    with running_bot(f"sqlite:///{tmp_path / 'ledger.db'}") as bot, slow_clients(bot, SLOW_CLIENTS):
        time.sleep(1.0)  # every slow client is connected and has trickled at least once
        health = bot.http.get(f"{bot.url}/healthz", timeout=5)
        status = bot.command("status")
        bot.settle()
    assert health.status_code == 200 and health.json()["ok"] is True
    assert status.status_code == 200
    assert bot.slack.of("response_url"), "the command's answer never reached Slack"


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_a_request_still_arriving_after_the_read_timeout_is_cut_off(tmp_path: Path) -> None:
    with (
        running_bot(f"sqlite:///{tmp_path / 'ledger.db'}", xerobot_http_read_timeout=1) as bot,
        slow_clients(bot, 1, every=0.2) as (sock,),
    ):
        started = time.monotonic()
        assert _closed_within(sock, 8), "a trickling request was still being read after 8 s"
        assert time.monotonic() - started < 5
        assert bot.http.get(f"{bot.url}/healthz").status_code == 200


def test_a_connection_that_sends_nothing_is_closed_after_the_read_timeout(tmp_path: Path) -> None:
    with (
        running_bot(f"sqlite:///{tmp_path / 'ledger.db'}", xerobot_http_read_timeout=1) as bot,
        socket.create_connection(("127.0.0.1", bot.server.port), timeout=5) as sock,
    ):
        assert _closed_within(sock, 8)


def test_a_body_over_the_cap_is_refused_with_413_before_it_is_sent(tmp_path: Path) -> None:
    with (
        running_bot(f"sqlite:///{tmp_path / 'ledger.db'}", xerobot_http_max_body=64 * 1024) as bot,
        socket.create_connection(("127.0.0.1", bot.server.port), timeout=5) as sock,
    ):
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 65537\r\n\r\n"
        )
        answer = sock.recv(1024)
    assert answer.startswith(b"HTTP/1.1 413")
