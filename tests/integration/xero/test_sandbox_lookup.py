"""The sandbox finds by id what a filtered GET can return before rendering: the answers stay exactly those of
filtering every rendered record, and a read by id renders only what it returns."""

from __future__ import annotations

from typing import Any

import pytest

from sandboxes.xero import render
from sandboxes.xero.emulator import XeroSandbox
from sandboxes.xero.lookup import ATTRIBUTES
from sandboxes.xero.query import where
from tests.integration.xero.builders import credit_note, payment
from tests.integration.xero.sandbox_calls import Caller, invoice, item


@pytest.fixture
def held(caller: Caller, sandbox: XeroSandbox, northwind: str) -> dict[str, Any]:
    """Three invoices (one a bill), a credit note, and payments on two invoices and on the credit note, one of
    them deleted."""
    supplier = sandbox.add_contact("Sydney Legal Couriers")
    bill = {"Type": "ACCPAY", "LineItems": [item(account="420", tax="INPUT")]}
    body = {
        "Invoices": [
            invoice("INV-1", northwind),
            invoice("INV-2", northwind),
            invoice("B-1", supplier, **bill),
        ]
    }
    ids = {e["InvoiceNumber"]: e["InvoiceID"] for e in caller.created("Invoices", body)}
    (note,) = caller.created("CreditNotes", {"CreditNotes": [credit_note("CN-1", northwind)]})
    refund = {**payment("", "5.00"), "CreditNote": {"CreditNoteID": note["CreditNoteID"]}}
    del refund["Invoice"]
    paid = caller.created(
        "Payments",
        {
            "Payments": [
                payment(ids["INV-1"], "10.00"),
                payment(ids["INV-2"], "20.00"),
                payment(ids["INV-1"], "30.00", Reference="Second"),
                refund,
            ]
        },
    )
    assert all(p.get("PaymentID") and not p.get("ValidationErrors") for p in paid), paid
    gone = caller.post("Payments", {"Payments": [{"PaymentID": paid[1]["PaymentID"], "Status": "DELETED"}]})
    assert gone.status_code == 200, gone.text
    return {
        "invoices": ids,
        "note": note["CreditNoteID"],
        "payments": [p["PaymentID"] for p in paid],
        "northwind": northwind,
        "supplier": supplier,
    }


def test_each_field_looked_up_by_id_reads_as_the_rendered_record_shows_it(
    caller: Caller, sandbox: XeroSandbox, held: dict[str, Any]
) -> None:
    books = sandbox.books
    tables = {
        "payments": ("Payments", "PaymentID", books.payments),
        "invoices": ("Invoices", "InvoiceID", books.documents),
        "creditnotes": ("CreditNotes", "CreditNoteID", books.documents),
        "banktransactions": ("BankTransactions", "BankTransactionID", books.bank_transactions),
        "contacts": ("Contacts", "ContactID", books.contacts),
        "banktransfers": ("BankTransfers", "BankTransferID", books.bank_transfers),
    }
    compared = 0
    for resource, (key, id_field, table) in tables.items():
        response = caller.get(key, includeArchived="true")
        assert response.status_code == 200, response.text
        for rendered in response.json()[key]:
            record = table[rendered[id_field].lower()]
            for path, read in ATTRIBUTES[resource].items():
                value: Any = rendered
                for part in path.split("."):
                    value = next((v for k, v in value.items() if k.lower() == part), None) if value else None
                assert read(record) == (str(value).lower() if value else None), (resource, path)
                compared += 1
    assert compared > 20


def every(caller: Caller, resource: str) -> list[dict[str, Any]]:
    response = caller.get(resource, page="1", pageSize="1000")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()[resource]
    return found


