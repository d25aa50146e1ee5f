"""Actionstep records -> our domain documents and reference data.

A document record that cannot be read becomes a `MalformedDocument` naming the Actionstep field and what is wrong
with it (missing, not a number, a tax code Actionstep's own list does not have, a negative quantity, lines that do not
add up to the total), so it fails alone and the listing goes on.

A document's `version` is a digest of everything that is posted to Xero (dates, contact, lines, amounts,
allocations…), not of its modification timestamp: a bill that only changes from Open to Closed when it is paid keeps
its version, so the engine does not report it as changed after posting, while any change to what was posted does
change it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import ValidationError

from integration.actionstep.envelope import Linked, Record
from integration.actionstep.resources import (
    ALLOCATION_TARGETS,
    DIRECTIONS,
    DocumentSource,
    Related,
    Shape,
)
from integration.actionstep.schemas import (
    AllocationWire,
    JournalLineWire,
    JournalWire,
    LinedDocumentWire,
    LineWire,
    MovementWire,
    Wire,
    explain,
    parse_timestamp,
    pick,
)
from integration.domain import (
    DOCUMENT_CLASSES,
    Allocation,
    Document,
    DocumentKind,
    JournalLine,
    Line,
    MalformedDocument,
    SourceRef,
    to_cents,
)
from integration.errors import Malformed

W = TypeVar("W", bound=Wire)


def validate(model: type[W], record: Mapping[str, Any], fields: Mapping[str, str], where: str = "") -> W:
    try:
        return model.model_validate(pick(record, fields))
    except ValidationError as error:
        raise Malformed(f"{where}{explain(error, fields)}") from None


def _wire_name(fields: Mapping[str, str], ours: str) -> str:
    return fields[ours].removeprefix("links.")


def _required(value: str | None, fields: Mapping[str, str], ours: str) -> str:
    if value is None:
        raise Malformed(f"{_wire_name(fields, ours)} is missing")
    return value


def _positive(amount: Decimal, fields: Mapping[str, str], ours: str, where: str = "") -> Decimal:
    if amount <= 0:
        raise Malformed(f"{where}{_wire_name(fields, ours)} {amount} is not more than zero")
    return _cents(amount, fields, ours, where)


def _cents(amount: Decimal, fields: Mapping[str, str], ours: str, where: str = "") -> Decimal:
    if to_cents(amount) != amount:
        raise Malformed(f"{where}{_wire_name(fields, ours)} {amount} has more than two decimal places")
    return to_cents(amount)


def _version(values: Mapping[str, Any]) -> str:
    return hashlib.blake2b(repr(sorted(values.items())).encode(), digest_size=10).hexdigest()


class Translator:
    """Turns one listing's records into documents. `tax_codes` maps Actionstep tax code ids to their codes."""

    def __init__(self, tax_codes: Mapping[str, str], web_base: str) -> None:
        self._tax_codes = tax_codes
        self._web_base = web_base.rstrip("/")
        self._builders: dict[Shape, Callable[[DocumentSource, Record, Linked], dict[str, Any]]] = {
            Shape.LINED: self._lined,
            Shape.PAYMENT: self._payment,
            Shape.TRANSFER: self._transfer,
            Shape.BANK_ENTRY: self._bank_entry,
            Shape.JOURNAL: self._journal,
        }

    def document(
        self, source: DocumentSource, record: Record, linked: Linked
    ) -> Document | MalformedDocument:
        """The document `record` holds, or what is wrong with it."""
        try:
            values = self._builders[source.shape](source, record, linked)
        except Malformed as problem:
            return self._malformed(source, record, str(problem))
        modified_at = values.pop("modified_at")
        return DOCUMENT_CLASSES[source.kind](
            version=_version(values),
            modified_at=modified_at,
            url=self._web_base + source.web_path.format(id=values["id"]),
            **values,
        )

    def _malformed(self, source: DocumentSource, record: Record, problem: str) -> MalformedDocument:
        fields = source.fields
        number = record.get(fields["number"])
        try:
            modified_at: datetime | None = parse_timestamp(record.get(fields["modified_at"]))
        except ValueError:
            modified_at = None
        record_id = record.get(fields["id"])
        return MalformedDocument(
            SourceRef(source.kind, str(record_id) if record_id is not None else "unknown"),
            str(number) if number else None,
            problem,
            modified_at,
        )

    @staticmethod
    def _common(wire: LinedDocumentWire | MovementWire | JournalWire) -> dict[str, Any]:
        return {
            "id": wire.id,
            "modified_at": wire.modified_at,
            "number": wire.number,
            "date": wire.date,
            "contact_id": getattr(wire, "contact", None),
            "matter_id": getattr(wire, "matter", None),
        }

    def _lined(self, source: DocumentSource, record: Record, linked: Linked) -> dict[str, Any]:
        wire = validate(LinedDocumentWire, record, source.fields)
        assert source.lines is not None
        lines = tuple(self._line(source.lines, n, line_id, linked) for n, line_id in enumerate(wire.lines, 1))
        if not lines:
            raise Malformed("the document has no lines")
        added = sum((line.amount + line.tax for line in lines), Decimal(0))
        if added != wire.total:
            name = _wire_name(source.fields, "total")
            raise Malformed(f"{name} {wire.total} does not equal the sum of its lines, {added}")
        values = {
            **self._common(wire),
            "reference": wire.reference,
            "currency": wire.currency.upper() if wire.currency else None,
            "due_date": wire.due_date,
            "lines": lines,
        }
        if source.kind is DocumentKind.CREDIT_NOTE:
            direction = DIRECTIONS.get(wire.direction or "")
            if direction is None:
                name = _wire_name(source.fields, "direction")
                raise Malformed(f"{name} {wire.direction!r} is neither {' nor '.join(map(repr, DIRECTIONS))}")
            values["direction"] = direction
            assert source.allocations is not None
            values["allocations"] = tuple(
                self._allocation(source.allocations, n, allocation_id, linked)
                for n, allocation_id in enumerate(wire.allocations, 1)
            )
        return values

    def _related(self, related: Related, n: int, record_id: str, linked: Linked, what: str) -> Record:
        record = linked.get(related.resource, {}).get(record_id)
        if record is None:
            raise Malformed(f"{what} {n} ({related.resource} {record_id}) is missing from the response")
        return record

    def _line(self, related: Related, n: int, line_id: str, linked: Linked) -> Line:
        where = f"line {n}: "
        fields = related.fields
        wire = validate(LineWire, self._related(related, n, line_id, linked, "line"), fields, where)
        code = self._tax_codes.get(wire.tax_code)
        if code is None:
            raise Malformed(
                f"{where}{_wire_name(fields, 'tax_code')} {wire.tax_code!r} is not a known tax code"
            )
        if wire.quantity < 0:
            raise Malformed(f"{where}{_wire_name(fields, 'quantity')} {wire.quantity} is negative")
        if wire.account is None and wire.timekeeper is None:
            accounts = f"{_wire_name(fields, 'account')} nor {_wire_name(fields, 'timekeeper')}"
            raise Malformed(f"{where}the line has neither {accounts}")
        return Line(
            description=wire.description or "",
            account_id=wire.account,
            amount=_cents(wire.amount, fields, "amount", where),
            tax=_cents(wire.tax, fields, "tax", where),
            tax_code=code,
            quantity=wire.quantity,
            unit_price=wire.unit_price,
            timekeeper_id=wire.timekeeper,
        )

    def _allocation(self, related: Related, n: int, allocation_id: str, linked: Linked) -> Allocation:
        where = f"allocation {n}: "
        fields = related.fields
        wire = validate(
            AllocationWire, self._related(related, n, allocation_id, linked, "allocation"), fields, where
        )
        targets = [
            (kind, getattr(wire, ours)) for ours, kind in ALLOCATION_TARGETS.items() if getattr(wire, ours)
        ]
        if len(targets) != 1:
            names = " or ".join(_wire_name(fields, ours) for ours in ALLOCATION_TARGETS)
            raise Malformed(f"{where}it must name exactly one of {names}")
        ((kind, target),) = targets
        amount = _positive(wire.amount, fields, "amount", where)
        return Allocation(SourceRef(kind, target), amount, wire.date)

    def _movement(self, source: DocumentSource, record: Record) -> tuple[MovementWire, dict[str, Any]]:
        wire = validate(MovementWire, record, source.fields)
        values = {**self._common(wire), "amount": _positive(wire.amount, source.fields, "amount")}
        return wire, values

    def _payment(self, source: DocumentSource, record: Record, linked: Linked) -> dict[str, Any]:
        wire, values = self._movement(source, record)
        assert source.invoice_kind is not None
        invoice = _required(wire.invoice, source.fields, "invoice")
        values["invoice"] = SourceRef(source.invoice_kind, invoice)
        values["bank_account_id"] = _required(wire.bank_account, source.fields, "bank_account")
        return values

    def _transfer(self, source: DocumentSource, record: Record, linked: Linked) -> dict[str, Any]:
        wire, values = self._movement(source, record)
        values["from_account_id"] = _required(wire.from_account, source.fields, "from_account")
        values["to_account_id"] = _required(wire.to_account, source.fields, "to_account")
        return values

    def _bank_entry(self, source: DocumentSource, record: Record, linked: Linked) -> dict[str, Any]:
        wire, values = self._movement(source, record)
        values["bank_account_id"] = _required(wire.bank_account, source.fields, "bank_account")
        values["account_id"] = _required(wire.account, source.fields, "account")
        values["description"] = wire.description or ""
        return values

    def _journal(self, source: DocumentSource, record: Record, linked: Linked) -> dict[str, Any]:
        wire = validate(JournalWire, record, source.fields)
        assert source.lines is not None
        related = source.lines
        lines = []
        for n, line_id in enumerate(wire.lines, 1):
            where = f"line {n}: "
            line = validate(
                JournalLineWire, self._related(related, n, line_id, linked, "line"), related.fields, where
            )
            debit = _cents(line.debit or Decimal(0), related.fields, "debit", where)
            credit = _cents(line.credit or Decimal(0), related.fields, "credit", where)
            lines.append(JournalLine(line.account, debit - credit, line.description or ""))
        return {**self._common(wire), "reference": wire.description, "lines": tuple(lines)}
