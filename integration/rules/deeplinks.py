"""Deep links to documents in the firm's Xero organisation: every report, alert and unlink message links the Xero
copy it names, so a bookkeeper is one click from checking it.

Xero's links go through its organisation login with the organisation's short code, which picks the organisation
when a person has several.
"""

from __future__ import annotations

from urllib.parse import quote

from integration.domain import DocumentKind

XERO_LOGIN = "https://go.xero.com/organisationlogin/default.aspx"
XERO_PAGES = {
    DocumentKind.SALES_INVOICE: "/AccountsReceivable/View.aspx?InvoiceID=",
    DocumentKind.SUPPLIER_INVOICE: "/AccountsPayable/View.aspx?InvoiceID=",
    DocumentKind.CREDIT_NOTE: "/AccountsReceivable/ViewCreditNote.aspx?creditNoteID=",
    DocumentKind.TRUST_RECEIPT: "/Bank/ViewTransaction.aspx?bankTransactionID=",
    DocumentKind.TRUST_PAYMENT: "/Bank/ViewTransaction.aspx?bankTransactionID=",
}


def xero_url(short_code: str | None, kind: DocumentKind, xero_id: str | None) -> str | None:
    """Xero's deep link to a document in the firm's organisation; None when Xero has no page for the kind."""
    page = XERO_PAGES.get(kind)
    if not short_code or not xero_id or page is None:
        return None
    return f"{XERO_LOGIN}?shortcode={quote(short_code, safe='')}&redirecturl={page}{quote(xero_id, safe='')}"
