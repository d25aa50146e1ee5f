"""Upgrading a ledger that holds unlink requests: those still waiting name their document, so the rule of one
waiting request per document holds from the first request after the upgrade; the downgrade gives the column back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import JSON, Integer, String, column, insert, select, table
from sqlalchemy.exc import IntegrityError

from integration.store.database import alembic_config, make_engine, upgrade
from integration.store.types import UTCDateTime, utcnow

REQUESTS = table(
    "unlink_requests",
    column("id", Integer), column("number", String), column("plan", JSON), column("state", String),
    column("requested_by", String), column("created_at", UTCDateTime()), column("expires_at", UTCDateTime()),
    column("version", Integer),
)  # fmt: skip


def request(request_id: int, source: str, state: str, expires_in: timedelta) -> dict[str, object]:
    now = utcnow()
    return {
        "id": request_id, "number": "INV-1", "plan": {"number": "INV-1", "link": {"source": source}}, "state": state,
        "requested_by": "UBOOK", "created_at": now, "expires_at": now + expires_in, "version": 1,
    }  # fmt: skip


def test_waiting_requests_name_their_document_and_only_the_newest_of_two_keeps_it(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine, "0007")
        soon, gone = timedelta(minutes=20), timedelta(minutes=-5)
        with engine.begin() as connection:
            connection.execute(
                insert(REQUESTS),
                [
                    request(1, "sales_invoice:1", "pending", soon),
                    request(
                        2, "sales_invoice:1", "pending", soon
                    ),  # two for one document, from before the rule
                    request(3, "sales_invoice:2", "pending", gone),  # expired
                    request(4, "sales_invoice:3", "cancelled", soon),
                    request(5, "credit_note:4", "pending", soon),
                ],
            )
        upgrade(engine, "0008")
        pending = table("unlink_requests", column("id", Integer), column("pending_document", String))
        with engine.connect() as connection:
            marked = dict(connection.execute(select(pending.c.id, pending.c.pending_document)).all())
        assert marked == {1: None, 2: "sales_invoice:1", 3: None, 4: None, 5: "credit_note:4"}
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(insert(REQUESTS).values(request(6, "credit_note:4", "pending", soon)))
            connection.execute(
                pending.update().where(pending.c.id == 6).values(pending_document="credit_note:4")
            )
        config = alembic_config(database_url)  # the downgrade drops the key and the column cleanly
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0007")
        with engine.connect() as connection:
            assert sorted(connection.execute(select(REQUESTS.c.id)).scalars()) == [1, 2, 3, 4, 5]
    finally:
        engine.dispose()
