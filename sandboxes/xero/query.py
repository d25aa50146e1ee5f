"""GET filters of the Xero sandbox: `where` expressions, list parameters and paging.

`where` supports what Xero documents and our client sends: comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`) of a
field path (`Contact.ContactID`) with a string, `Guid("…")`, number, `true`/`false` or `null`, joined by
`AND`/`OR` (also `&&`/`||`) with parentheses, and dates as `DateTime(2024,03,05)` (Xero's where syntax,
developer.xero.com "Requests and responses"). Method calls such as `Name.Contains("x")` are refused with a 400,
so a client relying on them finds out here rather than against Xero. Filters are evaluated on the rendered
records, i.e. on exactly the fields a client sees.

High volume. On an organisation with an extremely high volume of records Xero refuses a `where` on any field it
has not optimised for the endpoint, and an unpaged list of payments, with a plain-text 400 "Your request is not
filtering payments efficiently, given the extremely high volume for this organisation. Please check …"
(XeroAPI/xero-php-oauth2-app #30, #31, with Xero staff's explanation; freakboy3742/pyxero #373). `OPTIMISED` is
Xero's list of optimised fields ("Optimised use of the where filter", developer.xero.com
/documentation/api/efficient-data-retrieval, as reproduced per endpoint in CData's Xero connector documentation,
"Optimized Filters and High Volume Thresholds"). Xero documents no optimised field for bank transfers or manual
journals: a `where` there is refused. The end of the message after "Please check" is not in any public capture;
the sandbox's is its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

from sandboxes.xero.wsgi import HttpError, Request

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<open>\() | (?P<close>\)) | (?P<op>==|!=|>=|<=|>|<)
      | (?P<guid>Guid\s*\(\s*"(?:\\.|[^"\\])*"\s*\))
      | (?P<datetime>DateTime\s*\(\s*\d{4}\s*,\s*\d{1,2}\s*,\s*\d{1,2}\s*\))
      | (?P<string>"(?:\\.|[^"\\])*")
      | (?P<joiner>(?i:AND|OR)\b|&&|\|\|)
      | (?P<word>(?i:true|false|null)\b)
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<path>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)

Predicate = Callable[[dict[str, Any]], bool]

OPTIMISED: dict[str, frozenset[str]] = {
    "invoices": frozenset(
        {
            "status",
            "contact.contactid",
            "contact.name",
            "contact.contactnumber",
            "reference",
            "date",
            "type",
            "amountdue",
            "amountpaid",
            "duedate",
        }
    ),
    "creditnotes": frozenset(
        {"status", "date", "reference", "contact.contactid", "contact.name", "contact.contactnumber", "type"}
    ),
    "payments": frozenset({"paymenttype", "status", "date", "invoice.invoiceid", "reference"}),
    "banktransactions": frozenset({"type", "status", "date", "contact.contactid"}),
    "contacts": frozenset({"name", "emailaddress", "accountnumber"}),
    "banktransfers": frozenset(),
    "manualjournals": frozenset(),
}
# Payments: only these two are optimised inside an OR; a lone comparison on one of them is the trivial OR.
OPTIMISED_OR: dict[str, frozenset[str]] = {"payments": frozenset({"invoice.invoiceid", "paymentid"})}
# Invoices: the fields Xero optimises `order` on (same CData reproduction, "Optimized ORDER BY columns").
OPTIMISED_ORDER: dict[str, frozenset[str]] = {"invoices": frozenset({"invoiceid", "updateddateutc", "date"})}
MUST_PAGE = frozenset({"payments"})  # Xero staff, xero-php-oauth2-app #31: "you must use paging"


def _bad(detail: str) -> HttpError:
    return HttpError(400, {"ErrorNumber": 16, "Type": "QueryParseException", "Message": detail})


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise _bad(f"Unsupported where clause near: {text[position : position + 30]}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _unquote(literal: str) -> str:
    body = literal[literal.index('"') + 1 : literal.rindex('"')]
    return re.sub(r"\\(.)", r"\1", body)


def _field(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _literal(kind: str, literal: str) -> Any:
    """The right-hand side of a comparison, read once per clause rather than once per record."""
    if kind == "guid":
        return _unquote(literal).lower()
    if kind == "datetime":
        year, month, day = (int(n) for n in re.findall(r"\d+", literal))
        return date(year, month, day)
    if kind == "string":
        return _unquote(literal)
    if kind == "number":
        return Decimal(literal)
    return {"true": True, "false": False, "null": None}[literal.lower()]


def _compare(left: Any, op: str, kind: str, right: Any) -> bool:
    if kind == "guid":
        left = str(left or "").lower()
    elif kind == "datetime":
        moment = re.search(r"-?\d+", str(left or ""))
        left = datetime.fromtimestamp(int(moment.group()) / 1000, UTC).date() if moment else None
    elif kind == "string":
        left = "" if left is None else str(left)
    elif kind == "number":
        if left is None or isinstance(left, bool):
            return op == "!="
        left = Decimal(str(left))
    elif right is None and left == "":
        left = None
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if left is None or right is None or isinstance(right, bool):
        return False
    return bool({">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}[op])


# What a `where` pins: field path (lower case) -> the only values (lower case) a matching record can hold there.
Keys = dict[str, frozenset[str]]


def _both(left: Keys, right: Keys) -> Keys:
    """The pins of `A AND B`: every pin of either, intersected where both pin the same field."""
    merged = dict(left)
    for path, values in right.items():
        merged[path] = merged[path] & values if path in merged else values
    return merged


def _either(terms: list[Keys]) -> Keys:
    """The pins of `A OR B …`: only a field every term pins, to the union of their values."""
    common = set(terms[0]).intersection(*terms[1:])
    return {path: frozenset().union(*(t[path] for t in terms)) for path in common}


class _Parser:
    """Reads a `where` into a predicate and, beside it, the values it pins each id field to (`Keys`): a record
    whose field holds none of them cannot match, so it need not be rendered to be ruled out."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.at = 0
        self.fields: list[tuple[str, bool]] = []  # each compared field, and whether it sits inside an OR

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self, kind: str) -> str:
        found, value = self.peek()
        if found != kind:
            raise _bad(f"Expected {kind} in where clause, found {value or 'the end'}")
        self.at += 1
        return value

    def expression(self) -> tuple[Predicate, Keys]:
        first = len(self.fields)
        terms = [self.conjunction()]
        while self.peek()[0] == "joiner" and self.peek()[1].upper() in ("OR", "||"):
            self.at += 1
            terms.append(self.conjunction())
        if len(terms) == 1:
            return terms[0]
        self.fields[first:] = [(path, True) for path, _ in self.fields[first:]]
        tests = [t for t, _ in terms]
        return (lambda r: any(t(r) for t in tests)), _either([k for _, k in terms])

    def conjunction(self) -> tuple[Predicate, Keys]:
        factors = [self.factor()]
        while self.peek()[0] == "joiner" and self.peek()[1].upper() in ("AND", "&&"):
            self.at += 1
            factors.append(self.factor())
        if len(factors) == 1:
            return factors[0]
        tests = [t for t, _ in factors]
        keys: Keys = {}
        for _, pinned in factors:
            keys = _both(keys, pinned)
        return (lambda r: all(t(r) for t in tests)), keys

    def factor(self) -> tuple[Predicate, Keys]:
        if self.peek()[0] == "open":
            self.at += 1
            inner = self.expression()
            self.take("close")
            return inner
        path = self.take("path")
        op = self.take("op")
        kind, literal = self.peek()
        if kind not in ("string", "guid", "datetime", "number", "word"):
            raise _bad(f"Expected a value after {path}{op}")
        self.at += 1
        self.fields.append((path, False))
        right = _literal(kind, literal)
        # Only `==` on a non-empty text or Guid pins a field; compared without case, a superset of `_compare`'s.
        pinned = (
            {path.lower(): frozenset({right.lower()})} if op == "==" and kind in ("string", "guid") else {}
        )
        return (lambda r: _compare(_field(r, path), op, kind, right)), (pinned if right else {})


