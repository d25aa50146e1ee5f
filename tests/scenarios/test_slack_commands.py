"""`/xero` through the real HTTP server: every command is acked at once, slow work arrives afterwards, and only the
people with a role may do what it allows."""

from __future__ import annotations

import json
import threading

import pytest

from sandboxes import demo_chart
from tests.support.bot import ALERTS, APPROVER, BOOKKEEPER, CHANNEL, GROUP_MEMBER, STRANGER, RunningBot
from tests.support.firm import sales_invoice, supplier_invoice

REFUSAL = ("xero.account_invalid", "Account code '200' is not a valid code for this document.")


def texts(payload: dict[str, object]) -> str:
    """Everything a person could read in a message: the fallback text and every block, as sent."""
    return json.dumps(payload, ensure_ascii=False)


def audit(bot: RunningBot) -> list[tuple[str, str, str | None, bool]]:
    with bot.firm.store.unit_of_work() as uow:
        events = uow.audit.recent(100)
    return [
        (e.actor, e.action, e.target, e.allowed) for e in reversed(events) if e.action.startswith("slack.")
    ]


@pytest.mark.parametrize("text", ["", "help", "what is this", "sync now please"])
def test_empty_or_unknown_text_gets_help_in_the_ack(bot: RunningBot, text: str) -> None:
    response = bot.command(text, user=STRANGER)
    bot.settle()
    assert response.status_code == 200
    assert "/xero sync" in response.text and "/xero status" in response.text
    assert "/xero unlink INV-123" in response.text
    assert audit(bot) == [(STRANGER, "slack.command", "help", True)]


def test_sync_acks_at_once_shows_progress_in_the_channel_and_ends_as_the_report(bot: RunningBot) -> None:
    bot.firm.actionstep.add(sales_invoice("INV-1"), supplier_invoice("BILL-1"), sales_invoice("INV-2"))
    bot.firm.xero.refuse_documents["INV-2"] = REFUSAL

    response = bot.command("sync")
    bot.settle()

    assert response.status_code == 200 and response.text == ""
    started = bot.slack.of("chat.postMessage")[0]
    assert started.body["channel"] == CHANNEL and "Sync started by <@UBOOK>" in texts(started.body)
    report = bot.message(CHANNEL, bot.slack.of("chat.update")[0].body["ts"])
    shown = texts(report)
    assert "Sync #1 finished" in shown
    assert "*Sales invoices*\\n1 posted (110.00)\\n1 failed (110.00)" in shown
    assert "INV-2" in shown and "`xero.account_invalid`" in shown and "_Fix:_ Check the mapping" in shown
    assert "Waiting on a fix (1)" in shown and "Courier Costs" in shown
    invoice = next(d for d in bot.firm.xero.posted if d.number == "INV-1")
    link = (
        "https://go.xero.com/organisationlogin/default.aspx?shortcode=%21hF9xQ&amp;"
        f"redirecturl=/AccountsReceivable/View.aspx?InvoiceID={invoice.xero_id}|INV-1>"
    )
    assert link in shown
    assert audit(bot) == [(BOOKKEEPER, "slack.command", "sync", True)]


def test_each_failure_is_alerted_once_counted_on_repeat_and_marked_resolved_when_fixed(
    bot: RunningBot,
) -> None:
    bot.firm.actionstep.add(sales_invoice("INV-2"))
    bot.firm.xero.refuse_documents["INV-2"] = REFUSAL
    bot.command("sync")
    bot.settle()
    bot.command("sync")
    bot.settle()
    del bot.firm.xero.refuse_documents["INV-2"]
    bot.command("sync")
    bot.settle()

    posts = [c for c in bot.slack.of("chat.postMessage") if c.body["channel"] == ALERTS]
    assert len(posts) == 1
    alert = bot.firm.service.alerts.get(1)
    edits = [c.body for c in bot.slack.of("chat.update") if c.body["channel"] == ALERTS]
    assert [e["ts"] for e in edits] == [alert.slack_ts, alert.slack_ts]
    assert "seen 2 times" in texts(edits[0]) and "Retry" in texts(edits[0])
    final = texts(bot.message(ALERTS, alert.slack_ts))
    assert "(resolved" in final and "Retry" not in final and "Details" in final


def test_a_preview_sends_nothing_and_raises_no_alert(bot: RunningBot) -> None:
    bot.firm.actionstep.add(sales_invoice("INV-1"), supplier_invoice("BILL-1"))
    bot.command("sync preview")
    bot.settle()
    assert bot.firm.xero.posted == []
    report = texts(bot.message(CHANNEL, bot.slack.of("chat.update")[0].body["ts"]))
    assert "Preview (nothing sent)" in report and "would post 1 (110.00)" in report
    assert [c for c in bot.slack.of("chat.postMessage") if c.body["channel"] == ALERTS] == []


