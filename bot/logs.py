"""The log formats of `xerobot serve`: one line per record, whatever text from outside a record carries; readable
text by default, or one JSON object a line (`XEROBOT_LOG_FORMAT=json`) for a log shipper.

Messages carry outside text (a Slack payload's fields, an OAuth callback's `error_description`, an exception's
message), so the formatter escapes every line break and control character in the formatted message (`\\n`,
`\\x1b`, `\\u2028`) and cuts it at `MAX_MESSAGE` characters with a marker: no request can forge a log line or flood
the log. A traceback keeps its lines, each after a `  | ` margin, so none of them starts a line either.

The JSON format writes `time` (UTC, ISO 8601), `level`, `logger`, `message`, and `run_id`, `request_id` and `user`
(the Slack user who acted) from `integration.log_context`, plus `exception` when there is one: JSON's own escaping
keeps each object on one line, and the message is cut at `MAX_MESSAGE` characters as in text.

bolt's and waitress's loggers are kept above INFO: neither then echoes a request (bolt logs an unsigned body at
INFO and an unhandled payload at WARNING).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Literal, TextIO

from integration import log_context

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_MESSAGE = 2000
QUIET = {"slack_bolt": logging.ERROR, "slack_sdk": logging.WARNING, "waitress": logging.WARNING}
# Every C0 and C1 control character, DEL, and the Unicode line and paragraph separators
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(text: str, *, limit: int = MAX_MESSAGE) -> str:
    """`text` on one line: control characters escaped, cut at `limit` characters with a marker."""
    if len(text) > limit:
        text = f"{text[:limit]}… [{len(text) - limit} more characters]"
    return CONTROL.sub(lambda m: NAMED.get(m[0]) or f"\\u{ord(m[0]):04x}", text)


class OneLineFormatter(logging.Formatter):
    """Formats each record's message on one line (see the module's docstring)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: object) -> str:
        return _margin(super().formatException(ei))  # type: ignore[arg-type]

    def formatStack(self, stack_info: str) -> str:
        return _margin(super().formatStack(stack_info))


class JsonFormatter(logging.Formatter):
    """Formats each record as one JSON object (see the module's docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _cut(record.getMessage()),
            **log_context.current(),
        }
        if record.exc_info:
            entry["exception"] = _cut(self.formatException(record.exc_info), limit=8 * MAX_MESSAGE)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _cut(text: str, *, limit: int = MAX_MESSAGE) -> str:
    return f"{text[:limit]}… [{len(text) - limit} more characters]" if len(text) > limit else text


def _margin(text: str) -> str:
    return "\n".join(f"  | {escape(line, limit=MAX_MESSAGE)}" for line in text.splitlines())


def configure(
    level: int = logging.INFO, stream: TextIO | None = None, *, style: Literal["text", "json"] = "text"
) -> logging.Handler:
    """Log to `stream` (stderr) through `OneLineFormatter` (`style="text"`) or `JsonFormatter` (`"json"`),
    replacing the root logger's handlers; returns the handler (a test removes it again)."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if style == "json" else OneLineFormatter(FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name, quiet in QUIET.items():
        logging.getLogger(name).setLevel(max(level, quiet))
    return handler