CLAUSES = [
    'PaymentID==Guid("{p0}") OR PaymentID==Guid("{p3}")',
    'PaymentID==Guid("{P0}")',  # a Guid compares without case
    'PaymentID=="{p2}"',
    'Invoice.InvoiceID==Guid("{inv1}") OR Invoice.InvoiceID==Guid("{inv2}")',
    'Invoice.InvoiceID==Guid("{inv1}") AND Status=="AUTHORISED"',
    '(Invoice.InvoiceID==Guid("{inv2}") OR Invoice.InvoiceID==Guid("{inv1}")) AND Reference=="Second"',
    'CreditNote.CreditNoteID==Guid("{note}")',
    'Invoice.InvoiceID==Guid("{note}")',  # a credit note's id is no invoice's
    'PaymentID==Guid("{p0}") OR Reference=="Second"',  # an OR over two fields pins neither
    'PaymentID==Guid("00000000-0000-0000-0000-000000000000")',
    'PaymentID!=Guid("{p0}")',
]


@pytest.mark.parametrize("clause", CLAUSES)
def test_a_where_on_payment_ids_answers_exactly_what_filtering_every_payment_gives(
    caller: Caller, held: dict[str, Any], clause: str
) -> None:
    p = held["payments"]
    text = clause.format(
        p0=p[0], P0=p[0].upper(), p2=p[2], p3=p[3], inv1=held["invoices"]["INV-1"],
        inv2=held["invoices"]["INV-2"], note=held["note"],
    )  # fmt: skip
    expected = [r for r in every(caller, "Payments") if where(text)(r)]
    response = caller.get("Payments", where=text, page="1")
    assert response.status_code == 200, response.text
    assert response.json()["Payments"] == expected


@pytest.mark.parametrize(
    "clause",
    [
        'Contact.ContactID==Guid("{northwind}")',
        'Contact.ContactID==Guid("{supplier}") OR Contact.ContactID==Guid("{northwind}")',
        'InvoiceID==Guid("{inv2}") OR InvoiceID==Guid("{inv1}")',
        'Contact.ContactID==Guid("{northwind}") AND Status=="AUTHORISED"',
    ],
)
def test_a_where_on_invoice_and_contact_ids_answers_exactly_what_filtering_every_invoice_gives(
    caller: Caller, held: dict[str, Any], clause: str
) -> None:
    ids = held["invoices"]
    text = clause.format(
        northwind=held["northwind"], supplier=held["supplier"], inv1=ids["INV-1"], inv2=ids["INV-2"]
    )
    expected = [r for r in every(caller, "Invoices") if where(text)(r)]
    response = caller.get("Invoices", where=text, page="1")
    assert response.status_code == 200, response.text
    assert response.json()["Invoices"] == expected and expected


def test_pages_of_a_where_on_ids_are_those_of_the_whole_answer(caller: Caller, held: dict[str, Any]) -> None:
    ids = held["invoices"]
    text = " OR ".join(f'Invoice.InvoiceID==Guid("{i}")' for i in ids.values())
    expected = [r for r in every(caller, "Payments") if where(text)(r)]
    pages = [caller.get("Payments", where=text, page=str(n), pageSize="1").json() for n in (1, 2, 3)]
    assert [p["Payments"] for p in pages] == [[expected[0]], [expected[1]], [expected[2]]]
    assert pages[0]["pagination"]["itemCount"] == len(expected) == 3


def test_a_read_by_ids_renders_only_the_records_it_returns(
    caller: Caller, held: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    original = render.payment

    def counted(record: Any) -> dict[str, Any]:
        rendered.append(record.id)
        return original(record)

    monkeypatch.setattr(render, "payment", counted)
    wanted = held["invoices"]["INV-1"]
    response = caller.get("Payments", where=f'Invoice.InvoiceID==Guid("{wanted}")', page="1")
    assert [p["Amount"] for p in response.json()["Payments"]] == [10, 30]
    assert len(rendered) == 2
    rendered.clear()
    assert len(caller.get("Payments", where='Reference=="Second"', page="1").json()["Payments"]) == 1
    assert len(rendered) == 4  # a field that is no id: every payment is rendered and filtered, as before


def test_a_malformed_where_on_an_unknown_resource_is_still_answered_404(caller: Caller) -> None:
    assert caller.get("Nonsense", where="PaymentID==").status_code == 404
