"""Codes for Xero's validation messages; `xero.messages` matches Xero's words to them."""

from __future__ import annotations

from integration.errors.catalogue.entry import CatalogueEntry, entries

XERO: dict[str, CatalogueEntry] = entries(
    CatalogueEntry(
        "xero.account_invalid",
        "Xero account code not valid",
        "Xero says the account code is not valid for this document (missing, archived or the wrong type).",
        "Check the mapping for this account; map it to an active Xero account that accepts this document.",
    ),
    CatalogueEntry(
        "xero.account_no_code",
        "Account code missing",
        "A line reached Xero without an account code.",
        "Give the Xero account a code and map it.",
    ),
    CatalogueEntry(
        "xero.tax_type_invalid",
        "Tax type not valid",
        "Xero does not accept the tax type for this account or document.",
        "Map the line's tax code to a Xero tax type that the account allows.",
    ),
    CatalogueEntry(
        "xero.lock_date",
        "Inside Xero's lock date",
        "The document is dated on or before the lock date set in Xero, so Xero will not accept it.",
        "Ask the Xero adviser to move the lock date, or date the document after it in Actionstep.",
    ),
    CatalogueEntry(
        "xero.invalid_status",
        "Document not in a state Xero can change",
        "Xero will not change the document in its current status (for example a paid or voided invoice).",
        "Check the document in Xero; remove payments first if it has any.",
    ),
    CatalogueEntry(
        "xero.contact_archived",
        "Contact archived in Xero",
        "The document's contact is archived in Xero.",
        "Restore the contact in Xero, then sync again.",
    ),
    CatalogueEntry(
        "xero.duplicate_number",
        "Number already used in Xero",
        "Xero already has an invoice with this number.",
        "Check whether the Xero invoice is this document; the bot adopts it when the totals match.",
    ),
    CatalogueEntry(
        "xero.payment_exceeds_outstanding",
        "Payment more than what is owed",
        "The payment is larger than the amount still outstanding on the Xero document.",
        "Check for payments entered directly in Xero, or correct the payment in Actionstep.",
    ),
    CatalogueEntry(
        "xero.journal_unbalanced",
        "Journal does not balance",
        "The debits and credits of the journal are not equal.",
        "Correct the transaction in Actionstep so it balances.",
    ),
    CatalogueEntry(
        "xero.document_allocated",
        "Document has payments or credits applied",
        "Xero will not change a document that has a payment or credit note allocated to it.",
        "Remove the payments and allocations first (unlink them), then try again.",
    ),
    CatalogueEntry(
        "xero.reconciled_payment",
        "Payment is reconciled",
        "Xero cannot delete a payment that has been reconciled against a bank statement line.",
        "Unreconcile it in Xero first, or unlink without voiding in Xero.",
    ),
    CatalogueEntry(
        "xero.unknown",
        "Xero refused the document",
        "Xero gave a reason the bot does not know yet (shown in the message).",
        "Read Xero's message; correct the document or mapping and sync again.",
    ),
)
