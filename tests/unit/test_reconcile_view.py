"""The month-end message, tested on the blocks it produces: the verdict first (never "agrees" when incomplete), the
per-kind tallies, the differences with hostile numbers escaped and the rest sent to the CSV, balances and trust, the
checklist, and the close: who signed off, a reopened period, or the Sign off button only when ready to sign."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bot import clicks, ids
from bot.views.reconcile import CLOSE_BLOCK, reconcile_message, signed_off_blocks, verdict
from integration.domain import (
    AccountBalance,
    ChecklistItem,
    ControlAccount,
    Gap,
    MatterBalance,
    PeriodClose,
    Reconciliation,
    SignOffState,
    TrustCheck,
    UnbilledTransfer,
)
from tests.fakes.slack import validation_problems
from tests.support.reconcile import AT, CHECKLIST, FINGERPRINT, JULY, agreeing, close, difference, tally
from tests.unit.test_slack_views import HOSTILE, mrkdwn


def payload(rec: Reconciliation, closed: PeriodClose | None = None, **options: Any) -> dict[str, Any]:
    made = reconcile_message(rec, closed or close(), **options).payload()
    assert validation_problems("chat.postMessage", made) == []
    assert len(made["blocks"]) <= 50
    return made


def text(made: dict[str, Any]) -> str:
    return "\n".join(mrkdwn(made))


def buttons(made: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in made["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_an_agreeing_month_says_so_with_each_kind_balance_trust_and_checklist_line() -> None:
    made = payload(agreeing())
    shown = text(made)

    assert made["blocks"][0]["text"]["text"] == "Month end: July 2026"
    assert made["text"] == "Month end July 2026: agrees"
    assert ":white_check_mark: *Agrees*" in shown and "Differences" not in shown
    assert "Sales invoices: 12 · 4,500.00 (GST 450.00) | 12 · 4,500.00 (GST 450.00)" in shown
    assert "Accounts receivable (610): 4,950.00 | 4,950.00" in shown
    assert "Ledger 900.00 | Trust Liability 900.00 | trust bank 900.00" in shown
    assert ":white_check_mark: Every approved document is in Xero" in shown
    assert "nothing is written to Xero" in shown


def test_differences_show_gap_number_both_amounts_and_fix_with_hostile_numbers_escaped() -> None:
    rec = agreeing(
        differences=(difference("<!channel> INV-9"), difference("*bold*", Gap.NOT_FROM_ACTIONSTEP)),
        tallies=(replace(tally(), xero_total=Decimal("4489.00")),),
    )
    made = payload(rec)
    shown = text(made)

    assert made["text"].startswith("Month end July 2026: 2 differences")
    assert ":x: *Does not agree*: 2 differences" in shown
    assert "*Differences: 2*" in shown
    assert "_amount or GST differs_: &lt;!channel&gt; INV-9 (sales invoice) of 14 Jul" in shown
    assert "Actionstep 110.00 (GST 10.00) · Xero 99.00 (GST 9.00)" in shown
    assert "Fix: Unlink it and post it again." in shown
    assert "_in Xero but not from Actionstep_: *bold* (sales invoice)" in shown
    assert "<!channel>" not in json.dumps(made)
    assert ":x: Sales invoices" in shown


def test_more_than_fifteen_differences_show_fifteen_and_send_the_rest_to_the_csv() -> None:
    rec = agreeing(differences=tuple(difference(f"INV-{n}") for n in range(40)))
    shown = text(payload(rec))

    assert "INV-14 " in shown and "INV-15 " not in shown
    assert "…and 25 more, all in the attached CSV." in shown
    assert "*Differences: 40*" in shown


def test_a_flood_of_long_hostile_differences_stays_inside_slacks_limits() -> None:
    many = tuple(
        replace(difference(HOSTILE[:200]), reason=HOSTILE, fix=HOSTILE) for _ in range(500)
    )  # fmt: skip
    trust = TrustCheck(
        ledger=Decimal("-5.00"), liability=None, bank=Decimal("1.00"), findings=(HOSTILE,) * 10,
        matters=tuple(MatterBalance(str(n), HOSTILE, Decimal("-5.00")) for n in range(50)),
    )  # fmt: skip
    made = payload(agreeing(differences=many, trust=trust, incomplete=(HOSTILE,) * 5))

    assert sum(len(t) for t in mrkdwn(made)) < 13_000
    assert "<!channel>" not in json.dumps(made)


@pytest.mark.parametrize("items", range(1, 40, 2))
def test_a_full_message_still_ends_with_why_it_was_reopened_and_the_sign_off_button(items: int) -> None:
    many = tuple(replace(difference(HOSTILE[:200]), reason=HOSTILE, fix=HOSTILE) for _ in range(500))
    balances = tuple(
        AccountBalance(ControlAccount.GST, "820", Decimal(n), Decimal(0), explained=((HOSTILE[:n * 7], Decimal(1)),))
        for n in range(items)
    )  # fmt: skip
    reopened = close(SignOffState.REOPENED, reopened_at=AT, reopened_because=HOSTILE)
    made = payload(agreeing(differences=many, balances=balances), reopened, reopened=True)

    assert len(buttons(made)) == 1 and made["blocks"][-1]["type"] == "actions"
    assert made["blocks"][-2]["block_id"] == CLOSE_BLOCK and "Reopened by this reconciliation" in text(made)


def test_an_incomplete_reconciliation_says_why_and_never_that_it_agrees() -> None:
    rec = agreeing(incomplete=("Xero's balance sheet could not be read (HTTP 503)",))
    made = payload(rec)
    shown = text(made)

    assert verdict(rec) == "incomplete: Xero's balance sheet could not be read (HTTP 503)"
    assert ":warning: *Incomplete*: Xero's balance sheet could not be read (HTTP 503)" in shown
    assert "Agrees" not in shown and "agrees" not in made["text"]
    assert buttons(made) == []
    assert "Sign off appears once every checklist item is done" in shown


def test_the_sign_off_button_carries_the_period_and_fingerprint_and_reads_back_strictly() -> None:
    made = payload(agreeing())
    (button,) = buttons(made)

    assert button["action_id"] == ids.RECONCILE_SIGN_OFF and button["text"]["text"] == "Sign off"
    assert button["value"] == f"2026-07:{FINGERPRINT}"
    actions = next(b for b in made["blocks"] if b["type"] == "actions")
    body = {"actions": [{**button, "block_id": actions["block_id"]}], "message": {"blocks": made["blocks"]}}
    assert clicks.clicked_period(body) == (JULY, FINGERPRINT)
    forged = {**body, "actions": [{**body["actions"][0], "value": "2026-08:" + FINGERPRINT}]}
    assert clicks.clicked_period(forged) is None
    for value in ("2026-13:abc", "２026-07:abc", "2026-07:a b", "2026-07:", "2026-7:abc"):
        odd = {"actions": [{**body["actions"][0], "value": value}]}
        assert clicks.clicked_period(odd) is None, value


def test_no_sign_off_button_while_a_checklist_item_is_not_done() -> None:
    rec = agreeing(
        checklist=(*CHECKLIST, ChecklistItem("Trust transfers each have a bill", False, "TRF-7 has none"))
    )
    made = payload(rec)

    assert buttons(made) == []
    assert ":x: Trust transfers each have a bill: TRF-7 has none" in text(made)


def test_a_signed_off_month_says_who_and_when_and_offers_no_button() -> None:
    signed = close(SignOffState.SIGNED_OFF, signed_off_by="UAPPROVE", signed_off_at=AT)
    made = payload(agreeing(), signed)

    assert buttons(made) == []
    assert ":lock: *Signed off* by <@UAPPROVE> <!date^" in text(made)


def test_a_reopened_month_says_it_was_reopened_and_why_and_can_be_signed_again() -> None:
    reopened = close(
        SignOffState.REOPENED, signed_off_by="UAPPROVE", signed_off_at=AT, reopened_at=AT,
        reopened_because="INV-1042 <!here> was voided in Xero after sign-off",
    )  # fmt: skip
    made = payload(agreeing(), reopened, reopened=True)
    shown = text(made)

    assert ":warning: *Reopened by this reconciliation*" in shown
    assert "INV-1042 &lt;!here&gt; was voided in Xero after sign-off" in shown
    assert "It had been signed off by <@UAPPROVE>" in shown
    assert len(buttons(made)) == 1


def test_trust_shows_overdrawn_matters_and_transfers_without_a_bill() -> None:
    trust = TrustCheck(
        ledger=Decimal("400.00"), liability=Decimal("500.00"), bank=None,
        matters=(MatterBalance("5001", "Smith <!here> v Jones", Decimal("-100.00")),),
        unbilled_transfers=(UnbilledTransfer("TRF-7", date(2026, 7, 9), Decimal("250.00"), "5002", "Estate of Lee"),),
        findings=("The ledger is 100.00 less than Xero's Trust Liability.",),
    )  # fmt: skip
    shown = text(payload(agreeing(trust=trust)))

    assert ":x: Ledger 400.00 | Trust Liability 500.00 | trust bank could not be read" in shown
    assert "The ledger is 100.00 less than Xero's Trust Liability." in shown
    assert "1 matter overdrawn" in shown and "Smith &lt;!here&gt; v Jones (5001): -100.00" in shown
    assert "TRF-7 of 09 Jul 2026, 250.00, Estate of Lee" in shown


def test_an_unexplained_balance_is_named_with_what_explains_the_rest() -> None:
    balance = AccountBalance(
        ControlAccount.GST, "820", Decimal("1200.00"), Decimal("1000.00"), explained=(("hand-entered bills", Decimal("150.00")),)
    )  # fmt: skip
    shown = text(payload(agreeing(balances=(balance,))))

    assert (
        ":x: GST (820): 1,200.00 | 1,000.00 · explained: hand-entered bills 150.00 · *unexplained 50.00*"
        in shown
    )


def test_signing_off_replaces_the_button_with_who_signed_off_and_keeps_the_rest() -> None:
    made = payload(agreeing())
    signed = close(SignOffState.SIGNED_OFF, signed_off_by="UAPPROVE", signed_off_at=AT)

    blocks = signed_off_blocks(made["blocks"], signed)

    assert [b for b in blocks if b["type"] == "actions"] == []
    assert blocks[:-1] == [b for b in made["blocks"] if b["type"] != "actions"]
    assert (
        blocks[-1]["block_id"] == CLOSE_BLOCK and "Signed off* by <@UAPPROVE>" in blocks[-1]["text"]["text"]
    )
