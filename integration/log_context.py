"""What a log line is part of: the sync run, the Slack request, and the Slack user who acted.

Context variables, so each thread and each job carries its own: the Slack edge binds the request and the user, the
sync engine binds its run, and `bot.logs` writes them into every JSON log line. Work handed to another thread
carries them only when submitted inside `contextvars.copy_context()` (the bot's pools do).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

RUN_ID: ContextVar[int | None] = ContextVar("run_id", default=None)
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
USER: ContextVar[str | None] = ContextVar("user", default=None)
_VARS: dict[str, ContextVar[Any]] = {"run_id": RUN_ID, "request_id": REQUEST_ID, "user": USER}


@contextmanager
def bound(**values: object) -> Iterator[None]:
    """Bind `run_id`, `request_id` and/or `user` for the block (values that are None leave the current ones)."""
    tokens: list[tuple[ContextVar[Any], Token[Any]]] = []
    for name, value in values.items():
        if value is not None:
            var = _VARS[name]
            tokens.append((var, var.set(value)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def current() -> dict[str, object]:
    """The bound values now (None where nothing is bound)."""
    return {name: var.get() for name, var in _VARS.items()}
