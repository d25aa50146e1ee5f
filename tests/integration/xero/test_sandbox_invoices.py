"""The sandbox's rules for invoices and credit notes, checked over HTTP so it cannot drift from Xero's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero.sandbox_calls import Caller, errors, invoice, item

CODELESS = "a0000000-0000-4000-8000-0000000000e1"


@pytest.fixture
def client_id(sandbox: XeroSandbox) -> str:
    found = sandbox.books.contact_by_name("Northwind Holdings Pty Ltd")
    assert found is not None
    return found.id


def test_summarize_errors_false_answers_200_with_each_element_in_order(
    caller: Caller, client_id: str
) -> None:
    bad = invoice("INV-2", client_id, item(account="999"))
    elements = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id), bad]})
    assert [e["StatusAttributeString"] for e in elements] == ["OK", "ERROR"]
    assert elements[0]["InvoiceID"] and elements[0]["HasErrors"] is False
    assert elements[1]["HasErrors"] is True and "InvoiceID" not in elements[1]
    assert errors(elements[1]) == ["Account code '999' is not a valid code for this document."]


def test_without_summarize_errors_a_400_lists_only_the_failed_elements_yet_the_good_ones_are_saved(
    caller: Caller, sandbox: XeroSandbox, client_id: str
) -> None:
    body = {"Invoices": [invoice("INV-1", client_id), invoice("INV-2", client_id, item(tax="NOPE"))]}
    response = caller.put("Invoices", body, summarize=None)
    assert response.status_code == 400
    payload = response.json()
    assert (
        payload["Type"] == "ValidationException" and payload["Message"] == "A validation exception occurred"
    )
    assert [errors(e) for e in payload["Elements"]] == [
        ["The TaxType code NOPE does not exist or cannot be used for this type of transaction."],
    ]
    assert payload["Elements"][0]["InvoiceNumber"] == "INV-2"
    assert all("InvoiceID" not in e for e in payload["Elements"])
    assert [i["InvoiceNumber"] for i in sandbox.invoices()] == ["INV-1"]


def test_tax_is_rounded_on_each_line_and_then_summed(caller: Caller, client_id: str) -> None:
    lines = [item("0.05"), item("0.05"), item("0.05")]
    (created,) = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id, *lines)]})
    assert [line["TaxAmount"] for line in created["LineItems"]] == [Decimal("0.01")] * 3
    assert (created["SubTotal"], created["TotalTax"], created["Total"]) == (
        Decimal("0.15"),
        Decimal("0.03"),  # 10 % of the invoice total would be 0.02
        Decimal("0.18"),
    )


def test_inclusive_lines_carry_their_tax_inside_and_a_sent_tax_amount_overrides_the_calculation(
    caller: Caller, client_id: str
) -> None:
    inclusive = invoice("INV-1", client_id, item("110.00"), item("55.55"), LineAmountTypes="Inclusive")
    overridden = invoice("INV-2", client_id, item("100.00", TaxAmount=Decimal("9.99")))
    first, second = caller.created("Invoices", {"Invoices": [inclusive, overridden]})
    assert [line["TaxAmount"] for line in first["LineItems"]] == [Decimal("10.00"), Decimal("5.05")]
    assert (first["SubTotal"], first["TotalTax"], first["Total"]) == (
        Decimal("150.50"),
        Decimal("15.05"),
        Decimal("165.55"),
    )
    assert second["TotalTax"] == Decimal("9.99") and second["Total"] == Decimal("109.99")


def test_unit_amounts_keep_four_places_only_when_unitdp_is_4(caller: Caller, client_id: str) -> None:
    line = item("12.3456", Quantity=3)
    (four,) = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id, line)]}, unitdp="4")
    (two,) = caller.created("Invoices", {"Invoices": [invoice("INV-2", client_id, line)]})
    assert (four["LineItems"][0]["UnitAmount"], four["LineItems"][0]["LineAmount"]) == (
        Decimal("12.3456"),
        Decimal("37.04"),
    )
    assert (two["LineItems"][0]["UnitAmount"], two["LineItems"][0]["LineAmount"]) == (
        Decimal("12.35"),
        Decimal("37.05"),
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (item(account="999"), "Account code '999' is not a valid code for this document."),
        (item(account="461", tax="INPUT"), "Account code '461' is not a valid code for this document."),
        (item(account="610", tax="BASEXCLUDED"), "Account code '610' is not a valid code for this document."),
        (item(account="090", tax="BASEXCLUDED"), "Account code '090' is not a valid code for this document."),
        (
            {"Description": "x", "UnitAmount": 5, "AccountID": CODELESS, "TaxType": "INPUT"},
            "Account code must be specified",
        ),
        ({"Description": "x", "UnitAmount": 5, "TaxType": "OUTPUT"}, "Account code must be specified"),
        (
            item(account="420", tax="OUTPUT"),
            "The TaxType code 'OUTPUT' cannot be used with account code '420'.",
        ),
        (
            item(tax="GST on Income"),
            "The TaxType code GST on Income does not exist or cannot be used for this type of transaction.",
        ),
    ],
    ids=["unknown", "archived", "system", "bank", "no-code", "no-account", "tax-for-class", "tax-name"],
)
def test_a_line_must_use_an_active_coded_account_and_a_tax_type_its_class_allows(
    caller: Caller, client_id: str, line: dict[str, object], message: str
) -> None:
    (element,) = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id, line)]})
    assert errors(element) == [message]


def test_a_line_without_a_tax_type_takes_its_accounts_default(caller: Caller, client_id: str) -> None:
    (created,) = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id, item(tax=None))]})
    assert created["LineItems"][0]["TaxType"] == "OUTPUT" and created["TotalTax"] == Decimal("10.00")


def test_a_draft_with_an_unknown_account_is_saved_with_the_code_removed_and_a_warning(
    caller: Caller, client_id: str
) -> None:
    (created,) = caller.created(
        "Invoices", {"Invoices": [invoice("INV-1", client_id, item(account="476"), Status="DRAFT")]}
    )
    assert created["Status"] == "DRAFT" and "AccountCode" not in created["LineItems"][0]
    assert created["Warnings"] == [
        {"Message": "Account code ''476'' has been removed as it does not match a recognised account."}
    ]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (
            "2026-06-30",
            "The document date cannot be before the period lock date, currently set at 30-Jun-2026",
        ),
        (
            "2025-06-30",
            "The document date cannot be before the end of year lock date, currently set at 30-Jun-2025",
        ),
        ("2026-07-01", None),
    ],
)
def test_documents_dated_on_or_before_a_lock_date_are_refused(
    caller: Caller, client_id: str, day: str, message: str | None
) -> None:
    (element,) = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id, Date=day)]})
    assert errors(element) == ([message] if message else [])


def test_lock_dates_come_from_the_organisation_and_drafts_are_exempt(
    caller: Caller, sandbox: XeroSandbox, client_id: str
) -> None:
    sandbox.set_lock_dates(period=date(2026, 7, 31))
    (locked,) = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id)]})
    (draft,) = caller.created("Invoices", {"Invoices": [invoice("INV-2", client_id, Status="DRAFT")]})
    assert errors(locked) == [
        "The document date cannot be before the period lock date, currently set at 31-Jul-2026"
    ]
    assert draft["Status"] == "DRAFT"
    organisation = caller.get("Organisation").json()["Organisations"][0]
    assert organisation["PeriodLockDate"] == "/Date(1785456000000+0000)/"


def test_sales_invoice_numbers_are_unique_but_bill_numbers_need_not_be(
    caller: Caller, client_id: str
) -> None:
    first = caller.created(
        "Invoices", {"Invoices": [invoice("INV-9", client_id), invoice("INV-9", client_id)]}
    )
    assert [errors(e) for e in first] == [[], ["Invoice # must be unique."]]
    bill = invoice("SUP-1", client_id, item(account="420", tax="INPUT"), Type="ACCPAY")
    assert [errors(e) for e in caller.created("Invoices", {"Invoices": [bill, bill]})] == [[], []]


def test_missing_sales_numbers_are_generated_and_a_deleted_invoice_frees_its_number(
    caller: Caller, client_id: str
) -> None:
    generated = caller.created(
        "Invoices", {"Invoices": [invoice(None, client_id), invoice(None, client_id, Status="DRAFT")]}
    )
    assert [e["InvoiceNumber"] for e in generated] == ["INV-0001", "INV-0002"]
    deleted = caller.post(
        f"Invoices/{generated[1]['InvoiceID']}", {"Invoices": [{"Status": "DELETED"}]}, summarize=None
    )
    assert deleted.status_code == 200 and deleted.json()["Invoices"][0]["Status"] == "DELETED"
    (again,) = caller.created("Invoices", {"Invoices": [invoice("INV-0002", client_id)]})
    assert errors(again) == []


def test_an_archived_contact_is_refused_and_a_new_name_becomes_a_new_contact(
    caller: Caller, sandbox: XeroSandbox
) -> None:
    archived = sandbox.add_contact("Former Client", archived=True)
    first, second = caller.created(
        "Invoices",
        {
            "Invoices": [
                invoice("INV-1", archived),
                {**invoice("INV-2", ""), "Contact": {"Name": "New Client"}},
            ]
        },
    )
    assert errors(first) == [
        "The contact with the specified contact details has been archived. The contact must be un-archived before "
        "creating new invoices or credit notes."
    ]
    assert second["Contact"]["Name"] == "New Client"
    assert any(
        c["Name"] == "New Client" and c["ContactID"] == second["Contact"]["ContactID"]
        for c in sandbox.contacts()
    )


def test_dates_come_back_in_ms_json_with_string_twins(caller: Caller, client_id: str) -> None:
    (created,) = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id)]})
    assert created["Date"] == "/Date(1782864000000+0000)/" and created["DateString"] == "2026-07-01T00:00:00"
    assert created["DueDateString"] == "2026-07-31T00:00:00"
    assert (
        created["UpdatedDateUTC"].startswith("/Date(")
        and created["UpdatedDateUTCString"] == "2026-11-02T09:00:00Z"
    )


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("DRAFT", "SUBMITTED", True),
        ("DRAFT", "AUTHORISED", True),
        ("DRAFT", "DELETED", True),
        ("DRAFT", "VOIDED", False),
        ("SUBMITTED", "DRAFT", True),
        ("SUBMITTED", "DELETED", True),
        ("AUTHORISED", "VOIDED", True),
        ("AUTHORISED", "DELETED", False),
        ("AUTHORISED", "DRAFT", False),
    ],
)
def test_status_changes_follow_xeros_transitions(
    caller: Caller, client_id: str, start: str, target: str, allowed: bool
) -> None:
    (created,) = caller.created("Invoices", {"Invoices": [invoice("INV-1", client_id, Status=start)]})
    answer = caller.post(
        f"Invoices/{created['InvoiceID']}", {"Invoices": [{"Status": target}]}, summarize=None
    )
    if allowed:
        assert answer.status_code == 200 and answer.json()["Invoices"][0]["Status"] == target
    else:
        assert answer.status_code == 400
        assert errors(answer.json()["Elements"][0]) == ["Invoice not of valid status for modification"]


def test_credit_notes_are_numbered_and_validated_like_invoices(caller: Caller, client_id: str) -> None:
    note = {**invoice(None, client_id, item("40.00")), "Type": "ACCRECCREDIT"}
    bad = {**note, "Date": "2026-01-01"}
    created, refused = caller.created("CreditNotes", {"CreditNotes": [note, bad]})
    assert created["CreditNoteNumber"] == "CN-0001" and created["RemainingCredit"] == Decimal("44.00")
    assert refused["HasErrors"] is True and errors(refused)[0].startswith(
        "The document date cannot be before"
    )
