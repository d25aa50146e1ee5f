"""The unlink conversation's message, from the plan to the outcome, and the pending unlinks App Home lists.

One message lives through the whole request and always shows its live state: first the plan (the document, what is
applied to it in Xero, the steps of each way to confirm and what each leaves behind) with [Unlink], [Unlink and void
in Xero] and [Cancel], each behind a confirm dialog; then every step as it completes; then the outcome and who
confirmed it, or where it stopped, with [Retry].
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ConfirmObject, HeaderBlock, PlainTextObject

from bot import ids
from bot.views.message import Budget, Message, context, section
from bot.views.text import clip, escape, link, mention, money, safe, when
from integration.app import xero_url
from integration.domain import UnlinkPlan, UnlinkRequest, UnlinkState, UnlinkStep
from integration.errors import describe

MAX_STEP = 300  # characters of one step's description
STEPS_CHARS = 3500  # characters of one way's list of steps, so both ways and the outcome fit in one message
PATHS = {False: "Unlink", True: "Unlink and void in Xero"}


def unlink_message(request: UnlinkRequest, now: datetime) -> Message:
    """The request's message as it stands at `now` (a pending request past its expiry shows as expired)."""
    plan = request.plan
    budget = Budget()
    title, fallback = _title(request, now)
    budget.add(HeaderBlock(text=clip(title, 150)), len(title))
    _document(budget, plan, live=request.state is UnlinkState.PENDING and not request.expired(now))
    if request.state is UnlinkState.PENDING and not request.expired(now):
        _choices(budget, plan)
    elif request.state is UnlinkState.CANCELLED or request.expired(now):
        pass
    else:
        _progress(budget, request)
    budget.add(context(_who(request, now)))
    buttons = _buttons(request, now)
    if buttons:
        budget.add(ActionsBlock(block_id=f"unlink:{request.id}", elements=buttons))
    return Message(fallback, budget.blocks)


def _title(request: UnlinkRequest, now: datetime) -> tuple[str, str]:
    number = request.number
    if request.expired(now):
        return f"Unlink {number}: expired", f"The request to unlink {number} expired."
    titles = {
        UnlinkState.PENDING: (f"Unlink {number}?", f"Unlink {number}? An approver confirms below."),
        UnlinkState.RUNNING: (f"Unlinking {number}…", f"Unlinking {number}…"),
        UnlinkState.DONE: (f"Unlinked {number}", f"Unlinked {number}."),
        UnlinkState.FAILED: (f"Unlink of {number} stopped", f"The unlink of {number} stopped at a step."),
        UnlinkState.CANCELLED: (
            f"Unlink {number}: cancelled",
            f"The request to unlink {number} was cancelled.",
        ),
    }
    return titles[request.state]


def _document(budget: Budget, plan: UnlinkPlan, *, live: bool) -> None:
    """The document and what is applied to it; Xero's status only while it is current (the plan's, when asked)."""
    xero = plan.xero
    url = xero_url(plan.short_code, plan.kind, plan.link.xero_id)
    name = link(url, plan.number) if url else f"*{escape(plan.number)}*"
    facts = [f"{escape(plan.kind.label.capitalize())} {name}"]
    if xero is not None:
        if xero.contact:
            facts.append(safe(xero.contact, 200))
        facts.append(money(xero.total))
        if xero.date:
            facts.append(f"{xero.date:%d %b %Y}")
        if live:
            facts.append(f"in Xero: {escape(xero.status)}" + (", reconciled" if xero.reconciled else ""))
        if xero.settles:
            facts.append(f"pays {safe(xero.settles, 100)}")
    else:
        facts += [money(plan.link.total), "no longer in Xero"]
    budget.add(section(" · ".join(facts)))
    lines = [
        f"• Payment {safe(p.label, 100)} · {money(p.xero.amount)}"
        + (f" · {p.xero.date:%d %b %Y}" if p.xero.date else "")
        + (" · reconciled" if p.xero.reconciled else "")
        + ("" if p.link else " · entered in Xero")
        for p in plan.payments
    ]
    lines += [
        f"• Credit note {safe(a.credit_note_number or '?', 100)} applied to {safe(a.invoice_number or '?', 100)}"
        f" · {money(a.amount)}"
        for a in plan.allocations
    ]
    if lines:
        heading = "*Applied to it in Xero*" if live else "*Applied to it in Xero when asked*"
        budget.add_lines(heading, lines, max_sections=2, max_chars=3000)


def _steps(
    budget: Budget, heading: str, steps: Sequence[UnlinkStep], marks: Sequence[str] | None = None
) -> None:
    lines = [
        f"{marks[n] if marks else f'{n + 1}.'} {safe(step.description, MAX_STEP)}"
        for n, step in enumerate(steps)
    ]
    budget.add_lines(heading, lines, max_sections=2, max_chars=STEPS_CHARS)


def _choices(budget: Budget, plan: UnlinkPlan) -> None:
    _steps(budget, f"*{PATHS[False]}*", plan.unlink_steps)
    budget.add(context(f"_{safe(plan.unlink_effect, 900)}_"))
    if plan.void_refused:
        budget.add(section(f":no_entry: *{PATHS[True]} is not possible:* {safe(plan.void_refused, 900)}"))
        return
    _steps(budget, f"*{PATHS[True]}*", plan.void_steps)
    budget.add(context(f"_{safe(plan.void_effect, 900)}_"))


