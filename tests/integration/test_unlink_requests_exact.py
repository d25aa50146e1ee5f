"""Asking to unlink, on SQLite and PostgreSQL: numbers are matched exactly (case aside), never as patterns, and a
document has one request waiting for confirmation at a time, however many people ask at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from integration.app import Service
from integration.clock import VirtualClock
from integration.domain import RunStatus, UnlinkRequest, UnlinkState
from integration.errors import UnlinkPending, XerobotError
from integration.store import Store
from sandboxes.server import Sandboxes
from tests.support.engine import demo_service

BOOKKEEPER, APPROVER, SECOND = "UBOOK", "UAPPROVE", "USECOND"


@pytest.fixture
def firm(store: Store) -> Iterator[tuple[Service, Sandboxes]]:
    """The demo firm, synced once (INV-1001 … INV-1010 are linked)."""
    service, sandboxes = demo_service(store)
    assert service.sync("test", BOOKKEEPER).report.status is RunStatus.OK
    yield service, sandboxes
    service.close()


PATTERNS = ["%1010", "_NV-1010", "INV-101_", "%", "_%", "INV%", "%-%", "INV-1010%", "INV\\-1010"]


def test_pattern_characters_match_only_themselves_and_plan_nothing(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, _ = firm
    for typed in PATTERNS:
        with pytest.raises(XerobotError) as unknown:
            service.unlinks.plan(typed)
        assert unknown.value.code == "unlink.unknown_number", typed
        assert str(unknown.value).startswith(f"Nothing was posted to Xero as {typed}."), typed
        with store.unit_of_work() as uow:
            assert uow.links.by_number(typed) == [], typed


def test_a_number_in_another_case_is_the_same_number_and_a_near_miss_gets_suggestions(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, _ = firm
    assert service.unlinks.plan("inv-1010").link.source_number == "INV-1010"
    assert service.unlinks.plan("  Inv-1010 ").link.source_number == "INV-1010"
    with pytest.raises(XerobotError) as unknown:
        service.unlinks.plan("INV-101")
    assert "Did you mean INV-1010 or INV-1001 or INV-1009?" in str(unknown.value)


def test_a_second_request_for_a_waiting_document_is_answered_with_the_waiting_one(
    firm: tuple[Service, Sandboxes], store: Store
) -> None:
    service, _ = firm
    first = service.unlinks.request("INV-1001", BOOKKEEPER)
    with pytest.raises(UnlinkPending) as pending:
        service.unlinks.request("inv-1001", SECOND)
    assert pending.value.request_id == first.id and pending.value.code == "unlink.pending"
    assert f"request {first.id}, asked by {BOOKKEEPER}" in str(pending.value)
    assert [r.id for r in service.unlinks.open()] == [first.id]
    with store.unit_of_work() as uow:
        assert len(uow.audit.recent(50, action="unlink.request")) == 1


def test_another_document_may_be_asked_for_while_one_waits(firm: tuple[Service, Sandboxes]) -> None:
    service, _ = firm
    service.unlinks.request("INV-1001", BOOKKEEPER)
    assert service.unlinks.request("INV-1002", BOOKKEEPER).state is UnlinkState.PENDING


@pytest.mark.parametrize("decide", ["cancel", "expire"])
def test_once_the_waiting_request_is_cancelled_or_expired_the_document_may_be_asked_for_again(
    firm: tuple[Service, Sandboxes], decide: str
) -> None:
    service, sandboxes = firm
    first = service.unlinks.request("INV-1001", BOOKKEEPER)
    if decide == "cancel":
        assert service.unlinks.cancel(first.id, BOOKKEEPER).changed
    else:
        assert isinstance(sandboxes.clock, VirtualClock)
        sandboxes.clock.advance(31 * 60)
    again = service.unlinks.request("INV-1001", SECOND)
    assert again.id != first.id and again.requested_by == SECOND
    with pytest.raises(UnlinkPending):
        service.unlinks.request("INV-1001", BOOKKEEPER)


def test_twenty_people_asking_at_once_make_one_request(firm: tuple[Service, Sandboxes], store: Store) -> None:
    service, _ = firm
    barrier = threading.Barrier(20)

    def ask(i: int) -> UnlinkRequest | int:
        barrier.wait()
        try:
            return service.unlinks.request("INV-1002", f"U{i}")
        except UnlinkPending as pending:
            return pending.request_id

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(ask, range(20)))
    made = [a for a in answers if isinstance(a, UnlinkRequest)]
    assert len(made) == 1
    assert all(a == made[0].id for a in answers if isinstance(a, int))
    with store.unit_of_work() as uow:
        assert len(uow.audit.recent(50, action="unlink.request")) == 1
