"""The unlink message in each state, filled with the worst the outside world can send (hundreds of payments, mrkdwn
control characters in names), passes Slack's validation, pings nobody and offers only the buttons that apply."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from bot import ids
from bot.views.unlinks import pending_lines, unlink_message
from integration.domain import (
    DocumentKind,
    Link,
    SourceRef,
    StepRecord,
    UnlinkRequest,
    UnlinkState,
    XeroAllocationState,
    XeroDocumentState,
    XeroPaymentState,
)
from integration.rules.unlink_plan import Facts, build
from tests.fakes.slack import validation_problems

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
HOSTILE = "<!channel> Party Hire & Co <https://evil.example|pay here>"


def request(payments: int = 2, *, reconciled: bool = False, **changes: Any) -> UnlinkRequest:
    link = Link(SourceRef(DocumentKind.SALES_INVOICE, "1"), "v1", "INV-1001", "inv-id", "INV-1001", "ACCREC",
                Decimal("4357.00"))  # fmt: skip
    state = XeroDocumentState(
        "inv-id",
        "ACCREC",
        "INV-1001",
        "PAID",
        Decimal("4357.00"),
        date(2026, 7, 6),
        HOSTILE,
        payments=tuple(
            XeroPaymentState(
                f"pay-{n}",
                Decimal("10.00"),
                date(2026, 7, 20),
                f"RCT-{n} {HOSTILE}",
                reconciled=reconciled and n == 0,
            )
            for n in range(payments)
        ),
        allocations=(XeroAllocationState("al-1", "cn-id", "CN-4001", "INV-1001", Decimal("5.00"), None),),
    )
    plan = build(link, Facts(state, {}, "!hF9xQ", date(2026, 6, 30)))
    base = UnlinkRequest(
        7, "INV-1001", plan, UnlinkState.PENDING, "UBOOK", NOW, NOW + timedelta(minutes=30), 1
    )
    return replace(base, **changes)


def rendered(message_request: UnlinkRequest, now: datetime = NOW) -> tuple[dict[str, Any], str]:
    payload = unlink_message(message_request, now).payload()
    assert validation_problems("chat.postMessage", payload) == []
    return payload, json.dumps(payload, ensure_ascii=False)


def button_ids(payload: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in payload["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_a_pending_plan_shows_the_document_each_payment_and_both_ways_with_guarded_buttons() -> None:
    payload, text = rendered(request())
    assert "Unlink INV-1001?" in text and "shortcode=%21hF9xQ" in text and "4,357.00" in text
    assert "RCT-0" in text and "RCT-1" in text and "CN-4001" in text
    assert button_ids(payload) == [ids.UNLINK_CONFIRM, ids.UNLINK_CONFIRM_VOID, ids.UNLINK_CANCEL]
    dangerous = [e for b in payload["blocks"] if b["type"] == "actions" for e in b["elements"][:2]]
    assert all(e["style"] == "danger" and e["confirm"]["style"] == "danger" for e in dangerous)
    assert "stays" in dangerous[0]["confirm"]["text"]["text"]


def test_outside_text_is_escaped_so_it_pings_nobody() -> None:
    _, text = rendered(request())
    assert "<!channel>" not in text and "&lt;!channel&gt; Party Hire &amp; Co" in text
    assert "<https://evil.example" not in text


def test_hundreds_of_payments_fit_in_one_message() -> None:
    payload, text = rendered(request(payments=400))
    assert len(payload["blocks"]) <= 50 and "more." in text


def test_a_reconciled_payment_leaves_only_unlink_and_cancel_with_the_reason() -> None:
    payload, text = rendered(request(reconciled=True))
    assert button_ids(payload) == [ids.UNLINK_CONFIRM, ids.UNLINK_CANCEL]
    assert "is not possible" in text and "reconciled" in text


def test_an_expired_request_offers_nothing() -> None:
    payload, text = rendered(request(), NOW + timedelta(minutes=31))
    assert button_ids(payload) == [] and "expired" in text


def test_a_request_that_stopped_shows_what_completed_where_it_stopped_and_retry() -> None:
    pending = request()
    first = pending.plan.void_steps[0]
    stopped = replace(
        pending, state=UnlinkState.FAILED, void_in_xero=True, approved_by="UAPPROVE",
        steps_done=(StepRecord(first.key, first.description, NOW),), error="Step 2 of 4 failed: Xero said no",
    )  # fmt: skip
    payload, text = rendered(stopped)
    assert button_ids(payload) == [ids.UNLINK_RETRY]
    assert text.index(":white_check_mark:") < text.index(":x: ") and "Step 2 of 4 failed" in text
    assert "confirmed by <@UAPPROVE> (Unlink and void in Xero)" in text


def test_a_finished_request_ends_with_the_outcome_and_who_confirmed_it() -> None:
    pending = request()
    steps = tuple(StepRecord(s.key, s.description, NOW) for s in pending.plan.unlink_steps)
    done = replace(
        pending, state=UnlinkState.DONE, void_in_xero=False, approved_by="UAPPROVE", steps_done=steps,
        finished_at=NOW,
    )  # fmt: skip
    payload, text = rendered(done)
    assert button_ids(payload) == [] and "Unlinked INV-1001" in text
    assert "confirmed by <@UAPPROVE> (Unlink)" in text and "Void or delete it in Xero" in text
    assert "in Xero: PAID" not in text, "the plan's Xero status is history once it has run"


def test_app_home_lines_link_each_pending_request_to_its_message() -> None:
    (line,) = pending_lines([replace(request(), slack_channel="CBOOKS", slack_ts="1700000000.000100")])
    assert (
        "archives/CBOOKS/p1700000000000100" in line and "<@UBOOK>" in line and "waits for an approver" in line
    )
