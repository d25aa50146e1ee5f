"""The sandbox's GET filters: `where`, the list parameters, paging and fetching one record."""

from __future__ import annotations

from typing import Any

import pytest

from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero.sandbox_calls import Caller, invoice, item


@pytest.fixture
def seeded(caller: Caller, sandbox: XeroSandbox) -> dict[str, Any]:
    """Five invoices: three sales for Northwind (one a draft), two bills for a supplier."""
    northwind = sandbox.books.contact_by_name("Northwind Holdings Pty Ltd")
    assert northwind is not None
    supplier = sandbox.add_contact("Sydney Legal Couriers")
    bill = {"Type": "ACCPAY", "LineItems": [item(account="420", tax="INPUT")]}
    body = {
        "Invoices": [
            invoice("INV-1", northwind.id, Reference="M-1"),
            invoice("INV-2", northwind.id, Reference='Quote "A"'),
            invoice("INV-3", northwind.id, Reference="M-1", Status="DRAFT"),
            invoice("B-1", supplier, **bill),
            invoice("B-2", supplier, **bill),
        ]
    }
    created = caller.created("Invoices", body)
    return {
        "ids": {e["InvoiceNumber"]: e["InvoiceID"] for e in created},
        "northwind": northwind.id,
        "supplier": supplier,
    }


def numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [i["InvoiceNumber"] for i in response.json()["Invoices"]]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ('Reference=="M-1"', ["INV-1", "INV-3"]),
        ('Type=="ACCREC" AND Status=="AUTHORISED"', ["INV-1", "INV-2"]),
        ('InvoiceNumber=="B-2" OR InvoiceNumber=="INV-2"', ["INV-2", "B-2"]),
        ('(Reference=="M-1" OR Type=="ACCPAY") AND Status!="DRAFT"', ["INV-1", "B-1", "B-2"]),
        ('Reference=="Quote \\"A\\""', ["INV-2"]),
        ('Total>=110 && Type=="ACCPAY"', ["B-1", "B-2"]),
        ("HasErrors==false AND Reference==null", ["B-1", "B-2"]),
    ],
)
def test_where_filters_compare_fields_joined_by_and_or_and_parentheses(
    caller: Caller, seeded: dict[str, Any], where: str, expected: list[str]
) -> None:
    assert numbers(caller.get("Invoices", where=where)) == expected


def test_where_compares_guids_inside_nested_fields(caller: Caller, seeded: dict[str, Any]) -> None:
    supplier = seeded["supplier"].upper()
    assert numbers(caller.get("Invoices", where=f'Contact.ContactID==Guid("{supplier}")')) == ["B-1", "B-2"]


def test_a_where_clause_xero_would_not_understand_is_a_400(caller: Caller) -> None:
    response = caller.get("Invoices", where='Reference.Contains("M")')
    assert response.status_code == 400 and response.json()["Type"] == "QueryParseException"


def test_list_parameters_filter_by_ids_numbers_contacts_and_statuses(
    caller: Caller, seeded: dict[str, Any]
) -> None:
    ids = seeded["ids"]
    assert numbers(caller.get("Invoices", IDs=f"{ids['INV-2']},{ids['B-1']}")) == ["INV-2", "B-1"]
    assert numbers(caller.get("Invoices", InvoiceNumbers="INV-3,B-2")) == ["INV-3", "B-2"]
    assert numbers(caller.get("Invoices", ContactIDs=seeded["supplier"], InvoiceNumbers="B-1,INV-1")) == [
        "B-1"
    ]
    assert numbers(caller.get("Invoices", Statuses="DRAFT")) == ["INV-3"]


def test_pages_hold_page_size_records_and_say_how_many_there_are(
    caller: Caller, seeded: dict[str, Any]
) -> None:
    second = caller.get("Invoices", page="2", pageSize="2")
    assert numbers(second) == ["INV-3", "B-1"]
    assert second.json()["pagination"] == {"page": 2, "pageSize": 2, "pageCount": 3, "itemCount": 5}
    assert numbers(caller.get("Invoices", page="4", pageSize="2")) == []
    assert "pagination" not in caller.get("Invoices").json()


def test_one_record_is_fetched_by_id_or_number_and_a_missing_one_is_a_404(
    caller: Caller, seeded: dict[str, Any]
) -> None:
    assert numbers(caller.get(f"Invoices/{seeded['ids']['INV-2']}")) == ["INV-2"]
    assert numbers(caller.get("Invoices/B-1")) == ["B-1"]
    assert caller.get("Invoices/00000000-0000-0000-0000-000000000000").status_code == 404


def test_archived_contacts_are_listed_only_when_asked_for(caller: Caller, sandbox: XeroSandbox) -> None:
    sandbox.add_contact("Old Firm", number="AS-900", archived=True)
    listed = {c["Name"] for c in caller.get("Contacts").json()["Contacts"]}
    everyone = {c["Name"] for c in caller.get("Contacts", includeArchived="true").json()["Contacts"]}
    assert "Old Firm" not in listed and "Old Firm" in everyone
    assert caller.get("Contacts/AS-900").json()["Contacts"][0]["ContactStatus"] == "ARCHIVED"


def test_the_chart_can_be_filtered_like_xeros_example(caller: Caller) -> None:
    banks = caller.get("Accounts", where='Status=="ACTIVE" AND Type=="BANK"').json()["Accounts"]
    assert [a["Code"] for a in banks] == ["090", "091", "092"]
    assert all(a["Class"] == "ASSET" and a["BankAccountNumber"] for a in banks)
    rates = {r["TaxType"]: r for r in caller.get("TaxRates").json()["TaxRates"]}
    assert rates["INPUT"]["CanApplyToExpenses"] is True and rates["INPUT"]["CanApplyToRevenue"] is False


def test_a_query_string_over_2048_characters_is_answered_xeros_plain_404_and_one_that_fits_is_served(
    caller: Caller, seeded: dict[str, Any]
) -> None:
    guids = [f"00000000-0000-0000-0000-{n:012d}" for n in range(53)]
    fits = caller.get("Invoices", IDs=",".join(guids[:52]), page="1")
    too_long = caller.get("Invoices", IDs=",".join(guids), page="1")  # Xero-OpenAPI #534: 52 pass, 53 fail
    assert len(fits.request.url.query) <= 2048 < len(too_long.request.url.query)
    assert fits.status_code == 200 and fits.json()["Invoices"] == []
    assert too_long.status_code == 404 and too_long.text == "The resource you're looking for cannot be found"
