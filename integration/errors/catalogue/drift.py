"""Codes for changes made in Xero that the bot did not make (drift): what changed and what it breaks."""

from __future__ import annotations

from integration.errors.catalogue.entry import CatalogueEntry, entries

DRIFT: dict[str, CatalogueEntry] = entries(
    CatalogueEntry(
        "drift.voided",
        "Voided in Xero",
        "A document the bot posted was voided in Xero; Actionstep still shows it as posted.",
        "If the void was meant, unlink the document (`/xero unlink NUMBER`) and correct it in Actionstep; "
        "otherwise re-enter it in Xero. Its payments will fail until then.",
    ),
    CatalogueEntry(
        "drift.deleted",
        "Deleted in Xero",
        "A document the bot posted was deleted in Xero, or Xero no longer has it.",
        "Unlink the document (`/xero unlink NUMBER`) so the next sync can post it again, or find out who deleted "
        "it and why.",
    ),
    CatalogueEntry(
        "drift.edited",
        "Edited in Xero",
        "A document the bot posted was changed in Xero (total, tax, lines, date, contact or number), so Xero and "
        "Actionstep no longer agree.",
        "Change it back in Xero, or make the same change in Actionstep (unlink, correct, approve again).",
    ),
    CatalogueEntry(
        "drift.paid_elsewhere",
        "Paid in Xero",
        "A document the bot posted was paid or part-paid in Xero by a payment the bot did not post (entered by a "
        "person or matched from the bank feed).",
        "Do not post the Actionstep receipt for the same money: it would fail or pay twice. Delete the Xero "
        "payment, or record the receipt in Actionstep without pushing it.",
    ),
    CatalogueEntry(
        "drift.payment_deleted",
        "Payment deleted in Xero",
        "A payment the bot posted was deleted in Xero: Actionstep says paid, Xero says owing.",
        "Unlink the payment (`/xero unlink NUMBER`) so the next sync posts it again, or enter it again in Xero.",
    ),
    CatalogueEntry(
        "drift.allocation_changed",
        "Credit allocation changed in Xero",
        "A credit-note allocation the bot made was removed in Xero, or now applies another amount: the invoice it "
        "credited owes a different amount than Actionstep says.",
        "Allocate the credit again in Xero as Actionstep shows it (the alert names the invoice and the amount), or "
        "unlink the credit note (`/xero unlink NUMBER`), correct its allocation in Actionstep and approve it again.",
    ),
    CatalogueEntry(
        "drift.contact_merged",
        "Contact merged in Xero",
        "The Xero contact of documents the bot posted was merged into another contact: Xero moved the documents to "
        "the contact it kept and archived the merged one, which still carries the Actionstep contact's code "
        "(AS-<id>), so the next document for that Actionstep contact is posted to an archived contact and refused.",
        "If the two are one client, merge them in Actionstep too, keeping the contact whose code (AS-<id>) the kept "
        "Xero contact carries, and approve new bills against it; if they are different clients, restore the "
        "archived contact in Xero so the bot posts to it again. The documents already posted stay linked.",
    ),
    CatalogueEntry(
        "drift.contact_archived",
        "Contact archived in Xero",
        "The Xero contact of a document the bot posted was archived; new documents and payments for it will be "
        "refused.",
        "Restore the contact in Xero, or map the Actionstep contact to the contact that replaced it.",
    ),
)
