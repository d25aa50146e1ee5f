"""The backlog generator: deterministic, fast, lean, and a realistic mix that the client reads back exactly."""

from __future__ import annotations

import hashlib
import json
import tracemalloc
from collections import Counter
from datetime import timedelta
from decimal import Decimal

from integration.clock import VirtualClock
from integration.domain import Document, DocumentKind, LinedDocument, SalesInvoice, to_cents
from sandboxes.actionstep.emulator import ActionstepSandbox
from sandboxes.backlog import START, make_backlog
from tests.support.actionstep import connected_client, every_document


def digest(n: int, seed: int) -> str:
    hashing = hashlib.sha256()
    for resource, record in make_backlog(n, seed):
        hashing.update(resource.encode() + json.dumps(record, default=str, sort_keys=True).encode())
    return hashing.hexdigest()


def test_the_same_seed_gives_the_same_firm_and_another_seed_another() -> None:
    assert digest(300, 7) == digest(300, 7)
    assert digest(300, 7) != digest(300, 8)


def approvals(pace: float) -> list[tuple[str, timedelta]]:
    """Each bill's number and when it was approved, after the backlog's start."""
    return [
        (r["ourReference"], r["modifiedTimestamp"] - START)
        for resource, r in make_backlog(500, 2, pace=pace)
        if resource == "bills"
    ]


def test_a_busier_pace_makes_the_same_documents_with_the_time_between_them_scaled() -> None:
    usual, busier = approvals(1.0), approvals(0.5)
    assert [number for number, _ in busier] == [number for number, _ in usual]
    assert [after for _, after in busier] == [after / 2 for _, after in usual]
    assert usual[-1][1] > timedelta(hours=12)


def test_ten_thousand_documents_are_generated_as_a_stream_not_a_list() -> None:
    # Speed is measured in bench/ (bench_actionstep), not asserted here.
    tracemalloc.start()
    try:
        records = sum(1 for _ in make_backlog(10_000, 1))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert records > 20_000  # documents with their lines, allocations and the firm around them
    assert peak < 2_000_000  # bytes: a stream, not a list


def test_the_client_reads_back_exactly_n_well_formed_documents_in_a_realistic_mix() -> None:
    clock = VirtualClock()
    sandbox = ActionstepSandbox(clock=clock)
    sandbox.load(make_backlog(2_000, 3))
    client, _ = connected_client(sandbox, clock)
    items = list(every_document(client))
    assert len(items) == 2_000 and all(isinstance(item, Document) for item in items)
    kinds = Counter(item.kind for item in items)
    assert set(kinds) == set(DocumentKind)
    assert (
        kinds[DocumentKind.SALES_INVOICE]
        > kinds[DocumentKind.SUPPLIER_INVOICE]
        > kinds[DocumentKind.GENERAL_JOURNAL]
    )
    assert sandbox.count("bills") > kinds[DocumentKind.SALES_INVOICE]  # drafts and deleted bills left out
    invoices = [item for item in items if isinstance(item, SalesInvoice)]
    keepers = Counter(
        line.timekeeper_id for invoice in invoices for line in invoice.lines if line.timekeeper_id
    )
    assert set(keepers) == {"tk-1", "tk-2", "tk-3", "tk-4"}
    lines = [line for item in items if isinstance(item, LinedDocument) for line in item.lines]
    assert {line.tax_code for line in lines} == {"GST", "FRE"}
    for line in lines:
        assert line.tax == to_cents(line.amount * (Decimal("0.1") if line.tax_code == "GST" else 0))
    assert len({item.modified_at for item in items}) < len(items)  # batches approved in the same second


def test_a_backlog_loads_on_top_of_the_demo_firm_without_clashing() -> None:
    clock = VirtualClock()
    sandbox = ActionstepSandbox.demo(clock=clock)
    demo = len(list(every_document(connected_client(sandbox, clock)[0])))
    sandbox.load(make_backlog(500, 5))
    client, _ = connected_client(sandbox, clock)
    items = list(every_document(client))
    assert len(items) == demo + 500
    assert len({(item.kind, item.number) for item in items}) == len(items)
