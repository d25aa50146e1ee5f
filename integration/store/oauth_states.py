"""The connect flow's one-use secrets: connect tickets, OAuth states and approved organisation switches.

Each is kept by the SHA-256 of its secret with its purpose, so a ticket is never taken for a state nor the other
way round. Using one is a single `UPDATE ... WHERE consumed_at IS NULL` (with the purpose, the remote, the expiry and,
for a state, the browser it was issued to): of two concurrent callbacks with the same state, exactly one wins.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from integration.store.secrets import TokenCipher
from integration.store.tables import OAuthStateRow


class Purpose(StrEnum):
    TICKET = "ticket"  # a connect link from `/xero connect`: opened once, at /start
    STATE = "state"  # OAuth's `state`: comes back once, to /callback, in the browser that started
    SWITCH = "switch"  # an approver's word that the next connect may move to another organisation


class Refusal(StrEnum):
    """Why a secret could not be used."""

    UNKNOWN = "unknown"  # never issued, or issued for another purpose
    OTHER_SERVICE = "other_service"  # issued for connecting the other remote
    USED = "used"
    EXPIRED = "expired"
    OTHER_BROWSER = "other_browser"


@dataclass(frozen=True, slots=True)
class OAuthGrant:
    """One issued secret, as the ledger keeps it (the secret itself is never kept)."""

    id: int
    purpose: Purpose
    remote: str
    started_by: str
    expires_at: datetime
    secret: dict[str, Any] | None = field(default=None, repr=False)
    subject: str | None = None
    detail: dict[str, Any] | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    consumed_at: datetime | None = None


def digest(value: str) -> str:
    """How the ledger names a secret or a browser cookie: its SHA-256, in hex."""
    return hashlib.sha256(value.encode()).hexdigest()


class OAuthStateRepository:
    def __init__(self, session: Session, cipher: TokenCipher) -> None:
        self._session = session
        self._cipher = cipher

    def issue(
        self,
        purpose: Purpose,
        token: str,
        *,
        remote: str,
        started_by: str,
        expires_at: datetime,
        browser: str | None = None,
        secret: dict[str, Any] | None = None,
        subject: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> int:
        """Keep `token` (hashed) for one use before `expires_at`; `browser` binds it to a cookie's value, `secret`
        is stored encrypted."""
        row = OAuthStateRow(
            token_hash=digest(token),
            purpose=purpose.value,
            remote=remote,
            started_by=started_by,
            browser_hash=digest(browser) if browser is not None else None,
            secret_ciphertext=self._cipher.encrypt(secret) if secret is not None else None,
            subject=subject,
            detail=detail,
            expires_at=expires_at,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def consume(
        self, purpose: Purpose, token: str, *, remote: str, now: datetime, browser: str | None = None
    ) -> OAuthGrant | None:
        """Use `token` once: the grant if this call used it, None if it is unknown, used, expired, for another
        purpose or service, or (when it is bound) presented by another browser. `refusal` says which."""
        conditions = [
            OAuthStateRow.token_hash == digest(token),
            OAuthStateRow.purpose == purpose.value,
            OAuthStateRow.remote == remote,
            OAuthStateRow.consumed_at.is_(None),
            OAuthStateRow.expires_at > now,
        ]
        if purpose is Purpose.STATE:
            conditions.append(OAuthStateRow.browser_hash == digest(browser or ""))
        result = self._session.execute(
            update(OAuthStateRow)
            .where(*conditions)
            .values(consumed_at=now)
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
        row = self._session.scalar(select(OAuthStateRow).where(OAuthStateRow.token_hash == digest(token)))
        return self._grant(row) if row is not None else None

    def refusal(
        self, purpose: Purpose, token: str, *, remote: str, now: datetime, browser: str | None = None
    ) -> Refusal:
        """Why `consume` refused `token` (read after it did, for the page that says so)."""
        row = self._session.scalar(select(OAuthStateRow).where(OAuthStateRow.token_hash == digest(token)))
        if row is None or row.purpose != purpose.value:
            return Refusal.UNKNOWN
        if row.remote != remote:
            return Refusal.OTHER_SERVICE
        if row.consumed_at is not None:
            return Refusal.USED
        if row.expires_at <= now:
            return Refusal.EXPIRED
        return Refusal.OTHER_BROWSER

    def purge(self, *, expired_before: datetime) -> int:
        """Forget secrets that expired before `expired_before` (the audit log keeps what was done with them)."""
        result = self._session.execute(delete(OAuthStateRow).where(OAuthStateRow.expires_at < expired_before))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # Organisation switches -------------------------------------------------------------------------------------

    def ask_switch(
        self, remote: str, *, started_by: str, to: str, expires_at: datetime, now: datetime,
        detail: dict[str, Any],
    ) -> OAuthGrant:  # fmt: skip
        """A request to move `remote` to organisation `to`, waiting for an approver: the one already waiting for
        the same organisation, or a new one."""
        waiting = self._session.scalar(
            select(OAuthStateRow)
            .where(
                OAuthStateRow.purpose == Purpose.SWITCH.value,
                OAuthStateRow.remote == remote,
                OAuthStateRow.subject == to,
                OAuthStateRow.consumed_at.is_(None),
                OAuthStateRow.approved_at.is_(None),
                OAuthStateRow.expires_at > now,
            )
            .order_by(OAuthStateRow.id.desc())
            .limit(1)
        )
        if waiting is not None:
            return self._grant(waiting)
        switch_id = self.issue(
            Purpose.SWITCH, secrets.token_urlsafe(32), remote=remote, started_by=started_by,
            expires_at=expires_at, subject=to, detail=detail,
        )  # fmt: skip
        found = self.switch(switch_id)
        assert found is not None
        return found

    def switch(self, switch_id: int) -> OAuthGrant | None:
        row = self._session.get(OAuthStateRow, switch_id)
        return self._grant(row) if row is not None and row.purpose == Purpose.SWITCH.value else None

    def approve_switch(self, switch_id: int, approver: str, *, now: datetime) -> bool:
        """Record `approver`'s confirmation; False when it was confirmed already, used or has expired (so of two
        concurrent clicks one records)."""
        result = self._session.execute(
            update(OAuthStateRow)
            .where(
                OAuthStateRow.id == switch_id,
                OAuthStateRow.purpose == Purpose.SWITCH.value,
                OAuthStateRow.approved_at.is_(None),
                OAuthStateRow.consumed_at.is_(None),
                OAuthStateRow.expires_at > now,
            )
            .values(approved_by=approver, approved_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def take_switch(self, remote: str, to: str, *, now: datetime) -> OAuthGrant | None:
        """Use an approved, unused switch to organisation `to`, once."""
        candidates = self._session.scalars(
            select(OAuthStateRow.id).where(
                OAuthStateRow.purpose == Purpose.SWITCH.value,
                OAuthStateRow.remote == remote,
                OAuthStateRow.subject == to,
                OAuthStateRow.approved_at.is_not(None),
                OAuthStateRow.consumed_at.is_(None),
                OAuthStateRow.expires_at > now,
            )
        ).all()
        for switch_id in candidates:
            result = self._session.execute(
                update(OAuthStateRow)
                .where(OAuthStateRow.id == switch_id, OAuthStateRow.consumed_at.is_(None))
                .values(consumed_at=now)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount:  # type: ignore[attr-defined]
                return self.switch(switch_id)
        return None

    def _grant(self, row: OAuthStateRow) -> OAuthGrant:
        self._session.refresh(row)
        return OAuthGrant(
            id=row.id,
            purpose=Purpose(row.purpose),
            remote=row.remote,
            started_by=row.started_by,
            expires_at=row.expires_at,
            secret=self._cipher.decrypt(row.secret_ciphertext) if row.secret_ciphertext else None,
            subject=row.subject,
            detail=row.detail,
            approved_by=row.approved_by,
            approved_at=row.approved_at,
            consumed_at=row.consumed_at,
        )
