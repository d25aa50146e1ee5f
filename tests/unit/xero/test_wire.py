"""The client's wire format: exact money out, Decimal in, MS-JSON dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integration.xero import XeroEndpoints, wire
from integration.xero.schemas import Invoice, Organisation, pascal


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Decimal("1000"), 2, "1000.00"),
        (Decimal("-5.5"), 2, "-5.50"),
        (Decimal("12.30000"), 2, "12.30"),
        (Decimal("12.3456"), 4, "12.3456"),
        (Decimal("12.3"), 4, "12.30"),
        (Decimal("1E+3"), 2, "1000.00"),
    ],
)
def test_amounts_are_written_with_two_decimals_or_up_to_the_fields_places(
    value: Decimal, places: int, text: str
) -> None:
    assert wire.format_amount(value, places) == text


def test_an_amount_with_more_places_than_its_field_allows_is_refused_not_rounded() -> None:
    with pytest.raises(ValueError, match="more than 2 decimal places"):
        wire.format_amount(Decimal("0.005"))
    with pytest.raises(ValueError, match="not an amount"):
        wire.format_amount(Decimal("NaN"))


def test_bodies_write_decimals_as_numbers_dates_as_iso_and_refuse_floats() -> None:
    body = {
        "Invoices": [
            {
                "Date": date(2026, 7, 1),
                "LineItems": [
                    {"UnitAmount": Decimal("9.1234"), "Quantity": Decimal(2), "TaxAmount": Decimal("1.8")}
                ],
            }
        ]
    }
    assert wire.dumps(body) == (
        b'{"Invoices":[{"Date":"2026-07-01","LineItems":[{"UnitAmount":9.1234,"Quantity":2.00,"TaxAmount":1.80}]}]}'
    )
    with pytest.raises(TypeError, match="never float"):
        wire.dumps({"Amount": 1.5})


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_any_two_place_amount_survives_the_round_trip_exactly(amount: Decimal) -> None:
    assert wire.loads(wire.dumps({"Amount": amount}))["Amount"] == amount


@pytest.mark.parametrize(
    ("value", "moment"),
    [
        ("/Date(1539129600000+0000)/", datetime(2018, 10, 10, tzinfo=UTC)),
        ("/Date(1552432238716)/", datetime(2019, 3, 12, 23, 10, 38, 716000, tzinfo=UTC)),
        ("/Date(1539129600000+1300)/", datetime(2018, 10, 10, tzinfo=UTC)),
        ("2019-11-14T18:10:38Z", datetime(2019, 11, 14, 18, 10, 38, tzinfo=UTC)),
        ("", None),
    ],
)
def test_ms_json_dates_are_milliseconds_since_the_epoch_in_utc(value: str, moment: datetime | None) -> None:
    assert wire.parse_ms_date(value) == moment


def test_models_read_xeros_pascal_case_dates_and_money() -> None:
    assert pascal("updated_date_utc") == "UpdatedDateUTC" and pascal("contact_id") == "ContactID"
    organisation = Organisation.model_validate(
        {
            "OrganisationID": "o",
            "Name": "Firm",
            "BaseCurrency": "AUD",
            "PeriodLockDate": "/Date(1782777600000+0000)/",
        }
    )
    assert organisation.period_lock_date == date(2026, 6, 30) and organisation.end_of_year_lock_date is None
    raw = wire.loads(
        b'{"InvoiceID":"i","InvoiceNumber":"AS-1","Status":"PAID","Total":110.10,"Contact":{"ContactID":"c"},'
        b'"Payments":[{"PaymentID":"p","Amount":110.10}]}'
    )
    invoice = Invoice.model_validate(raw)
    assert (
        invoice.total == Decimal("110.10")
        and invoice.contact_id == "c"
        and invoice.payments[0].amount == Decimal("110.10")
    )


def test_endpoints_follow_xero_in_production_and_the_sandbox_layout_elsewhere() -> None:
    production = XeroEndpoints.from_settings(
        "https://api.xero.com/api.xro/2.0/", "https://identity.xero.com/connect/token"
    )
    assert production.connections_url == "https://api.xero.com/connections"
    assert production.authorize_url == "https://login.xero.com/identity/connect/authorize"
    local = XeroEndpoints.from_settings(
        "http://127.0.0.1:8765/xero/api.xro/2.0", "http://127.0.0.1:8765/xero/connect/token"
    )
    assert local.connections_url == "http://127.0.0.1:8765/xero/connections"
    assert local.authorize_url == "http://127.0.0.1:8765/xero/identity/connect/authorize"
