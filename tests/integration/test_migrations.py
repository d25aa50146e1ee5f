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


def test_a_post_anyway_kept_as_an_audit_event_before_0006_becomes_a_payment_decision(
    database_url: str, cipher: TokenCipher
) -> None:
    from sqlalchemy import text

    from integration.domain import DocumentKind, PaymentDecisionKind, SourceRef
    from integration.store.database import upgrade

    engine = make_engine(database_url)
    upgrade(engine, "0005")
    with engine.begin() as connection:
        for payment in ("PAY-A", "PAY-A"):  # clicked twice: one decision
            connection.execute(
                text(
                    "INSERT INTO audit_events (at, actor, action, target, allowed, detail) VALUES "
                    "(:at, 'UBOOK', 'payment.post_anyway', 'document:payment_received:rc-1', :yes, :detail)"
                ),
                {"at": "2026-11-02 09:00:00+00:00", "yes": True,
                 "detail": f'{{"xero_payment": "{payment}", "alert": 4}}'},
            )  # fmt: skip
    upgrade(engine)
    engine.dispose()
    store = Store.open(database_url, cipher)
    try:
        with store.unit_of_work() as uow:
            decisions = uow.payment_decisions.of_kind(PaymentDecisionKind.POST_ANYWAY, ["pay-a"])
        (decision,) = decisions.values()
        assert decision.source == SourceRef(DocumentKind.PAYMENT_RECEIVED, "rc-1")
        assert decision.decided_by == "UBOOK" and decision.alert_id == 4
    finally:
        store.close()
