"""The App Home tab: the integration at a glance for bookkeepers and approvers, a polite note for anyone else."""

from __future__ import annotations

import json

from integration.domain import MappingKind
from tests.support.bot import APPROVER, STRANGER, RunningBot
from tests.support.firm import supplier_invoice
from tests.support.slack import event_body


def open_home(bot: RunningBot, user: str, event_id: str) -> str:
    bot.post(*event_body({"type": "app_home_opened", "user": user, "tab": "home"}, event_id=event_id))
    bot.settle()
    (published,) = [c for c in bot.slack.of("views.publish") if c.body["user_id"] == user]
    return json.dumps(published.body["view"], ensure_ascii=False)


def test_home_shows_the_last_sync_open_alerts_connections_and_schedule(bot: RunningBot) -> None:
    bot.firm.actionstep.add(supplier_invoice("BILL-1"))
    bot.command("sync")
    bot.settle()
    home = open_home(bot, APPROVER, "Ev1")
    assert '"type": "home"' in home
    assert (
        "*Last sync:* #1 by <@UBOOK>" in home and "*Open alerts (1)*" in home and "Account not mapped" in home
    )
    assert "*Xero:* Connected to Harbour &amp; Finch Lawyers." in home and "*Actionstep:* Connected" in home
    assert "*Next scheduled runs:* no schedule configured." in home


def test_home_for_someone_without_a_role_explains_instead_of_showing_the_books(bot: RunningBot) -> None:
    home = open_home(bot, STRANGER, "Ev2")
    assert "You are not set up as a bookkeeper or approver" in home and "Last sync" not in home


def test_the_messages_tab_is_not_answered_with_a_home_view(bot: RunningBot) -> None:
    bot.post(*event_body({"type": "app_home_opened", "user": APPROVER, "tab": "messages"}, event_id="Ev3"))
    bot.settle()
    assert bot.slack.of("views.publish") == []


def latest_home(bot: RunningBot, user: str, event_id: str) -> str:
    bot.post(*event_body({"type": "app_home_opened", "user": user, "tab": "home"}, event_id=event_id))
    bot.settle()
    published = [c for c in bot.slack.of("views.publish") if c.body["user_id"] == user]
    return json.dumps(published[-1].body["view"], ensure_ascii=False)


def test_home_shows_a_first_run_checklist_with_the_command_for_each_step_until_it_is_done(
    bot: RunningBot,
) -> None:
    bot.firm.actionstep.add(supplier_invoice("BILL-1"))  # needs 5040 Courier Costs (unmapped) and payables
    first = latest_home(bot, APPROVER, "EvC1")
    assert "*Getting started*" in first
    assert ":white_check_mark: Xero connected" in first and ":white_check_mark: Actionstep connected" in first
    assert "Accounts mapped: 1 of 2 that pending documents need: `/xero mappings`" in first
    assert ":white_large_square: A first preview: `/xero sync preview`" in first
    assert ":white_large_square: A first sync that posts: `/xero sync`" in first

    bot.firm.service.set_mapping(MappingKind.ACCOUNT, "5040", "429", actor="test")
    bot.command("sync preview")
    bot.settle()
    bot.command("sync")
    bot.settle()
    done = latest_home(bot, APPROVER, "EvC2")
    assert "all done: this list goes away" in done and ":white_large_square:" not in done

    assert "Getting started" not in latest_home(bot, APPROVER, "EvC3")
