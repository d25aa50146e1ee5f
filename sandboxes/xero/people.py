"""Changes only a person makes in Xero's web app (no API call makes them), done on the sandbox's books.

- **Merging two contacts** (Xero help, "Merge duplicate contacts": a UI action; the Accounting API has no merge
  operation, spec `Contacts` paths). What is known: the merged contact gets `MergedToContactID`, the id of the
  contact kept (spec `Contact.MergedToContactID`, "ID for the destination of a merged contact. Only returned when
  using paging or when fetching a contact by ContactId or ContactNumber"); its transactions move to the contact kept.
  The sandbox's choices where Xero does not say: the merged contact is archived (its status and `UpdatedDateUTC`
  change, so an `If-Modified-Since` poll of contacts lists it) and keeps its name and ContactNumber; the documents
  and bank transactions that move keep their `UpdatedDateUTC` (whether Xero bumps it is not published; a poller
  that relied on it would miss the move, so none here does); the change is in the contact's History as "Merged".
- **Deleting a bank transfer** in the web app (Xero help, "Delete a bank transfer"; the API gained
  `POST /BankTransfers/{id}` with `Status` DELETED only in spec 16.1.0). What is known: a deleted transfer has
  `Status` DELETED and a list leaves it out unless `includeDeleted=true` (spec `getBankTransfers` `includeDeleted`);
  a transfer has no `UpdatedDateUTC`, only `CreatedDateUTC` (spec `BankTransfer`), so the delete changes no date.
  The sandbox's choices: a GET by id still answers it, with `Status` DELETED (as a deleted invoice is answered);
  its two bank transactions are marked DELETED too.
"""

from __future__ import annotations

from datetime import datetime

from sandboxes.xero import history
from sandboxes.xero.books import Books


def merge_contacts(books: Books, merged_id: str, kept_id: str, now: datetime) -> None:
    """Merge contact `merged_id` into `kept_id`, as a person does in Xero (see the module docstring)."""
    merged, kept = books.contacts[merged_id.lower()], books.contacts[kept_id.lower()]
    if merged is kept:
        raise ValueError("a contact cannot be merged into itself")
    merged.merged_to, merged.status, merged.updated = kept.id, "ARCHIVED", now
    for document in books.documents.values():
        if document.contact is merged:
            document.contact = kept
    for entry in books.bank_transactions.values():
        if entry.contact is merged:
            entry.contact = kept
    history.record(books, merged.id, "Merged", now, f"Merged into {kept.name}.")


def delete_transfer(books: Books, transfer_id: str, now: datetime) -> None:
    """Delete bank transfer `transfer_id`, as a person does in Xero (see the module docstring)."""
    transfer = books.bank_transfers[transfer_id.lower()]
    transfer.status = "DELETED"
    for entry_id in (transfer.from_transaction_id, transfer.to_transaction_id):
        entry = books.bank_transactions.get(entry_id.lower())
        if entry is not None:
            entry.status, entry.updated = "DELETED", now
    history.record(books, transfer.id, "Deleted", now, "Deleted in Xero.")
