"""An in-memory `TokenStore` with the ledger's semantics (compare-and-swap saves, one refresher at a time)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from integration.ports import StoredToken


class MemoryTokenStore:
    def __init__(self) -> None:
        self._token: StoredToken | None = None
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()
        self.saves = 0

    def load(self) -> StoredToken | None:
        with self._lock:
            return self._token

    def save(
        self,
        tokens: dict[str, Any],
        *,
        previous_version: int | None,
        tenant_id: str | None = None,
        tenant_name: str | None = None,
    ) -> bool:
        with self._lock:
            current = self._token.version if self._token else None
            if current != previous_version:
                return False
            self._token = StoredToken(dict(tokens), (current or 0) + 1, tenant_id, tenant_name)
            self.saves += 1
            return True

    @contextmanager
    def refresh_lock(self) -> Iterator[bool]:
        with self._refreshing:
            yield True
