"""The daily health check raises alerts through the alert desk, once each: mapping and chart problems, connections
revoked or about to expire unused, Xero's daily call budget running low. A complete check resolves what it no
longer finds; a check that could not look everywhere resolves nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from integration.adapters.token_store import LedgerTokenStore
from integration.app import HealthCheck
from integration.domain import AccountingBasis, AlertState
from integration.errors import AuthError
from integration.store import Store
from tests.support.firm import Firm, demo_firm, supplier_invoice


@pytest.fixture
def firm(database_url: str) -> Iterator[Firm]:
    with demo_firm(database_url) as built:
        yield built


# The demo firm's chart problems that block no document yet: a health check reports them (before they do).
STANDING = {"account:5020", "account:5030", "timekeeper:tk-5"}


def codes(firm: Firm) -> dict[str, str]:
    return {a.subject: a.code for a in firm.service.alerts.unresolved() if a.subject not in STANDING}


def found(check: HealthCheck) -> list[tuple[str, str]]:
    return [(p.code, p.subject) for p in check.problems if p.subject not in STANDING]


def connect(store: Store, remote: str, refresh_expires_at: datetime | None) -> None:
    with store.unit_of_work() as uow:
        uow.connections.save(
            remote, {"access_token": "a"}, expected_version=None, refresh_expires_at=refresh_expires_at
        )
        uow.commit()


def test_a_mapping_problem_found_by_the_check_is_raised_once_and_counted_after(firm: Firm) -> None:
    firm.actionstep.add(supplier_invoice("BILL-1"))  # account 5040 is unmapped
    first = firm.service.health_check().changes
    second = firm.service.health_check().changes
    assert {a.subject for a in first.new} == {"account:5040", *STANDING}
    assert not second.new and {a.count for a in second.repeated} == {2}
    assert {a.code for a in first.new} >= {"mapping.unmapped_account", "mapping.xero_account_archived"}


def test_connections_expiring_within_a_week_are_raised_and_those_further_off_are_not(firm: Firm) -> None:
    now = datetime.now(UTC)
    connect(firm.store, "actionstep", now + timedelta(days=3, hours=1))
    connect(firm.store, "xero", now + timedelta(days=30))
    check = firm.service.health_check().check
    assert found(check) == [("auth.expiring", "token:actionstep")]
    assert "Actionstep connection expires in 3 days" in check.problems[0].message
    connect(firm.store, "xero", now - timedelta(hours=1))
    assert ("auth.expired", "connection:xero") in found(firm.service.health_check().check)


def test_a_revoked_connection_is_raised_and_a_check_that_cannot_look_resolves_nothing(firm: Firm) -> None:
    firm.xero.day_remaining = 120
    firm.service.health_check()
    assert codes(firm) == {"budget:xero": "remote.daily_budget_low"}

    firm.xero.failing = AuthError("xero", "The Xero connection was revoked.")
    firm.xero.day_remaining = 4_900  # Xero's day rolled over, but the check cannot see everything
    check = firm.service.health_check().check
    assert not check.complete
    assert codes(firm) == {"budget:xero": "remote.daily_budget_low", "connection:xero": "auth.expired"}

    firm.xero.failing = None
    resolved = firm.service.health_check().changes.resolved
    assert {a.subject for a in resolved} == {"budget:xero", "connection:xero"}
    assert all(a.state is AlertState.RESOLVED for a in resolved) and codes(firm) == {}


def test_an_actionstep_on_the_cash_basis_is_raised(firm: Firm) -> None:
    firm.actionstep.basis = AccountingBasis.CASH
    assert found(firm.service.health_check().check) == [("org.cash_basis", "connection:actionstep")]


def test_saving_rotated_tokens_records_when_the_refresh_token_expires_unused(store: Store) -> None:
    before = datetime.now(UTC)
    LedgerTokenStore(store, "actionstep").save(
        {"access_token": "a", "refresh_token": "r"}, previous_version=None
    )
    LedgerTokenStore(store, "xero").save({"access_token": "a"}, previous_version=None)  # a custom connection
    with store.unit_of_work() as uow:
        expiries = uow.connections.refresh_expiries()
    assert expiries["xero"] is None
    actionstep = expiries["actionstep"]
    assert actionstep is not None and timedelta(days=21) <= actionstep - before < timedelta(
        days=21, minutes=1
    )