def where_plan(text: str | None) -> tuple[Predicate, Keys]:
    """A predicate over rendered records for a `where` parameter (everything matches when absent), and the values
    it pins id fields to (see `_Parser`)."""
    if not text or not text.strip():
        return (lambda record: True), {}
    parser = _Parser(_tokens(text))
    found = parser.expression()
    if parser.peek()[0] != "end":
        raise _bad(f"Unexpected {parser.peek()[1]} in where clause")
    return found


def where(text: str | None) -> Predicate:
    """A predicate over rendered records for a `where` parameter (everything matches when absent)."""
    return where_plan(text)[0]


def inefficient(resource: str, request: Request) -> str | None:
    """Xero's refusal of this list request on a high-volume organisation, or None when Xero would answer it."""
    resource = resource.lower()
    text = request.param("where")
    refused = resource in MUST_PAGE and request.param("page") is None
    if text and text.strip() and resource in OPTIMISED:
        parser = _Parser(_tokens(text))
        parser.expression()
        alone, ored = OPTIMISED[resource], OPTIMISED_OR.get(resource)
        for path, in_or in parser.fields:
            allowed = (ored if ored is not None else alone) if in_or else alone | (ored or frozenset())
            refused = refused or path.lower() not in allowed
    order = request.param("order")
    if order and resource in OPTIMISED_ORDER:
        fields = {term.split()[0].lower() for term in order.split(",") if term.strip()}
        refused = refused or not fields <= OPTIMISED_ORDER[resource]
    if not refused:
        return None
    return (
        f"Your request is not filtering {resource} efficiently, given the extremely high volume for this "
        "organisation. Please check the optimised filters and ordering for this endpoint."
    )


