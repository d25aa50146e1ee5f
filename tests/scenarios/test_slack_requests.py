"""What reaches the app over HTTP: only requests signed with the signing secret in the last five minutes are
served; everything else gets 401 and does nothing. Health answers on its own path."""

from __future__ import annotations

import time

from tests.support.bot import RunningBot
from tests.support.slack import SIGNING_SECRET, command_body, event_body, signed_headers


def _command(bot: RunningBot) -> tuple[bytes, str]:
    return command_body("sync", user="UBOOK", channel="CBOOKS", response_url=bot.slack.response_url("UBOOK"))


def test_a_forged_signature_is_refused_with_401_and_nothing_happens(bot: RunningBot) -> None:
    body, content_type = _command(bot)
    forged = signed_headers(body, secret=SIGNING_SECRET[::-1])
    response = bot.http.post(
        f"{bot.url}/slack/events", content=body, headers={"Content-Type": content_type, **forged}
    )
    bot.settle()
    assert response.status_code == 401
    assert [c.method for c in bot.slack.calls if c.method != "usergroups.users.list"] == ["auth.test"]
    assert bot.firm.service.last_run() is None


def test_a_request_without_a_signature_is_refused_with_401(bot: RunningBot) -> None:
    assert bot.post(*_command(bot), signed=False).status_code == 401


def test_a_request_signed_more_than_five_minutes_ago_is_refused_with_401(bot: RunningBot) -> None:
    stale = int(time.time()) - 301
    assert bot.post(*_command(bot), timestamp=stale).status_code == 401
    bot.settle()
    assert bot.firm.service.last_run() is None


def test_a_body_changed_after_signing_is_refused_with_401(bot: RunningBot) -> None:
    body, content_type = _command(bot)
    headers = {"Content-Type": content_type, **signed_headers(body)}
    tampered = body.replace(b"UBOOK", b"UEVIL")
    response = bot.http.post(f"{bot.url}/slack/events", content=tampered, headers=headers)
    assert response.status_code == 401


def test_slacks_url_verification_challenge_is_answered_when_signed(bot: RunningBot) -> None:
    body = b'{"type": "url_verification", "challenge": "c-123", "token": "legacy"}'
    response = bot.post(body, "application/json")
    assert response.status_code == 200 and response.json() == {"challenge": "c-123"}


def test_health_answers_200_with_the_mode_and_unknown_paths_404(bot: RunningBot) -> None:
    health = bot.http.get(f"{bot.url}/healthz")
    assert health.status_code == 200 and health.json()["ok"] is True and health.json()["mode"] == "http"
    assert bot.http.get(f"{bot.url}/slack/events").status_code == 404
    assert bot.http.post(f"{bot.url}/nowhere").status_code == 404


def test_an_event_delivered_twice_is_handled_once(bot: RunningBot) -> None:
    body, content_type = event_body(
        {"type": "app_home_opened", "user": "UBOOK", "tab": "home"}, event_id="Ev1"
    )
    first = bot.post(body, content_type)
    again = bot.post(
        body, content_type, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    bot.settle()
    assert first.status_code == again.status_code == 200
    assert len(bot.slack.of("views.publish")) == 1
