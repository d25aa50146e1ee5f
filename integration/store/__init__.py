"""The ledger: what was posted to Xero, what is pending, and everything the bot must remember.

`Store` is the one object the rest of the engine holds; it hands out units of work, and the webhook inbox (the one
write a webhook's answer waits for, kept off the unit of work's ORM session). Only this package builds SQL.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from integration.store.database import ensure_current, make_engine, upgrade
from integration.store.secrets import TokenCipher
from integration.store.uow import UnitOfWork
from integration.store.webhooks import WebhookInbox

__all__ = ["Store", "TokenCipher", "UnitOfWork"]


class Store:
    def __init__(self, engine: Engine, cipher: TokenCipher) -> None:
        self.engine = engine
        self._cipher = cipher
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.webhooks = WebhookInbox(engine)

    @classmethod
    def open(cls, url: str, cipher: TokenCipher, *, upgrade_schema: bool = False) -> Store:
        """Open the ledger at `url`; with `upgrade_schema` bring it to the newest schema first, otherwise refuse
        (SchemaOutOfDate) if it is behind."""
        engine = make_engine(url)
        if upgrade_schema:
            upgrade(engine)
        else:
            ensure_current(engine)
        return cls(engine, cipher)

    @property
    def cipher(self) -> TokenCipher:
        """The ledger's cipher, also used to seal short-lived links (OAuth state)."""
        return self._cipher

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self._sessions, self._cipher)

    def close(self) -> None:
        self.engine.dispose()