def _progress(budget: Budget, request: UnlinkRequest) -> None:
    void = bool(request.void_in_xero)
    steps = request.plan.steps(void)
    done = {record.key: record for record in request.steps_done}
    marks, pending = [], True
    for step in steps:
        if step.key in done:
            marks.append(":white_check_mark:")
        elif pending and request.state in (UnlinkState.RUNNING, UnlinkState.FAILED):
            marks.append(":hourglass_flowing_sand:" if request.state is UnlinkState.RUNNING else ":x:")
            pending = False
        else:
            marks.append(":white_square:")
    _steps(budget, f"*{PATHS[void]}*", steps, marks)
    already = [done[s.key] for s in steps if s.key in done and done[s.key].already]
    if already:
        budget.add(context(f"{len(already)} of these were already so in Xero: only the ledger was updated."))
    if request.state is UnlinkState.FAILED:
        fix = describe("unlink.step_failed").fix
        budget.add(section(f":x: {safe(request.error or 'It stopped.', 1500)}\n*Fix:* {escape(fix)}"))
    elif request.state is UnlinkState.DONE:
        budget.add(section(f":white_check_mark: {safe(request.plan.effect(void), 1500)}"))


def _who(request: UnlinkRequest, now: datetime) -> str:
    parts = [f"Asked by {mention(request.requested_by)} {when(request.created_at)}"]
    if request.state is UnlinkState.PENDING:
        parts.append(f"{'expired' if request.expired(now) else 'expires'} {when(request.expires_at)}")
    elif request.state is UnlinkState.CANCELLED:
        parts.append(f"cancelled by {mention(request.approved_by)}")
    elif request.approved_by:
        parts.append(f"confirmed by {mention(request.approved_by)} ({PATHS[bool(request.void_in_xero)]})")
    if request.finished_at and request.state is UnlinkState.DONE:
        parts.append(f"finished {when(request.finished_at)}")
    return " · ".join(parts) + f" · request {request.id}"


def _confirm(title: str, text: str, confirm: str) -> ConfirmObject:
    return ConfirmObject(
        title=PlainTextObject(text=clip(title, 100)),
        text=PlainTextObject(text=clip(text, 300)),
        confirm=PlainTextObject(text=confirm),
        deny=PlainTextObject(text="Go back"),
        style="danger",
    )


def _buttons(request: UnlinkRequest, now: datetime) -> list[ButtonElement]:
    value, plan = str(request.id), request.plan
    if request.state is UnlinkState.FAILED:
        return [ButtonElement(text="Retry", action_id=ids.UNLINK_RETRY, value=value, style="primary")]
    if request.state is not UnlinkState.PENDING or request.expired(now):
        return []
    buttons = [
        ButtonElement(
            text=PATHS[False], action_id=ids.UNLINK_CONFIRM, value=value, style="danger",
            confirm=_confirm(f"Unlink {plan.number}?", plan.unlink_effect, "Unlink"),
        )
    ]  # fmt: skip
    if not plan.void_refused:
        buttons.append(
            ButtonElement(
                text=PATHS[True], action_id=ids.UNLINK_CONFIRM_VOID, value=value, style="danger",
                confirm=_confirm(f"Unlink and void {plan.number}?", plan.void_effect, "Unlink and void"),
            )
        )  # fmt: skip
    buttons.append(ButtonElement(text="Cancel", action_id=ids.UNLINK_CANCEL, value=value))
    return buttons


def pending_lines(requests: Sequence[UnlinkRequest]) -> list[str]:
    """One line per open request, for App Home: what, who asked, and what it waits for."""
    lines = []
    for request in requests:
        waiting = {
            UnlinkState.PENDING: f"waits for an approver until {when(request.expires_at)}",
            UnlinkState.RUNNING: "being carried out",
            UnlinkState.FAILED: "stopped at a step: Retry on its message",
        }.get(request.state, request.state.value)
        url = permalink(request)
        name = link(url, request.number) if url else escape(request.number)
        lines.append(
            f"• {name} ({escape(request.plan.kind.label)}, {money(request.plan.link.total)}) asked by "
            f"{mention(request.requested_by)}: {waiting}"
        )
    return lines


def already_asked(request: UnlinkRequest) -> Message:
    """To whoever asks to unlink a document while a request for it waits: that request, and where it is."""
    url = permalink(request)
    name = link(url, request.number) if url else escape(request.number)
    text = (
        f"An unlink of {name} is already waiting for confirmation: asked by {mention(request.requested_by)}, "
        f"until {when(request.expires_at)}. Confirm or cancel that request instead of asking again."
    )
    return Message(f"An unlink of {request.number} is already waiting for confirmation.", [section(text)])


def permalink(request: UnlinkRequest) -> str | None:
    if not request.slack_channel or not request.slack_ts:
        return None
    return f"https://slack.com/archives/{request.slack_channel}/p{request.slack_ts.replace('.', '')}"
