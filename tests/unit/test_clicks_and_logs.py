"""Pure readers at the edge: a click's id and a modal's metadata read strictly, a body parsed only as Slack sends
it, and a log message kept on one line."""

from __future__ import annotations

import logging
import sys

import pytest

from bot.clicks import clicked_id, metadata_id, record_id
from bot.logs import MAX_MESSAGE, OneLineFormatter, escape
from bot.slack_edge import BadRequest, parse


@pytest.mark.parametrize("value", ["３", " 3 ", "3_0", "+3", "-3", "3.0", "٣", "3\n", "", "1" * 13, None, 3])
def test_a_record_id_is_one_to_twelve_ascii_digits_and_nothing_else(value: object) -> None:
    assert record_id(value) is None


def test_a_record_id_reads_plain_digits() -> None:
    assert record_id("30") == 30 and record_id("0") == 0 and record_id("9" * 12) == 10**12 - 1


def _click(value: str, block_id: str, blocks: list[dict[str, object]] | None = None) -> dict[str, object]:
    body: dict[str, object] = {
        "actions": [{"action_id": "alert.retry", "block_id": block_id, "value": value}],
        "message": {"ts": "1.2", **({"blocks": blocks} if blocks is not None else {})},
    }
    return body


def test_a_click_is_about_the_id_its_block_and_its_message_name() -> None:
    button = {"type": "button", "action_id": "alert.retry", "value": "7"}
    shown = [{"type": "actions", "block_id": "alert:7", "elements": [button]}]
    assert clicked_id(_click("7", "alert:7", shown), "alert") == 7
    assert clicked_id(_click("7", "alert:7"), "alert") == 7  # no message sent along (ephemeral)
    assert clicked_id(_click("7", "alert:8", shown), "alert") is None
    assert clicked_id(_click("8", "alert:8", shown), "alert") is None
    assert clicked_id(_click("7", "unlink:7", shown), "alert") is None
    assert clicked_id({"actions": "x"}, "alert") is None


@pytest.mark.parametrize("metadata", ['{"alert": 12}'])
def test_private_metadata_reads_as_the_views_write_it(metadata: str) -> None:
    assert metadata_id(metadata, "alert") == 12


@pytest.mark.parametrize(
    "metadata",
    ['{"alert": "12"}', '{"alert":12}', '{"alert": 12, "x": 1}', '{"alert": 1.0}', '{"alert": -1}', None],
)
def test_private_metadata_in_any_other_shape_is_refused(metadata: object) -> None:
    assert metadata_id(metadata, "alert") is None


def test_a_body_is_parsed_as_a_form_a_payload_or_json() -> None:
    assert parse(b"text=sync&user_id=U1", "application/x-www-form-urlencoded")["text"] == "sync"
    assert parse(b"payload=%7B%22type%22%3A%22x%22%7D", "application/x-www-form-urlencoded") == {"type": "x"}
    assert parse(b'{"type": "event_callback"}', "application/json; charset=utf-8") == {
        "type": "event_callback"
    }


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\xff", "application/json"),
        (b"[" * 100_000, "application/json"),
        (b"payload=null", "application/x-www-form-urlencoded"),
        (b"x", "multipart/form-data"),
        (b"=&&=", "application/x-www-form-urlencoded"),
        (b'{"type": "block_actions", "actions": "x"}', "application/json"),
        (b'{"type": "block_actions", "actions": []}', "application/json"),
        (b'{"type": "block_actions", "user": {"id": 7}}', "application/json"),
        (b'{"type": "view_submission", "view": {"private_metadata": 7}}', "application/json"),
        (b'{"type": "event_callback", "event": "x"}', "application/json"),
        (b'{"type": 1}', "application/json"),
    ],
)
def test_anything_else_is_a_bad_request(body: bytes, content_type: str) -> None:
    with pytest.raises(BadRequest):
        parse(body, content_type)


def test_escape_keeps_outside_text_on_one_line() -> None:
    assert escape("a\nb\r\tc\x1b[2J\u2028d\x85") == "a\\nb\\r\\tc\\u001b[2J\\u2028d\\u0085"
    cut = escape("x" * (MAX_MESSAGE + 10))
    assert cut.endswith("… [10 more characters]") and len(cut) < MAX_MESSAGE + 40


def _record(message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    info = None
    if exc:
        try:
            raise ValueError("bad\n2026-01-01 00:00:00,000 INFO forged")
        except ValueError:
            info = sys.exc_info()
    return logging.LogRecord("bot.web", logging.INFO, __file__, 1, message, args, info)


def test_a_log_record_with_newlines_in_its_arguments_stays_on_one_line() -> None:
    formatter = OneLineFormatter("%(levelname)s %(name)s: %(message)s")
    line = formatter.format(_record("Connecting %s failed: %s", "xero", "no\nINFO forged"))
    assert line == "INFO bot.web: Connecting xero failed: no\\nINFO forged"


def test_a_traceback_keeps_its_lines_behind_a_margin() -> None:
    formatter = OneLineFormatter("%(levelname)s %(name)s: %(message)s")
    lines = formatter.format(_record("failed", exc=True)).splitlines()
    assert lines[0] == "INFO bot.web: failed"
    assert all(line.startswith("  | ") for line in lines[1:]) and len(lines) > 2
