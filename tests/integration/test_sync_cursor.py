"""The sync's cursor: where each kind's listing starts, and how far a run moves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from integration.domain import DocumentKind
from integration.store import Store
from integration.sync.cursor import OVERLAP, KindCursor, since, start

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


def test_a_run_stops_the_cursor_at_the_oldest_unfinished_document_so_it_is_listed_again(store: Store) -> None:
    cursor = KindCursor(KIND)
    cursor.saw(T0, finished=True)
    cursor.saw(T0 + timedelta(hours=1), finished=False)
    cursor.saw(T0 + timedelta(hours=2), finished=False)
    cursor.saw(T0 + timedelta(hours=3), finished=True)
    assert cursor.position() == T0 + timedelta(hours=1)
    cursor.save(store)
    assert since(store, KIND) == T0 + timedelta(hours=1) - OVERLAP


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
