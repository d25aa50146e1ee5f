"""The ledger on SQLite and PostgreSQL: the guarantees the engine relies on hold in the database itself."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from integration.domain import (
    DocumentKind,
    ItemResult,
    Link,
    LinkState,
    Mapping,
    MappingKind,
    Outcome,
    PostingState,
    RunStatus,
    SourceRef,
)
from integration.errors import AlreadyLinked
from integration.store import Store

INVOICE = SourceRef(DocumentKind.SALES_INVOICE, "1001")


def a_link(source: SourceRef = INVOICE, xero_id: str = "x-1", total: str = "110.00") -> Link:
    return Link(
        source=source,
        source_version="v1",
        source_number=f"INV-{source.id}",
        xero_id=xero_id,
        xero_number=f"INV-{source.id}",
        xero_type="ACCREC",
        total=Decimal(total),
        linked_by="run:1",
    )


def test_a_second_active_link_for_the_same_document_is_rejected(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.links.add(a_link())
        uow.commit()
    with store.unit_of_work() as uow:
        with pytest.raises(AlreadyLinked, match="INV-1001 is already linked"):
            uow.links.add(a_link(xero_id="x-2"))
        uow.commit()
    with store.unit_of_work() as uow:
        assert [link.xero_id for link in uow.links.history(INVOICE)] == ["x-1"]


def test_one_xero_document_cannot_be_linked_to_two_source_documents(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.links.add(a_link())
        with pytest.raises(AlreadyLinked):
            uow.links.add(a_link(source=SourceRef(DocumentKind.SALES_INVOICE, "1002"), xero_id="x-1"))


def test_a_batch_of_links_is_added_at_once_and_one_already_linked_is_named_while_the_others_are_added(
    store: Store,
) -> None:
    others = [SourceRef(DocumentKind.SALES_INVOICE, str(n)) for n in (1002, 1003)]
    with store.unit_of_work() as uow:
        uow.links.add(a_link())
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.links.add_many([a_link(others[0], "x-2"), a_link(others[1], "x-3")]) == set()
        refused = uow.links.add_many(
            [a_link(SourceRef(DocumentKind.SALES_INVOICE, "1004"), "x-4"), a_link(xero_id="x-5")]
        )
        uow.commit()
    assert refused == {INVOICE}
    with store.unit_of_work() as uow:
        linked = uow.links.active_for([INVOICE, *others, SourceRef(DocumentKind.SALES_INVOICE, "1004")])
    assert {ref.id: link.xero_id for ref, link in linked.items()} == {
        "1001": "x-1",
        "1002": "x-2",
        "1003": "x-3",
        "1004": "x-4",
    }


def test_an_unlinked_document_can_be_linked_again_and_keeps_its_history(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.links.add(a_link())
        uow.commit()
    with store.unit_of_work() as uow:
        old = uow.links.unlink(INVOICE, by="U123", voided_in_xero=False)
        assert old is not None and old.state is LinkState.UNLINKED and old.unlinked_by == "U123"
        assert uow.links.unlink(INVOICE, by="U123", voided_in_xero=False) is None
        uow.links.add(a_link(xero_id="x-2"))
        uow.commit()
    with store.unit_of_work() as uow:
        history = uow.links.history(INVOICE)
        assert [(link.xero_id, link.state) for link in history] == [
            ("x-1", LinkState.UNLINKED),
            ("x-2", LinkState.LINKED),
        ]
        active = uow.links.active(INVOICE)
        assert active is not None and active.xero_id == "x-2"
        assert [link.xero_id for link in uow.links.by_number("inv-1001")] == ["x-2", "x-1"]


def test_a_unit_of_work_that_raises_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        uow.links.add(a_link())
        uow.audit.record("U1", "sync")
        raise RuntimeError("boom")
    with store.unit_of_work() as uow:
        assert uow.links.active(INVOICE) is None
        assert uow.audit.recent() == []


def test_a_unit_of_work_left_without_commit_is_rolled_back(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.cursors.set("bills", "2026-01-01T00:00:00Z")
    with store.unit_of_work() as uow:
        assert uow.cursors.get("bills") is None


def test_concurrent_writers_never_create_two_active_links(store: Store) -> None:
    winners: list[str] = []
    losers: list[str] = []
    barrier = threading.Barrier(8)

    def writer(n: int) -> None:
        barrier.wait()
        with store.unit_of_work() as uow:
            try:
                uow.links.add(a_link(xero_id=f"x-{n}"))
                uow.commit()
                winners.append(f"x-{n}")
            except AlreadyLinked:
                losers.append(f"x-{n}")
            except Exception as error:  # the loser may also fail at commit on PostgreSQL
                if "unique" not in str(error).lower() and "duplicate" not in str(error).lower():
                    raise
                losers.append(f"x-{n}")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(winners) == 1 and len(losers) == 7
    with store.unit_of_work() as uow:
        assert [link.xero_id for link in uow.links.history(INVOICE)] == winners


def test_money_is_stored_and_read_back_exactly(store: Store) -> None:
    amounts = [Decimal("0.10"), Decimal("0.20"), Decimal("123456789012345.6789"), Decimal("-0.01")]
    with store.unit_of_work() as uow:
        for n, amount in enumerate(amounts):
            uow.links.add(a_link(SourceRef(DocumentKind.SALES_INVOICE, str(n)), f"x-{n}", str(amount)))
        uow.commit()
    with store.unit_of_work() as uow:
        found = uow.links.active_for(SourceRef(DocumentKind.SALES_INVOICE, str(n)) for n in range(4))
        assert [found[SourceRef(DocumentKind.SALES_INVOICE, str(n))].total for n in range(4)] == amounts
        assert sum(link.total for link in found.values()) == sum(amounts)


def test_times_come_back_as_aware_utc_and_naive_times_are_refused(store: Store) -> None:
    sydney = datetime(2026, 4, 5, 10, 30, tzinfo=ZoneInfo("Australia/Sydney"))
    with store.unit_of_work() as uow:
        uow.links.add(_with_linked_at(sydney))
        uow.commit()
    with store.unit_of_work() as uow:
        link = uow.links.active(INVOICE)
        assert link is not None and link.linked_at == sydney and link.linked_at.tzinfo is UTC
    with store.unit_of_work() as uow, pytest.raises(Exception, match="naive datetime"):
        uow.runs.start("manual", "U1", at=datetime(2026, 1, 1))  # noqa: DTZ001
        uow.session.flush()


def _with_linked_at(when: datetime) -> Link:
    base = a_link()
    return Link(
        source=base.source,
        source_version=base.source_version,
        source_number=base.source_number,
        xero_id=base.xero_id,
        xero_number=base.xero_number,
        xero_type=base.xero_type,
        total=base.total,
        linked_at=when,
    )


def test_the_outbox_keeps_one_row_per_document_version(store: Store) -> None:
    entry = (INVOICE, "v1", "INV-1001", "key-v1")
    with store.unit_of_work() as uow:
        first = uow.outbox.ensure_many([entry])[INVOICE]
        uow.outbox.mark_sent_many([first.idempotency_key])
        uow.commit()
    with store.unit_of_work() as uow:
        again = uow.outbox.ensure_many([(INVOICE, "v1", "INV-1001", "another-key")])[INVOICE]
        assert (again.idempotency_key, again.state, again.attempts) == ("key-v1", PostingState.SENT, 1)
        uow.outbox.settle_many({"key-v1": "x-1"}, {})
        uow.commit()
    with store.unit_of_work() as uow:
        posting = uow.outbox.ensure_many([entry])[INVOICE]
        assert (posting.state, posting.xero_id) == (PostingState.SUCCEEDED, "x-1")
        newer = uow.outbox.ensure_many([(INVOICE, "v2", "INV-1001", "key-v2")])[INVOICE]
        assert (newer.idempotency_key, newer.state) == ("key-v2", PostingState.PENDING)


def test_a_failed_posting_keeps_its_code_and_reason(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.outbox.ensure_many([(INVOICE, "v1", "INV-1001", "key-v1")])
        uow.outbox.settle_many({}, {"key-v1": ("xero.lock_date", "Inside the lock date.")})
        uow.commit()
    with store.unit_of_work() as uow:
        posting = uow.outbox.ensure_many([(INVOICE, "v1", "INV-1001", "key-v1")])[INVOICE]
    assert (posting.state, posting.error_code, posting.error) == (
        PostingState.FAILED,
        "xero.lock_date",
        "Inside the lock date.",
    )


def test_a_lease_is_held_by_one_holder_until_released_or_expired(store: Store) -> None:
    now = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    with store.unit_of_work() as uow:
        assert uow.leases.acquire("sync", "alice", timedelta(minutes=5), detail="/xero sync", now=now)
        assert not uow.leases.acquire("sync", "bob", timedelta(minutes=5), now=now + timedelta(minutes=1))
        holder = uow.leases.current("sync", now=now)
        assert holder is not None and holder.holder == "alice" and holder.detail == "/xero sync"
        assert uow.leases.acquire("sync", "bob", timedelta(minutes=5), now=now + timedelta(minutes=6))
        uow.leases.release("sync", "bob")
        assert uow.leases.current("sync", now=now) is None
        uow.commit()


def test_each_scheduled_slot_is_claimed_once_across_concurrent_claimants(store: Store) -> None:
    slot = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    claimed: list[int] = []
    barrier = threading.Barrier(5)

    def claimant(n: int) -> None:
        barrier.wait()
        with store.unit_of_work() as uow:
            if uow.leases.claim_slot("daily-summary", slot):
                claimed.append(n)
            uow.commit()

    threads = [threading.Thread(target=claimant, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(claimed) == 1
    with store.unit_of_work() as uow:
        assert uow.leases.slot_state("daily-summary")[0] == slot
        assert not uow.leases.claim_slot("daily-summary", slot)
        assert uow.leases.claim_slot("daily-summary", slot + timedelta(days=1))


def test_runs_record_each_documents_outcome(store: Store) -> None:
    with store.unit_of_work() as uow:
        run_id = uow.runs.start("slash", "U1")
        uow.runs.record(
            run_id,
            [
                ItemResult(INVOICE, "INV-1001", Outcome.POSTED, Decimal("110.00"), Decimal("10.00"), "x-1"),
                ItemResult(
                    SourceRef(DocumentKind.BANK_DEPOSIT, "7"),
                    "DEP-7",
                    Outcome.SKIPPED_BY_DESIGN,
                    Decimal("5.00"),
                ),
            ],
        )
        uow.runs.finish(run_id, status=RunStatus.OK, api_calls=4, summary={"posted": 1})
        uow.commit()
    with store.unit_of_work() as uow:
        last = uow.runs.last()
        assert last is not None and last.id == run_id and last.status is RunStatus.OK and last.api_calls == 4
        assert [item.outcome for item in uow.runs.items_since(datetime(2000, 1, 1, tzinfo=UTC))] == [
            Outcome.POSTED,
            Outcome.SKIPPED_BY_DESIGN,
        ]
        posted = uow.runs.items_since(datetime(2000, 1, 1, tzinfo=UTC), [Outcome.POSTED])
        assert [(item.number, item.total) for item in posted] == [("INV-1001", Decimal("110.00"))]


def test_many_mappings_are_set_at_once_replacing_existing_ones_and_keeping_their_names(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.mappings.set(Mapping(MappingKind.ACCOUNT, "4000", "200", "Fees income", "U1"))
        uow.commit()
    with store.unit_of_work() as uow:
        uow.mappings.set_many(
            [Mapping(MappingKind.ACCOUNT, "4000", "201", None, "U2")]
            + [Mapping(MappingKind.ACCOUNT, f"9{n:03}", "429", None, "U2") for n in range(600)]
        )
        uow.commit()
    with store.unit_of_work() as uow:
        mappings = uow.mappings.all()
        fees = uow.mappings.get(MappingKind.ACCOUNT, "4000")
    assert len(mappings) == 601
    assert fees is not None and (fees.xero_account, fees.source_name, fees.updated_by) == (
        "201",
        "Fees income",
        "U2",
    )


def test_mappings_are_set_replaced_listed_and_removed(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.mappings.set(Mapping(MappingKind.ACCOUNT, "4000", "200", "Fees income", "U1"))
        uow.mappings.set(Mapping(MappingKind.ACCOUNT, "4000", "201", None, "U2"))
        uow.mappings.set(Mapping(MappingKind.TIMEKEEPER, "tk-1", "205"))
        uow.commit()
    with store.unit_of_work() as uow:
        mapping = uow.mappings.get(MappingKind.ACCOUNT, "4000")
        assert mapping is not None and (mapping.xero_account, mapping.source_name, mapping.updated_by) == (
            "201",
            "Fees income",
            "U2",
        )
        assert [(m.kind, m.source_id) for m in uow.mappings.all()] == [
            (MappingKind.ACCOUNT, "4000"),
            (MappingKind.TIMEKEEPER, "tk-1"),
        ]
        assert uow.mappings.remove(MappingKind.TIMEKEEPER, "tk-1")
        assert not uow.mappings.remove(MappingKind.TIMEKEEPER, "tk-1")
