"""Shared fixtures: a ledger on each database backend, and a token cipher."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from integration.store import Store, TokenCipher
from integration.store.secrets import generate_key
from tests.support.databases import BACKENDS, fresh_database_url


@pytest.fixture
def cipher() -> TokenCipher:
    return TokenCipher([generate_key()])


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, once per backend."""
    with fresh_database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(database_url: str, cipher: TokenCipher) -> Iterator[Store]:
    """A ledger at the newest schema, once per backend."""
    opened = Store.open(database_url, cipher, upgrade_schema=True)
    yield opened
    opened.close()
