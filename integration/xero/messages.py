"""Xero's validation messages, matched to the stable codes of `errors.CATALOGUE`.

Xero words its messages for people and varies them a little between endpoints and over the years, so each code
matches a family of phrasings (sources in `../shared/reference/xero.md` §7). A message nothing matches keeps its
raw text under `xero.unknown`, so a bookkeeper still reads exactly what Xero said.
"""

from __future__ import annotations

import re

UNKNOWN = "xero.unknown"

# Order matters: the first pattern that matches wins (the archived-contact text mentions invoices, for instance).
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), code)
    for pattern, code in (
        (r"contact .*has been archived|contact is archived", "xero.contact_archived"),
        (r"cannot be before the (period|end of year) lock date|lock date", "xero.lock_date"),
        (r"TaxType code .* (cannot be used with account|does not exist)", "xero.tax_type_invalid"),
        (r"TaxType field is mandatory|Tax rate must be valid", "xero.tax_type_invalid"),
        (r"account code (must|or ID must) be specified|must specify an account code", "xero.account_no_code"),
        (r"Account (code|ID) .* (is not a valid|has been archived|has been removed)", "xero.account_invalid"),
        (r"not a valid (code|account) for this document", "xero.account_invalid"),
        (r"Invoice # must be unique|number .*must be unique|already been used", "xero.duplicate_number"),
        (r"exceeds the (amount outstanding|remaining credit)", "xero.payment_exceeds_outstanding"),
        (r"total debits \(.*\) must equal total credits", "xero.journal_unbalanced"),
        (r"has a payment or credit note allocated", "xero.document_allocated"),
        (r"reconciled", "xero.reconciled_payment"),
        (r"not of valid status|only be made against (AUTHORISED|approved)", "xero.invalid_status"),
    )
)


def code_for(message: str) -> str:
    """The catalogue code for one Xero message; `xero.unknown` when no known phrasing matches."""
    for pattern, code in PATTERNS:
        if pattern.search(message):
            return code
    return UNKNOWN


def coded(messages: list[str]) -> tuple[tuple[str, str], ...]:
    """Each message with its code, in Xero's order."""
    return tuple((code_for(message), message) for message in messages)
