"""The sync's cursor: where each kind's listing starts, and how far a run moves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from integration.actionstep.resources import SOURCES
from integration.domain import DocumentKind, ItemResult, MappingKind, Outcome, SourceRef, SyncReport
from integration.store import Store
from integration.sync.cursor import OVERLAP, KindCursor, _ref, pending, since, start
from sandboxes.actionstep.demo import DEMO_PROBLEMS
from sandboxes.server import Sandboxes
from tests.support.engine import demo_service

T0 = datetime(2026, 7, 3, 0, 0, tzinfo=UTC)
KIND = DocumentKind.TRUST_RECEIPT


def test_a_kind_never_listed_is_read_from_the_beginning_and_a_saved_one_from_the_overlap_before_it(
    store: Store,
) -> None:
    assert since(store, KIND) is None
    cursor = KindCursor(KIND)
    cursor.saw(T0, finished=True)
    cursor.save(store)
    assert since(store, KIND) == T0 - OVERLAP == start(T0)
    assert since(store, DocumentKind.SALES_INVOICE) is None


def test_the_cursor_never_passes_the_second_in_which_its_listing_began() -> None:
    cursor = KindCursor(KIND, began=T0 + timedelta(seconds=5, microseconds=700_000))
    cursor.saw(T0 + timedelta(seconds=9), finished=True)  # a change stamped after the listing began
    assert cursor.position() == T0 + timedelta(seconds=5)
    earlier = KindCursor(KIND, began=T0 + timedelta(seconds=5))
    earlier.saw(T0 + timedelta(seconds=2), finished=True)
    assert earlier.position() == T0 + timedelta(seconds=2)


def test_the_cursor_moves_past_a_blocked_document_which_is_kept_pending(store: Store) -> None:
    blocked = ItemResult(
        SourceRef(KIND, "7"), "TR-7", Outcome.BLOCKED, Decimal("10.00"), error_code="xero.lock_date"
    )
    cursor = KindCursor(KIND)
    cursor.saw(T0, finished=True)
    cursor.saw(T0 + timedelta(hours=1), False, blocked)
    cursor.saw(T0 + timedelta(hours=3), finished=True)
    assert cursor.position() == T0 + timedelta(hours=3)
    cursor.save(store)
    assert since(store, KIND) == T0 + timedelta(hours=3) - OVERLAP
    assert pending(store, KIND) == ["7"]

    later = KindCursor(KIND, pending(store, KIND))
    assert [_ref(i) for i in later.read([], lambda ids: [])] == []
    later.save(store)
    assert pending(store, KIND) == []


def test_with_everything_finished_the_cursor_moves_to_the_newest_document_seen_in_any_order() -> None:
    cursor = KindCursor(KIND)
    for moment in (T0 + timedelta(minutes=5), T0, T0 + timedelta(minutes=2)):
        cursor.saw(moment, finished=True)
    assert cursor.position() == T0 + timedelta(minutes=5)


def test_a_run_that_lists_nothing_leaves_the_cursor_where_it_was(store: Store) -> None:
    first = KindCursor(KIND)
    first.saw(T0, finished=True)
    first.save(store)
    KindCursor(KIND).save(store)
    assert since(store, KIND) == T0 - OVERLAP


def _item(report: SyncReport, number: str) -> ItemResult:
    return next(i for i in report.items if i.number == number)


def _by_id_reads(sandboxes: Sandboxes, kind: DocumentKind, record_id: str) -> int:
    prefix = f"/api/rest/{SOURCES[kind].resource}/"
    paths = [r.path for r in sandboxes.actionstep.requests if prefix in r.path]
    return sum(1 for path in paths if record_id in path.split(prefix)[1].split(","))


def test_a_blocked_document_is_read_again_by_id_and_posts_once_its_mapping_is_fixed(store: Store) -> None:
    service, sandboxes = demo_service(store)
    number = DEMO_PROBLEMS["unmapped_account"]
    kind = DocumentKind.SUPPLIER_INVOICE
    first = _item(service.sync("test", "U1").report, number)
    assert (first.outcome, first.error_code) == (Outcome.BLOCKED, "mapping.unmapped_account")
    assert first.source.id in pending(store, kind)
    record = sandboxes.actionstep.get(SOURCES[kind].resource, first.source.id)
    assert record is not None
    starts = since(store, kind)
    assert starts is not None and starts > datetime.fromisoformat(record["modifiedTimestamp"])

    again = service.sync("test", "U1").report
    assert _item(again, number).outcome is Outcome.BLOCKED
    assert "mapping.unmapped_account" in {p.code for p in again.problems}
    assert _by_id_reads(sandboxes, kind, first.source.id) == 1

    assert "mapping.unmapped_account" in {p.code for p in service.check()}

    service.set_mapping(MappingKind.ACCOUNT, "5040", "429", actor="U1")
    assert _item(service.preview("test", "U1"), number).outcome is Outcome.WOULD_POST
    assert first.source.id in pending(store, kind)
    posted = _item(service.sync("test", "U1").report, number)
    assert posted.outcome is Outcome.POSTED
    assert first.source.id not in pending(store, kind)
    assert number not in {i.number for i in service.sync("test", "U1").report.items}


def test_a_pending_document_leaves_the_set_when_it_disappears_or_is_no_longer_approved(store: Store) -> None:
    service, sandboxes = demo_service(store)
    report = service.sync("test", "U1").report
    locked = _item(report, DEMO_PROBLEMS["inside_lock_date"])
    archived = _item(report, DEMO_PROBLEMS["archived_xero_account"])
    assert locked.outcome is archived.outcome is Outcome.BLOCKED
    assert locked.source.id in pending(store, locked.source.kind)
    assert archived.source.id in pending(store, archived.source.kind)

    sandboxes.actionstep.delete(SOURCES[locked.source.kind].resource, locked.source.id)
    sandboxes.actionstep.update(SOURCES[archived.source.kind].resource, archived.source.id, status="Draft")
    numbers = {i.number for i in service.sync("test", "U1").report.items}

    assert locked.number not in numbers and archived.number not in numbers
    assert locked.source.id not in pending(store, locked.source.kind)
    assert archived.source.id not in pending(store, archived.source.kind)
