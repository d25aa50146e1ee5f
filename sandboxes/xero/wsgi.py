"""Just enough WSGI for the Xero sandbox: a parsed request, a response, and JSON with exact money.

Money leaves the sandbox as JSON numbers written from `Decimal` text (the books hold amounts already quantised),
and request numbers are read back as `Decimal`, so no amount ever passes through a float.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class HttpError(Exception):
    """Stop handling a request and answer `status` with `payload`: JSON, or plain text when it is a `str`."""

    def __init__(self, status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(status)
        self.status = status
        self.payload = payload
        self.headers = list(headers)


@dataclass(slots=True)
class Request:
    """An HTTP request as the sandbox needs it; `path` is below the sandbox's prefix."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    query_string: str = ""

    @classmethod
    def from_environ(cls, environ: dict[str, Any], path: str) -> Request:
        """Read a WSGI environ (the body included)."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {
            key[5:].replace("_", "-").lower(): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = str(environ["CONTENT_TYPE"])
        query_string = str(environ.get("QUERY_STRING", ""))
        query = {
            key.lower(): values for key, values in parse_qs(query_string, keep_blank_values=True).items()
        }
        return cls(str(environ["REQUEST_METHOD"]).upper(), path, query, headers, body, query_string)

    def param(self, name: str) -> str | None:
        """A query parameter by case-insensitive name (Xero accepts `IDs` and `ids` alike)."""
        values = self.query.get(name.lower())
        return values[0] if values else None

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean query parameter (`true`, any case)."""
        value = self.param(name)
        return default if value is None else value.strip().lower() == "true"

    def listed(self, name: str) -> list[str]:
        """A comma-separated query parameter as a list."""
        value = self.param(name)
        return [item.strip() for item in value.split(",") if item.strip()] if value else []

    def json(self) -> Any:
        """The body as JSON, numbers with fractions as Decimal; a 400 when it is not JSON."""
        try:
            return json.loads(self.body or b"null", parse_float=Decimal)
        except ValueError:
            raise HttpError(
                400, {"Title": "Bad Request", "Status": 400, "Detail": "The request body is not JSON"}
            ) from None


@dataclass(slots=True)
class Response:
    """An HTTP response to send."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def send(self, start_response: StartResponse) -> list[bytes]:
        """Start the WSGI response and return the body."""
        phrase = HTTPStatus(self.status).phrase
        headers = [*self.headers, ("Content-Length", str(len(self.body)))]
        start_response(f"{self.status} {phrase}", headers)
        return [self.body]


def _write(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            out.append(("," if index else "") + json.dumps(str(key)) + ":")
            _write(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out)
        out.append("]")
    elif isinstance(value, Decimal):
        out.append(format(value, "f"))
    else:
        out.append(json.dumps(value))


def dumps(payload: Any) -> bytes:
    """JSON text of `payload`, Decimals written as exact numbers."""
    out: list[str] = []
    _write(payload, out)
    return "".join(out).encode()


def json_response(status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> Response:
    """A JSON response with `status` and extra `headers`."""
    return Response(status, dumps(payload), [("Content-Type", "application/json; charset=utf-8"), *headers])


def text_response(status: int, text: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
    """A plain-text response, as Xero answers a 404 or an outage."""
    return Response(status, text.encode(), [("Content-Type", "text/plain; charset=utf-8"), *headers])


def error_response(error: HttpError) -> Response:
    """The response for a raised `HttpError`."""
    if isinstance(error.payload, str):
        return text_response(error.status, error.payload, error.headers)
    return json_response(error.status, error.payload, error.headers)
