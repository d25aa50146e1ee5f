"""Xero's validation messages, matched to the stable codes of `errors.CATALOGUE`.

Xero words its messages for people and varies them a little between endpoints and over the years, so each code
matches a family of phrasings (sources in `../shared/reference/xero.md` §7 and `xero-fidelity.md`). A message
nothing matches keeps its raw text under `xero.unknown`, so a bookkeeper still reads exactly what Xero said.

Sources of the newer phrasings: allocation over what is outstanding, waynerobinson/xeroizer #320; allocation to a
paid invoice, calcinai/xero-php #251; a line total that is not quantity × price, XeroAPI/Xero-NetStandard #74 and
#412; a tax amount Xero would calculate differently, XeroAPI/xero-node #768; a payment on a PAID invoice answered
with two errors together (not Authorised, and more than outstanding), an unconfirmed public production log.
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
        (
            r"cannot be allocated as amount is greater than amount outstanding|amount allocated exceeds",
            "xero.allocation_exceeds_outstanding",
        ),
        (r"you are trying to allocate to has already been paid", "xero.allocation_paid_off"),
        (r"line total .* does not match the expected line total", "xero.line_total_mismatch"),
        (r"Tax amount .* is incorrect for .* tax type", "xero.tax_amount_incorrect"),
        (r"exceeds the (amount outstanding|remaining credit)", "xero.payment_exceeds_outstanding"),
        (r"total debits \(.*\) must equal total credits", "xero.journal_unbalanced"),
        (r"has a payment or credit note allocated", "xero.document_allocated"),
        (r"reconciled", "xero.reconciled_payment"),
        (r"Payments can only be made against (AUTHORISED|approved)", "xero.payment_not_authorised"),
        (r"not of valid status", "xero.invalid_status"),
    )
)
# Xero refuses a payment on a PAID invoice with both of these at once; together they mean "already paid".
_ALREADY_PAID = frozenset({"xero.payment_not_authorised", "xero.payment_exceeds_outstanding"})


def code_for(message: str) -> str:
    """The catalogue code for one Xero message; `xero.unknown` when no known phrasing matches."""
    for pattern, code in PATTERNS:
        if pattern.search(message):
            return code
    return UNKNOWN


def coded(messages: list[str]) -> tuple[tuple[str, str], ...]:
    """Each message with its code, in Xero's order; the pair that means "this document is already paid" leads
    with `xero.document_paid`, so the first code names the real cause."""
    pairs = tuple((code_for(message), message) for message in messages)
    if {code for code, _ in pairs} >= _ALREADY_PAID:
        return tuple(
            ("xero.document_paid" if code == "xero.payment_not_authorised" else code, message)
            for code, message in pairs
        )
    return pairs
