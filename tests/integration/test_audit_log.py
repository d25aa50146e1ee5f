"""The audit log keeps every event, but never lets outside text make a row as large as the text."""

from __future__ import annotations

import json

from sqlalchemy import text as text_sql

from integration.store import Store
from integration.store.audit import DETAIL_LIMIT


def stored_details(store: Store) -> list[dict[str, object] | None]:
    with store.unit_of_work() as uow:
        return [e.detail for e in reversed(uow.audit.recent(10))]


def test_a_ten_megabyte_command_text_is_stored_cut_to_the_limit_with_a_marker(store: Store) -> None:
    text = "sync " + "x" * (10 * 1024 * 1024)
    with store.unit_of_work() as uow:
        uow.audit.record("UBOOK", "slack.command", "help", detail={"text": text})
        uow.commit()
    (detail,) = stored_details(store)
    assert detail is not None
    assert len(json.dumps(detail, ensure_ascii=False).encode()) <= DETAIL_LIMIT
    assert str(detail["text"]).startswith("sync xxx")
    assert str(detail["text"]).endswith(f"… [cut: {len(text)} characters in all]")
    assert str(detail["truncated"]).startswith(f"cut to at most {DETAIL_LIMIT} bytes from ")
    with store.engine.connect() as connection:
        widest = connection.scalar(text_sql("SELECT max(length(CAST(detail AS TEXT))) FROM audit_events"))
    assert widest is not None and widest <= DETAIL_LIMIT


def test_a_detail_within_the_limit_is_stored_exactly_as_given(store: Store) -> None:
    detail = {"text": "unlink INV-1010", "reason": "é" * 100, "count": 3, "nested": {"list": [1, "two"]}}
    with store.unit_of_work() as uow:
        uow.audit.record("UBOOK", "slack.command", "unlink", detail=detail)
        uow.audit.record("UBOOK", "slack.command", "unlink")
        uow.commit()
    assert stored_details(store) == [detail, None]


def test_a_detail_of_thousands_of_small_values_is_replaced_by_its_start_and_a_marker(store: Store) -> None:
    detail = {f"key{i}": i for i in range(5000)}
    with store.unit_of_work() as uow:
        uow.audit.record("UBOOK", "slack.submit", None, detail=detail)
        uow.commit()
    (kept,) = stored_details(store)
    assert kept is not None and set(kept) == {"truncated", "start"}
    assert str(kept["start"]).startswith('{"key0": 0, "key1": 1') and str(kept["start"]).endswith("…")
    assert len(json.dumps(kept, ensure_ascii=False).encode()) <= DETAIL_LIMIT
