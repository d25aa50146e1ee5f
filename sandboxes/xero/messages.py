"""The words the Xero sandbox answers with, in one place.

Where Xero's own text is known it is copied exactly (sources in `../shared/reference/xero.md` §7 and the
official spec's examples). Texts marked "(unverified)" are our best rendering of a rule Xero enforces whose exact
wording we have not seen; the client matches them by meaning, so a change here shows up in its tests.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal


def _xero_date(day: date) -> str:
    return day.strftime("%d-%b-%Y")


def account_not_valid(code: str) -> str:
    """An account that does not exist, is archived, is a system account or does not suit the document."""
    return f"Account code '{code}' is not a valid code for this document."


def account_removed(code: str) -> str:
    """The warning for an unknown account code dropped from a draft."""
    return f"Account code ''{code}'' has been removed as it does not match a recognised account."


ACCOUNT_CODE_REQUIRED = "Account code must be specified"  # (unverified)


def currency_not_subscribed(code: str) -> str:
    """A document in a currency the organisation has not enabled. Seen verbatim in public client code that
    matches on Xero's answer, and as Expensify's help for its error XRO068 ("Organization is not subscribed to
    currency x"); not in Xero's own pages or spec."""
    return f"Organisation is not subscribed to currency {code}"


def tax_type_not_for_account(tax_type: str, code: str) -> str:
    """A tax type whose CanApplyTo* flag for the account's class is off."""
    return f"The TaxType code '{tax_type}' cannot be used with account code '{code}'."


def tax_type_unknown(tax_type: str) -> str:
    """A tax type that does not exist or is not active."""
    return f"The TaxType code {tax_type} does not exist or cannot be used for this type of transaction."


def end_of_year_lock(lock: date) -> str:
    """A date on or before the end-of-year lock date."""
    return (
        f"The document date cannot be before the end of year lock date, currently set at {_xero_date(lock)}"
    )


def period_lock(lock: date) -> str:  # (unverified: modelled on the end-of-year wording)
    """A date on or before the period lock date."""
    return f"The document date cannot be before the period lock date, currently set at {_xero_date(lock)}"


def not_valid_status(noun: str) -> str:
    """A change the document's status does not allow."""
    return f"{noun} not of valid status for modification"


# A payment on a PAID invoice draws both of these together (a public production log, unconfirmed).
PAYMENT_NOT_AUTHORISED = "Payments can only be made against Authorised documents"
PAYMENT_EXCEEDS = "Payment amount exceeds the amount outstanding on this document"
# waynerobinson/xeroizer #320; the sandbox also answers it when the invoice owes less than the amount (its choice).
ALLOCATION_EXCEEDS = "Credit Note cannot be allocated as amount is greater than amount outstanding"
ALLOCATION_PAID_OFF = (
    "The invoice you are trying to allocate to has already been paid off"  # calcinai/xero-php #251
)
ALLOCATION_CONTACT_MISMATCH = "The ContactID and the TargetTransaction ContactID do not match"
ALLOCATION_TYPE_MISMATCH = "The credit note type is not valid for this invoice"  # (unverified)
RECONCILED_PAYMENT = "This payment has been reconciled and cannot be deleted"  # (unverified)
DOCUMENT_ALLOCATED = "This document cannot be edited as it has a payment or credit note allocated to it."
CONTACT_ARCHIVED = (
    "The contact with the specified contact details has been archived. The contact must be un-archived before "
    "creating new invoices or credit notes."
)
CONTACT_REQUIRED = (
    "The Contact must contain at least 1 of the following elements to identify the contact: Name, ContactID, "
    "ContactNumber"
)
CONTACT_NOT_FOUND = "The contact with the specified contact details could not be found"  # (unverified)
CONTACT_NAME_REQUIRED = "The contact name must be specified"  # (unverified)
INVOICE_NUMBER_UNIQUE = "Invoice # must be unique."
CREDIT_NOTE_NUMBER_UNIQUE = "Credit Note # must be unique."  # (unverified)
INVOICE_TYPE_REQUIRED = "Invoice Type must be specified"
CREDIT_NOTE_TYPE_REQUIRED = "Credit Note Type must be specified"  # (unverified)
DOCUMENT_NOT_FOUND = "The document with the supplied id was not found for this endpoint."
PAYMENT_TARGET_REQUIRED = (
    "You must specify either an Invoice or a CreditNote to apply the payment to"  # (unverified)
)
AMOUNT_POSITIVE = "Amount must be greater than zero"  # (unverified)
NARRATION_REQUIRED = "Narration must be specified"  # (unverified)
BANK_ACCOUNT_REQUIRED = "A bank account must be specified"  # (unverified)
TRANSFER_SAME_ACCOUNT = "The From and To bank accounts cannot be the same"  # (unverified)
TRANSFER_TYPES = "Bank transactions of this type are created with BankTransfers"  # (unverified)
ONLY_STATUS_CHANGES = "The sandbox changes only the Status of an existing document"
EDIT_WITH_STATUS = "The sandbox changes a document's Status in a request of its own, not with an edit"


def not_editable(fields: list[str]) -> str:
    """An edit of a field the sandbox does not edit (its own wording: see `edits`)."""
    return f"The sandbox does not edit {', '.join(fields)} of an existing document"


VALIDATION_EXCEPTION = "A validation exception occurred"


def contact_name_taken(name: str) -> str:
    """A new contact whose name an active contact already has."""
    return (
        f"The contact name {name} is already assigned to another contact. The contact name must be unique across "
        "all active contacts."
    )


def journal_unbalanced(debits: Decimal, credits: Decimal) -> str:
    """A manual journal whose debits and credits differ."""
    return f"The total debits ({debits:.2f}) must equal total credits ({credits:.2f})"


def idempotency_conflict(key: str) -> str:
    """A key reused with a different method, URL or body."""
    return f"Idempotency Key: {key} is used with a different request."


def line_total_mismatch(given: Decimal, expected: Decimal) -> str:
    """A LineAmount that is not Quantity × UnitAmount less discount (XeroAPI/Xero-NetStandard #74, #412)."""
    return f"The line total {given:.2f} does not match the expected line total {expected:.2f}"


def tax_amount_incorrect(given: Decimal, tax_type: str, expected: Decimal) -> str:
    """A TaxAmount override on a bank transaction line (XeroAPI/xero-node #768)."""
    return f"Tax amount {given:.2f} is incorrect for {tax_type} tax type, should be {expected:.2f}"


def token_expired(expired_at: datetime) -> str:
    """The 401 Detail for an access token past its expiry (freakboy3742/pyxero PR #337)."""
    return f"TokenExpired: token expired at {expired_at:%m/%d/%Y %H:%M:%S}"


# Plain-text bodies, not JSON: XeroAPI/Xero-OpenAPI #163 (404) and Xero's HTTP response codes page (503).
NOT_FOUND_TEXT = "The resource you're looking for cannot be found"
OFFLINE_TEXT = "Organisation offline"
SERVER_ERROR_TEXT = "An unhandled error occurred in the Xero API"  # (unverified)


IDEMPOTENCY_KEY_TOO_LONG = "Idempotency Key exceeds the maximum length of 128 characters"  # (unverified)
LINE_ITEMS_REQUIRED = "The document must have at least one line item"  # (unverified)
