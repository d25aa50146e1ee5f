"""`/xero mappings` through the real bolt app with signed requests: approvers get a modal of suggestions read from
one reading of Xero's chart, accept the ticked ones, all of them, or pick others; a row that does not suit keeps
the modal open with the reason beside it; anyone else is refused."""

from __future__ import annotations

import json
from typing import Any

from bot import ids
from integration.domain import MappingKind
from tests.support.bot import APPROVER, BOOKKEEPER, RunningBot
from tests.support.firm import sales_invoice, supplier_invoice
from tests.support.slack import interaction_body, submission_payload


def open_modal(bot: RunningBot) -> dict[str, Any]:
    """Two unmapped needs: 4010 Fees - Partners (the demo mapping removed; high: Xero 201) and 5040 Courier Costs
    (low: Xero 429 General Expenses). Returns the modal as Slack received it."""
    bot.firm.service.remove_mapping(MappingKind.ACCOUNT, "4010", actor="test")
    bot.firm.actionstep.add(supplier_invoice("BILL-1"), sales_invoice("INV-1", account="4010"))
    bot.command("mappings", user=APPROVER)
    bot.settle()
    (updated,) = bot.slack.of("views.update")
    view = updated.body["view"]
    return json.loads(view) if isinstance(view, str) else view


def rows_of(view: dict[str, Any]) -> list[list[str]]:
    return list(json.loads(view["private_metadata"])["rows"])


def submit(bot: RunningBot, view: dict[str, Any], values: dict[str, Any], *, user: str = APPROVER) -> Any:
    payload = submission_payload(ids.MAPPINGS_MODAL, json.loads(view["private_metadata"]), values, user=user)
    response = bot.post(*interaction_body(payload))
    bot.settle()
    return response.json() if response.content else {}


def mode(value: str) -> dict[str, Any]:
    return {ids.MAPPINGS_MODE_BLOCK: {ids.MAPPINGS_MODE_INPUT: {"selected_option": {"value": value}}}}


def ticked(*rows: int) -> dict[str, Any]:
    chosen = [{"value": str(n)} for n in rows]
    return {f"{ids.MAPPINGS_ACCEPT_BLOCK}:0": {ids.MAPPINGS_ACCEPT_INPUT: {"selected_options": chosen}}}


def picked(row: int, code: str) -> dict[str, Any]:
    return {
        f"{ids.MAPPINGS_PICK_BLOCK}:{row}": {ids.MAPPINGS_PICK_INPUT: {"selected_option": {"value": code}}}
    }


def stored(bot: RunningBot) -> dict[str, str]:
    return {m.source_id: m.xero_account for m in bot.firm.service.mappings() if m.kind is MappingKind.ACCOUNT}


def test_an_approver_gets_every_suggestion_ticked_when_sure_and_a_picker_of_suitable_accounts(
    bot: RunningBot,
) -> None:
    calls_before = bot.firm.xero.api_calls
    view = open_modal(bot)

    assert view["callback_id"] == ids.MAPPINGS_MODAL
    assert [r[1:] for r in rows_of(view)] == [["4010", "201"], ["5040", "429"]]
    checkboxes = next(b for b in view["blocks"] if b.get("block_id") == f"{ids.MAPPINGS_ACCEPT_BLOCK}:0")
    assert [o["value"] for o in checkboxes["element"]["initial_options"]] == [
        "0"
    ]  # the high one, not the low
    picker = next(b for b in view["blocks"] if b.get("block_id") == f"{ids.MAPPINGS_PICK_BLOCK}:1")
    offered = [o["value"] for o in picker["element"]["options"]]
    assert offered[0] == "429" and "420" in offered
    assert "461" not in offered and "090" not in offered and "200" not in offered  # archived, bank, income
    assert bot.firm.xero.api_calls - calls_before == 1  # the chart, read once for the whole modal


def test_saving_the_ticked_suggestions_stores_them_and_tells_the_approver(bot: RunningBot) -> None:
    view = open_modal(bot)

    answer = submit(bot, view, {**mode("ticked"), **ticked(0)})

    assert answer.get("response_action") is None
    assert stored(bot)["4010"] == "201" and "5040" not in stored(bot)
    (told,) = bot.slack.of("chat.postEphemeral")
    assert told.body["user"] == APPROVER and "Saved 1 mapping" in json.dumps(told.body)


def test_accept_all_stores_every_suggestion_and_a_pick_replaces_its_row(bot: RunningBot) -> None:
    view = open_modal(bot)

    submit(bot, view, {**mode("all"), **ticked(), **picked(1, "420")})

    assert stored(bot)["4010"] == "201" and stored(bot)["5040"] == "420"


def test_a_pick_of_the_wrong_type_keeps_the_modal_open_with_the_reason_and_stores_nothing(
    bot: RunningBot,
) -> None:
    view = open_modal(bot)

    answer = submit(bot, view, {**mode("ticked"), **ticked(0), **picked(1, "090")})

    assert answer["response_action"] == "errors"
    assert "does not suit an expense account" in answer["errors"][f"{ids.MAPPINGS_PICK_BLOCK}:1"]
    assert "4010" not in stored(bot)


def test_submitting_nothing_is_refused_before_the_modal_closes(bot: RunningBot) -> None:
    view = open_modal(bot)

    answer = submit(bot, view, {**mode("ticked"), **ticked()})

    assert (
        answer["response_action"] == "errors"
        and "Nothing to save" in answer["errors"][ids.MAPPINGS_MODE_BLOCK]
    )


def test_a_bookkeeper_is_refused_the_modal_and_its_submission(bot: RunningBot) -> None:
    response = bot.command("mappings", user=BOOKKEEPER)
    bot.settle()
    assert "only the firm's approvers" in response.text and bot.slack.of("views.open") == []

    view = open_modal(bot)
    answer = submit(bot, view, {**mode("all")}, user=BOOKKEEPER)
    assert answer["response_action"] == "errors" and "4010" not in stored(bot)
