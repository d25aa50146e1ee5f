"""The job runner refuses work politely when full; roles resolve user groups through Slack and never make a
permission check wait on Slack once a group is known; duplicate deliveries are recognised."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient

from bot.jobs import JobRunner
from bot.roles import Role, Roles
from bot.web import wsgi_app
from tests.fakes.slack import BOT_TOKEN, FakeSlack


def test_a_full_job_runner_refuses_at_once_and_takes_work_again_when_a_slot_frees() -> None:
    runner = JobRunner(workers=1, queue=1)
    release = threading.Event()
    try:
        assert runner.submit("running", lambda: release.wait(5) and None)
        assert runner.submit("waiting", lambda: None)
        assert not runner.submit("one too many", lambda: None)
        release.set()
        assert runner.wait_idle(5)
        assert runner.submit("again", lambda: None) and runner.wait_idle(5)
    finally:
        release.set()
        runner.shutdown()


def test_a_failing_job_is_reported_to_its_on_error_and_frees_its_slot() -> None:
    runner = JobRunner(workers=1, queue=0)
    seen: list[Exception] = []

    def boom() -> None:
        raise RuntimeError("boom")

    try:
        assert runner.submit("boom", boom, on_error=seen.append)
        assert runner.wait_idle(5)
        assert [str(e) for e in seen] == ["boom"]
        assert runner.submit("next", lambda: None)
    finally:
        runner.shutdown()


def test_roles_come_from_user_ids_and_user_group_members() -> None:
    with FakeSlack() as slack:
        slack.groups["SBOOKS"] = ["UMEMBER"]
        roles = Roles(
            {Role.BOOKKEEPER: ["UONE", "SBOOKS"], Role.APPROVER: ["UTWO"]},
            WebClient(BOT_TOKEN, base_url=slack.url),
        )
        assert roles.of("UONE") == {Role.BOOKKEEPER}
        assert roles.of("UMEMBER") == {Role.BOOKKEEPER}
        assert roles.of("UTWO") == {Role.APPROVER}
        assert roles.of("USTRANGER") == set()
        assert len(slack.of("usergroups.users.list")) == 1  # members are kept, not fetched per check


def test_a_stale_group_answers_from_memory_while_one_refresh_fetches_the_new_members() -> None:
    now = [0.0]
    with FakeSlack() as slack:
        slack.groups["SBOOKS"] = ["UOLD"]
        client = WebClient(BOT_TOKEN, base_url=slack.url)
        roles = Roles({Role.BOOKKEEPER: ["SBOOKS"]}, client, ttl=60, clock=lambda: now[0])
        roles.warm()
        slack.groups["SBOOKS"] = ["UNEW"]
        now[0] = 61.0
        assert roles.has("UOLD", Role.BOOKKEEPER)  # stale answer, refresh started
        assert slack.wait_for(lambda: len(slack.of("usergroups.users.list")) == 2)
        assert eventually(
            lambda: roles.has("UNEW", Role.BOOKKEEPER) and not roles.has("UOLD", Role.BOOKKEEPER)
        )


def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_group_slack_cannot_read_grants_nobody() -> None:
    with FakeSlack() as slack:
        roles = Roles({Role.BOOKKEEPER: ["SGONE"]}, WebClient(BOT_TOKEN, base_url=slack.url))
        assert not roles.has("UANY", Role.BOOKKEEPER)


def test_in_socket_mode_http_serves_health_but_not_slacks_requests() -> None:
    application = wsgi_app(None, lambda: {"mode": "socket"})
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        statuses.append(status)

    environ = {"PATH_INFO": "/slack/events", "REQUEST_METHOD": "POST"}
    assert b"not found" in b"".join(application(environ, start_response))  # type: ignore[arg-type]
    health = b"".join(application({"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}, start_response))  # type: ignore[arg-type]
    assert statuses == ["404 Not Found", "200 OK"] and b'"mode": "socket"' in health


def test_health_answers_503_when_the_ledger_does_not() -> None:
    def broken() -> dict[str, object]:
        raise OSError("database is down")

    statuses: list[str] = []
    body = b"".join(
        wsgi_app(None, broken)(
            {"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}, lambda s, h: statuses.append(s)
        )
    )  # type: ignore[arg-type]
    assert statuses == ["503 Service Unavailable"] and b"database is down" not in body
