"""The scheduled jobs end to end in one process, on a virtual clock: replicas of the scheduler over one ledger,
talking to the fake Slack. The health check posts its alerts once; the summary is posted once per scheduled time
and reports them; auto-sync never overlaps a running sync."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from pydantic import SecretStr
from slack_sdk import WebClient

from bot.notifier import Notifier
from bot.scheduler import AUTO_SYNC, DRIFT, HEALTH, SUMMARY, Plan, Scheduler, next_runs, plan_from
from bot.serve import Server
from bot.settings import BotSettings
from integration.app.slots import SlotDesk
from integration.clock import VirtualClock
from integration.rules.schedule import Daily, Every
from tests.fakes.slack import BOT_TOKEN, FakeSlack
from tests.support.bot import BOOKKEEPER, bot_settings
from tests.support.firm import Firm, demo_firm, sales_invoice, supplier_invoice
from tests.support.slack import command_body, signed_headers

SYDNEY = ZoneInfo("Australia/Sydney")
ALERTS, BOOKS = "CALERTS", "CSUMMARY"
MONDAY = datetime(2026, 11, 1, 20, 31, tzinfo=UTC)  # 07:31 on Mon 2 Nov in Sydney
DAILY = Plan(
    summary=Daily(time(8, 0), SYDNEY),
    summary_channel=BOOKS,
    auto_sync=None,
    health=Daily(time(7, 30), SYDNEY),
)
EVERY_FIVE = Plan(summary=None, summary_channel=None, auto_sync=Every(timedelta(minutes=5)), health=None)


@pytest.fixture
def firm(tmp_path: Path) -> Iterator[Firm]:
    with demo_firm(f"sqlite:///{tmp_path / 'ledger.db'}") as built:
        yield built


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake
    assert fake.violations == []


def replica(firm: Firm, slack: FakeSlack, clock: VirtualClock, plan: Plan) -> Scheduler:
    client = WebClient(token=BOT_TOKEN, base_url=slack.url)
    notifier = Notifier(client, firm.service, ALERTS)
    return Scheduler(plan, firm.service, client, notifier, slots=SlotDesk(firm.store, clock))


def posted(slack: FakeSlack, channel: str) -> list[str]:
    return [c.body["text"] for c in slack.of("chat.postMessage") if c.body["channel"] == channel]


def hold(firm: Firm) -> tuple[threading.Event, threading.Event]:
    """Make the next sync stop before it creates anything in Xero: (it is inside, let it go on)."""
    inside, release = threading.Event(), threading.Event()

    def wait() -> None:
        inside.set()
        release.wait(10)

    firm.xero.before_create = wait
    return inside, release


def runs(firm: Firm) -> int:
    with firm.store.unit_of_work() as uow:
        return uow.runs.count_since(datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def test_the_health_check_alerts_once_and_the_summary_is_posted_once_per_day_by_one_of_three_replicas(
    firm: Firm, slack: FakeSlack
) -> None:
    firm.actionstep.add(supplier_invoice("BILL-1"))  # its account is unmapped
    clock = VirtualClock(MONDAY)
    replicas = [replica(firm, slack, clock, DAILY) for _ in range(3)]

    assert [r.tick(HEALTH) for r in replicas].count(None) == 2
    alerts = posted(slack, ALERTS)
    assert len(alerts) == 4 and len(firm.service.alerts.unresolved()) == 4  # BILL-1's and the chart's three
    assert all(r.tick(SUMMARY) is None for r in replicas)  # not 08:00 yet

    clock.advance(30 * 60)
    assert [r.tick(SUMMARY) for r in replicas].count(None) == 2
    [summary] = posted(slack, BOOKS)
    assert summary.startswith("Daily sync summary: 0 documents posted; 4 open alerts")

    clock.advance(24 * 3600)
    for r in replicas:
        r.tick(HEALTH)
        r.tick(SUMMARY)
    assert len(posted(slack, BOOKS)) == 2 and len(posted(slack, ALERTS)) == 4  # repeats edit, not post


def test_auto_sync_is_quietly_skipped_while_another_sync_runs_and_runs_at_its_next_time(
    firm: Firm, slack: FakeSlack
) -> None:
    firm.actionstep.add(sales_invoice("INV-1"))
    inside, release = hold(firm)
    manual = threading.Thread(target=firm.service.sync, args=("slack", "UBOOK"))
    manual.start()
    assert inside.wait(10)
    clock = VirtualClock(datetime(2026, 11, 2, 9, 0, 5, tzinfo=UTC))
    scheduler = replica(firm, slack, clock, EVERY_FIVE)
    try:
        assert scheduler.tick(AUTO_SYNC) == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # its slot, skipped
        assert scheduler.tick(AUTO_SYNC) is None  # and not tried again within the slot
        assert runs(firm) == 1
    finally:
        release.set()
        manual.join(timeout=10)
    firm.xero.before_create = None
    firm.actionstep.add(sales_invoice("INV-2"))
    clock.advance(5 * 60)
    assert scheduler.tick(AUTO_SYNC) == datetime(2026, 11, 2, 9, 5, tzinfo=UTC)
    last = firm.service.last_run()
    assert runs(firm) == 2 and last is not None
    assert last.trigger == "schedule" and last.summary["posted"] == 1


def test_a_long_auto_sync_holds_back_the_next_one_on_every_replica(firm: Firm, slack: FakeSlack) -> None:
    firm.actionstep.add(sales_invoice("INV-1"))
    inside, release = hold(firm)
    clock = VirtualClock(datetime(2026, 11, 2, 9, 0, 5, tzinfo=UTC))
    plan = replace(EVERY_FIVE, lease=timedelta(minutes=30))  # outlasts the virtual minutes the test skips
    first, second = (replica(firm, slack, clock, plan) for _ in range(2))
    running = threading.Thread(target=first.tick, args=(AUTO_SYNC,))
    running.start()
    try:
        assert inside.wait(10)
        clock.advance(5 * 60 + 1)  # the 09:05 slot comes while the 09:00 sync still runs
        assert second.tick(AUTO_SYNC) is None and first.tick(AUTO_SYNC) is None
    finally:
        release.set()
        running.join(timeout=10)
    assert runs(firm) == 1
    firm.xero.before_create = None
    assert second.tick(AUTO_SYNC) == datetime(2026, 11, 2, 9, 5, tzinfo=UTC) and runs(firm) == 2


def test_the_plan_follows_the_settings() -> None:
    settings = BotSettings(
        _env_file=None, slack_bot_token=SecretStr("xoxb-1"), xerobot_summary_channel=BOOKS,
        xerobot_summary_time="06:15", xerobot_timezone="Australia/Perth", xerobot_sync_every="20",
    )  # fmt: skip
    plan = plan_from(settings)
    now = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # 08:00 in Perth
    assert [
        (r.name, f"{r.at.astimezone(ZoneInfo('Australia/Perth')):%H:%M}") for r in next_runs(plan, now)
    ] == [
        ("Auto-sync", "08:20"),
        ("Drift watch", "09:00"),
        ("Health check", "05:45"),
        ("Daily summary", "06:15"),
        ("Month-end reconciliation", "06:15"),  # on the 3rd (XEROBOT_RECONCILE_DAY), at the summary's time
    ]
    quiet = plan_from(BotSettings(_env_file=None))
    assert set(quiet.schedules()) == {HEALTH, DRIFT}  # no channel: no summary, no month end; auto-sync off
    off = plan_from(BotSettings(_env_file=None, xerobot_drift_every="0"))
    assert set(off.schedules()) == {HEALTH}


def test_the_drift_watch_runs_once_per_slot_across_replicas(firm: Firm, slack: FakeSlack) -> None:
    clock = VirtualClock(datetime(2026, 11, 2, 9, 0, 5, tzinfo=UTC))
    plan = Plan(
        summary=None, summary_channel=None, auto_sync=None, health=None, drift=Every(timedelta(hours=1))
    )
    first, second = (replica(firm, slack, clock, plan) for _ in range(2))
    assert first.tick(DRIFT) == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert second.tick(DRIFT) is None and first.tick(DRIFT) is None


def test_serve_runs_the_plan_and_status_shows_when_each_job_runs_next(firm: Firm, slack: FakeSlack) -> None:
    settings = bot_settings(slack)
    plan = replace(DAILY, poll=3600, grace=timedelta(0))  # started, but nothing due during the test
    server = Server(settings, firm.service, "127.0.0.1", 0, plan=plan)
    thread = threading.Thread(target=server.run)
    thread.start()
    try:
        body, content_type = command_body(
            "status", user=BOOKKEEPER, channel="CBOOKS", response_url=slack.response_url(BOOKKEEPER)
        )
        headers = {"Content-Type": content_type, **signed_headers(body)}
        answer = httpx.post(f"http://127.0.0.1:{server.port}/slack/events", content=body, headers=headers)
        assert answer.status_code == 200
        assert slack.wait_for(lambda: bool(slack.of("response_url")))
        assert server.settle() and server.scheduler is not None and server.scheduler.running
    finally:
        server.close()
        thread.join(timeout=20)
    status = json.dumps(slack.of("response_url")[-1].body)
    assert "Next scheduled runs" in status and "Health check" in status and "Daily summary" in status
    assert not server.scheduler.running
