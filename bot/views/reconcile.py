"""The month-end message: one period's reconciliation, Actionstep against Xero, and its sign-off.

First the verdict (agrees, the differences, or incomplete and why: an incomplete reconciliation never says it
agrees); then per document kind Actionstep's count, total and GST beside Xero's; the differences (the first
`SHOWN_DIFFERENCES`, the rest in the CSV attached in the thread), each with what differs, the number, both amounts
and the fix; the control accounts' balances (Xero's against what the postings imply, and the part nothing explains);
trust three ways with overdrawn matters and transfers without a bill; the checklist; and the close: who signed off
and when, a reopened period and why, or the Sign off button, shown only when the reconciliation is ready to sign.

Every number, name and reason comes from Actionstep or Xero and is escaped; our own bold never wraps them.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    HeaderBlock,
    PlainTextObject,
    SectionBlock,
)

from bot import ids
from bot.views.message import MAX_MESSAGE_BLOCKS, MAX_MESSAGE_CHARS, Budget, Message, context, mrkdwn, section
from bot.views.report import KIND_NAMES
from bot.views.text import clip, mention, money, plural, safe, when
from integration.domain import (
    AccountBalance,
    Difference,
    KindTally,
    Period,
    PeriodClose,
    Reconciliation,
    SignOffState,
    TrustCheck,
)

SHOWN_DIFFERENCES = 15
SHOWN_MATTERS = 5
CLOSE_BLOCK = "reconcile.close"
CLOSE_ROOM = 1_500  # characters kept for the close: a reopened period's reason is at most 500 of them
YES, NO = ":white_check_mark:", ":x:"


def month(period: Period) -> str:
    """`July 2026`."""
    return f"{calendar.month_name[period.month]} {period.year}"


def csv_filename(period: Period) -> str:
    return f"xerobot-reconciliation-{period}.csv"


def sign_off_value(period: Period, fingerprint: str) -> str:
    """The Sign off button's value, read back by `bot.clicks.clicked_period`."""
    return f"{period}:{fingerprint}"


def problems(rec: Reconciliation) -> list[str]:
    """What keeps a complete reconciliation from agreeing, in plain words (empty when it agrees)."""
    found = []
    if rec.differences:
        found.append(plural(len(rec.differences), "difference"))
    kinds = [t for t in rec.tallies if not t.agrees]
    if kinds and not rec.differences:
        found.append(plural(len(kinds), "kind") + " with totals that differ")
    unexplained = [b for b in rec.balances if b.unexplained]
    if unexplained:
        found.append(plural(len(unexplained), "account balance") + " not explained")
    if rec.trust is not None and not rec.trust.reconciled:
        found.append("trust not reconciled")
    return found


def verdict(rec: Reconciliation) -> str:
    """`agrees`, `3 differences, trust not reconciled`, or `incomplete: why`; never "agrees" when incomplete."""
    if rec.incomplete:
        return "incomplete: " + "; ".join(rec.incomplete)
    return ", ".join(problems(rec)) or "agrees"


