"""Changes only a person makes in Xero's web app (`sandboxes.xero.people`), and how the API then answers them."""

from __future__ import annotations

from decimal import Decimal

from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero.sandbox_calls import Caller, invoice


def test_a_merged_contact_is_archived_names_the_contact_kept_when_paged_or_read_by_id_and_its_documents_move(
    caller: Caller, sandbox: XeroSandbox
) -> None:
    merged, kept = sandbox.add_contact("Merged Pty Ltd", number="AS-1"), sandbox.add_contact("Kept Pty Ltd")
    (made,) = caller.created("Invoices", {"Invoices": [invoice("INV-M", merged)]})

    sandbox.merge_contacts(merged, kept)

    paged = caller.get("Contacts", page="1", includeArchived="true").json()["Contacts"]
    (listed,) = [c for c in paged if c["ContactID"] == merged]
    assert listed["MergedToContactID"] == kept and listed["ContactStatus"] == "ARCHIVED"
    assert listed["ContactNumber"] == "AS-1"
    assert caller.get(f"Contacts/{merged}").json()["Contacts"][0]["MergedToContactID"] == kept
    unpaged = caller.get("Contacts", includeArchived="true").json()["Contacts"]
    assert "MergedToContactID" not in next(c for c in unpaged if c["ContactID"] == merged)
    moved = caller.get(f"Invoices/{made['InvoiceID']}").json()["Invoices"][0]
    assert moved["Contact"]["ContactID"] == kept
    assert moved["UpdatedDateUTC"] == made["UpdatedDateUTC"]  # the sandbox's choice: the move changes no date


def test_a_deleted_transfer_is_left_out_of_lists_unless_asked_for_and_read_by_id_as_deleted(
    caller: Caller, sandbox: XeroSandbox
) -> None:
    move = {"FromBankAccount": {"Code": "091"}, "ToBankAccount": {"Code": "090"}, "Amount": Decimal("300.00")}
    (created,) = caller.created("BankTransfers", {"BankTransfers": [{**move, "Date": "2026-07-21"}]})
    transfer_id = created["BankTransferID"]

    sandbox.delete_transfer(transfer_id)

    listed = caller.get("BankTransfers").json()["BankTransfers"]
    assert transfer_id not in {t["BankTransferID"] for t in listed}
    with_deleted = caller.get("BankTransfers", includeDeleted="true").json()["BankTransfers"]
    assert next(t for t in with_deleted if t["BankTransferID"] == transfer_id)["Status"] == "DELETED"
    (by_id,) = caller.get(f"BankTransfers/{transfer_id}").json()["BankTransfers"]
    assert by_id["Status"] == "DELETED" and by_id["CreatedDateUTC"] == created["CreatedDateUTC"]


def test_credit_notes_listed_without_a_page_have_no_lines_but_keep_their_allocations(
    caller: Caller, sandbox: XeroSandbox
) -> None:
    client = sandbox.add_contact("Credit Pty Ltd")
    note = {**invoice(None, client), "Type": "ACCRECCREDIT"}
    note.pop("DueDate", None)
    caller.created("CreditNotes", {"CreditNotes": [note]})

    summary = caller.get("CreditNotes").json()["CreditNotes"]
    paged = caller.get("CreditNotes", page="1").json()["CreditNotes"]

    assert summary and all(c["LineItems"] == [] and "Allocations" in c for c in summary)
    assert all(c["LineItems"] for c in paged)
