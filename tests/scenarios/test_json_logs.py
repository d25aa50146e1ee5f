"""`XEROBOT_LOG_FORMAT=json`: one JSON object a line, with the sync run, the Slack request and the Slack user who
acted, whatever outside text a message carries; tokens never appear."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from integration import log_context
from tests.support.bot import BOOKKEEPER, RunningBot
from tests.support.logs import served_log


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The log as `xerobot serve` writes it with `XEROBOT_LOG_FORMAT=json`."""
    with served_log("json") as stream:
        yield stream


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    """Every line, parsed: a line that is not one JSON object fails the test."""
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_sync_asked_for_in_slack_logs_json_lines_naming_its_run_the_request_and_who_asked(
    bot: RunningBot, json_log: io.StringIO
) -> None:
    bot.command("sync")
    bot.settle()

    parsed = lines(json_log)
    assert parsed, "the sync logged"
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in parsed)
    (ended,) = [e for e in parsed if str(e["message"]).startswith("Sync run ")]
    assert ended["run_id"] == bot.firm.service.last_run().run_id  # type: ignore[union-attr]
    assert ended["user"] == BOOKKEEPER and isinstance(ended["request_id"], str) and ended["request_id"]


def test_a_message_with_newlines_and_a_traceback_is_still_one_json_object_a_line(
    json_log: io.StringIO,
) -> None:
    log = logging.getLogger("xerobot.test")
    with log_context.bound(user="UBOOK", request_id="abc123"):
        log.warning("Refused: %s", 'no\n{"level": "INFO", "message": "forged"}')
        try:
            raise ValueError("bad\nINFO forged")
        except ValueError:
            log.exception("It failed")
    first, second = lines(json_log)
    assert (
        first["message"] == 'Refused: no\n{"level": "INFO", "message": "forged"}' and first["user"] == "UBOOK"
    )
    assert first["run_id"] is None and first["request_id"] == "abc123"
    assert "ValueError: bad\nINFO forged" in str(second["exception"])
    assert len(json_log.getvalue().splitlines()) == 2


def test_a_wrong_log_format_stops_start_up_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    from bot.settings import BotSettings

    monkeypatch.setenv("XEROBOT_LOG_FORMAT", "xml")
    with pytest.raises(ValidationError, match="xerobot_log_format"):
        BotSettings(_env_file=None)  # type: ignore[call-arg]
