"""A document someone edited in Xero after the bot posted it: nothing in the bot breaks on Xero's different copy.

What the bot should say about such a document is for a later issue (drift); here a sync, the status, the summary,
the health check and an unlink all still run on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from integration.app import Service
from integration.domain import RunStatus, UnlinkState
from integration.store import Store
from sandboxes.server import Sandboxes
from tests.support.engine import demo_service, unsettled
from tests.support.xero_people import edit_in_xero

BOOKKEEPER, APPROVER = "UBOOK", "UAPPROVE"


@pytest.fixture
def firm(store: Store) -> Iterator[tuple[Service, Sandboxes]]:
    service, sandboxes = demo_service(store)
    assert service.sync("test", BOOKKEEPER).report.status is RunStatus.OK
    yield service, sandboxes
    service.close()


def test_a_sync_status_summary_health_check_and_unlink_run_on_documents_edited_in_xero(
    firm: tuple[Service, Sandboxes],
) -> None:
    service, sandboxes = firm
    sale = unsettled(sandboxes, "ACCREC")
    other = sandboxes.xero.add_contact("Someone Else Pty Ltd")
    line = {"Description": "Changed by hand", "Quantity": 3, "UnitAmount": 77.7, "AccountCode": "200"}
    edited = edit_in_xero(
        sandboxes.xero, sale["InvoiceID"], LineItems=[line], Contact={"ContactID": other}, Reference="by hand"
    )
    assert edited.status_code == 200, edited.text
    writes_before = len([r for r in sandboxes.xero.requests if r.method != "GET"])

    report = service.sync("test", BOOKKEEPER).report

    assert report.status is RunStatus.OK
    assert len([r for r in sandboxes.xero.requests if r.method != "GET"]) == writes_before
    service.status()
    service.summary()
    service.health_check()
    request = service.unlinks.request(str(sale["InvoiceNumber"]), BOOKKEEPER)
    outcome = service.unlinks.confirm(request.id, APPROVER, void_in_xero=True)
    assert outcome.request.state is UnlinkState.DONE
    now = next(i for i in sandboxes.xero.invoices() if i["InvoiceID"] == sale["InvoiceID"])
    assert now["Status"] == "VOIDED"