def test_status_replies_to_the_asker_with_the_last_run_alerts_and_connections(bot: RunningBot) -> None:
    bot.firm.actionstep.add(supplier_invoice("BILL-1"))
    bot.command("sync")
    bot.settle()
    response = bot.command("status", user=APPROVER)
    bot.settle()
    assert response.status_code == 200
    (reply,) = bot.replies_to(APPROVER)
    shown = texts(reply.body)
    assert "*Last sync:* #1 by <@UBOOK>" in shown and "*Open alerts (1)*" in shown
    assert "Connected to Harbour &amp; Finch Lawyers." in shown and "no schedule configured" in shown
    assert f"https://slack.com/archives/{ALERTS}/p" in shown


def test_check_replies_with_each_mapping_problem_and_its_fix(bot: RunningBot) -> None:
    bot.firm.actionstep.add(supplier_invoice("BILL-1"))
    bot.command("check")
    bot.settle()
    (reply,) = bot.replies_to(BOOKKEEPER)
    shown = texts(reply.body)
    problems = bot.firm.service.check()
    assert f"{len(problems)} mapping problems" in shown and shown.count("_Fix:_") == len(problems)
    assert "Account not mapped" in shown and "Mapped Xero account archived" in shown


def test_someone_without_a_role_is_refused_politely_and_the_refusal_is_audited(bot: RunningBot) -> None:
    bot.firm.actionstep.add(sales_invoice("INV-1"))
    responses = [bot.command(text, user=STRANGER) for text in ("sync", "status", "check")]
    bot.settle()
    assert all(r.status_code == 200 and "Sorry, only the firm's bookkeepers" in r.text for r in responses)
    assert bot.firm.service.last_run() is None and bot.firm.xero.posted == []
    assert sorted(audit(bot)) == [  # each audit is written after its ack, so two requests may swap
        (STRANGER, "slack.command", "check", False),
        (STRANGER, "slack.command", "status", False),
        (STRANGER, "slack.command", "sync", False),
    ]


def test_an_approver_may_preview_but_not_sync_and_a_bookkeeper_group_member_may_sync(bot: RunningBot) -> None:
    bot.firm.actionstep.add(sales_invoice("INV-1"))
    refused = bot.command("sync", user=APPROVER)
    previewed = bot.command("sync preview", user=APPROVER)
    synced = bot.command("sync", user=GROUP_MEMBER)
    bot.settle()
    assert "Sorry" in refused.text and "Sorry" not in previewed.text and "Sorry" not in synced.text
    assert [d.number for d in bot.firm.xero.posted] == ["INV-1"]


def test_a_contact_named_channel_reaches_slack_escaped_and_pings_nobody(bot: RunningBot) -> None:
    party_hire = next(c["name"] for c in demo_chart.ACTIONSTEP_CONTACTS if c["id"] == "105")
    assert party_hire == "<!channel> Party Hire & Co"
    bot.firm.actionstep.add(sales_invoice("INV-7", contact="105"))
    bot.firm.xero.refuse_contacts[party_hire] = "Xero says the email address is not valid."
    bot.command("sync")
    bot.settle()
    sent = [texts(c.body) for c in bot.slack.calls]
    assert any("&lt;!channel&gt; Party Hire &amp; Co" in s for s in sent)
    assert not any("<!channel>" in s for s in sent)
    alert_posts = [c for c in bot.slack.of("chat.postMessage") if c.body["channel"] == ALERTS]
    assert len(alert_posts) == 1 and alert_posts[0].body["text"].startswith(
        "Alert: Contact not accepted by Xero"
    )


def test_in_a_channel_the_bot_cannot_post_in_the_report_comes_through_the_response_url(
    bot: RunningBot,
) -> None:
    bot.slack.unreachable_channels.add("CPRIVATE")
    bot.firm.actionstep.add(sales_invoice("INV-1"))
    bot.command("sync", channel="CPRIVATE")
    bot.settle()
    (reply,) = bot.replies_to(BOOKKEEPER)
    assert reply.body["response_type"] == "in_channel" and "Sync #1 finished" in texts(reply.body)


def test_a_sync_asked_for_while_one_runs_says_so_instead_of_running_twice(bot: RunningBot) -> None:
    bot.firm.actionstep.add(sales_invoice("INV-1"))
    entered, release = threading.Event(), threading.Event()
    bot.firm.xero.before_create = lambda: (entered.set(), release.wait(10))
    bot.command("sync")
    assert entered.wait(10)
    bot.command("sync", user=GROUP_MEMBER)
    assert bot.slack.wait_for(
        lambda: any("already running" in texts(c.body) for c in bot.replies_to(GROUP_MEMBER))
    )
    release.set()
    bot.settle()
    assert len(bot.firm.xero.posted) == 1
    with bot.firm.store.unit_of_work() as uow:
        assert uow.runs.last() is not None and uow.runs.last().id == 1  # type: ignore[union-attr]
