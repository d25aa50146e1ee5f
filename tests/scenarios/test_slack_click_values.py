"""A button's value and a modal's `private_metadata` are read strictly: only ASCII digits, and only the id the
message the button came from refers to. Anything else changes nothing, is audited, and the person is told."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot import ids
from bot.listeners.malformed import CLICK, SUBMISSION
from integration.domain import Alert, AlertState
from tests.support.bot import ALERTS, BOOKKEEPER, RunningBot
from tests.support.firm import sales_invoice
from tests.support.slack import button_payload, interaction_body, submission_payload

REFUSAL = ("xero.account_invalid", "Account code '200' is not a valid code for this document.")


def failed_post(bot: RunningBot) -> Alert:
    bot.firm.actionstep.add(sales_invoice("INV-9"))
    bot.firm.xero.refuse_documents["INV-9"] = REFUSAL
    bot.command("sync")
    bot.settle()
    (alert,) = bot.firm.service.alerts.unresolved()
    return alert


def click(bot: RunningBot, alert: Alert, value: str, **payload: Any) -> None:
    clicked = button_payload(
        ids.ALERT_IGNORE, value, user=BOOKKEEPER, channel=ALERTS, message_ts=alert.slack_ts or "",
        response_url=bot.slack.response_url(BOOKKEEPER), **payload,
    )  # fmt: skip
    bot.post(*interaction_body(clicked))
    bot.settle()


def refusals(bot: RunningBot) -> list[tuple[str, str | None, bool, dict[str, Any]]]:
    with bot.firm.store.unit_of_work() as uow:
        return [
            (e.action, e.target, e.allowed, e.detail)
            for e in uow.audit.recent(50)
            if e.action.startswith("slack.")
        ]


def told(bot: RunningBot) -> str:
    return json.dumps([c.body for c in bot.replies_to(BOOKKEEPER)], ensure_ascii=False)


@pytest.mark.parametrize("value", ["３", " {id} ", "{id}_0", "+{id}", "{id}.0", "0x{id}", "9" * 13, ""])
def test_a_button_value_that_is_not_plain_ascii_digits_changes_nothing_and_is_audited(
    bot: RunningBot, value: str
) -> None:
    alert = failed_post(bot)
    click(bot, alert, value.format(id=alert.id), block_id=f"alert:{value.format(id=alert.id)}")
    assert bot.slack.of("views.open") == []
    assert bot.firm.service.alerts.get(alert.id).state is AlertState.OPEN
    assert (
        "slack.click",
        None,
        False,
        {"action": ids.ALERT_IGNORE, "refused": "malformed value"},
    ) in refusals(bot)
    assert CLICK in told(bot)


def test_a_button_whose_value_is_not_what_its_message_refers_to_changes_nothing(bot: RunningBot) -> None:
    alert = failed_post(bot)
    other = alert.id + 1
    blocks = bot.blocks(ALERTS, alert.slack_ts or "")
    click(bot, alert, str(other), block_id=f"alert:{alert.id}", blocks=blocks)  # value and block disagree
    click(bot, alert, str(other), blocks=blocks)  # block and value agree, but the message has no such block
    assert bot.slack.of("views.open") == []
    assert [r for r in refusals(bot) if r[3].get("refused")] == [
        ("slack.click", None, False, {"action": ids.ALERT_IGNORE, "refused": "malformed value"})
    ] * 2


def test_a_button_as_its_message_shows_it_is_served(bot: RunningBot) -> None:
    alert = failed_post(bot)
    click(bot, alert, str(alert.id), blocks=bot.blocks(ALERTS, alert.slack_ts or ""))
    assert len(bot.slack.of("views.open")) == 1


@pytest.mark.parametrize(
    "metadata", ['{"alert": "３"}', '{"alert": 1.0}', '{"alert": true}', "[1]", "{bad", ""]
)
def test_a_modal_whose_private_metadata_does_not_read_answers_with_the_modals_error(
    bot: RunningBot, metadata: str
) -> None:
    alert = failed_post(bot)
    values = {
        ids.IGNORE_REASON_BLOCK: {ids.IGNORE_REASON_INPUT: {"type": "plain_text_input", "value": "later"}}
    }
    payload = submission_payload(ids.IGNORE_MODAL, {}, values, user=BOOKKEEPER)
    payload["view"]["private_metadata"] = metadata
    response = bot.post(*interaction_body(payload))
    bot.settle()
    assert response.status_code == 200
    assert response.json() == {"response_action": "errors", "errors": {ids.IGNORE_REASON_BLOCK: SUBMISSION}}
    assert bot.firm.service.alerts.get(alert.id).state is AlertState.OPEN
    assert (
        "slack.submit",
        None,
        False,
        {"modal": ids.IGNORE_MODAL, "refused": "malformed private_metadata"},
    ) in (refusals(bot))
