"""Ports: what the remote clients need from the rest of the engine, without importing it.

`integration.xero` and `integration.actionstep` may not import the store; they ask a `TokenStore` for tokens
instead. `bootstrap` hands them one backed by the ledger (`integration.token_store`); tests can hand them a fake.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class StoredToken:
    """An OAuth token set as saved. `tokens` holds access_token, refresh_token, expires_at (epoch seconds) and
    whatever else the remote returned (Actionstep's api_endpoint and orgkey); `version` is for compare-and-swap."""

    tokens: dict[str, Any] = field(repr=False)
    version: int
    tenant_id: str | None = None
    tenant_name: str | None = None
    expires_at: datetime | None = None


class TokenStore(Protocol):
    """Durable, shared storage of one remote's tokens."""

    def load(self) -> StoredToken | None:
        """The current tokens, or None before the first connect."""

    def save(
        self, tokens: dict[str, Any], *, previous_version: int | None, tenant_id: str | None = None,
        tenant_name: str | None = None,
    ) -> bool:  # fmt: skip
        """Save a new token set. `previous_version` is the version the refresh started from (None for a fresh
        connect); returns False when another process saved first, in which case `load()` has its tokens."""

    def refresh_lock(self) -> AbstractContextManager[bool]:
        """Hold while refreshing, so only one process spends the (rotating) refresh token at a time. Yields False
        if the lock could not be had in time; the caller then re-loads and uses what the holder saved."""


class Clock(Protocol):
    """Time, injectable so rate limits and expiries can be tested in seconds."""

    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


def iter_chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
