"""Engines and schema migrations for the ledger.

SQLite (the embedded default) runs in WAL mode with `BEGIN IMMEDIATE` transactions, so concurrent writers wait
their turn instead of failing half-way; its file is created readable by its owner only (0600, like the key file
beside it: it holds the firm's ledger), and SQLite gives the WAL and shared-memory files the database file's mode.
PostgreSQL is used as it comes. Alembic owns the schema: `upgrade()` brings a
database to the newest revision (under an advisory lock on PostgreSQL, so replicas starting together do not race),
and `ensure_current()` refuses to run against a database that is behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url, text

from integration.errors import SchemaOutOfDate

MIGRATIONS = Path(__file__).parent / "migrations"
_UPGRADE_LOCK = 7_441_190_001  # arbitrary, fixed: the advisory lock id for schema upgrades


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`, tuned for the ledger's access pattern."""
    if url.startswith("sqlite"):
        path = sqlite_file(url)
        if path is not None:
            _create_private(path)
        engine = create_engine(url, connect_args={"timeout": 30, "isolation_level": None}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()
            if path is not None:
                _make_private(path)

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            # pysqlite's own transaction handling defers locking to the first write, which lets two
            # read-then-write transactions deadlock; taking the write lock up front serialises them.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for an in-memory database or a `file:` URI (whose options we leave alone)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _create_private(path: Path) -> None:
    """Create the (empty) database file 0600 before SQLite opens it, so it is never readable by others."""
    if path.exists() or not path.parent.is_dir():
        return  # an existing file is tightened on connect; a missing directory is SQLite's error to report
    with contextlib.suppress(FileExistsError):  # another process created it first
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _make_private(path: Path) -> None:
    """Take group and other permissions off the database, WAL and shared-memory files (a ledger created 0644 by
    an older version); a file we do not own is left to its owner."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
            if mode & 0o077:
                file.chmod(mode & 0o700)
        except (FileNotFoundError, PermissionError):
            continue


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to `revision`."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _UPGRADE_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_current(engine: Engine) -> None:
    """Raise `SchemaOutOfDate` unless the database is at the newest revision."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaOutOfDate(
            f"The ledger database is at revision {current or 'none'}, this bot needs {head}. "
            "Run `xerobot db upgrade` once, then start the bot again."
        )
