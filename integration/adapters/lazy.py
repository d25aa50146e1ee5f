"""`Lazy`: a client built on first use, so a remote connected from a link while the bot runs is picked up."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

ClientT = TypeVar("ClientT")


class Lazy(Generic[ClientT]):
    """A client built on first use, so commands that never call a remote never connect to it."""

    def __init__(self, factory: Callable[[], ClientT]) -> None:
        self._factory = factory
        self._value: ClientT | None = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        return self._value is not None

    def get(self) -> ClientT:
        with self._lock:
            if self._value is None:
                self._value = self._factory()
            return self._value
