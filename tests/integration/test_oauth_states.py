"""The connect flow's one-use secrets in the ledger: a state is used once (of concurrent callbacks one wins), only
by the browser it was issued to, only for its purpose and service, and not after it expires; a switch of
organisation is confirmed once and used once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from integration.store import Store
from integration.store.oauth_states import OAuthGrant, Purpose, Refusal

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=10)


def issue(
    store: Store, purpose: Purpose, token: str, *, browser: str | None = None, remote: str = "xero"
) -> None:
    with store.unit_of_work() as uow:
        uow.oauth_states.issue(
            purpose, token, remote=remote, started_by="UAPPROVER", expires_at=LATER, browser=browser,
            secret={"verifier": "v" * 43} if purpose is Purpose.STATE else None,
        )  # fmt: skip
        uow.commit()


def consume(
    store: Store, purpose: Purpose, token: str, *, browser: str | None = None, now: datetime = NOW
) -> OAuthGrant | Refusal:
    with store.unit_of_work() as uow:
        grant = uow.oauth_states.consume(purpose, token, remote="xero", now=now, browser=browser)
        if grant is None:
            return uow.oauth_states.refusal(purpose, token, remote="xero", now=now, browser=browser)
        uow.commit()
    return grant


def test_a_state_is_used_once_by_the_browser_it_was_issued_to(store: Store) -> None:
    issue(store, Purpose.STATE, "state-1", browser="cookie-1")
    grant = consume(store, Purpose.STATE, "state-1", browser="cookie-1")
    assert isinstance(grant, OAuthGrant)
    assert grant.started_by == "UAPPROVER" and grant.secret == {"verifier": "v" * 43}
    assert consume(store, Purpose.STATE, "state-1", browser="cookie-1") is Refusal.USED


def test_a_state_brought_back_by_another_browser_is_refused_and_stays_usable(store: Store) -> None:
    issue(store, Purpose.STATE, "state-1", browser="cookie-1")
    assert consume(store, Purpose.STATE, "state-1", browser="cookie-2") is Refusal.OTHER_BROWSER
    assert consume(store, Purpose.STATE, "state-1", browser=None) is Refusal.OTHER_BROWSER
    assert isinstance(consume(store, Purpose.STATE, "state-1", browser="cookie-1"), OAuthGrant)


def test_a_ticket_is_never_a_state_and_a_state_never_a_ticket(store: Store) -> None:
    issue(store, Purpose.TICKET, "ticket-1")
    issue(store, Purpose.STATE, "state-1", browser="cookie-1")
    assert consume(store, Purpose.STATE, "ticket-1", browser="cookie-1") is Refusal.UNKNOWN
    assert consume(store, Purpose.TICKET, "state-1") is Refusal.UNKNOWN
    assert isinstance(consume(store, Purpose.TICKET, "ticket-1"), OAuthGrant)


def test_a_secret_for_the_other_service_or_past_its_expiry_is_refused(store: Store) -> None:
    issue(store, Purpose.TICKET, "ticket-1", remote="actionstep")
    assert consume(store, Purpose.TICKET, "ticket-1") is Refusal.OTHER_SERVICE
    issue(store, Purpose.TICKET, "ticket-2")
    assert consume(store, Purpose.TICKET, "ticket-2", now=LATER) is Refusal.EXPIRED


def test_the_ledger_keeps_no_secret_in_the_clear(store: Store) -> None:
    issue(store, Purpose.STATE, "state-secret-xyz", browser="cookie-secret-xyz")
    with store.engine.connect() as connection:
        row = connection.exec_driver_sql("SELECT * FROM oauth_states").one()
    shown = repr(tuple(row))
    assert "state-secret-xyz" not in shown and "cookie-secret-xyz" not in shown and "vvvv" not in shown


def test_of_concurrent_callbacks_with_one_state_exactly_one_succeeds(store: Store) -> None:
    issue(store, Purpose.STATE, "state-1", browser="cookie-1")
    start = threading.Barrier(8)
    results: list[object] = []
    lock = threading.Lock()

    def callback() -> None:
        start.wait(timeout=10)
        outcome = consume(store, Purpose.STATE, "state-1", browser="cookie-1")
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=callback) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 8
    assert sum(isinstance(r, OAuthGrant) for r in results) == 1
    assert [r for r in results if not isinstance(r, OAuthGrant)] == [Refusal.USED] * 7


def test_a_switch_is_asked_once_confirmed_once_and_used_once(store: Store) -> None:
    detail = {"from_name": "Old Books Ltd", "to_name": "New Books Ltd", "links": 3}
    with store.unit_of_work() as uow:
        asked = uow.oauth_states.ask_switch(
            "xero", started_by="UBOOK", to="tenant-new", expires_at=LATER, now=NOW, detail=detail
        )
        again = uow.oauth_states.ask_switch(
            "xero", started_by="UBOOK", to="tenant-new", expires_at=LATER, now=NOW, detail=detail
        )
        assert again.id == asked.id
        assert uow.oauth_states.take_switch("xero", "tenant-new", now=NOW) is None  # not confirmed yet
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.oauth_states.approve_switch(asked.id, "UAPPROVER", now=NOW)
        assert not uow.oauth_states.approve_switch(asked.id, "UOTHER", now=NOW)
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.oauth_states.take_switch("xero", "tenant-other", now=NOW) is None
        taken = uow.oauth_states.take_switch("xero", "tenant-new", now=NOW)
        assert taken is not None and taken.approved_by == "UAPPROVER" and taken.detail == detail
        assert uow.oauth_states.take_switch("xero", "tenant-new", now=NOW) is None
        uow.commit()


def test_secrets_expired_before_a_moment_are_forgotten_and_newer_ones_kept(store: Store) -> None:
    issue(store, Purpose.TICKET, "ticket-old")
    with store.unit_of_work() as uow:
        uow.oauth_states.issue(
            Purpose.TICKET, "ticket-new", remote="xero", started_by="U1", expires_at=LATER + timedelta(days=2)
        )
        assert uow.oauth_states.purge(expired_before=LATER + timedelta(days=1)) == 1
        uow.commit()
    assert consume(store, Purpose.TICKET, "ticket-old") is Refusal.UNKNOWN
    assert isinstance(consume(store, Purpose.TICKET, "ticket-new"), OAuthGrant)
