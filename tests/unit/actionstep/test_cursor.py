"""The incremental-read cursor: per-kind marks, the overlap, and its string form for the ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from integration.actionstep.cursor import DEFAULT_OVERLAP, Cursor
from integration.domain import DocumentKind, MalformedDocument, SourceRef, TrustReceipt

T0 = datetime(2026, 7, 3, 0, 0, tzinfo=UTC)


def receipt(moment: datetime) -> TrustReceipt:
    return TrustReceipt(
        id="1", number="TR-1", date=date(2026, 7, 3), version="v", modified_at=moment, bank_account_id="1010",
        account_id="2200", amount=1,  # type: ignore[arg-type]
    )  # fmt: skip


def test_a_new_cursor_reads_everything_and_a_mark_reads_from_the_overlap_before_it() -> None:
    cursor = Cursor()
    assert cursor.since(DocumentKind.TRUST_RECEIPT) is None
    moved = cursor.advanced(receipt(T0))
    assert moved.since(DocumentKind.TRUST_RECEIPT) == T0 - DEFAULT_OVERLAP
    assert moved.since(DocumentKind.SALES_INVOICE) is None and cursor.marks == {}


def test_a_cursor_never_moves_backwards_and_moves_past_malformed_records_it_can_date() -> None:
    cursor = Cursor().advanced(receipt(T0)).advanced(receipt(T0 - timedelta(hours=1)))
    assert cursor.marks[DocumentKind.TRUST_RECEIPT] == T0
    bad = MalformedDocument(SourceRef(DocumentKind.SALES_INVOICE, "9"), None, "broken", T0)
    assert cursor.advanced(bad).marks[DocumentKind.SALES_INVOICE] == T0
    undated = MalformedDocument(SourceRef(DocumentKind.SALES_INVOICE, "9"), None, "broken")
    assert cursor.advanced(undated) is cursor


def test_the_cursor_round_trips_through_its_string() -> None:
    cursor = Cursor(overlap=timedelta(minutes=1)).advanced(receipt(T0))
    text = cursor.encode()
    assert text == '{"v":1,"marks":{"trust_receipt":"2026-07-03T00:00:00+00:00"}}'
    assert Cursor.decode(text, overlap=timedelta(minutes=1)) == cursor
    assert Cursor.decode(None) == Cursor.decode("") == Cursor()


@pytest.mark.parametrize(
    "text", ["nonsense", '{"v":2,"marks":{}}', '{"v":1,"marks":{"cheque":"2026-07-03"}}', "[]"]
)
def test_an_unreadable_cursor_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="cursor"):
        Cursor.decode(text)
