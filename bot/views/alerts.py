"""An alert's message in the alerts channel, and the modals its buttons open (ignore, fix, details).

The message always shows the alert's live state (open, ignored, resolved), how often it was seen, and who did what
with it, so it is the one place to look; its buttons match the state (Undo only when ignored, none when resolved)
and the alert: a change made in Xero (drift) gets Check again instead of Retry, and Adopt Xero's payment or Unlink
in the ledger where they fit the change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    InputBlock,
    Option,
    OptionGroup,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import ids
from bot.views.message import MAX_VIEW_BLOCKS, Budget, Message, context, section
from bot.views.text import clip, escape, mention, plural, safe, when
from integration.app import ADOPTABLE, PAID_IN_XERO, SWITCH_CODE, UNLINKABLE
from integration.domain import (
    AccountClass,
    Activity,
    Alert,
    AlertSource,
    AlertState,
    MappingKind,
    XeroAccount,
)
from integration.errors import describe

MAX_TEXT = 1200  # characters of an outside message in an alert, before escaping
SHOWN_DOCUMENTS = 5
CLASS_NAMES = {
    AccountClass.REVENUE: "Revenue",
    AccountClass.EXPENSE: "Expenses",
    AccountClass.ASSET: "Assets",
    AccountClass.LIABILITY: "Liabilities",
    AccountClass.EQUITY: "Equity",
}
ACTIVITY = {
    "alert.ignore": "ignored it",
    "alert.unignore": "undid the ignore",
    "alert.retry": "retried it",
    "alert.fix": "fixed the mapping",
    "alert.link_xero_payment": "linked it to the payment in Xero",
    "alert.post_anyway": "chose to post it anyway",
    "alert.check_again": "checked Xero again",
    "alert.unlink_in_ledger": "unlinked it in the ledger",
    "alert.adopt_xero_payment": "adopted Xero's payment",
    "alert.confirm_switch": "confirmed the switch",
}


def alert_title(alert: Alert) -> str:
    return describe(alert.code).title


def alert_message(alert: Alert, activity: Sequence[Activity] = (), note: str | None = None) -> Message:
    """The alert as it stands; `note` is a passing remark such as "Retrying…" shown until the next update."""
    title = escape(alert_title(alert))
    state = {
        AlertState.OPEN: f":rotating_light: *{title}*",
        AlertState.IGNORED: f":no_bell: *{title}* (ignored)",
        AlertState.RESOLVED: f":white_check_mark: *{title}* (resolved {when(alert.resolved_at)})",
    }[alert.state]
    body = f"{state}\n{safe(alert.message, MAX_TEXT)}"
    if alert.state is not AlertState.RESOLVED:
        body += f"\n*Fix:* {safe(alert.fix, MAX_TEXT)}"
    blocks = [section(body), context(_facts(alert))]
    lines = [_ignored(alert)] if alert.state is AlertState.IGNORED else []
    lines += [
        _activity(a)
        for a in activity
        if not (alert.state is AlertState.IGNORED and a.action == "alert.ignore")
    ]
    if note:
        lines.insert(0, note)
    if lines:
        blocks.append(context("\n".join(lines[:4])))
    blocks.append(ActionsBlock(block_id=f"alert:{alert.id}", elements=_buttons(alert)))
    verb = {AlertState.OPEN: "Alert", AlertState.IGNORED: "Ignored", AlertState.RESOLVED: "Resolved"}[
        alert.state
    ]
    return Message(clip(f"{verb}: {alert_title(alert)}: {alert.message}", 300), blocks)


def _facts(alert: Alert) -> str:
    facts = [
        f"`{escape(alert.code)}`",
        f"seen {plural(alert.count, 'time')}",
        f"first {when(alert.first_seen)}",
        f"last {when(alert.last_seen)}",
    ]
    numbers = [d.number or d.ref for d in alert.documents]
    if numbers:
        shown = ", ".join(safe(n, 60) for n in numbers[:SHOWN_DOCUMENTS])
        more = f" and {len(numbers) - SHOWN_DOCUMENTS:,} more" if len(numbers) > SHOWN_DOCUMENTS else ""
        facts.append(f"{plural(len(numbers), 'document')}: {shown}{more}")
    return " · ".join(facts)


def _ignored(alert: Alert) -> str:
    reason = f": “{safe(alert.ignore_reason, 300)}”" if alert.ignore_reason else ""
    return f"Ignored by {mention(alert.ignored_by)} {when(alert.ignored_at)}{reason}"


def _activity(activity: Activity) -> str:
    what = ACTIVITY.get(activity.action, escape(activity.action))
    result = activity.detail.get("result")
    if activity.action == "alert.ignore" and activity.detail.get("reason"):
        result = f"“{safe(str(activity.detail['reason']), 200)}”"
    if activity.action == "alert.fix":
        result = f"{escape(activity.detail.get('mapping', ''))} → {escape(activity.detail.get('xero', ''))}"
    return f"{mention(activity.actor)} {what} {when(activity.at)}" + (f": {result}" if result else "")


def _buttons(alert: Alert) -> list[ButtonElement]:
    value = str(alert.id)
    details = ButtonElement(text="Details", action_id=ids.ALERT_DETAILS, value=value)
    if alert.state is AlertState.RESOLVED:
        return [details]
    if alert.state is AlertState.IGNORED:
        return [ButtonElement(text="Undo ignore", action_id=ids.ALERT_UNIGNORE, value=value), details]
    if alert.code == SWITCH_CODE:
        return [
            ButtonElement(
                text="Confirm the switch",
                action_id=ids.ALERT_CONFIRM_SWITCH,
                value=value,
                style="danger",
                confirm=ConfirmObject(
                    title="Switch organisation?",
                    text="Only if the firm really moved: the next connect will replace the organisation the "
                    "ledger's links point at. The alert says what happens to them.",
                    confirm="Confirm the switch",
                    deny="Cancel",
                ),
            ),
            ButtonElement(text="Ignore", action_id=ids.ALERT_IGNORE, value=value),
            details,
        ]
    if alert.code == PAID_IN_XERO:
        return [
            ButtonElement(
                text="Link to the Xero payment",
                action_id=ids.ALERT_LINK_PAYMENT,
                value=value,
                style="primary",
            ),
            ButtonElement(text="Post anyway", action_id=ids.ALERT_POST_ANYWAY, value=value),
            ButtonElement(text="Ignore", action_id=ids.ALERT_IGNORE, value=value),
            details,
        ]
    if alert.source is AlertSource.DRIFT:
        return _drift_buttons(alert, details)
    if alert.source is AlertSource.TRUST:
        # A trust breach is fixed in the firm's trust account, not here, and must not be ignored away: it stays
        # open until a reconciliation finds the matter back in credit.
        return [details]
    buttons = [
        ButtonElement(text="Retry", action_id=ids.ALERT_RETRY, value=value, style="primary"),
        ButtonElement(text="Ignore", action_id=ids.ALERT_IGNORE, value=value),
        details,
    ]
    if alert.mapping_target is not None:
        buttons.append(ButtonElement(text="Fix mapping", action_id=ids.ALERT_FIX, value=value))
    return buttons


def _drift_buttons(alert: Alert, details: ButtonElement) -> list[ButtonElement]:
    """A change made in Xero: what fits the change first, then Check again (Xero is read again, not a sync run)."""
    value = str(alert.id)
    buttons: list[ButtonElement] = []
    if alert.code in ADOPTABLE:
        buttons.append(
            ButtonElement(
                text="Adopt Xero's payment", action_id=ids.ALERT_ADOPT_PAYMENT, value=value, style="primary"
            )
        )
    if alert.code in UNLINKABLE:
        number = next((d.number for d in alert.documents if d.number), "the document")
        buttons.append(
            ButtonElement(
                text="Unlink in the ledger",
                action_id=ids.ALERT_UNLINK_LEDGER,
                value=value,
                confirm=ConfirmObject(
                    title="Unlink in the ledger?",
                    text=clip(
                        f"{safe(number, 60)} is no longer what the bot posted. Unlinking changes only the bot's ledger, never "
                        "Xero; the next sync posts it again once it changes in Actionstep.",
                        300,
                    ),
                    confirm="Unlink",
                    deny="Cancel",
                ),
            )
        )
    buttons += [
        ButtonElement(text="Check again", action_id=ids.ALERT_CHECK_AGAIN, value=value),
        ButtonElement(text="Ignore", action_id=ids.ALERT_IGNORE, value=value),
        details,
    ]
    return buttons


def details_modal(alert: Alert, activity: Sequence[Activity] = ()) -> View:
    entry = describe(alert.code)
    budget = Budget(max_blocks=MAX_VIEW_BLOCKS)
    budget.add(section(f"*{escape(entry.title)}*\n{safe(alert.message, 2500)}"))
    budget.add(section(f"*Why:* {escape(entry.cause)}\n*Fix:* {safe(alert.fix, 2000)}"))
    budget.add(context(_facts(alert)))
    budget.add(context(f"State: {alert.state.value} · raised by a {alert.source.value} · alert {alert.id}"))
    if activity:
        budget.add(context("\n".join(_activity(a) for a in activity)))
    documents = [f"• {safe(d.number or '(no number)', 80)} ({escape(d.ref)})" for d in alert.documents]
    if documents:
        budget.add_lines(f"*Documents ({len(documents):,})*", documents)
    return View(
        type="modal",
        callback_id=ids.DETAILS_MODAL,
        title="Alert details",
        close="Close",
        blocks=budget.blocks,
    )


def ignore_modal(alert: Alert) -> View:
    return View(
        type="modal",
        callback_id=ids.IGNORE_MODAL,
        private_metadata=json.dumps({"alert": alert.id}),
        title="Ignore alert",
        submit="Ignore",
        close="Cancel",
        blocks=[
            section(f"*{escape(alert_title(alert))}*\n{safe(alert.message, 1500)}"),
            InputBlock(
                block_id=ids.IGNORE_REASON_BLOCK,
                label="Why is it safe to ignore?",
                element=PlainTextInputElement(
                    action_id=ids.IGNORE_REASON_INPUT, multiline=True, max_length=500
                ),
                hint="Shown on the alert. It stays ignored while it repeats; Undo brings it back.",
            ),
        ],
    )


def loading_modal(title: str, text: str) -> View:
    """A modal opened at once (a trigger lasts 3 seconds) and replaced when its content is ready."""
    return View(type="modal", title=title, close="Close", blocks=[section(escape(text))])


def _suits(alert: Alert, kind: MappingKind, account: XeroAccount) -> bool:
    if alert.code == "mapping.not_a_bank_account":
        return account.is_bank
    return kind is not MappingKind.TIMEKEEPER or account.klass is AccountClass.REVENUE


def fix_modal(alert: Alert, accounts: Sequence[XeroAccount]) -> View:
    """Pick the Xero account for the mapping the alert needs. Only accounts with a code can be mapped (Xero
    identifies accounts by code); a bank account problem offers bank accounts only, a timekeeper income accounts."""
    target = alert.mapping_target
    assert target is not None
    kind, source_id = target
    choices = [a for a in accounts if a.code and _suits(alert, kind, a)]
    groups = []
    for klass, name in CLASS_NAMES.items():
        options = [
            Option(text=clip(f"{a.code} {a.name}", 75), value=a.code or "")
            for a in choices
            if a.klass is klass
        ][:100]
        if options:
            groups.append(OptionGroup(label=name, options=options))
    if not groups:
        return loading_modal("Fix mapping", "Xero's chart has no active account with a code to map to.")
    what = {
        MappingKind.ACCOUNT: "Actionstep account",
        MappingKind.ROLE: "Role",
        MappingKind.TIMEKEEPER: "Timekeeper",
    }
    return View(
        type="modal",
        callback_id=ids.FIX_MODAL,
        private_metadata=json.dumps({"alert": alert.id}),
        title="Fix mapping",
        submit="Save mapping",
        close="Cancel",
        blocks=[
            section(f"{safe(alert.message, 1500)}\n\n*{what[kind]}* `{safe(source_id, 100)}`"),
            InputBlock(
                block_id=ids.FIX_ACCOUNT_BLOCK,
                label="Map it to the Xero account",
                element=StaticSelectElement(
                    action_id=ids.FIX_ACCOUNT_INPUT,
                    placeholder="Choose an account",
                    option_groups=groups[:100],
                ),
            ),
        ],
    )
