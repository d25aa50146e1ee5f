"""Engines and schema migrations for the ledger.

SQLite (the embedded default) runs in WAL mode with `BEGIN IMMEDIATE` transactions, so concurrent writers wait
their turn instead of failing half-way; PostgreSQL is used as it comes. Alembic owns the schema: `upgrade()` brings a
database to the newest revision (under an advisory lock on PostgreSQL, so replicas starting together do not race),
and `ensure_current()` refuses to run against a database that is behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text

from integration.errors import SchemaOutOfDate

MIGRATIONS = Path(__file__).parent / "migrations"
_UPGRADE_LOCK = 7_441_190_001  # arbitrary, fixed: the advisory lock id for schema upgrades


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`, tuned for the ledger's access pattern."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "isolation_level": None}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            # pysqlite's own transaction handling defers locking to the first write, which lets two
            # read-then-write transactions deadlock; taking the write lock up front serialises them.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


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
