"""Month end through Slack, end to end: signed requests to the real bolt app behind the real HTTP server and the fake
Slack, over a month-end use case the test steers (`tests.fakes.reconciling`). `/xero reconcile` answers a wrong
month at once with the form and runs nothing; a run is posted in the channel, remembered, and its CSV attached in
the thread; Sign off is for approvers only, and two racing clicks sign off once and edit the message once. The
scheduled run posts the month before to the summary channel once across replicas.

The file upload (`Notifier.upload_file`) is recorded here rather than sent: Slack's upload calls are the notifier's
and tested with it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient

from bot import ids
from bot.notifier import Notifier
from bot.scheduler import RECONCILE, Plan, Scheduler
from integration.app import reconcile_csv
from integration.app.slots import SlotDesk
from integration.clock import VirtualClock
from integration.domain import Period
from integration.errors import Unavailable
from integration.rules.schedule import Monthly
from tests.fakes.reconciling import FakeReconciling
from tests.fakes.slack import BOT_TOKEN, FakeSlack
from tests.support.bot import APPROVER, BOOKKEEPER, CHANNEL, STRANGER, RunningBot, running_bot
from tests.support.firm import Firm, demo_firm
from tests.support.reconcile import FINGERPRINT, JULY, agreeing, difference, result
from tests.support.slack import button_payload, interaction_body

Upload = tuple[str, str, str | bytes, dict[str, Any]]


@pytest.fixture
def uploads(monkeypatch: pytest.MonkeyPatch) -> list[Upload]:
    made: list[Upload] = []

    def upload_file(
        self: Notifier, channel: str, filename: str, content: str | bytes, *, title: str,
        thread_ts: str | None = None, comment: str | None = None,
    ) -> str | None:  # fmt: skip
        made.append(
            (channel, filename, content, {"title": title, "thread_ts": thread_ts, "comment": comment})
        )
        return f"F{len(made)}"

    monkeypatch.setattr(Notifier, "upload_file", upload_file, raising=False)
    return made


@pytest.fixture
def month_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[RunningBot, FakeReconciling]]:
    fake = FakeReconciling(result(agreeing(differences=())))

    def install(firm: Firm) -> None:
        monkeypatch.setattr(firm.service, "reconciling", fake, raising=False)

    with running_bot(f"sqlite:///{tmp_path / 'ledger.db'}", prepare=install) as bot:
        yield bot, fake


def reconcile(bot: RunningBot, text: str, *, user: str = BOOKKEEPER) -> str:
    """The command's immediate answer, as text."""
    answer = bot.command(text, user=user)
    assert answer.status_code == 200
    bot.settle()
    return json.dumps(answer.json()) if answer.content else ""


def posted(bot: RunningBot) -> list[dict[str, Any]]:
    return [c.body for c in bot.slack.of("chat.postMessage") if c.body["channel"] == CHANNEL]


def sign_off(bot: RunningBot, ts: str, *, user: str = APPROVER) -> bytes:
    blocks = bot.blocks(CHANNEL, ts) or []
    (button,) = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    payload = button_payload(
        ids.RECONCILE_SIGN_OFF, button["value"], user=user, channel=CHANNEL, message_ts=ts,
        response_url=bot.slack.response_url(user), blocks=blocks, block_id="reconcile:2026-07",
    )  # fmt: skip
    return interaction_body(payload)[0]


def click(bot: RunningBot, body: bytes) -> None:
    assert bot.post(body, "application/x-www-form-urlencoded").status_code == 200


def test_a_wrong_month_gets_the_reason_and_the_form_and_nothing_runs(
    month_end: tuple[RunningBot, FakeReconciling],
) -> None:
    bot, fake = month_end

    told = reconcile(bot, "reconcile 2026-13")
    future = reconcile(bot, "reconcile 2027-01")

    assert (
        "'2026-13' is not a month. Give the period as YYYY-MM" in told and "/xero reconcile YYYY-MM" in told
    )
    assert "2027-01 has not started yet" in future
    assert fake.runs == [] and posted(bot) == []


def test_someone_without_a_role_is_refused_and_audited(month_end: tuple[RunningBot, FakeReconciling]) -> None:
    bot, fake = month_end

    told = reconcile(bot, "reconcile 2026-07", user=STRANGER)

    assert "only the firm's bookkeepers can run the month-end reconciliation" in told
    assert fake.runs == []
    with bot.firm.store.unit_of_work() as uow:
        (event,) = [e for e in uow.audit.recent(20) if e.actor == STRANGER]
    assert (event.action, event.target, event.allowed) == ("slack.command", "reconcile", False)


