"""Builds the concrete objects from settings; the only place that does. Tests override pieces by passing their own.

Secrets: with `XEROBOT_SECRET_KEY` set, its key(s) encrypt stored tokens. The embedded default (SQLite, no key set)
keeps a generated key in a file beside the database, readable by its owner only, so a first run just works; any
other database requires the key, because several replicas must share it.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from integration.errors import ConfigError
from integration.settings import Settings
from integration.store import Store, TokenCipher
from integration.store.database import current_revision, head_revision, make_engine, upgrade
from integration.store.secrets import generate_key


def _sqlite_path(settings: Settings) -> Path | None:
    database = make_url(settings.database_url).database
    if not settings.is_sqlite or not database or database == ":memory:":
        return None
    return Path(database)


def key_file_for(settings: Settings) -> Path | None:
    """Where the embedded default keeps its generated key (None when a key file does not apply)."""
    path = _sqlite_path(settings)
    return path.with_name(path.name + ".key") if path else None


def generate_secret_key() -> str:
    """A new key for XEROBOT_SECRET_KEY."""
    return generate_key()


def resolve_cipher(settings: Settings) -> TokenCipher:
    if settings.secret_keys:
        return TokenCipher(settings.secret_keys)
    if not settings.is_sqlite:
        raise ConfigError(
            "XEROBOT_SECRET_KEY",
            "required with a shared database (it encrypts the stored tokens and every replica needs the same key); "
            "generate one with `xerobot keygen`",
        )
    key_file = key_file_for(settings)
    if key_file is None:  # in-memory SQLite: tokens live as long as the process, so a throwaway key is right
        return TokenCipher([generate_key()])
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(generate_key())
    return TokenCipher([key_file.read_text().strip()])


def open_store(settings: Settings) -> Store:
    """The ledger for these settings. An embedded SQLite ledger is created or upgraded on first start; a shared
    database must be upgraded explicitly (`xerobot db upgrade`) so replicas never migrate behind each other's back."""
    cipher = resolve_cipher(settings)
    path = _sqlite_path(settings)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    return Store.open(settings.database_url, cipher, upgrade_schema=settings.is_sqlite)


def upgrade_database(settings: Settings) -> tuple[str | None, str | None]:
    """Bring the ledger schema to the newest revision; returns (before, after)."""
    path = _sqlite_path(settings)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        before = current_revision(engine)
        upgrade(engine)
        return before, head_revision()
    finally:
        engine.dispose()


def database_status(settings: Settings) -> tuple[str | None, str | None]:
    """(current revision, newest revision) of the ledger."""
    engine = make_engine(settings.database_url)
    try:
        return current_revision(engine), head_revision()
    finally:
        engine.dispose()
