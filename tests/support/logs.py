"""The log as `xerobot serve` writes it (`bot.logs.configure`), captured for a test; pytest's handlers and the
quieted loggers' levels are put back afterwards."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from bot import logs


@contextmanager
def served_log(style: Literal["text", "json"] = "text") -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in logs.QUIET}
    stream = io.StringIO()
    handler = logs.configure(logging.INFO, stream, style=style)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, old in levels.items():
            logging.getLogger(name).setLevel(old)
