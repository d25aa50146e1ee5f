"""Unlink plans and step records as JSON for the `unlink_requests` table, and back.

Money is written as text and dates in ISO form, so a plan read back is exactly the plan that was shown.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from integration.domain import (
    AppliedPayment,
    DocumentKind,
    Link,
    LinkState,
    SourceRef,
    StepRecord,
    UnlinkPlan,
    UnlinkStep,
    XeroAllocationState,
    XeroChange,
    XeroDocumentState,
    XeroPaymentState,
)

Json = dict[str, Any]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _ref(ref: SourceRef | None) -> str | None:
    return str(ref) if ref else None


def _source(text: str | None) -> SourceRef | None:
    if not text:
        return None
    kind, _, source_id = text.partition(":")
    return SourceRef(DocumentKind(kind), source_id)


def _link(link: Link) -> Json:
    return {
        "source": str(link.source), "version": link.source_version, "number": link.source_number,
        "xero_id": link.xero_id, "xero_number": link.xero_number, "xero_type": link.xero_type,
        "total": str(link.total), "state": link.state.value, "linked_at": _iso(link.linked_at),
        "linked_by": link.linked_by,
    }  # fmt: skip


def _to_link(data: Json) -> Link:
    source = _source(data["source"])
    assert source is not None
    return Link(
        source, data["version"], data["number"], data["xero_id"], data["xero_number"], data["xero_type"],
        Decimal(data["total"]), LinkState(data["state"]), linked_at=_moment(data["linked_at"]),
        linked_by=data["linked_by"],
    )  # fmt: skip


def _payment(payment: XeroPaymentState) -> Json:
    return {
        "xero_id": payment.xero_id, "amount": str(payment.amount), "date": _iso(payment.date),
        "reference": payment.reference, "reconciled": payment.reconciled,
    }  # fmt: skip


def _to_payment(data: Json) -> XeroPaymentState:
    return XeroPaymentState(
        data["xero_id"], Decimal(data["amount"]), _day(data["date"]), data["reference"], data["reconciled"]
    )


def _allocation(allocation: XeroAllocationState) -> Json:
    return {
        "id": allocation.allocation_id, "credit_note_id": allocation.credit_note_id,
        "credit_note_number": allocation.credit_note_number, "invoice_number": allocation.invoice_number,
        "amount": str(allocation.amount), "date": _iso(allocation.date),
    }  # fmt: skip


def _to_allocation(data: Json) -> XeroAllocationState:
    return XeroAllocationState(
        data["id"], data["credit_note_id"], data["credit_note_number"], data["invoice_number"],
        Decimal(data["amount"]), _day(data["date"]),
    )  # fmt: skip


def _document(state: XeroDocumentState) -> Json:
    return {
        "xero_id": state.xero_id, "xero_type": state.xero_type, "number": state.number, "status": state.status,
        "total": str(state.total), "date": _iso(state.date), "contact": state.contact,
        "payments": [_payment(p) for p in state.payments],
        "allocations": [_allocation(a) for a in state.allocations],
        "reconciled": state.reconciled, "settles": state.settles,
    }  # fmt: skip


def _to_document(data: Json) -> XeroDocumentState:
    return XeroDocumentState(
        data["xero_id"], data["xero_type"], data["number"], data["status"], Decimal(data["total"]),
        _day(data["date"]), data["contact"], tuple(_to_payment(p) for p in data["payments"]),
        tuple(_to_allocation(a) for a in data["allocations"]), data["reconciled"], data["settles"],
    )  # fmt: skip


def _step(step: UnlinkStep) -> Json:
    return {
        "key": step.key, "description": step.description, "change": step.change.value if step.change else None,
        "xero_id": step.xero_id, "parent_id": step.parent_id, "unlink": _ref(step.unlink),
    }  # fmt: skip


def _to_step(data: Json) -> UnlinkStep:
    change = XeroChange(data["change"]) if data["change"] else None
    return UnlinkStep(
        data["key"], data["description"], change, data["xero_id"], data["parent_id"], _source(data["unlink"])
    )


def plan_to_json(plan: UnlinkPlan) -> Json:
    return {
        "number": plan.number,
        "link": _link(plan.link),
        "xero": _document(plan.xero) if plan.xero else None,
        "payments": [
            {"xero": _payment(p.xero), "link": _link(p.link) if p.link else None} for p in plan.payments
        ],
        "allocations": [_allocation(a) for a in plan.allocations],
        "unlink_steps": [_step(s) for s in plan.unlink_steps],
        "void_steps": [_step(s) for s in plan.void_steps],
        "void_refused": plan.void_refused,
        "short_code": plan.short_code,
        "unlink_effect": plan.unlink_effect,
        "void_effect": plan.void_effect,
    }


def plan_from_json(data: Json) -> UnlinkPlan:
    return UnlinkPlan(
        number=data["number"],
        link=_to_link(data["link"]),
        xero=_to_document(data["xero"]) if data["xero"] else None,
        payments=tuple(
            AppliedPayment(_to_payment(p["xero"]), _to_link(p["link"]) if p["link"] else None)
            for p in data["payments"]
        ),
        allocations=tuple(_to_allocation(a) for a in data["allocations"]),
        unlink_steps=tuple(_to_step(s) for s in data["unlink_steps"]),
        void_steps=tuple(_to_step(s) for s in data["void_steps"]),
        void_refused=data["void_refused"],
        short_code=data["short_code"],
        unlink_effect=data["unlink_effect"],
        void_effect=data["void_effect"],
    )


def steps_to_json(steps: tuple[StepRecord, ...]) -> Json:
    return {
        "steps": [
            {"key": s.key, "description": s.description, "at": s.at.isoformat(), "already": s.already}
            for s in steps
        ]
    }


def steps_from_json(data: Json | None) -> tuple[StepRecord, ...]:
    return tuple(
        StepRecord(s["key"], s["description"], datetime.fromisoformat(s["at"]), s["already"])
        for s in (data or {}).get("steps", [])
    )
