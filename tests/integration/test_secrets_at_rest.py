"""Tokens are encrypted at rest, compare-and-swap protects refreshes, and tokens never reach the logs."""

from __future__ import annotations

import io
import logging
import threading

import pytest
from sqlalchemy import text

from bot.logs import JsonFormatter
from integration.errors import SecretError
from integration.store import Store, TokenCipher
from integration.store.secrets import generate_key

TOKENS = {"access_token": "at-SECRET-123", "refresh_token": "rt-SECRET-456", "api_endpoint": "https://x/api/"}


def test_the_raw_database_never_holds_a_token_in_clear(store: Store) -> None:
    with store.unit_of_work() as uow:
        assert uow.connections.save("actionstep", TOKENS, expected_version=None, tenant_id="org-1")
        uow.commit()
    with store.engine.connect() as connection:
        raw = b"".join(
            bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
            for row in connection.execute(text("SELECT * FROM connections"))
            for value in row
        )
    assert b"SECRET" not in raw
    with store.unit_of_work() as uow:
        stored = uow.connections.get("actionstep")
    assert stored is not None and stored.tokens == TOKENS and stored.tenant_id == "org-1"
    assert "SECRET" not in repr(stored)


def test_tokens_never_appear_in_logs_even_with_sql_echo(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG)
    json_lines = io.StringIO()
    as_json = logging.StreamHandler(json_lines)
    as_json.setFormatter(JsonFormatter())  # the XEROBOT_LOG_FORMAT=json lines too
    logging.getLogger().addHandler(as_json)
    try:
        with store.unit_of_work() as uow:
            uow.connections.save("xero", TOKENS, expected_version=None)
            uow.commit()
        with store.unit_of_work() as uow:
            uow.connections.get("xero")
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
        logging.getLogger().removeHandler(as_json)
    assert caplog.records, "SQL logging was expected to produce records"
    assert "SECRET" not in caplog.text
    assert json_lines.getvalue() and "SECRET" not in json_lines.getvalue()


def test_only_one_of_two_concurrent_refreshers_saves_its_rotation(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.connections.save("xero", TOKENS, expected_version=None)
        uow.commit()
    with store.unit_of_work() as uow:
        version = uow.connections.get("xero").version  # type: ignore[union-attr]
    results: dict[str, bool] = {}
    barrier = threading.Barrier(2)

    def refresher(name: str) -> None:
        barrier.wait()
        with store.unit_of_work() as uow:
            results[name] = uow.connections.save(
                "xero", {**TOKENS, "refresh_token": name}, expected_version=version
            )
            uow.commit()

    threads = [threading.Thread(target=refresher, args=(name,)) for name in ("rt-a", "rt-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results.values()) == [False, True]
    winner = next(name for name, won in results.items() if won)
    with store.unit_of_work() as uow:
        stored = uow.connections.get("xero")
    assert stored is not None and stored.tokens["refresh_token"] == winner and stored.version == version + 1


def test_a_different_key_cannot_read_stored_tokens_and_says_which_setting(
    store: Store, database_url: str
) -> None:
    with store.unit_of_work() as uow:
        uow.connections.save("xero", TOKENS, expected_version=None)
        uow.commit()
    other = Store.open(database_url, TokenCipher([generate_key()]))
    try:
        with other.unit_of_work() as uow, pytest.raises(SecretError, match="XEROBOT_SECRET_KEY"):
            uow.connections.get("xero")
    finally:
        other.close()


def test_a_rotated_key_list_still_reads_tokens_saved_with_the_old_key(database_url: str) -> None:
    old, new = generate_key(), generate_key()
    first = Store.open(database_url, TokenCipher([old]), upgrade_schema=True)
    with first.unit_of_work() as uow:
        uow.connections.save("xero", TOKENS, expected_version=None)
        uow.commit()
    first.close()
    rotated = Store.open(database_url, TokenCipher([new, old]))
    try:
        with rotated.unit_of_work() as uow:
            assert uow.connections.get("xero").tokens == TOKENS  # type: ignore[union-attr]
    finally:
        rotated.close()
