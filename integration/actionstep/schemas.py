"""Wire models (pydantic) for what Actionstep sends, with the coercions its quirks need.

The models use our names; `resources.py` maps them to Actionstep's fields and `pick()` builds a model's input from
a raw record with that map. Coercions, each raising a message that reads after the field's name:
- booleans arrive as "T"/"F";
- ids and numbers arrive as strings (or numbers); money is `Decimal`, never float (bodies are parsed with
  `parse_float=Decimal`);
- dates arrive as `2026-07-03`, `03-Jul-2026` or a full timestamp;
- timestamps are ISO-8601 with an offset; one without an offset is taken as UTC;
- a to-one link may arrive as an id, a one-element list or null; a to-many link as a list, one id or null.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationError


def pick(record: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, Any]:
    """Our name -> the record's value for each field in `fields` (`links.x` reads the record's links)."""
    links = record.get("links")
    links = links if isinstance(links, Mapping) else {}
    return {
        ours: links.get(theirs[6:]) if theirs.startswith("links.") else record.get(theirs)
        for ours, theirs in fields.items()
    }


def _present(value: Any) -> Any:
    if value is None or value == "":
        raise ValueError("is missing")
    return value


def _text(value: Any) -> str:
    return str(_present(value))


def _optional_text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _id(value: Any) -> str:
    value = _present(value)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"is not an id: {value!r}")
    return str(value)


def _decimal(value: Any) -> Decimal:
    value = _present(value)
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError(f"is not a number: {value!r}")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise ValueError(f"is not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"is not a number: {value!r}")
    return number


def _optional_decimal(value: Any) -> Decimal | None:
    return None if value is None or value == "" else _decimal(value)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(_present(value)).strip().upper()
    if text in ("T", "TRUE"):
        return True
    if text in ("F", "FALSE"):
        return False
    raise ValueError(f"is not T or F: {value!r}")


DATE_FORMATS = ("%Y-%m-%d", "%d-%b-%Y", "%d/%m/%Y")


def _date(value: Any) -> date:
    value = _present(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if (
        len(text) == 10 and text[4] == "-" and text[7] == "-"
    ):  # Actionstep's usual YYYY-MM-DD: no locale lookup
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(text, layout).date()  # noqa: DTZ007 (a calendar date, no zone)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"is not a date: {value!r}") from None


def _optional_date(value: Any) -> date | None:
    return None if value is None or value == "" else _date(value)


def parse_timestamp(value: Any) -> datetime:
    """An aware UTC datetime from Actionstep's timestamp (no offset means UTC)."""
    value = _present(value)
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"is not a timestamp: {value!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _to_one(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        if len(value) > 1:
            raise ValueError(f"names {len(value)} records where one was expected")
        value = value[0] if value else None
    return None if value is None or value == "" else _id(value)


def _to_many(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    items = value if isinstance(value, list | tuple) else [value]
    return [_id(item) for item in items]


Text = Annotated[str, PlainValidator(_text)]
OptionalText = Annotated[str | None, PlainValidator(_optional_text)]
Id = Annotated[str, PlainValidator(_id)]
Money = Annotated[Decimal, PlainValidator(_decimal)]
OptionalMoney = Annotated[Decimal | None, PlainValidator(_optional_decimal)]
Flag = Annotated[bool, PlainValidator(_bool)]
Day = Annotated[date, PlainValidator(_date)]
OptionalDay = Annotated[date | None, PlainValidator(_optional_date)]
Timestamp = Annotated[datetime, PlainValidator(parse_timestamp)]
ToOne = Annotated[str | None, PlainValidator(_to_one)]
ToMany = Annotated[list[str], PlainValidator(_to_many)]


class Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class LinedDocumentWire(Wire):
    id: Id
    status: Text
    number: Text
    reference: OptionalText = None
    currency: OptionalText = None
    date: Day
    due_date: OptionalDay = None
    total: Money
    modified_at: Timestamp
    contact: ToOne = None
    matter: ToOne = None
    lines: ToMany = []
    allocations: ToMany = []
    direction: OptionalText = None


class LineWire(Wire):
    id: Id
    description: OptionalText = None
    quantity: Money
    unit_price: OptionalMoney = None
    amount: Money
    tax: Money
    tax_code: Id
    account: ToOne = None
    timekeeper: ToOne = None


class AllocationWire(Wire):
    id: Id
    amount: Money
    date: Day
    bill: ToOne = None
    sale_purchase: ToOne = None


class MovementWire(Wire):
    """Receipts, payments, transfers, trust and bank transactions: one amount between accounts."""

    id: Id
    status: Text
    number: Text
    date: Day
    amount: Money
    description: OptionalText = None
    modified_at: Timestamp
    contact: ToOne = None
    matter: ToOne = None
    invoice: ToOne = None
    bank_account: ToOne = None
    account: ToOne = None
    from_account: ToOne = None
    to_account: ToOne = None


class JournalWire(Wire):
    id: Id
    status: Text
    number: Text
    date: Day
    description: OptionalText = None
    modified_at: Timestamp
    lines: ToMany = []


class JournalLineWire(Wire):
    id: Id
    description: OptionalText = None
    debit: OptionalMoney = None
    credit: OptionalMoney = None
    account: Id


class AccountWire(Wire):
    id: Id
    code: Text
    name: Text
    active: Flag = True
    type: ToOne = None


class AccountTypeWire(Wire):
    id: Id
    name: Text


class TimekeeperWire(Wire):
    id: Id
    name: Text
    active: Flag = True
    income_account: ToOne = None


class TaxCodeWire(Wire):
    id: Id
    code: Text
    rate: Money
    xero_output: OptionalText = None
    xero_input: OptionalText = None


class ContactWire(Wire):
    id: Id
    name: Text
    email: OptionalText = None
    is_company: Flag = False


class MatterWire(Wire):
    id: Id
    name: Text
    reference: OptionalText = None
    client: ToMany = []


class SettingsWire(Wire):
    basis: Text


def explain(error: ValidationError, fields: Mapping[str, str]) -> str:
    """`error` as one sentence naming Actionstep's fields, e.g. "totalInclusive is not a number: '12O0.00'"."""
    parts = []
    for item in error.errors():
        ours = str(item["loc"][0]) if item["loc"] else ""
        name = fields.get(ours, ours).removeprefix("links.")
        parts.append(f"{name} {str(item['msg']).removeprefix('Value error, ')}")
    return "; ".join(parts)
