"""What the reply to Unlink in the ledger promises about the next sync, per document and change: a table."""

from __future__ import annotations

import pytest

from integration.domain import DocumentKind, DriftKind
from integration.rules.drift_unlink import next_sync

HEAD = "INV-9 is no longer linked in the ledger (Xero was not changed). The next sync leaves it alone while it is "
HEAD += "unchanged in Actionstep; once it changes there, the sync "


@pytest.mark.parametrize(
    ("kind", "xero_type", "drift", "then"),
    [
        (DocumentKind.SALES_INVOICE, "ACCREC", DriftKind.VOIDED,
         "tries to post it again, and Xero refuses it while the voided copy holds INV-9: give it a new number in "
         "Actionstep and approve it again."),
        (DocumentKind.SALES_INVOICE, "ACCREC", DriftKind.EDITED,
         "tries to post it again, and Xero refuses it while the edited copy holds INV-9: void the edited copy in "
         "Xero, then give it a new number in Actionstep and approve it again."),
        (DocumentKind.CREDIT_NOTE, "ACCRECCREDIT", DriftKind.VOIDED,
         "tries to post it again, and Xero refuses it while the voided copy holds INV-9: give it a new number in "
         "Actionstep and approve it again."),
        (DocumentKind.SALES_INVOICE, "ACCREC", DriftKind.DELETED, "posts it again."),
        (DocumentKind.SUPPLIER_INVOICE, "ACCPAY", DriftKind.VOIDED, "posts it again."),
        (DocumentKind.SUPPLIER_INVOICE, "ACCPAY", DriftKind.EDITED,
         "posts it again, and the edited copy still in Xero makes two: void that copy in Xero first."),
        (DocumentKind.PAYMENT_RECEIVED, "PAYMENT", DriftKind.PAYMENT_DELETED, "posts it again as a new payment."),
        (DocumentKind.SUPPLIER_PAYMENT, "PAYMENT", DriftKind.PAYMENT_DELETED, "posts it again as a new payment."),
    ],
)  # fmt: skip
def test_the_reply_says_what_the_next_sync_does_with_the_unlinked_document(
    kind: DocumentKind, xero_type: str, drift: DriftKind, then: str
) -> None:
    assert next_sync("INV-9", kind, xero_type, drift) == HEAD + then
