"""The parts of one reconciliation that Actionstep or Xero could not answer, named as they fail."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from integration.errors import Fatal, Retriable

T = TypeVar("T")


class Unanswered:
    """Collects why parts were not read (an outage, a rate or day limit, lost consent); `parts` names each."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def guarded(self, what: str, call: Callable[[], T]) -> T | None:
        """`call()`, or None when the remote could not answer it, with `what` and why kept in `parts`."""
        try:
            return call()
        except (Retriable, Fatal) as error:
            self.parts.append(f"{what}: {error}")
            return None
