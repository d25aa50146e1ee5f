"""Codes for month-end reconciliation: trust breaches it finds and the requests it refuses."""

from __future__ import annotations

from integration.errors.catalogue.entry import CatalogueEntry, entries

MONTH_END: dict[str, CatalogueEntry] = entries(
    CatalogueEntry(
        "trust.overdrawn",
        "Matter's trust ledger overdrawn",
        "A matter's trust ledger in Actionstep is below zero at the end of the period: more trust money was paid or "
        "transferred out for it than was received. Trust money of other clients paid for it, which the trust "
        "rules forbid (AU Uniform General Rules r 48; NZ Trust Account Regulations r 12).",
        "Find the payment or transfer that overdrew it, put the money back into trust for the matter, and report "
        "the breach as your jurisdiction requires. The alert stays open until a reconciliation finds the matter in "
        "credit.",
    ),
    CatalogueEntry(
        "reconcile.in_progress",
        "Reconciliation already running",
        "Another reconciliation is running; one runs at a time so two never record different closes at once.",
        "Wait for it to finish (it posts its result), then reconcile again if you still need to.",
    ),
)
