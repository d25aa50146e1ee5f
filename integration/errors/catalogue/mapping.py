"""Codes for mapping problems: an Actionstep account, timekeeper or tax code without a usable Xero side."""

from __future__ import annotations

from integration.errors.catalogue.entry import CatalogueEntry, entries

MAPPING: dict[str, CatalogueEntry] = entries(
    CatalogueEntry(
        "mapping.unmapped_account",
        "Account not mapped",
        "An Actionstep account used by these documents has no Xero account mapped to it.",
        "Map the Actionstep account to a Xero account code (`/xero check` or `xerobot mappings set`).",
    ),
    CatalogueEntry(
        "mapping.xero_account_missing",
        "Mapped Xero account not found",
        "The mapping points at a Xero account code that is not in Xero's chart of accounts.",
        "Create the account in Xero with that code, or map the Actionstep account to an existing code.",
    ),
    CatalogueEntry(
        "mapping.rows_invalid",
        "Mappings not stored",
        "Some rows named something Xero or Actionstep does not have, or were not kind,source,xero; so none was stored.",
        "Correct the rows named, then run it again: every row is checked before any is stored.",
    ),
    CatalogueEntry(
        "mapping.xero_account_archived",
        "Mapped Xero account archived",
        "The mapping points at a Xero account that is archived, so Xero will not accept postings to it.",
        "Restore the account in Xero, or map the Actionstep account to an active one.",
    ),
    CatalogueEntry(
        "mapping.xero_account_no_code",
        "Xero account has no code",
        "Xero allows accounts without a code, but the integration identifies accounts by code.",
        "In Xero, give the account a unique code (Accounting > Chart of accounts), then map that code.",
    ),
    CatalogueEntry(
        "mapping.tax_type_invalid",
        "Tax type not allowed for the account",
        "The tax type these lines use cannot be used with the mapped Xero account's class.",
        "Map to a Xero account that allows this tax type, or correct the tax code in Actionstep.",
    ),
    CatalogueEntry(
        "mapping.holding_account_missing",
        "Trust holding account missing in Xero",
        "Trust transactions need the Trust Liability and Trust Transfers accounts, which Xero does not have by default.",
        "Create the holding accounts in Xero (with codes), then map them.",
    ),
    CatalogueEntry(
        "mapping.not_a_bank_account",
        "Bank account mapped to a non-bank account",
        "Payments and transfers must go through a Xero bank account, and the mapped account is not one.",
        "Map the Actionstep bank account to the matching bank account in Xero.",
    ),
    CatalogueEntry(
        "mapping.timekeeper_without_income_account",
        "Timekeeper has no income account",
        "A fee line belongs to a timekeeper who has no income account mapped, so the bill cannot be posted.",
        "Map the timekeeper to a Xero income account, or give them a default income account in Actionstep.",
    ),
    CatalogueEntry(
        "mapping.unknown_tax_code",
        "Unknown tax code",
        "A line uses an Actionstep tax code with no matching Xero tax type.",
        "Map the tax code to a Xero tax type, or correct the line in Actionstep.",
    ),
)
