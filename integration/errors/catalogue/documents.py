"""Codes for one document that cannot be posted as it stands (the bookkeeping rules)."""

from __future__ import annotations

from integration.errors.catalogue.entry import CatalogueEntry, entries

DOCUMENTS: dict[str, CatalogueEntry] = entries(
    CatalogueEntry(
        "org.cash_basis",
        "Actionstep is on the Cash basis",
        "Posting to Xero needs Actionstep's accounting basis set to Accrual.",
        "In Actionstep, set the accounting basis to Accrual (Admin > Accounting), then sync again.",
    ),
    CatalogueEntry(
        "doc.malformed",
        "Document cannot be read",
        "Actionstep returned this document with a missing or invalid field.",
        "Open the document in Actionstep, correct the field named in the message and approve it again.",
    ),
    CatalogueEntry(
        "contact.refused",
        "Contact not accepted by Xero",
        "The document's client or supplier could not be created in Xero (Xero's reason is in the message).",
        "Correct the contact in Actionstep, or create it in Xero with Contact number AS-<Actionstep id>; "
        "the next sync uses it.",
    ),
    CatalogueEntry(
        "doc.currency_not_enabled",
        "Currency not enabled in Xero",
        "The document is in a currency the Xero organisation has not enabled, and Xero accepts only enabled "
        "currencies, so it was not sent.",
        "Enable the currency in Xero (Settings > Currencies; it needs a plan with multi-currency) and sync again, "
        "or correct the document's currency in Actionstep and approve it again.",
    ),
    CatalogueEntry(
        "payment.paid_in_xero",
        "Already paid in Xero",
        "Xero already shows the invoice paid by a payment this bot did not post (usually a bank-feed line matched "
        "in Xero first), so the Actionstep payment was held rather than sent a second time.",
        "Link to the Xero payment when it is the same money; Post anyway when it is another payment; Ignore to "
        "leave it held. The message says what differs, if anything.",
    ),
    CatalogueEntry(
        "doc.changed_after_posting",
        "Changed after posting",
        "The document changed in Actionstep after it was posted to Xero; posted documents are locked.",
        "Unlink it (`/xero unlink NUMBER`) to re-post the corrected version.",
    ),
    CatalogueEntry(
        "doc.conflict",
        "Different document with the same number in Xero",
        "Xero already has a document with this number but a different total, so posting would duplicate it.",
        "Check the Xero copy: delete or void it in Xero if it is wrong, or renumber the document in Actionstep.",
    ),
    CatalogueEntry(
        "doc.waiting_on_dependency",
        "Waiting for the document it pays",
        "A payment or allocation waits until the document it applies to is in Xero.",
        "Fix the problem with that document; this one is sent in the same sync once it posts.",
    ),
    CatalogueEntry(
        "doc.duplicate_copy",
        "Second copy in Xero",
        "This document was unlinked without voiding its Xero copy and has been posted again.",
        "Void or delete the older Xero copy named in the message (its link is in the message), then Ignore this "
        "alert saying so: it stays open until someone has dealt with it.",
    ),
    CatalogueEntry(
        "doc.number_held_by_old_copy",
        "Number still held by the earlier Xero copy",
        "The corrected version was refused because the copy posted before the unlink still holds the number: Xero "
        "keeps a sales invoice's or credit note's number even after it is voided.",
        "Give the document a new number in Actionstep and approve it again: it is then posted under that number. "
        "If the earlier copy is still live, void it in Xero first so the books hold it once.",
    ),
    CatalogueEntry(
        "doc.allocation_not_reapplied",
        "Credit not applied again after an unlink",
        "Unlinking and voiding an invoice took a credit note's allocation off it, and Xero could not apply it to the "
        "corrected invoice (the credit note is gone, voided or used elsewhere, or the invoice owes less).",
        "Allocate the amount named in the message by hand in Xero (credit note > Allocate credit), or refund or "
        "reallocate the credit as the firm decides; this alert stays open until someone Ignores it saying so.",
    ),
    CatalogueEntry(
        "doc.failed",
        "Document not posted",
        "A problem with this document kept it out of Xero; the rest of the sync went on.",
        "Read the message, correct the document or its mapping in Actionstep, and sync again.",
    ),
)
