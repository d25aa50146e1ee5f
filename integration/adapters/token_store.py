"""The ledger-backed `TokenStore`: tokens encrypted in `connections`, refreshes serialised by a lease."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from integration.ports import StoredToken
from integration.store import Store

REFRESH_LEASE_TTL = timedelta(seconds=60)
# How long a refresh token lasts unused (each refresh issues a new one): Xero 60 days, Actionstep 21 days.
REFRESH_LIFETIME = {"xero": timedelta(days=60), "actionstep": timedelta(days=21)}


class LedgerTokenStore:
    """Tokens of one remote ("xero" or "actionstep") kept in the ledger. The one a connect flow saves through
    names who connected (`connected_by`), and it is recorded with the tokens; refreshes keep it as it was."""

    def __init__(
        self, store: Store, remote: str, *, wait_for_lock: float = 30.0, connected_by: str | None = None
    ) -> None:
        """`connected_by`: who a connect saved through this store is recorded as made by (set by the connect
        flow only; refreshes keep the connection's)."""
        self._store = store
        self._remote = remote
        self._connected_by = connected_by
        self._wait = wait_for_lock
        self._holder = f"{socket.gethostname()}:{os.getpid()}:{id(self)}"

    def load(self) -> StoredToken | None:
        with self._store.unit_of_work() as uow:
            stored = uow.connections.get(self._remote)
        if stored is None:
            return None
        return StoredToken(
            stored.tokens, stored.version, stored.tenant_id, stored.tenant_name, stored.expires_at
        )

    def save(
        self,
        tokens: dict[str, Any],
        *,
        previous_version: int | None,
        tenant_id: str | None = None,
        tenant_name: str | None = None,
    ) -> bool:
        expires = tokens.get("expires_at")
        lifetime = REFRESH_LIFETIME.get(self._remote)
        refresh_expires = datetime.now(UTC) + lifetime if lifetime and tokens.get("refresh_token") else None
        with self._store.unit_of_work() as uow:
            saved = uow.connections.save(
                self._remote,
                tokens,
                expected_version=previous_version,
                expires_at=datetime.fromtimestamp(float(expires), UTC) if expires else None,
                refresh_expires_at=refresh_expires,
                tenant_id=tenant_id,
                tenant_name=tenant_name,
                connected_by=self._connected_by,
            )
            uow.commit()
        return saved

    @contextmanager
    def refresh_lock(self) -> Iterator[bool]:
        name = f"refresh:{self._remote}"
        deadline = time.monotonic() + self._wait
        acquired = False
        while True:
            with self._store.unit_of_work() as uow:
                acquired = uow.leases.acquire(name, self._holder, REFRESH_LEASE_TTL)
                uow.commit()
            if acquired or time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        try:
            yield acquired
        finally:
            if acquired:
                with self._store.unit_of_work() as uow:
                    uow.leases.release(name, self._holder)
                    uow.commit()
