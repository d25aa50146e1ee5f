"""The jobs `xerobot serve` runs on a schedule: the daily summary, auto-sync, the daily health check and the monthly
reconciliation of the month before (on `XEROBOT_RECONCILE_DAY` at the summary's time, posted to the summary channel
with its CSV), each once per scheduled time however many replicas run.

APScheduler 3 (`BackgroundScheduler`) only drives: it polls each job every `Plan.poll` seconds, each job on its own
thread, starting at once (so a run missed while every replica was down is made up on start). What is due is
decided by `integration.rules.schedule` (pure and DST-aware) and which replica runs it by the ledger (`Service.slots`):
see `integration.app.slots`. The health check runs half an hour before the summary, so the summary reports what it
found.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from bot.month_end import post_reconciliation
from bot.notifier import Notifier
from bot.settings import BotSettings
from bot.views.status import NextRun
from bot.views.summary import summary_message
from integration.app import Daily, Every, Monthly, Schedule, Service, Summary
from integration.app.slots import ACTOR, DEFAULT_TTL, SlotDesk
from integration.errors import SyncInProgress

log = logging.getLogger(__name__)
SUMMARY, AUTO_SYNC, HEALTH, DRIFT, RECONCILE = "summary", "auto-sync", "health-check", "drift", "reconcile"
TITLES = {
    HEALTH: "Health check",
    SUMMARY: "Daily summary",
    AUTO_SYNC: "Auto-sync",
    DRIFT: "Drift watch",
    RECONCILE: "Month-end reconciliation",
}
HEALTH_BEFORE_SUMMARY = timedelta(minutes=30)
POLL_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class Plan:
    """What runs when: from the settings (`plan_from`), or short schedules in tests. A job without a schedule
    does not run; the summary also needs a channel."""

    summary: Schedule | None
    summary_channel: str | None
    auto_sync: Schedule | None
    health: Schedule | None
    grace: timedelta = timedelta(hours=6)
    poll: float = POLL_SECONDS
    lease: timedelta = DEFAULT_TTL  # how long a replica that dies mid-run keeps its slot from the others
    drift: Schedule | None = None  # polling Xero for changes made there (XEROBOT_DRIFT_EVERY)
    reconcile: Schedule | None = (
        None  # the month before, posted to the summary channel (XEROBOT_RECONCILE_DAY)
    )

    def schedules(self) -> dict[str, Schedule]:
        """Each job that runs, by name."""
        jobs = {
            HEALTH: self.health,
            SUMMARY: self.summary if self.summary_channel else None,
            AUTO_SYNC: self.auto_sync,
            DRIFT: self.drift,
            RECONCILE: self.reconcile if self.summary_channel else None,
        }
        return {name: schedule for name, schedule in jobs.items() if schedule is not None}


def plan_from(settings: BotSettings) -> Plan:
    zone, at = settings.timezone, settings.xerobot_summary_time
    health_at = (datetime.combine(date(2000, 1, 3), at) - HEALTH_BEFORE_SUMMARY).time()
    every = settings.xerobot_sync_every
    drift_every = settings.xerobot_drift_every
    return Plan(
        summary=Daily(at, zone),
        summary_channel=settings.xerobot_summary_channel,
        auto_sync=Every(timedelta(minutes=every)) if every else None,
        health=Daily(health_at, zone),
        grace=settings.missed_run_grace,
        drift=Every(timedelta(minutes=drift_every)) if drift_every else None,
        reconcile=Monthly(settings.xerobot_reconcile_day, at, zone),
    )


def next_runs(plan: Plan, now: datetime) -> list[NextRun]:
    """When each job runs next, soonest first."""
    runs = [NextRun(TITLES[name], schedule.following(now)) for name, schedule in plan.schedules().items()]
    return sorted(runs, key=lambda run: run.at)


def publish_summary(service: Service, client: WebClient, channel: str, runs: Sequence[NextRun]) -> Summary:
    """Post the summary of everything since the last one; the next one starts where this one ends."""
    summary = service.summary()
    client.chat_postMessage(channel=channel, **summary_message(summary, runs).payload())
    service.summary_posted(summary)
    return summary


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    schedule: Schedule
    action: Callable[[datetime], None]


class Scheduler:
    """The scheduled jobs of one replica. `tick(job)` runs a job if it is due and this replica wins its slot;
    `start()` has APScheduler call it every `plan.poll` seconds."""

    def __init__(
        self,
        plan: Plan,
        service: Service,
        client: WebClient,
        notifier: Notifier,
        *,
        slots: SlotDesk | None = None,
    ) -> None:
        self.plan = plan
        self._service = service
        self._client = client
        self._notifier = notifier
        self._slots = slots or service.slots
        actions = {
            HEALTH: self._health,
            SUMMARY: self._summary,
            AUTO_SYNC: self._auto_sync,
            DRIFT: self._drift,
            RECONCILE: self._reconcile,
        }
        self.jobs = {name: Job(name, schedule, actions[name]) for name, schedule in plan.schedules().items()}
        self._aps = BackgroundScheduler(timezone=UTC)

    def tick(self, name: str) -> datetime | None:
        """Run the job if one of its slots is due and no replica has run it; returns the slot it ran."""
        job = self.jobs[name]
        return self._slots.run_due(
            job.name, job.schedule, job.action, grace=self.plan.grace, ttl=self.plan.lease
        )

    def next_runs(self) -> list[NextRun]:
        return next_runs(self.plan, self._slots.now())

    def start(self) -> None:
        for name in self.jobs:
            self._aps.add_job(
                self._poll,
                IntervalTrigger(seconds=self.plan.poll, timezone=UTC),
                args=(name,),
                id=name,
                name=TITLES[name],
                next_run_time=datetime.now(UTC),
                # A poll during a long run returns at once (the slot's lease is held); allowing it keeps
                # APScheduler from warning about every poll a long auto-sync spans.
                max_instances=2,
                coalesce=True,
                misfire_grace_time=max(1, int(self.plan.poll)),
            )
        self._aps.start()
        log.info(
            "Scheduler started: %s",
            ", ".join(f"{r.name} next at {r.at:%Y-%m-%d %H:%M} UTC" for r in self.next_runs()),
        )

    @property
    def running(self) -> bool:
        return bool(self._aps.running)

    def shutdown(self) -> None:
        """Stop polling; a job already running (an auto-sync) is allowed to finish."""
        if self.running:
            self._aps.shutdown(wait=True)

    def _poll(self, name: str) -> None:
        try:
            self.tick(name)
        except Exception:
            log.exception("The scheduled %s failed", TITLES[name].lower())

    def _summary(self, slot: datetime) -> None:
        assert self.plan.summary_channel is not None
        publish_summary(self._service, self._client, self.plan.summary_channel, self.next_runs())

    def _auto_sync(self, slot: datetime) -> None:
        try:
            done = self._service.sync("schedule", ACTOR)
        except SyncInProgress:
            log.info("Auto-sync for %s skipped: a sync is already running", slot.isoformat())
            return
        self._notifier.publish(done.changes)

    def _drift(self, slot: datetime) -> None:
        if self._service.webhooks.enabled:  # events a crashed process stored and never processed
            self._notifier.publish(self._service.webhooks.process().changes)
        found = self._service.drift()
        if found.skipped:
            log.info("Drift watch for %s skipped: %s", slot.isoformat(), found.skipped)
        self._notifier.publish(found.changes)

    def _reconcile(self, slot: datetime) -> None:
        assert self.plan.summary_channel is not None
        result = self._service.reconciling.run()
        post_reconciliation(self._client, self._notifier, self._service, self.plan.summary_channel, result)

    def _health(self, slot: datetime) -> None:
        self._notifier.publish(self._service.health_check().changes)
