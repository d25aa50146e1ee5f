"""The log format of `xerobot serve`: one line per record, whatever text from outside a record carries.

Messages carry outside text (a Slack payload's fields, an OAuth callback's `error_description`, an exception's
message), so the formatter escapes every line break and control character in the formatted message (`\\n`,
`\\x1b`, `\\u2028`) and cuts it at `MAX_MESSAGE` characters with a marker: no request can forge a log line or flood
the log. A traceback keeps its lines, each after a `  | ` margin, so none of them starts a line either.

bolt's and waitress's loggers are kept above INFO: neither then echoes a request (bolt logs an unsigned body at
INFO and an unhandled payload at WARNING).
"""

from __future__ import annotations

import logging
import re
from typing import TextIO

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


def _margin(text: str) -> str:
    return "\n".join(f"  | {escape(line, limit=MAX_MESSAGE)}" for line in text.splitlines())


def configure(level: int = logging.INFO, stream: TextIO | None = None) -> logging.Handler:
    """Log to `stream` (stderr) through `OneLineFormatter`, replacing the root logger's handlers; returns the
    handler (a test removes it again)."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(OneLineFormatter(FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name, quiet in QUIET.items():
        logging.getLogger(name).setLevel(max(level, quiet))
    return handler
