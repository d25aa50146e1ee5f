"""Metric labels stay few and say nothing about documents: endpoint names with the ids taken out."""

from __future__ import annotations

import pytest

from integration.telemetry import endpoint_of


@pytest.mark.parametrize(
    ("path", "endpoint"),
    [
        ("/Invoices", "Invoices"),
        ("Invoices/4f1c2a7e-0b4d-4e55-9a57-2f1f0c9a1b23/History", "Invoices/{id}/History"),
        ("CreditNotes/4F1C2A7E0B4D4E559A572F1F0C9A1B23/Allocations?x=1", "CreditNotes/{id}/Allocations"),
        ("salesinvoices/101,102,103", "salesinvoices/{id}"),
        ("", "/"),
    ],
)
def test_an_endpoint_label_keeps_the_names_and_drops_ids_and_queries(path: str, endpoint: str) -> None:
    assert endpoint_of(path) == endpoint
