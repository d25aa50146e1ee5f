"""Xero's JSON on the wire: money as exact numbers out, `Decimal` in, and MS-JSON dates.

`json` cannot write a `Decimal` as a number, and going through `float` is exactly what we must never do with money,
so `dumps` writes the JSON text itself. Amounts are written with exactly two decimals; `UnitAmount` and
`Quantity` keep up to four (the client asks for `unitdp=4`) and `CurrencyRate` up to six. An amount with more
precision than its field allows is refused rather than rounded: rounding money is the caller's decision.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

_PLACES = {"UnitAmount": 4, "Quantity": 4, "CurrencyRate": 6}
_MONEY_PLACES = 2
_MS_DATE = re.compile(r"/Date\((-?\d+)([+-]\d{4})?\)/")


def format_amount(value: Decimal, places: int = _MONEY_PLACES, *, minimum: int = _MONEY_PLACES) -> str:
    """`value` as JSON number text with at least `minimum` and at most `places` decimals."""
    if not value.is_finite():
        raise ValueError(f"{value} is not an amount")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > places and value != value.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(f"{value} has more than {places} decimal places")
    text = format(value.quantize(Decimal(1).scaleb(-places)), "f")
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0").ljust(minimum, "0")
    return f"{whole}.{fraction}" if fraction else whole


def _write(value: Any, key: str | None, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append("{")
        for index, (name, item) in enumerate(value.items()):
            if index:
                out.append(",")
            out.append(json.dumps(str(name)))
            out.append(":")
            _write(item, str(name), out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, key, out)
        out.append("]")
    elif isinstance(value, Decimal):
        places = _PLACES.get(key or "", _MONEY_PLACES)
        out.append(format_amount(value, places))
    elif isinstance(value, float):
        raise TypeError(f"{key}: money must be Decimal, never float")
    elif isinstance(value, date):  # datetimes too: both serialise as ISO text
        out.append(json.dumps(value.isoformat()))
    else:
        out.append(json.dumps(value))


def dumps(body: Any) -> bytes:
    """Serialise a request body. Decimals become numbers with Xero's decimal places; dates become YYYY-MM-DD."""
    out: list[str] = []
    _write(body, None, out)
    return "".join(out).encode()


def loads(content: bytes) -> Any:
    """Parse a response body; every JSON number with a fraction becomes a `Decimal`."""
    return json.loads(content, parse_float=Decimal)


def parse_ms_date(value: Any) -> datetime | None:
    """`/Date(1539129600000+0000)/` (or an ISO string) as an aware UTC datetime; None for empty values."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    text = str(value)
    match = _MS_DATE.fullmatch(text)
    if match:
        # The milliseconds are UTC; the offset only says which zone the value was entered in.
        return datetime.fromtimestamp(int(match.group(1)) / 1000, UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