def reconcile_message(rec: Reconciliation, close: PeriodClose | None, *, reopened: bool = False) -> Message:
    """The month-end message for `rec`, with the period's close as the ledger keeps it."""
    # The close (who signed off, or the Sign off button) comes last and must never be cut: room is kept for it.
    budget = Budget(max_blocks=MAX_MESSAGE_BLOCKS - 3, max_chars=MAX_MESSAGE_CHARS - CLOSE_ROOM)
    title = f"Month end: {month(rec.period)}"
    budget.add(HeaderBlock(text=title), len(title))
    word = verdict(rec)
    icon = ":warning:" if rec.incomplete else YES if rec.agrees else NO
    lead = f"{icon} *{'Agrees' if rec.agrees else 'Incomplete' if rec.incomplete else 'Does not agree'}*"
    detail = "" if rec.agrees else f": {safe(word.removeprefix('incomplete: '), 2500)}"
    budget.add(section(lead + detail), len(lead) + len(detail))
    reads = (
        f"Actionstep {rec.period.start:%d %b} to {rec.period.end:%d %b %Y} against Xero, read {when(rec.at)}"
    )
    budget.add(context(f"{reads} · nothing is written to Xero"))
    if rec.tallies:
        budget.add_lines("*Per kind* (Actionstep | Xero)", [_tally(t) for t in rec.tallies], max_sections=1)
    _differences(budget, rec.differences)
    if rec.hand_entered:
        hand = "; ".join(
            f"{safe(h.what, 100)}: {h.count:,} ({money(h.total)})" for h in rec.hand_entered[:10]
        )
        budget.add(context(f"Entered in Xero by hand this month: {hand}"))
    if rec.balances:
        lines = [_balance(b) for b in rec.balances]
        budget.add_lines(f"*Balances at {rec.period.end:%d %b %Y}* (Xero | implied by the postings)", lines)
    if rec.trust is not None:
        budget.add_lines(f"*Trust at {rec.period.end:%d %b %Y}*", _trust(rec.trust), max_chars=2500)
    if rec.checklist:
        items = [
            f"{YES if i.done else NO} {safe(i.label, 200)}" + (f": {safe(i.detail, 300)}" if i.detail else "")
            for i in rec.checklist
        ]
        budget.add_lines("*Checklist*", items, max_sections=1)
    budget.max_blocks, budget.max_chars = MAX_MESSAGE_BLOCKS, MAX_MESSAGE_CHARS
    _close(budget, rec, close, reopened=reopened)
    return Message(f"Month end {month(rec.period)}: {word}", budget.blocks)


def _amounts(total: Decimal | None, tax: Decimal | None) -> str:
    if total is None:
        return "none"
    return money(total) + (f" (GST {money(tax)})" if tax is not None else "")


def _tally(t: KindTally) -> str:
    mark = YES if t.agrees else NO
    return (
        f"{mark} {KIND_NAMES[t.kind]}: {t.actionstep_count:,} · {_amounts(t.actionstep_total, t.actionstep_tax)}"
        f" | {t.xero_count:,} · {_amounts(t.xero_total, t.xero_tax)}"
    )


def _difference(d: Difference) -> str:
    kind = f" ({d.kind.label})" if d.kind else ""
    on = f" of {d.date:%d %b}" if d.date else ""
    return (
        f"• _{d.gap.label}_: {safe(d.number, 80)}{kind}{on} · Actionstep {_amounts(d.actionstep_total, d.actionstep_tax)}"
        f" · Xero {_amounts(d.xero_total, d.xero_tax)}\n   {safe(d.reason, 300)} Fix: {safe(d.fix, 300)}"
    )


def _differences(budget: Budget, differences: Sequence[Difference]) -> None:
    if not differences:
        return
    lines = [_difference(d) for d in differences[:SHOWN_DIFFERENCES]]
    shown = budget.add_lines(f"*Differences: {len(differences):,}*", lines, max_sections=4, max_chars=8000)
    rest = len(differences) - shown
    if rest > 0 and shown == len(lines):  # when the budget cut the list, it already said how many it left out
        budget.add(context(f"…and {rest:,} more, all in the attached CSV."))


def _balance(b: AccountBalance) -> str:
    name = b.account.label + (f" ({safe(b.code, 20)})" if b.code else "")
    if b.code is None:
        return f"• {name}: not mapped, not compared"
    if b.xero is None:
        return f"{NO} {name}: Xero's balance sheet could not be read · implied {money(b.implied)}"
    unexplained = b.unexplained or Decimal(0)
    line = f"{YES if not unexplained else NO} {name}: {money(b.xero)} | {money(b.implied)}"
    if b.explained:
        parts = "; ".join(f"{safe(why, 120)} {money(amount)}" for why, amount in b.explained[:5])
        line += f" · explained: {parts}"
    if unexplained:
        line += f" · *unexplained {money(unexplained)}*"
    return line


def _optional(amount: Decimal | None) -> str:
    return "could not be read" if amount is None else money(amount)