def test_a_bookkeeper_reconciles_a_month_and_it_is_posted_remembered_and_its_csv_attached_in_the_thread(
    month_end: tuple[RunningBot, FakeReconciling], uploads: list[Upload]
) -> None:
    bot, fake = month_end
    fake.result = result(agreeing(differences=(difference("<!channel>"),)))

    told = reconcile(bot, "reconcile 2026-07")

    assert "Reconciling July 2026" in told
    assert len(posted(bot)) == 1
    ((period, channel, ts),) = fake.remembered
    assert (period, channel) == (JULY, CHANNEL) and fake.runs == [JULY] and fake.actors == [BOOKKEEPER]
    assert bot.message(CHANNEL, ts)["text"] == "Month end July 2026: 1 difference"
    (upload,) = uploads
    assert upload[:3] == (
        CHANNEL,
        "xerobot-reconciliation-2026-07.csv",
        reconcile_csv(fake.result.reconciliation),
    )
    assert upload[3]["thread_ts"] == ts


def test_a_run_that_fails_tells_the_person_why_and_posts_nothing(
    month_end: tuple[RunningBot, FakeReconciling], uploads: list[Upload]
) -> None:
    bot, fake = month_end
    fake.fails = Unavailable("xero", "Xero did not answer in time.")

    reconcile(bot, "reconcile 2026-07")

    (told,) = bot.replies_to(BOOKKEEPER)
    assert "Xero did not answer in time." in json.dumps(told.body)
    assert posted(bot) == [] and uploads == [] and fake.remembered == []


def test_without_a_month_the_month_before_today_is_reconciled(
    month_end: tuple[RunningBot, FakeReconciling], uploads: list[Upload]
) -> None:
    bot, fake = month_end

    assert "Reconciling July 2026" in reconcile(bot, "reconcile")
    assert fake.runs == [Period(2026, 7)] and len(posted(bot)) == 1


def test_an_approvers_sign_off_signs_once_and_the_message_shows_who(
    month_end: tuple[RunningBot, FakeReconciling], uploads: list[Upload]
) -> None:
    bot, fake = month_end
    reconcile(bot, "reconcile 2026-07")
    ts = fake.remembered[0][2]

    click(bot, sign_off(bot, ts))
    bot.settle()

    assert fake.sign_offs == [(JULY, FINGERPRINT, APPROVER)]
    shown = json.dumps(bot.message(CHANNEL, ts))
    assert "Signed off* by <@UAPPROVE>" in shown
    assert not [b for b in bot.blocks(CHANNEL, ts) or [] if b["type"] == "actions"]
    assert len(bot.slack.of("chat.update")) == 1


def test_two_racing_sign_off_clicks_sign_off_once_and_edit_the_message_once(
    month_end: tuple[RunningBot, FakeReconciling], uploads: list[Upload]
) -> None:
    bot, fake = month_end
    reconcile(bot, "reconcile 2026-07")
    ts = fake.remembered[0][2]
    bodies = [sign_off(bot, ts), sign_off(bot, ts)]  # two clicks (a double click), not one delivered twice

    racers = [threading.Thread(target=click, args=(bot, body)) for body in bodies]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=10)
    bot.settle()

    assert len(fake.sign_offs) == 2 and fake.signed is not None
    assert len(bot.slack.of("chat.update")) == 1
    (told,) = bot.replies_to(APPROVER)
    assert "Already signed off by UAPPROVE" in json.dumps(told.body)


def test_a_bookkeepers_sign_off_click_is_refused_and_audited(
    month_end: tuple[RunningBot, FakeReconciling], uploads: list[Upload]
) -> None:
    bot, fake = month_end
    reconcile(bot, "reconcile 2026-07")
    ts = fake.remembered[0][2]

    click(bot, sign_off(bot, ts, user=BOOKKEEPER))
    bot.settle()

    assert fake.sign_offs == [] and bot.slack.of("chat.update") == []
    (told,) = bot.replies_to(BOOKKEEPER)
    assert "only the firm's approvers can sign off a month" in json.dumps(told.body)
    with bot.firm.store.unit_of_work() as uow:
        (event,) = [e for e in uow.audit.recent(20) if e.action == "slack.click"]
    assert (event.actor, event.target, event.allowed) == (BOOKKEEPER, "period:2026-07", False)


