"""The embedded SQLite ledger, and the WAL and shared-memory files beside it, are readable by their owner only,
like the key file: the ledger holds the firm's books and the encrypted tokens."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from integration.store import Store, TokenCipher
from integration.store.secrets import generate_key


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The usual umask (022), which creates files 0644: the ledger must be private in spite of it."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def modes(ledger: Path) -> dict[str, int]:
    files = [ledger, ledger.with_name(ledger.name + "-wal"), ledger.with_name(ledger.name + "-shm")]
    return {file.name: stat.S_IMODE(file.stat().st_mode) for file in files if file.exists()}


def write_something(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.audit.record("UBOOK", "slack.command", "status")
        uow.commit()


def test_a_new_ledger_and_its_wal_and_shm_files_are_created_0600(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.db"
    store = Store.open(f"sqlite:///{ledger}", TokenCipher([generate_key()]), upgrade_schema=True)
    try:
        write_something(store)
        assert modes(ledger) == {"ledger.db": 0o600, "ledger.db-wal": 0o600, "ledger.db-shm": 0o600}
    finally:
        store.close()


def test_a_ledger_an_older_version_left_readable_by_others_is_made_private_when_opened(
    tmp_path: Path,
) -> None:
    ledger = tmp_path / "ledger.db"
    Store.open(f"sqlite:///{ledger}", TokenCipher([generate_key()]), upgrade_schema=True).close()
    ledger.chmod(0o644)
    store = Store.open(f"sqlite:///{ledger}", TokenCipher([generate_key()]))
    try:
        write_something(store)
        assert set(modes(ledger).values()) == {0o600}
    finally:
        store.close()
