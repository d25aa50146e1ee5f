"""Codes for a person's request the bot refuses or cannot finish: unlinking and alerts."""

from __future__ import annotations

from integration.errors.catalogue.entry import CatalogueEntry, entries

REQUESTS: dict[str, CatalogueEntry] = entries(
    # Unlinking
    CatalogueEntry(
        "unlink.unknown_number",
        "No linked document with that number",
        "Nothing in the ledger was posted to Xero under this number.",
        "Check the number (the closest linked numbers are suggested), then ask again.",
    ),
    CatalogueEntry(
        "unlink.ambiguous",
        "More than one document has that number",
        "Supplier bill numbers need not be unique, so several linked documents can share one.",
        "Name the document by its kind and Actionstep id, as the message shows, e.g. `/xero unlink supplier_invoice:17`.",
    ),
    CatalogueEntry(
        "unlink.already_unlinked",
        "Already unlinked",
        "This document's link to Xero was already turned into history.",
        "Nothing to do: correct it in Actionstep and approve it again to post the new version.",
    ),
    CatalogueEntry(
        "unlink.not_unlinkable",
        "Cannot be unlinked here",
        "Only sales invoices, supplier invoices, credit notes and their payments are unlinked by the bot.",
        "Correct this transaction in Xero and Actionstep by hand.",
    ),
    CatalogueEntry(
        "unlink.void_refused",
        "Cannot be voided in Xero",
        "Xero will not void this document as it stands (a reconciled payment, a locked period, or it is already "
        "voided or deleted).",
        "Choose Unlink (the Xero copy stays), or fix the reason in Xero first and ask again.",
    ),
    CatalogueEntry(
        "unlink.expired",
        "Unlink request expired",
        "Unlink requests must be confirmed soon after they are made, while the plan still matches Xero.",
        "Ask again with `/xero unlink NUMBER` for a fresh plan.",
    ),
    CatalogueEntry(
        "unlink.pending",
        "Already asked for",
        "A request to unlink this document is already waiting for confirmation; a document has one at a time.",
        "Confirm or cancel that request instead of asking again; if nobody does, it expires and you can ask again.",
    ),
    CatalogueEntry(
        "unlink.two_person",
        "A second person must confirm",
        "This firm requires that an unlink is confirmed by someone other than the person who asked for it.",
        "Ask another approver to confirm it.",
    ),
    CatalogueEntry(
        "unlink.not_pending",
        "Already decided",
        "This unlink request was already confirmed, carried out or cancelled.",
        "Nothing to do; the request's message shows its outcome.",
    ),
    CatalogueEntry(
        "unlink.changed",
        "Changed in Xero since the request",
        "Xero now shows payments or allocations that the confirmed plan did not include, so nothing more was done.",
        "Ask again with `/xero unlink NUMBER` for a plan that matches Xero now.",
    ),
    CatalogueEntry(
        "unlink.step_failed",
        "Unlink stopped at a step",
        "A step of the unlink failed; the steps before it are done and recorded.",
        "Read the reason, fix it in Xero if needed, then Retry: the unlink carries on from the step that failed.",
    ),
    # Alerts
    CatalogueEntry(
        "alert.not_found",
        "Alert not found",
        "The alert is no longer in the ledger (the database may have been reset or restored).",
        "Run `/xero sync`: current problems are raised again as new alerts.",
    ),
    CatalogueEntry(
        "alert.not_fixable",
        "No single mapping fixes this",
        "This problem is not fixed by mapping one Actionstep account, role or timekeeper.",
        "Follow the fix in the alert, then sync again.",
    ),
    # Requests in general
    CatalogueEntry(
        "request.refused",
        "Cannot do that",
        "The bot cannot do what was asked as things stand; nothing was changed.",
        "Read the message, then ask again.",
    ),
)
