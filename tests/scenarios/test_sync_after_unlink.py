"""What the next syncs do with an unlinked document, through the real connectors and both sandboxes, on SQLite and
PostgreSQL: nothing until it changes in Actionstep; then the corrected version is posted, a second Xero copy is
reported naming both (and stays alerted), and a number Xero keeps is explained with the fix."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from integration.app import Service
from integration.domain import AlertSource, AlertState, DocumentKind, Outcome, RunStatus, SyncReport
from integration.store import Store
from sandboxes.server import Sandboxes
from tests.support.engine import demo_service, xero_copies

APPROVER = "UAPPROVE"


@pytest.fixture
def firm(store: Store) -> Iterator[tuple[Service, Sandboxes]]:
    service, sandboxes = demo_service(store)
    assert service.sync("test", APPROVER).report.status is RunStatus.OK
    yield service, sandboxes
    service.close()


def unlink(service: Service, number: str, *, void: bool) -> None:
    request = service.unlinks.request(number, APPROVER)
    assert service.unlinks.confirm(request.id, APPROVER, void_in_xero=void).changed


def edit(sandboxes: Sandboxes, resource: str, number: str) -> None:
    """Correct the document in Actionstep and approve it again: a new version."""
    record = next(r for r in sandboxes.actionstep.records(resource) if r["ourReference"] == number)
    sandboxes.clock.advance(60)  # type: ignore[attr-defined]
    sandboxes.actionstep.update(resource, str(record["id"]), dueDate="2026-12-31")


def item(report: SyncReport, number: str) -> tuple[Outcome, str | None]:
    found = [i for i in report.items if i.number == number]
    assert found, f"{number} was not listed"
    return found[-1].outcome, found[-1].error_code


def read_everything_again(store: Store) -> None:
    """Forget how far the reads got, so the next sync lists every document, changed or not."""
    with store.unit_of_work() as uow:
        for kind in DocumentKind:
            uow.cursors.set(f"documents:{kind.value}", "")
        uow.commit()


def test_an_unlinked_document_is_not_posted_again_until_it_changes_in_actionstep(
    firm: tuple[Service, Sandboxes],
    store: Store,
) -> None:
    service, sandboxes = firm
    unlink(service, "INV-1004", void=True)
    unlink(service, "RCT-5003", void=False)
    before = xero_copies(sandboxes)
    read_everything_again(store)

    quiet = service.sync("test", APPROVER).report

    assert item(quiet, "INV-1004") == (Outcome.AWAITING_CHANGE, None)
    assert item(quiet, "RCT-5003") == (Outcome.AWAITING_CHANGE, None)
    assert item(quiet, "INV-1001") == (Outcome.ALREADY_LINKED, None)
    assert xero_copies(sandboxes) == before

    edit(sandboxes, "bills", "INV-1004")
    changed = service.sync("test", APPROVER).report
    assert item(changed, "INV-1004")[0] is not Outcome.AWAITING_CHANGE


def test_a_supplier_invoice_reposted_after_unlink_only_is_reported_in_xero_twice_naming_both_copies(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    old = service.unlinks.plan("SUP-2002").link
    unlink(service, "SUP-2002", void=False)
    edit(sandboxes, "salepurchases", "SUP-2002")

    result = service.sync("test", APPROVER)
    report, changes = result.report, result.changes

    assert item(report, "SUP-2002") == (Outcome.POSTED, None)
    new_id = next(i.xero_id for i in report.items if i.number == "SUP-2002")
    (duplicate,) = [p for p in report.problems if p.code == "doc.duplicate_copy"]
    assert f"InvoiceID={old.xero_id}" in duplicate.message and f"InvoiceID={new_id}" in duplicate.message
    assert "AccountsPayable/View.aspx" in duplicate.message
    (alert,) = [a for a in changes.new if a.code == "doc.duplicate_copy"]
    assert alert.source is AlertSource.DUPLICATE

    later = service.sync("test", APPROVER).changes
    assert alert.id not in {a.id for a in later.resolved}
    assert service.alerts.get(alert.id).state is AlertState.OPEN, "it stays until a person deals with it"


def test_a_supplier_invoice_reposted_after_void_is_a_single_live_copy_with_no_alarm(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    unlink(service, "SUP-2002", void=True)
    edit(sandboxes, "salepurchases", "SUP-2002")

    report = service.sync("test", APPROVER).report

    assert item(report, "SUP-2002") == (Outcome.POSTED, None)
    assert "doc.duplicate_copy" not in {p.code for p in report.problems}
    assert xero_copies(sandboxes)[("ACCPAY", "SUP-2002")] == 1


@pytest.mark.parametrize("void", [True, False], ids=["voided", "left in Xero"])
def test_a_corrected_sales_invoice_whose_number_xero_keeps_fails_with_the_fix_and_never_adopts_the_old_copy(
    firm: tuple[Service, Sandboxes], store: Store, void: bool
) -> None:
    service, sandboxes = firm
    old = service.unlinks.plan("INV-1009").link
    unlink(service, "INV-1009", void=void)
    edit(sandboxes, "bills", "INV-1009")

    report = service.sync("test", APPROVER).report

    assert item(report, "INV-1009") == (Outcome.FAILED, "doc.number_held_by_old_copy")
    (problem,) = [p for p in report.problems if p.code == "doc.number_held_by_old_copy"]
    assert f"InvoiceID={old.xero_id}" in problem.message
    assert ("voided when it was unlinked" in problem.message) is void
    assert "new number in Actionstep" in problem.fix
    with store.unit_of_work() as uow:
        assert uow.links.active(old.source) is None, "the uncorrected copy was not adopted"


def test_a_renumbered_sales_invoice_after_void_posts_under_its_new_number(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    unlink(service, "INV-1009", void=True)
    record = next(r for r in sandboxes.actionstep.records("bills") if r["ourReference"] == "INV-1009")
    sandboxes.clock.advance(60)  # type: ignore[attr-defined]
    sandboxes.actionstep.update("bills", str(record["id"]), ourReference="INV-1009A")

    report = service.sync("test", APPROVER).report

    assert item(report, "INV-1009A") == (Outcome.POSTED, None)
    codes = {p.code for p in report.problems}
    assert not codes & {"doc.number_held_by_old_copy", "doc.duplicate_copy"}
    assert xero_copies(sandboxes)[("ACCREC", "INV-1009A")] == 1
