"""Connections to Xero and Actionstep: OAuth tokens, encrypted at rest, replaced by compare-and-swap.

`save(..., expected_version=v)` only succeeds if nobody else saved since version `v` was read, so when two
processes refresh at once exactly one rotation is kept and the other re-reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from integration.store.secrets import TokenCipher
from integration.store.tables import ConnectionRow
from integration.store.types import utcnow


@dataclass(frozen=True, slots=True)
class StoredConnection:
    remote: str
    tokens: dict[str, Any] = field(repr=False)
    version: int
    tenant_id: str | None = None
    tenant_name: str | None = None
    expires_at: datetime | None = None
    refresh_expires_at: datetime | None = None
    connected_by: str | None = None
    updated_at: datetime | None = None


class ConnectionRepository:
    def __init__(self, session: Session, cipher: TokenCipher) -> None:
        self._session = session
        self._cipher = cipher

    def tenant_of(self, remote: str) -> str | None:
        """The remote's connected organisation (tenant) id, without decrypting the tokens."""
        return self._session.scalar(select(ConnectionRow.tenant_id).where(ConnectionRow.remote == remote))

    def organisation_of(self, remote: str) -> tuple[str | None, str | None]:
        """The remote's connected organisation (tenant id, name), without decrypting the tokens."""
        row = self._session.execute(
            select(ConnectionRow.tenant_id, ConnectionRow.tenant_name).where(ConnectionRow.remote == remote)
        ).first()
        return (row[0], row[1]) if row is not None else (None, None)

    def get(self, remote: str) -> StoredConnection | None:
        row = self._session.scalar(select(ConnectionRow).where(ConnectionRow.remote == remote))
        if row is None:
            return None
        return StoredConnection(
            remote=row.remote,
            tokens=self._cipher.decrypt(row.token_ciphertext),
            version=row.version,
            tenant_id=row.tenant_id,
            tenant_name=row.tenant_name,
            expires_at=row.expires_at,
            refresh_expires_at=row.refresh_expires_at,
            connected_by=row.connected_by,
            updated_at=row.updated_at,
        )

    def save(
        self,
        remote: str,
        tokens: dict[str, Any],
        *,
        expected_version: int | None,
        expires_at: datetime | None = None,
        refresh_expires_at: datetime | None = None,
        tenant_id: str | None = None,
        tenant_name: str | None = None,
        connected_by: str | None = None,
    ) -> bool:
        """Store `tokens`. With `expected_version=None` the connection must not exist yet (first connect) or is
        replaced outright by a fresh connect; otherwise only if the stored version is still `expected_version`.
        Returns False when another process got there first."""
        ciphertext = self._cipher.encrypt(tokens)
        values: dict[str, Any] = {
            "token_ciphertext": ciphertext,
            "expires_at": expires_at,
            "refresh_expires_at": refresh_expires_at,
            "updated_at": utcnow(),
        }
        if tenant_id is not None:
            values["tenant_id"] = tenant_id
        if tenant_name is not None:
            values["tenant_name"] = tenant_name
        if connected_by is not None:
            values["connected_by"] = connected_by
        if expected_version is None:
            existing = self._session.scalar(
                select(ConnectionRow.version).where(ConnectionRow.remote == remote)
            )
            if existing is None:
                try:
                    with self._session.begin_nested():
                        self._session.add(ConnectionRow(remote=remote, version=1, **values))
                    return True
                except IntegrityError:
                    return False
            expected_version = existing
        result = self._session.execute(
            update(ConnectionRow)
            .where(ConnectionRow.remote == remote, ConnectionRow.version == expected_version)
            .values(version=ConnectionRow.version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def refresh_expiries(self) -> dict[str, datetime | None]:
        """When each connection's refresh token expires unused, by remote (without decrypting anything)."""
        rows = self._session.execute(select(ConnectionRow.remote, ConnectionRow.refresh_expires_at))
        return {remote: expires for remote, expires in rows}

    def delete(self, remote: str) -> None:
        self._session.execute(delete(ConnectionRow).where(ConnectionRow.remote == remote))
