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
        "Check the document's Status in Xero; remove payments first if it has any.",
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
        "xero.payment_not_authorised",
        "Payment on a document that is not approved in Xero",
        "Xero takes payments only on approved (AUTHORISED) invoices and credit notes; the payment's document is a "
        "draft, awaiting approval or voided in Xero.",
        "Open the invoice or credit note this payment is for in Xero and check its Status: approve it there, or "
        "link the payment in Actionstep to the document that is approved, then sync again.",
    ),
    CatalogueEntry(
        "xero.document_paid",
        "Invoice already paid in Xero",
        "The invoice this payment is for is already fully paid in Xero (Xero answers that it is not Authorised and "
        "that the payment is more than its amount outstanding).",
        "Open the invoice's payments in Xero: a payment entered there by hand duplicates this one. Delete the "
        "duplicate in Xero, or remove this payment in Actionstep, then sync again.",
    ),
    CatalogueEntry(
        "xero.allocation_exceeds_outstanding",
        "Credit note allocation more than what is left",
        "The credit note's allocation Amount is more than is left on the credit note, or still owed on the "
        "invoice, in Xero.",
        "Compare the credit note's remaining credit and the invoice's amount due in Xero: a payment or credit "
        "entered there by hand may have settled part of it. Allocate the rest by hand in Xero, or correct the "
        "allocation in Actionstep.",
    ),
    CatalogueEntry(
        "xero.allocation_paid_off",
        "Credit note allocated to an invoice already paid",
        "The invoice the credit note is allocated to is already fully paid in Xero.",
        "Check the invoice's payments in Xero: remove a payment entered there by hand, then allocate the credit "
        "note by hand in Xero, or change the credit note's allocation in Actionstep.",
    ),
    CatalogueEntry(
        "xero.line_total_mismatch",
        "Line total is not quantity × price",
        "Xero checks each line's amount (LineAmount) against its quantity × unit price, less any discount, and "
        "refuses a line where they differ.",
        "Correct the document's line in Actionstep so its amount equals quantity × unit price (Xero's message "
        "names both totals), then sync again.",
    ),
    CatalogueEntry(
        "xero.tax_amount_incorrect",
        "Tax amount not what Xero calculates",
        "On a bank transaction Xero refuses a line's tax amount (TaxAmount) that differs from its own calculation "
        "for the line's tax type.",
        "Correct the transaction line's tax in Actionstep to the amount Xero names, or map the line's tax code to "
        "the tax type it should use, then sync again.",
    ),
    CatalogueEntry(
        "xero.unknown",
        "Xero refused the document",
        "Xero gave a reason the bot does not know yet (shown in the message).",
        "Read Xero's message; correct the document or mapping and sync again.",
    ),
)
