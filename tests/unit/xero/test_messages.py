"""Xero's validation messages, in the phrasings seen in the wild, map to stable catalogue codes."""

from __future__ import annotations

import pytest

from integration.errors import CATALOGUE
from integration.xero.messages import PATTERNS, code_for, coded


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("Account code '200' is not a valid code for this document.", "xero.account_invalid"),
        ("Account code '310' has been archived, or deleted.", "xero.account_invalid"),
        (
            "Account code ''476'' has been removed as it does not match a recognised account.",
            "xero.account_invalid",
        ),
        ("Account code must be specified", "xero.account_no_code"),
        ("The account code or ID must be specified", "xero.account_no_code"),
        (
            "The TaxType code 'GST on Income' cannot be used with account code '60410'.",
            "xero.tax_type_invalid",
        ),
        (
            "The TaxType code GST on Income does not exist or cannot be used for this type of transaction.",
            "xero.tax_type_invalid",
        ),
        ("The TaxType field is mandatory", "xero.tax_type_invalid"),
        ("Tax rate must be valid.", "xero.tax_type_invalid"),
        (
            "The document date cannot be before the end of year lock date, currently set at 31-Jul-2013",
            "xero.lock_date",
        ),
        ("The document date cannot be before the period lock date of 30 June 2026", "xero.lock_date"),
        ("Invoice not of valid status for modification", "xero.invalid_status"),
        (
            "The contact with the specified contact details has been archived. The contact must be un-archived "
            "before creating new invoices or credit notes.",
            "xero.contact_archived",
        ),
        ("The contact is archived and cannot be used.", "xero.contact_archived"),
        ("Invoice # must be unique.", "xero.duplicate_number"),
        (
            "Payment amount exceeds the amount outstanding on this document",
            "xero.payment_exceeds_outstanding",
        ),
        ("The total debits (100.00) must equal total credits (-10.00)", "xero.journal_unbalanced"),
        (
            "This document cannot be edited as it has a payment or credit note allocated to it.",
            "xero.document_allocated",
        ),
        ("Email address must be valid.", "xero.unknown"),
    ],
)
def test_each_known_phrasing_maps_to_its_code(message: str, code: str) -> None:
    assert code_for(message) == code


def test_every_code_a_pattern_gives_is_in_the_catalogue() -> None:
    assert {code for _, code in PATTERNS} | {"xero.unknown"} <= set(CATALOGUE)


def test_unknown_messages_keep_their_raw_text() -> None:
    assert coded(["Something new", "Invoice # must be unique."]) == (
        ("xero.unknown", "Something new"),
        ("xero.duplicate_number", "Invoice # must be unique."),
    )
