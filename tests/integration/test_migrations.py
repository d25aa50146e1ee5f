"""Alembic owns the schema: migrations build exactly the tables the code describes, and a stale database is refused."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from integration.errors import SchemaOutOfDate
from integration.store import Store, TokenCipher
from integration.store.database import make_engine
from integration.store.tables import Base


def test_the_migrated_schema_matches_the_table_definitions(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_a_database_behind_the_newest_schema_is_refused_with_the_command_to_run(
    database_url: str, cipher: TokenCipher
) -> None:
    make_engine(database_url).dispose()
    with pytest.raises(SchemaOutOfDate, match="xerobot db upgrade"):
        Store.open(database_url, cipher)
