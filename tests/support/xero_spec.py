"""Xero's official OpenAPI spec as a JSON Schema validator, for contract tests of the bodies our client sends.

The spec stays in `../shared/xero-openapi/` (beside the repository, never copied into it). Where it is absent,
`validator_for` returns None and the contract test skips, saying why.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.support.recording import Sent

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = REPO_ROOT.parent / "shared" / "xero-openapi" / "xero_accounting.yaml"
SPEC_URI = "urn:xero:accounting"
MISSING = f"Xero's OpenAPI spec is not at {SPEC_PATH} (it lives in ../shared beside the repository)"

# Which schema each write path's body must match (path below /api.xro/2.0).
_BODY_SCHEMAS: tuple[tuple[str, str, str], ...] = (
    ("PUT", r"CreditNotes/[^/]+/Allocations", "Allocations"),
    ("POST", r"Payments/[^/]+", "PaymentDelete"),
    ("POST", r"(Invoices|CreditNotes)/[^/]+", r"\1"),
    ("PUT", r"(Invoices|CreditNotes|Payments|BankTransactions|BankTransfers|ManualJournals|Contacts)", r"\1"),
)


def _stringify_dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _stringify_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify_dates(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


@lru_cache(maxsize=1)
def _registry() -> Registry | None:
    if not SPEC_PATH.exists():
        return None
    with SPEC_PATH.open() as handle:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is the safe one, only faster
        spec = _stringify_dates(yaml.load(handle, Loader=loader))  # noqa: S506
    resource = Resource.from_contents(spec, default_specification=DRAFT4)
    return Registry().with_resource(SPEC_URI, resource)


@lru_cache(maxsize=32)
def validator_for(schema: str) -> Draft4Validator | None:
    """A validator for `#/components/schemas/<schema>`, or None when the spec is absent."""
    registry = _registry()
    if registry is None:
        return None
    return Draft4Validator(
        {"$ref": f"{SPEC_URI}#/components/schemas/{schema}"},
        registry=registry,
        format_checker=FormatChecker(),
    )


def schema_for(sent: Sent) -> str | None:
    """The spec schema a write request's body must match, or None for a path we do not check."""
    below = sent.url.path.split("/api.xro/2.0/", 1)[-1]
    for method, pattern, schema in _BODY_SCHEMAS:
        match = re.fullmatch(pattern, below)
        if method == sent.method and match:
            return match.expand(schema)
    return None


def violations(sent: Sent) -> list[str]:
    """How a recorded write body breaks the spec (empty when it conforms or the spec is absent)."""
    schema = schema_for(sent)
    if schema is None:
        return [f"{sent.method} {sent.url.path}: no spec schema is known for this write"]
    validator = validator_for(schema)
    if validator is None:
        return []
    body = json.loads(sent.body, parse_float=Decimal)
    return [
        f"{sent.method} {sent.url.path} ({schema}) at /{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(body)
    ]
