"""A month's close in the ledger, on SQLite and PostgreSQL: signed off once however many approvers click at once,
only for the reconciliation they saw and only when it was ready, and reopened by a later different one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from integration.domain import Period, SignOffState
from integration.store import Store

JULY = Period(2026, 7)
AT = datetime(2026, 8, 3, 7, 0, tzinfo=UTC)


def record(store: Store, fingerprint: str, *, ready: bool = True) -> bool:
    with store.unit_of_work() as uow:
        _, reopened = uow.closes.record(
            JULY, fingerprint, agrees=ready, ready=ready, at=AT, because="it differs"
        )
        uow.commit()
    return reopened


def sign(store: Store, fingerprint: str, user: str) -> bool:
    with store.unit_of_work() as uow:
        done = uow.closes.sign_off(JULY, fingerprint, user, AT)
        uow.commit()
    return done


def test_ten_approvers_clicking_at_once_sign_the_month_off_once(store: Store) -> None:
    record(store, "a" * 64)
    with ThreadPoolExecutor(10) as pool:
        done = list(pool.map(lambda n: sign(store, "a" * 64, f"U{n}"), range(10)))
    assert done.count(True) == 1
    with store.unit_of_work() as uow:
        close = uow.closes.get(JULY)
    assert close is not None and close.state is SignOffState.SIGNED_OFF
    assert close.signed_off_by == f"U{done.index(True)}"


def test_a_sign_off_for_a_reconciliation_that_is_no_longer_the_latest_or_not_ready_is_refused(
    store: Store,
) -> None:
    record(store, "a" * 64, ready=False)
    assert not sign(store, "a" * 64, "U1")
    record(store, "b" * 64)
    assert not sign(store, "a" * 64, "U1")
    assert sign(store, "b" * 64, "U1")


def test_a_later_different_reconciliation_reopens_a_signed_off_month_and_the_same_one_does_not(
    store: Store,
) -> None:
    record(store, "a" * 64)
    assert sign(store, "a" * 64, "U1")
    assert not record(store, "a" * 64)
    assert record(store, "c" * 64)
    with store.unit_of_work() as uow:
        close = uow.closes.get(JULY)
    assert close is not None and close.state is SignOffState.REOPENED
    assert close.reopened_because == "it differs" and close.signed_off_by == "U1"
    assert not record(store, "d" * 64)  # reopened once; signing the new one off closes it again
    assert sign(store, "d" * 64, "U2")
