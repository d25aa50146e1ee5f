"""The sandbox reads as Xero does: line details only when asked for, `order`, `If-Modified-Since`, History and
case-insensitive paths (sources in `sandboxes/xero/api.py` and `query.py`)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from integration.clock import VirtualClock
from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero.sandbox_calls import Caller, invoice, item


@pytest.fixture
def three(caller: Caller, northwind: str, clock: VirtualClock) -> dict[str, str]:
    """Three approved invoices for Northwind, created a minute apart: INV-B, INV-A, INV-C."""
    ids = {}
    for number, amount in (("INV-B", "300.00"), ("INV-A", "100.00"), ("INV-C", "200.00")):
        (created,) = caller.created("Invoices", {"Invoices": [invoice(number, northwind, item(amount))]})
        ids[number] = created["InvoiceID"]
        clock.advance(60)
    return ids


def listed(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    invoices: list[dict[str, Any]] = response.json()["Invoices"]
    return invoices


def test_a_bare_list_of_invoices_carries_no_line_details(caller: Caller, three: dict[str, str]) -> None:
    found = listed(caller.get("Invoices"))
    assert [i["LineItems"] for i in found] == [[], [], []]
    assert [i["Total"] for i in found] == [330, 110, 220]


def test_a_where_or_contact_filter_alone_still_carries_no_line_details(
    caller: Caller, three: dict[str, str], northwind: str
) -> None:
    assert all(i["LineItems"] == [] for i in listed(caller.get("Invoices", where='Type=="ACCREC"')))
    assert all(i["LineItems"] == [] for i in listed(caller.get("Invoices", ContactIDs=northwind)))


@pytest.mark.parametrize(
    "params",
    [{"page": "1"}, {"IDs": "*"}, {"InvoiceNumbers": "INV-A,INV-B,INV-C"}, {"Statuses": "AUTHORISED"}],
)
def test_a_page_ids_numbers_or_statuses_bring_the_line_details_back(
    caller: Caller, three: dict[str, str], params: dict[str, str]
) -> None:
    if params.get("IDs") == "*":
        params = {"IDs": ",".join(three.values())}
    found = listed(caller.get("Invoices", **params))
    assert len(found) == 3
    assert all(len(i["LineItems"]) == 1 for i in found)


def test_one_invoice_by_id_or_number_has_its_lines(caller: Caller, three: dict[str, str]) -> None:
    assert len(listed(caller.get(f"Invoices/{three['INV-A']}"))[0]["LineItems"]) == 1
    assert len(listed(caller.get("Invoices/INV-A"))[0]["LineItems"]) == 1


def test_order_sorts_by_the_fields_named_ascending_or_descending(
    caller: Caller, three: dict[str, str]
) -> None:
    def numbers(order: str) -> list[str]:
        return [i["InvoiceNumber"] for i in listed(caller.get("Invoices", order=order, page="1"))]

    assert numbers("InvoiceNumber") == ["INV-A", "INV-B", "INV-C"]
    assert numbers("InvoiceNumber DESC") == ["INV-C", "INV-B", "INV-A"]
    assert numbers("Total ASC") == ["INV-A", "INV-C", "INV-B"]
    assert numbers("UpdatedDateUTC DESC") == ["INV-C", "INV-A", "INV-B"]
    assert numbers("Status, Total DESC") == ["INV-B", "INV-C", "INV-A"]


def test_an_order_that_is_not_field_and_direction_is_refused(caller: Caller, three: dict[str, str]) -> None:
    assert caller.get("Invoices", order="Total SIDEWAYS").status_code == 400


def test_a_high_volume_organisation_refuses_an_order_xero_has_not_optimised(
    caller: Caller, sandbox: XeroSandbox, three: dict[str, str]
) -> None:
    sandbox.high_volume = True
    assert caller.get("Invoices", order="Total", page="1").status_code == 400
    assert caller.get("Invoices", order="UpdatedDateUTC DESC", page="1").status_code == 200


def since(caller: Caller, moment: str, path: str = "Invoices", **params: str) -> httpx.Response:
    return caller.http.get(
        f"/api.xro/2.0/{path}", params=params, headers=caller.headers(**{"If-Modified-Since": moment})
    )


def test_if_modified_since_answers_only_what_changed_after_it(
    caller: Caller, clock: VirtualClock, three: dict[str, str], northwind: str
) -> None:
    before_c = (clock.now().replace(microsecond=0)).isoformat()
    assert [i["InvoiceNumber"] for i in listed(since(caller, before_c))] == []
    clock.advance(1)
    moment = clock.now().isoformat()
    clock.advance(1)
    payment = {"Invoice": {"InvoiceID": three["INV-A"]}, "Account": {"Code": "090"}, "Amount": 10}
    caller.created("Payments", {"Payments": [payment]})
    assert [i["InvoiceNumber"] for i in listed(since(caller, moment))] == ["INV-A"]
    assert [p["Amount"] for p in since(caller, moment, "Payments", page="1").json()["Payments"]] == [10]


def test_if_modified_since_reads_an_http_date_and_a_time_without_offset_as_utc(
    caller: Caller, clock: VirtualClock, three: dict[str, str]
) -> None:
    clock.advance(5)
    later = clock.now()
    assert listed(since(caller, later.strftime("%a, %d %b %Y %H:%M:%S GMT"))) == []
    assert listed(since(caller, later.replace(tzinfo=None).isoformat())) == []
    assert len(listed(since(caller, "2000-01-01T00:00:00"))) == 3


def test_an_unreadable_if_modified_since_is_refused(caller: Caller, three: dict[str, str]) -> None:
    assert since(caller, "last tuesday").status_code == 400


def test_every_change_moves_updated_date_utc(
    caller: Caller, clock: VirtualClock, sandbox: XeroSandbox, northwind: str
) -> None:
    (note,) = caller.created(
        "CreditNotes",
        {"CreditNotes": [{**invoice(None, northwind, item("50.00")), "Type": "ACCRECCREDIT"}]},
    )
    (bill,) = caller.created("Invoices", {"Invoices": [invoice("INV-U", northwind)]})
    seen = {bill["UpdatedDateUTC"]}

    def changed() -> str:
        (now,) = listed(caller.get(f"Invoices/{bill['InvoiceID']}"))
        assert now["UpdatedDateUTC"] not in seen
        seen.add(now["UpdatedDateUTC"])
        return str(now["UpdatedDateUTC"])

    clock.advance(1)
    allocation = {"Invoice": {"InvoiceID": bill["InvoiceID"]}, "Amount": 5, "Date": "2026-07-02"}
    caller.created(f"CreditNotes/{note['CreditNoteID']}/Allocations", {"Allocations": [allocation]})
    changed()
    clock.advance(1)
    payment = {"Invoice": {"InvoiceID": bill["InvoiceID"]}, "Account": {"Code": "090"}, "Amount": 10}
    (paid,) = caller.created("Payments", {"Payments": [payment]})
    changed()
    clock.advance(1)
    caller.post(f"Payments/{paid['PaymentID']}", {"Status": "DELETED"})
    changed()
    clock.advance(1)
    allocations = sandbox.books.documents[note["CreditNoteID"]].allocation_ids
    caller.http.delete(
        f"/api.xro/2.0/CreditNotes/{note['CreditNoteID']}/Allocations/{allocations[0]}",
        headers=caller.headers(),
    )
    changed()
    clock.advance(1)
    caller.post(f"Invoices/{bill['InvoiceID']}", {"Invoices": [{"Reference": "changed"}]})
    changed()
    clock.advance(1)
    caller.post(f"Invoices/{bill['InvoiceID']}", {"Invoices": [{"Status": "VOIDED"}]})
    changed()


def history(caller: Caller, path: str) -> list[dict[str, Any]]:
    response = caller.get(path)
    assert response.status_code == 200, response.text
    records: list[dict[str, Any]] = response.json()["HistoryRecords"]
    return records


def test_history_lists_each_change_made_through_the_api_as_system_generated(
    caller: Caller, clock: VirtualClock, northwind: str
) -> None:
    (draft,) = caller.created("Invoices", {"Invoices": [invoice("INV-H", northwind, Status="DRAFT")]})
    invoice_id = draft["InvoiceID"]
    clock.advance(1)
    caller.post(f"Invoices/{invoice_id}", {"Invoices": [{"Status": "AUTHORISED"}]})
    caller.post(f"Invoices/{invoice_id}", {"Invoices": [{"LineItems": [item("200.00")]}]})
    payment = {"Invoice": {"InvoiceID": invoice_id}, "Account": {"Code": "090"}, "Amount": 20}
    (paid,) = caller.created("Payments", {"Payments": [payment]})
    records = history(caller, f"Invoices/{invoice_id}/History")
    assert [r["Changes"] for r in records] == ["Created", "Approved", "Edited", "Payment Received"]
    assert {r["User"] for r in records} == {"System Generated"}
    assert all(r["DateUTC"].startswith("/Date(") and r["Details"] for r in records)
    assert [r["Changes"] for r in history(caller, f"payments/{paid['PaymentID']}/history")] == [
        "Payment Received"
    ]


def test_history_records_allocations_on_both_documents(caller: Caller, northwind: str) -> None:
    (bill,) = caller.created("Invoices", {"Invoices": [invoice("INV-N", northwind)]})
    (note,) = caller.created(
        "CreditNotes", {"CreditNotes": [{**invoice(None, northwind, item("50.00")), "Type": "ACCRECCREDIT"}]}
    )
    allocation = {"Invoice": {"InvoiceID": bill["InvoiceID"]}, "Amount": 5, "Date": "2026-07-02"}
    caller.created(f"CreditNotes/{note['CreditNoteID']}/Allocations", {"Allocations": [allocation]})
    assert history(caller, f"Invoices/{bill['InvoiceID']}/History")[-1]["Changes"] == "Credit Applied"
    assert history(caller, f"CreditNotes/{note['CreditNoteID']}/History")[-1]["Changes"] == "Credit Applied"


def test_history_of_an_unknown_record_is_not_found(caller: Caller) -> None:
    assert caller.get("Invoices/00000000-0000-0000-0000-000000000000/History").status_code == 404


def test_connections_and_resources_answer_in_any_casing(caller: Caller, sandbox: XeroSandbox) -> None:
    for path in ("/Connections", "/connections"):
        response = caller.http.get(path, headers={"Authorization": f"Bearer {caller.token}"})
        assert response.status_code == 200, (path, response.text)
        assert response.json()[0]["tenantId"] == sandbox.tenant_id
    assert caller.http.get("/API.XRO/2.0/invoices", headers=caller.headers()).status_code == 200
    assert caller.get("organisation").json()["Organisations"]