def _trust(trust: TrustCheck) -> list[str]:
    mark = YES if trust.reconciled else NO
    lines = [
        f"{mark} Ledger {money(trust.ledger)} | Trust Liability {_optional(trust.liability)} | "
        f"trust bank {_optional(trust.bank)}"
    ]
    lines += [f"• {safe(finding, 300)}" for finding in trust.findings[:5]]
    overdrawn, unbilled = trust.overdrawn, trust.unbilled_transfers
    lines += _bullets(
        f"{NO} {plural(len(overdrawn), 'matter')} overdrawn:",
        [
            f"{safe(m.name, 100)} ({safe(m.matter_id, 30)}): {money(m.balance)}"
            for m in overdrawn[:SHOWN_MATTERS]
        ],
        len(overdrawn),
    )
    lines += _bullets(
        f"{NO} {plural(len(unbilled), 'transfer')} to office without a bill on or before it:",
        [
            f"{safe(t.number, 60)} of {t.date:%d %b %Y}, {money(t.amount)}, {safe(t.matter, 100)}"
            for t in unbilled[:SHOWN_MATTERS]
        ],
        len(unbilled),
    )
    return lines


def _bullets(header: str, shown: list[str], total: int) -> list[str]:
    """`header` and the `shown` items as bullets, then how many of `total` are not shown; nothing when none."""
    if not total:
        return []
    rest = total - len(shown)
    return [header, *(f"   • {item}" for item in shown)] + ([f"   …and {rest:,} more"] if rest > 0 else [])


def close_text(close: PeriodClose) -> str | None:
    """Who signed the period off and when; a reopened period, when and why. None while it is open."""
    signed = (
        f"signed off by {mention(close.signed_off_by)} {when(close.signed_off_at)}"
        if close.signed_off_by
        else ""
    )
    if close.state is SignOffState.SIGNED_OFF:
        return f":lock: *Signed off* by {mention(close.signed_off_by)} {when(close.signed_off_at)}."
    if close.state is SignOffState.REOPENED:
        why = safe(close.reopened_because or "a later reconciliation differs", 500)
        earlier = f" It had been {signed}." if signed else ""
        return f":warning: *Reopened* {when(close.reopened_at)}: {why}.{earlier}"
    return None


def _close(budget: Budget, rec: Reconciliation, close: PeriodClose | None, *, reopened: bool) -> None:
    if close is None:
        return
    text = close_text(close)
    if reopened and close.state is SignOffState.REOPENED and text:
        text = text.replace(":warning: *Reopened*", ":warning: *Reopened by this reconciliation*", 1)
    if text:
        budget.add(section_with_id(text, CLOSE_BLOCK), len(text))
    if close.state is SignOffState.SIGNED_OFF:
        return
    if not rec.ready_to_sign:
        budget.add(context("Sign off appears once every checklist item is done and nothing is incomplete."))
        return
    button = ButtonElement(
        text="Sign off",
        action_id=ids.RECONCILE_SIGN_OFF,
        value=sign_off_value(rec.period, close.fingerprint),
        style="primary",
        confirm=ConfirmObject(
            title="Sign off the month?",
            text=PlainTextObject(
                text=clip(f"Sign off {month(rec.period)} as reconciled, as shown here?", 300)
            ),
            confirm="Sign off",
            deny="Not yet",
        ),
    )
    budget.add(ActionsBlock(block_id=f"reconcile:{rec.period}", elements=[button]))


def section_with_id(text: str, block_id: str) -> SectionBlock:
    return SectionBlock(text=mrkdwn(text), block_id=block_id)


def signed_off_blocks(blocks: Sequence[dict[str, Any]], close: PeriodClose) -> list[dict[str, Any]]:
    """The message's blocks as Slack sent them with the click, the Sign off button and any earlier close state
    replaced by who signed off and when."""
    text = close_text(close) or ""
    state = section_with_id(text, CLOSE_BLOCK).to_dict()
    out: list[dict[str, Any]] = []
    for block in blocks:
        block_id = str(block.get("block_id") or "")
        if block_id == CLOSE_BLOCK or block_id.startswith("reconcile:"):
            if state not in out:
                out.append(state)
            continue
        out.append(block)
    return out if state in out else [*out, state]
