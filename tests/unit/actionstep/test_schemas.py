"""Wire coercions for Actionstep's quirks, and error messages that name Actionstep's fields."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from integration.actionstep.schemas import (
    AccountWire,
    ContactWire,
    LinedDocumentWire,
    LineWire,
    explain,
    parse_timestamp,
    pick,
)

LINE_FIELDS = {
    "id": "id",
    "quantity": "quantity",
    "amount": "amount",
    "tax": "salesTax",
    "tax_code": "links.taxCode",
}


def line(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "7",
        "quantity": "1.50",
        "amount": "100.00",
        "salesTax": "10.00",
        "links": {"taxCode": "1"},
    }
    record.update(overrides)
    return record


def test_pick_reads_fields_and_links_by_our_names() -> None:
    record = {"id": 3, "ourReference": "INV-1", "links": {"action": ["5001"], "theirParticipant": 101}}
    fields = {
        "id": "id",
        "number": "ourReference",
        "matter": "links.action",
        "contact": "links.theirParticipant",
    }
    assert pick(record, fields) == {"id": 3, "number": "INV-1", "matter": ["5001"], "contact": 101}
    assert pick({"id": "1"}, {"contact": "links.theirParticipant"}) == {"contact": None}


@pytest.mark.parametrize(
    ("wire", "expected"), [("T", True), ("F", False), ("t", True), (True, True), ("false", False)]
)
def test_booleans_arrive_as_t_or_f(wire: Any, expected: bool) -> None:
    assert ContactWire.model_validate({"id": "1", "name": "A", "is_company": wire}).is_company is expected


def test_a_boolean_that_is_neither_t_nor_f_is_refused() -> None:
    with pytest.raises(ValidationError, match="is not T or F: 'Y'"):
        AccountWire.model_validate({"id": "1", "code": "1-1", "name": "A", "active": "Y"})


@pytest.mark.parametrize("wire", ["100.00", 100, Decimal("100.00"), " 100.00 "])
def test_numbers_and_ids_arrive_as_strings_or_numbers_and_money_is_decimal(wire: Any) -> None:
    parsed = LineWire.model_validate(pick(line(amount=wire, id=7), LINE_FIELDS | {"id": "id"}))
    assert parsed.amount == Decimal(100) and isinstance(parsed.amount, Decimal) and parsed.id == "7"


@pytest.mark.parametrize("wire", ["12O0.00", "", None, "NaN", "Infinity", True, 1.5, [1]])
def test_a_non_number_amount_is_refused_with_what_was_sent(wire: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        LineWire.model_validate(pick(line(amount=wire), LINE_FIELDS))
    assert explain(raised.value, LINE_FIELDS).startswith("amount ")


def test_explain_names_actionsteps_field_not_ours() -> None:
    with pytest.raises(ValidationError) as raised:
        LineWire.model_validate(pick(line(salesTax="ten", links={}), LINE_FIELDS))
    assert explain(raised.value, LINE_FIELDS) == "salesTax is not a number: 'ten'; taxCode is missing"


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2026-07-03", date(2026, 7, 3)),
        ("03-Jul-2026", date(2026, 7, 3)),
        ("23-May-1987", date(1987, 5, 23)),
        ("2026-07-03T00:00:00+10:00", date(2026, 7, 3)),
    ],
)
def test_dates_arrive_in_several_forms(wire: str, expected: date) -> None:
    document = {
        "id": "1",
        "status": "Open",
        "number": "INV-1",
        "date": wire,
        "total": "1.00",
        "modified_at": "2026-07-03T10:00:00+10:00",
    }
    assert LinedDocumentWire.model_validate(document).date == expected


def test_timestamps_are_made_utc_and_one_without_an_offset_is_taken_as_utc() -> None:
    assert parse_timestamp("2026-07-03T10:00:00+10:00") == datetime(2026, 7, 3, 0, 0, tzinfo=UTC)
    assert parse_timestamp("2026-07-03T10:00:00") == datetime(2026, 7, 3, 10, 0, tzinfo=UTC)
    assert parse_timestamp("2026-07-03T10:00:00Z") == datetime(2026, 7, 3, 10, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="is not a timestamp"):
        parse_timestamp("yesterday")


def test_links_to_one_and_to_many_are_normalised() -> None:
    base = {
        "id": "1",
        "status": "Open",
        "number": "N",
        "date": "2026-07-03",
        "total": "1",
        "modified_at": "2026-07-03",
    }
    as_list = LinedDocumentWire.model_validate({**base, "matter": ["5001"], "lines": "9"})
    assert as_list.matter == "5001" and as_list.lines == ["9"]
    as_id = LinedDocumentWire.model_validate({**base, "matter": 5001, "lines": [1, "2"]})
    assert as_id.matter == "5001" and as_id.lines == ["1", "2"]
    empty = LinedDocumentWire.model_validate({**base, "matter": [], "lines": None})
    assert empty.matter is None and empty.lines == []
    with pytest.raises(ValidationError, match="names 2 records where one was expected"):
        LinedDocumentWire.model_validate({**base, "matter": ["1", "2"]})
