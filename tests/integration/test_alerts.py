"""Alerts in the ledger, through the Service: raised once, counted, resolved, ignored and undone, retried and fixed,
each change happening once however many people (or clicks) ask for it. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from integration.alerting.desk import AlertDesk
from integration.domain import AlertSource, AlertState, MappingKind, Problem
from integration.errors import AuthError, XerobotError
from tests.support.firm import Firm, demo_firm, sales_invoice, supplier_invoice

REFUSAL = ("xero.account_invalid", "Account code '200' is not a valid code for this document.")


@pytest.fixture
def firm(database_url: str) -> Iterator[Firm]:
    with demo_firm(database_url) as built:
        yield built


def test_a_failed_post_is_raised_once_counted_while_it_repeats_and_resolved_once_it_posts(firm: Firm) -> None:
    firm.actionstep.add(sales_invoice("INV-1"))
    firm.xero.refuse_documents["INV-1"] = REFUSAL

    first = firm.service.sync("slack", "U1").changes
    second = firm.service.sync("slack", "U1").changes
    del firm.xero.refuse_documents["INV-1"]
    third = firm.service.sync("slack", "U1").changes

    assert [a.code for a in first.new] == ["xero.account_invalid"] and not first.repeated
    assert first.new[0].documents[0].number == "INV-1"
    assert not second.new and [(a.id, a.count) for a in second.repeated] == [(first.new[0].id, 2)]
    assert [a.id for a in third.resolved] == [first.new[0].id]
    assert third.resolved[0].state is AlertState.RESOLVED
    assert firm.service.alerts.unresolved() == []


def test_a_preview_raises_no_alerts(firm: Firm) -> None:
    firm.actionstep.add(supplier_invoice("BILL-1"))
    firm.service.preview("slack", "U1")
    assert firm.service.alerts.unresolved() == []


def test_an_alert_seen_again_after_it_was_resolved_is_posted_afresh(firm: Firm) -> None:
    problem = Problem("xero.lock_date", "lock_date", "Dated before the lock date.", "Move the lock date.")
    desk = AlertDesk(firm.store)
    first = desk.raise_problems([problem], AlertSource.CHECK).new[0]
    assert desk.claim_post(first.id, "C1")
    desk.posted(first.id, "C1", "1.0")
    desk.raise_problems([], AlertSource.CHECK)
    again = desk.raise_problems([problem], AlertSource.CHECK)
    assert [a.id for a in again.new] == [first.id]
    assert again.new[0].count == 1 and again.new[0].slack_ts is None and again.new[0].state is AlertState.OPEN


def test_a_sync_leaves_alerts_raised_by_a_check_alone(firm: Firm) -> None:
    problem = Problem("mapping.unmapped_account", "account:5040", "Courier Costs is unmapped.", "Map it.")
    AlertDesk(firm.store).raise_problems([problem], AlertSource.CHECK)
    changes = firm.service.sync("slack", "U1").changes
    assert not changes.resolved and len(firm.service.alerts.unresolved()) == 1


def test_a_run_that_fails_raises_an_alert_about_itself_and_resolves_nothing_until_a_run_finishes(
    firm: Firm,
) -> None:
    firm.actionstep.add(sales_invoice("INV-1"))
    firm.xero.refuse_documents["INV-1"] = REFUSAL
    failed_post = firm.service.sync("slack", "U1").changes.new[0]
    del firm.xero.refuse_documents["INV-1"]
    organisation = firm.xero.organisation

    def revoked() -> None:
        raise AuthError("xero", "Xero refused the token: the connection was revoked.")

    firm.xero.organisation = revoked  # type: ignore[method-assign]
    broken = firm.service.sync("slack", "U1").changes
    firm.xero.organisation = organisation  # type: ignore[method-assign]
    healed = firm.service.sync("slack", "U1").changes

    assert [(a.code, a.subject) for a in broken.new] == [("auth.expired", "run")] and not broken.resolved
    assert {a.id for a in healed.resolved} == {failed_post.id, broken.new[0].id}


def test_two_people_ignoring_at_once_ignore_it_once_and_undo_is_recorded(firm: Firm) -> None:
    problem = Problem("xero.lock_date", "lock_date", "Dated before the lock date.", "Move the lock date.")
    alert = AlertDesk(firm.store).raise_problems([problem], AlertSource.CHECK).new[0]
    with ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(lambda u: firm.service.alerts.ignore(alert.id, u, f"by {u}"), ["U1", "U2", "U3", "U4"])
        )

    winners = [r for r in results if r.changed]
    assert len(winners) == 1
    assert all(r.alert.ignored_by == winners[0].alert.ignored_by for r in results)
    assert firm.service.alerts.unignore(alert.id, "U5").changed
    assert not firm.service.alerts.unignore(alert.id, "U5").changed
    activity = firm.service.alerts.activity(alert.id)
    assert [(a.action, a.actor) for a in activity] == [
        ("alert.unignore", "U5"),
        ("alert.ignore", winners[0].alert.ignored_by),
    ]


def test_only_one_of_two_claims_posts_the_message_and_a_failed_post_can_be_claimed_again(firm: Firm) -> None:
    problem = Problem("xero.lock_date", "lock_date", "Dated before the lock date.", "Move the lock date.")
    desk = AlertDesk(firm.store)
    alert = desk.raise_problems([problem], AlertSource.CHECK).new[0]
    assert desk.claim_post(alert.id, "C1") and not desk.claim_post(alert.id, "C1")
    desk.release_post(alert.id)
    assert desk.claim_post(alert.id, "C1")
    desk.posted(alert.id, "C1", "171.5")
    desk.release_post(alert.id)
    assert desk.get(alert.id).slack_ts == "171.5" and not desk.claim_post(alert.id, "C1")


def test_a_retry_runs_one_sync_and_a_second_retry_meanwhile_is_told_who_started_it(firm: Firm) -> None:
    firm.actionstep.add(sales_invoice("INV-1"))
    firm.xero.refuse_documents["INV-1"] = REFUSAL
    alert = firm.service.sync("slack", "U1").changes.new[0]
    del firm.xero.refuse_documents["INV-1"]
    with firm.store.unit_of_work() as uow:
        uow.leases.acquire(f"alert-retry:{alert.id}", "U7:x", timedelta(minutes=5), detail="U7")
        uow.commit()
    busy = firm.service.retry(alert.id, "U2")
    assert busy.report is None and busy.busy_by == "U7"
    with firm.store.unit_of_work() as uow:
        uow.leases.release(f"alert-retry:{alert.id}", "U7:x")
        uow.commit()

    done = firm.service.retry(alert.id, "U2")

    assert done.report is not None and done.alert.state is AlertState.RESOLVED
    assert len(firm.xero.posted) == 1
    assert firm.service.retry(alert.id, "U3").busy == "It is already resolved."
    assert [(a.action, a.detail["result"]) for a in firm.service.alerts.activity(alert.id)] == [
        ("alert.retry", "resolved")
    ]


def test_fixing_a_mapping_alert_saves_the_mapping_and_resolves_it_when_the_check_agrees(firm: Firm) -> None:
    firm.actionstep.add(supplier_invoice("BILL-1"))
    alert = firm.service.sync("slack", "U1").changes.new[0]
    assert alert.mapping_target == (MappingKind.ACCOUNT, "5040")

    fixed = firm.service.fix_mapping(alert.id, "429", "U2")

    assert fixed.resolved and fixed.alert.state is AlertState.RESOLVED
    assert fixed.mapping is not None and fixed.mapping.xero_account == "429"
    assert firm.service.fix_mapping(alert.id, "420", "U3").busy == "It is already resolved."
    assert {m.source_id: m.xero_account for m in firm.service.mappings()}["5040"] == "429"


def test_an_alert_no_single_mapping_fixes_refuses_a_fix(firm: Firm) -> None:
    problem = Problem("xero.lock_date", "lock_date", "Dated before the lock date.", "Move the lock date.")
    alert = AlertDesk(firm.store).raise_problems([problem], AlertSource.CHECK).new[0]
    with pytest.raises(XerobotError) as caught:
        firm.service.fix_mapping(alert.id, "429", "U2")
    assert caught.value.code == "alert.not_fixable"


def test_status_shows_the_last_run_unresolved_alerts_and_both_connections(firm: Firm) -> None:
    firm.actionstep.add(supplier_invoice("BILL-1"))
    firm.service.sync("slack", "U1")
    status = firm.service.status()
    assert status.last_run is not None and status.last_run.actor == "U1" and status.running is None
    assert [a.code for a in status.open_alerts] == ["mapping.unmapped_account"]
    assert [(c.remote, c.ok) for c in status.connections] == [("xero", True), ("actionstep", True)]


def test_xero_accounts_are_the_active_ones_by_code(firm: Firm) -> None:
    accounts = firm.service.xero_accounts()
    codes = [a.code for a in accounts]
    assert "461" not in codes  # archived
    assert codes[:3] == ["090", "091", "092"] and codes[-1] is None
