"""How the sandbox answers writes: per-element results, or Xero's summarised 400.

With `summarizeErrors=false` the answer is always 200 and each element comes back in order: the saved record
(`StatusAttributeString: "OK"`, plus any `Warnings`) or the element as sent with `ValidationErrors`, the failure
flag of its kind (`HasErrors` on invoices and credit notes, `HasValidationErrors` on payments and contacts) and
`StatusAttributeString: "ERROR"`. Without it (Xero's real default, whatever the spec says) one failed element turns
the answer into a 400 ValidationException whose `Elements` list only the failed elements, though the valid ones
were saved (XeroAPI/xero-ruby #247): a client cannot tell from that answer which of its elements were created.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandboxes.xero import messages as msg
from sandboxes.xero.render import ms_date
from sandboxes.xero.rules import Check, Context
from sandboxes.xero.wsgi import HttpError, Request, Response, json_response

Create = Callable[[Context, dict[str, Any]], tuple[Any, Check]]
Render = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Kind:
    """A writable resource: wrapper key, id field, failure flag, how to create one in a batch, how to render it."""

    key: str
    id_field: str
    failure_flag: str | None
    create: Create | None
    render: Render
    always_summarised: bool = False


def envelope(ctx: Context, key: str, records: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """Xero's response wrapper around `records`."""
    return {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": "xerobot sandbox",
        "DateTimeUTC": (ms_date(ctx.now) or "").replace("+0000", ""),
        **extra,
        key: records,
    }


def elements_of(request: Request, key: str) -> list[dict[str, Any]]:
    """The elements of a wrapped body (`{"Invoices": [...]}`); a bare object counts as one element."""
    payload = request.json()
    if isinstance(payload, dict) and isinstance(payload.get(key), list):
        return [item if isinstance(item, dict) else {} for item in payload[key]]
    if isinstance(payload, dict) and payload and key not in payload:
        return [payload]
    raise HttpError(
        400, {"ErrorNumber": 14, "Type": "PostDataInvalidException", "Message": f"Expected {key} in the body"}
    )


def failed(kind: Kind, raw: dict[str, Any], check: Check) -> dict[str, Any]:
    """A refused element: echoed as sent, with its errors and failure flag."""
    element: dict[str, Any] = {**raw, "StatusAttributeString": "ERROR"}
    if kind.failure_flag:
        element[kind.failure_flag] = True
    element["ValidationErrors"] = [{"Message": message} for message in check.errors]
    if check.warnings:
        element["Warnings"] = [{"Message": message} for message in check.warnings]
    return element


def saved(kind: Kind, record: Any, check: Check) -> dict[str, Any]:
    """A saved element as Xero returns it, with any warnings."""
    element = {**kind.render(record), "StatusAttributeString": "OK"}
    if check.warnings:
        element["Warnings"] = [{"Message": message} for message in check.warnings]
    return element


def answer(
    ctx: Context, request: Request, kind: Kind, outcomes: list[tuple[dict[str, Any], Any, Check]]
) -> Response:
    """The response to a batch whose elements have been processed (`raw`, saved record or None, check)."""
    summarise = (
        kind.always_summarised or request.param("summarizeErrors") is None or request.flag("summarizeErrors")
    )
    any_failed = any(record is None for _, record, _ in outcomes)
    if summarise and any_failed:
        elements = [failed(kind, raw, check) for raw, record, check in outcomes if record is None]
        return json_response(
            400,
            {
                "ErrorNumber": 10,
                "Type": "ValidationException",
                "Message": msg.VALIDATION_EXCEPTION,
                "Elements": elements,
            },
        )
    records = [
        failed(kind, raw, check) if record is None else saved(kind, record, check)
        for raw, record, check in outcomes
    ]
    return json_response(200, envelope(ctx, kind.key, records))


def batch(ctx: Context, request: Request, kind: Kind, upsert: Create | None = None) -> Response:
    """Create each element in turn (PUT), or hand each to `upsert` (POST), which changes an existing record or
    creates a new one."""
    outcomes = []
    for raw in elements_of(request, kind.key):
        handler = upsert or kind.create
        if handler is None:
            raise HttpError(405, {"Detail": f"{kind.key} are not created here"})
        record, check = handler(ctx, raw)
        outcomes.append((raw, record, check))
    return answer(ctx, request, kind, outcomes)


def single(ctx: Context, kind: Kind, raw: dict[str, Any], record: Any, check: Check) -> Response:
    """The answer to a write on one existing record (`POST /Invoices/{id}`): 200, or a 400 with the element."""
    if record is None or check.errors:
        return json_response(
            400,
            {
                "ErrorNumber": 10,
                "Type": "ValidationException",
                "Message": msg.VALIDATION_EXCEPTION,
                "Elements": [failed(kind, raw, check)],
            },
        )
    return json_response(200, envelope(ctx, kind.key, [saved(kind, record, check)]))