def page(
    records: list[dict[str, Any]], request: Request
) -> tuple[list[dict[str, Any]], dict[str, int] | None]:
    """The requested page (all records when no `page` is given) and Xero's `pagination` block."""
    number = request.param("page")
    if number is None:
        return records, None
    try:
        page_number = max(int(number), 1)
        size = min(max(int(request.param("pageSize") or DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE)
    except ValueError:
        raise _bad("page and pageSize must be whole numbers") from None
    start = (page_number - 1) * size
    count = len(records)
    pagination = {"page": page_number, "pageSize": size, "pageCount": -(-count // size), "itemCount": count}
    return records[start : start + size], pagination


def _moment(value: Any) -> int | None:
    """Milliseconds since the epoch of a rendered `/Date(…)/` value (None when the value is not one)."""
    found = re.fullmatch(r"/Date\((-?\d+)(?:[+-]\d{4})?\)/", str(value or ""))
    return int(found.group(1)) if found else None


def _since(header: str) -> int:
    text = header.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise _bad(f"If-Modified-Since is not a date and time: {text}") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def modified_since(records: list[dict[str, Any]], header: str | None) -> list[dict[str, Any]]:
    """The records created or modified after the `If-Modified-Since` moment (all of them without the header).

    Source: spec `components/parameters/ifModifiedSince`, "Only records created or modified since this timestamp
    will be returned" (example `2020-02-06T12:17:43.202-08:00`); a moment without an offset is UTC ("A UTC
    timestamp", developer.xero.com Invoices page), and an HTTP-date (RFC 9110 §13.1.3) is read too. A record is
    compared by `UpdatedDateUTC` (`CreatedDateUTC` for bank transfers, which have no other); records with
    neither (organisation, accounts, tax rates) are all returned. The sandbox's choices: a record modified at
    exactly that moment is not returned (strictly after, the stricter reading), and an unreadable header answers
    a 400."""
    if header is None or not header.strip():
        return records
    since = _since(header)
    kept = []
    for record in records:
        moment = _moment(record.get("UpdatedDateUTC") or record.get("CreatedDateUTC"))
        if moment is None or moment > since:
            kept.append(record)
    return kept


def _sort_key(value: Any) -> tuple[int, Any]:
    moment = _moment(value)
    if moment is not None:
        return (1, Decimal(moment))
    if isinstance(value, bool) or value is None or value == "":
        return (0, Decimal(int(bool(value))))
    if isinstance(value, int | float | Decimal):
        return (1, Decimal(str(value)))
    return (2, str(value).lower())


def ordered(records: list[dict[str, Any]], order: str | None) -> list[dict[str, Any]]:
    """The records in the `order` asked for: `Field [ASC|DESC]`, several separated by commas.

    Source: spec `getInvoices` (and the other lists) `order`, "Order by an any element", with the example
    `InvoiceNumber ASC`; developer.xero.com "Requests and responses" (`order=EmailAddress DESC`). Without `order`
    the records keep the order they were created in (the sandbox's choice: Xero documents no default). A field
    a record lacks sorts first, as null; text compares without case."""
    if not order or not order.strip():
        return records
    result = list(records)
    for term in reversed([t.strip() for t in order.split(",") if t.strip()]):
        words = term.split()
        if len(words) > 2 or (len(words) == 2 and words[1].upper() not in ("ASC", "DESC")):
            raise _bad(f"Unsupported order clause: {term}")
        path, descending = words[0], len(words) == 2 and words[1].upper() == "DESC"
        result.sort(key=lambda r: _sort_key(_field(r, path)), reverse=descending)
    return result