def test_a_forged_sign_off_value_is_refused_without_signing(
    month_end: tuple[RunningBot, FakeReconciling], uploads: list[Upload]
) -> None:
    bot, fake = month_end
    reconcile(bot, "reconcile 2026-07")
    ts = fake.remembered[0][2]
    blocks = bot.blocks(CHANNEL, ts)
    forged = button_payload(
        ids.RECONCILE_SIGN_OFF, "2026-06:" + FINGERPRINT, user=APPROVER, channel=CHANNEL, message_ts=ts,
        response_url=bot.slack.response_url(APPROVER), blocks=blocks, block_id="reconcile:2026-06",
    )  # fmt: skip

    click(bot, interaction_body(forged)[0])
    bot.settle()

    assert fake.sign_offs == []
    (told,) = bot.replies_to(APPROVER)
    assert "no longer matches its message" in json.dumps(told.body)


def test_help_names_the_reconcile_command(month_end: tuple[RunningBot, FakeReconciling]) -> None:
    bot, _ = month_end
    assert "/xero reconcile [YYYY-MM]" in reconcile(bot, "help")


def test_the_scheduled_month_end_posts_the_month_before_once_across_replicas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uploads: list[Upload]
) -> None:
    sydney = ZoneInfo("Australia/Sydney")
    plan = Plan(
        summary=None, summary_channel="CSUMMARY", auto_sync=None, health=None,
        reconcile=Monthly(3, time(8, 0), sydney),
    )  # fmt: skip
    fake = FakeReconciling(result())
    clock = VirtualClock(datetime(2026, 8, 2, 21, 30, tzinfo=UTC))  # 07:30 on 3 Aug in Sydney
    with FakeSlack() as slack, demo_firm(f"sqlite:///{tmp_path / 'ledger.db'}") as firm:
        monkeypatch.setattr(firm.service, "reconciling", fake, raising=False)
        client = WebClient(token=BOT_TOKEN, base_url=slack.url)
        replicas = [
            Scheduler(
                plan,
                firm.service,
                client,
                Notifier(client, firm.service, None),
                slots=SlotDesk(firm.store, clock),
            )
            for _ in range(2)
        ]
        assert [r.tick(RECONCILE) for r in replicas] == [None, None]  # not 08:00 yet
        clock.advance(31 * 60)
        ran = [r.tick(RECONCILE) for r in replicas]
        messages = {ts: m for (channel, ts), m in slack.messages.items() if channel == "CSUMMARY"}
        assert slack.violations == []

    assert ran.count(None) == 1 and fake.runs == [None]  # the use case picks the month before
    ((ts, message),) = messages.items()
    assert message["text"] == "Month end July 2026: agrees"
    (upload,) = uploads
    assert upload[0] == "CSUMMARY" and upload[3]["thread_ts"] == ts
    assert fake.remembered == [(JULY, "CSUMMARY", ts)]


def test_over_the_demo_firm_a_ready_month_is_posted_with_its_csv_and_an_approver_signs_it_off_for_real(
    tmp_path: Path,
) -> None:
    """No fakes behind Slack: the demo's real month-end use case over both sandboxes, the real file upload."""
    from tests.support.bot import running_demo_bot

    with running_demo_bot(tmp_path) as bot:
        reconcile(bot, "reconcile 2026-05")  # before the demo's documents, inside Xero's lock date: ready
        (message,) = posted(bot)
        assert "May 2026" in json.dumps(message)
        remembered = bot.firm.service.reconciling.close_of(Period(2026, 5))
        assert remembered is not None and remembered.channel == CHANNEL and remembered.ts
        ts = remembered.ts
        (shared,) = bot.slack.sandbox.files.shared
        assert (shared.channel, shared.thread_ts) == (CHANNEL, ts)
        assert shared.content.decode().splitlines()[0].startswith("period,section,difference")

        blocks = bot.blocks(CHANNEL, ts) or []
        (button,) = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
        body = interaction_body(button_payload(
            ids.RECONCILE_SIGN_OFF, button["value"], user=APPROVER, channel=CHANNEL, message_ts=ts,
            response_url=bot.slack.response_url(APPROVER), blocks=blocks, block_id="reconcile:2026-05",
        ))[0]  # fmt: skip
        click(bot, body)
        bot.settle()

        close = bot.firm.service.reconciling.close_of(Period(2026, 5))
        assert close is not None and close.signed_off_by == APPROVER
        assert "Signed off* by <@UAPPROVE>" in json.dumps(bot.message(CHANNEL, ts))
        click(bot, body)  # the same click again: nothing more is signed or edited
        bot.settle()
        assert len(bot.slack.of("chat.update")) == 1
