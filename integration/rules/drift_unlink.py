"""What the next sync does with a document unlinked in the ledger because Xero changed it (a drift alert's Unlink
in the ledger); pure, no I/O.

The sync never lists an unlinked document again until it changes in Actionstep (its kind's cursor has moved past
it; listed anyway, it is reported as awaiting a change), and then posts it as new. What happens then depends on
what Xero still holds: Xero keeps a sales invoice's or credit note's number on a voided copy and on a live one
(`sandboxes/xero/documents.py`: unique among documents not deleted), so that post is refused until the document
gets a new number; a bill's number is free text, so a live edited copy stays beside the new one and the sync
reports the two copies.
"""

from __future__ import annotations

from integration.domain import PAYMENT_KINDS, DocumentKind, DriftKind

SALES_TYPES = frozenset({"ACCREC", "ACCRECCREDIT"})


def next_sync(number: str, kind: DocumentKind, xero_type: str, drift: DriftKind) -> str:
    """The reply's sentence: `number` is no longer linked, and what the next sync does with it."""
    head = f"{number} is no longer linked in the ledger (Xero was not changed)."
    waits = "The next sync leaves it alone while it is unchanged in Actionstep"
    if kind in PAYMENT_KINDS:
        return f"{head} {waits}; once it changes there, the sync posts it again as a new payment."
    copy = "voided" if drift is DriftKind.VOIDED else "edited"
    if xero_type.upper() in SALES_TYPES and drift is not DriftKind.DELETED:
        fix = "give it a new number in Actionstep and approve it again"
        if drift is not DriftKind.VOIDED:
            fix = f"void the edited copy in Xero, then {fix}"
        return (
            f"{head} {waits}; once it changes there, the sync tries to post it again, and Xero refuses it while the "
            f"{copy} copy holds {number}: {fix}."
        )
    if drift is DriftKind.EDITED:
        return (
            f"{head} {waits}; once it changes there, the sync posts it again, and the edited copy still in Xero "
            "makes two: void that copy in Xero first."
        )
    return f"{head} {waits}; once it changes there, the sync posts it again."
