"""`xerobot serve`: the Slack app over HTTP (waitress), or over Socket Mode when `SLACK_APP_TOKEN` is set (HTTP then
serves only `/healthz`), and the scheduled jobs (`bot.scheduler`). Runs until SIGTERM or Ctrl-C; a sync in progress
is allowed to finish first.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import LISTENER_THREADS, build_app, web_client
from bot.http_server import make_server
from bot.jobs import JobRunner, Pool
from bot.notifier import Notifier
from bot.roles import Role, Roles
from bot.scheduler import Plan, Scheduler, plan_from
from bot.settings import BotSettings
from bot.views.status import NextRun
from bot.web import wsgi_app
from integration import telemetry
from integration.app import Service

log = logging.getLogger(__name__)


def watch_live(service: Service, jobs: JobRunner) -> None:
    """Have `/metrics` read, at each scrape, the open alerts by code (from the ledger) and the job runner's load."""
    telemetry.LIVE.watch(
        "xerobot_open_alerts",
        "Open alerts (not ignored, not resolved), by code.",
        lambda: [({"code": code}, count) for code, count in service.alerts.open_by_code().items()],
    )
    telemetry.LIVE.watch(
        "xerobot_jobs_active", "Jobs running or waiting in the job runner.", lambda: [({}, jobs.active)]
    )


class Server:
    """Everything `serve` runs, built and bound but not yet serving; `run()` blocks, `close()` (any thread) stops.
    With a `plan`, the scheduled jobs run too (and App Home shows when they run next)."""

    def __init__(
        self,
        settings: BotSettings,
        service: Service,
        host: str,
        port: int,
        *,
        next_runs: Callable[[], Sequence[NextRun]] = tuple,
        plan: Plan | None = None,
    ) -> None:
        settings.require_for_serving()
        service.reconciling.timezone = settings.timezone  # "last month" is the firm's month
        if settings.xerobot_alerts_channel is None:
            log.warning("XEROBOT_ALERTS_CHANNEL is not set: alerts appear in /xero status and App Home only")
        client = web_client(settings)
        self.scheduler: Scheduler | None = None
        self.notifier = notifier = Notifier(client, service, settings.xerobot_alerts_channel)
        if plan is not None:
            self.scheduler = Scheduler(plan, service, client, notifier)
            next_runs = self.scheduler.next_runs
        self.jobs = JobRunner()
        self._webhook_run_lock = threading.Lock()
        self._webhook_run_waiting = False
        self.listeners = Pool(LISTENER_THREADS, "xerobot-listener")
        self.roles = Roles(
            {Role.BOOKKEEPER: settings.xerobot_bookkeepers, Role.APPROVER: settings.xerobot_approvers}, client
        )
        app = build_app(
            settings,
            service,
            client,
            jobs=self.jobs,
            roles=self.roles,
            listener_pool=self.listeners,
            next_runs=next_runs,
        )
        self.socket: SocketModeHandler | None = None
        if settings.slack_app_token is not None:
            self.socket = SocketModeHandler(app, settings.slack_app_token.get_secret_value())
        mode = "socket" if self.socket else "http"

        def ready() -> dict[str, Any]:
            run = service.last_run()  # proves the ledger answers
            return {"mode": mode, "jobs": self.jobs.active, "last_run": run.run_id if run else None}

        self.service = service
        secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
        limits = settings.http_limits
        token = settings.xerobot_metrics_token
        application = wsgi_app(
            None if self.socket else app, ready, service.connector,
            webhooks=service.webhooks, received=self.process_webhooks, signing_secret=secret, limits=limits,
            alerts=notifier.publish,
            metrics_token=token.get_secret_value() if token else None,
        )  # fmt: skip
        watch_live(service, self.jobs)
        self.http = make_server(application, host, port, limits)
        self.port: int = self.http.effective_port
        self._closed = threading.Event()

    def process_webhooks(self) -> None:
        """Process stored webhook events on the job runner (after a webhook's answer, and at start-up for any a
        previous process stored and did not get to). One run waits at most: it takes every event stored before
        it starts, so a burst of webhooks queues one run, not one each. A full runner refuses: the next run picks
        them up."""
        with self._webhook_run_lock:
            if self._webhook_run_waiting:
                return
            self._webhook_run_waiting = self.jobs.submit("xero-webhooks", self._process_webhooks)

    def _process_webhooks(self) -> None:
        with self._webhook_run_lock:
            self._webhook_run_waiting = False  # events stored from now on need another run
        run = self.service.webhooks.process()
        self.notifier.publish(run.changes)
        if run.outcomes or run.skipped:
            log.info(
                "Xero webhooks processed: %s%s", run.outcomes, f" ({run.skipped})" if run.skipped else ""
            )

    def run(self) -> None:
        threading.Thread(target=self.roles.warm, daemon=True, name="roles-warm").start()
        if self.service.webhooks.enabled:
            self.process_webhooks()
        if self.scheduler is not None:
            self.scheduler.start()
        if self.socket is not None:
            self.socket.connect()  # type: ignore[no-untyped-call]
        log.info("Serving on port %s (%s)", self.port, "Socket Mode" if self.socket else "HTTP")
        try:
            self.http.run()
        except (OSError, ValueError):
            if not self._closed.is_set():  # closing the listening socket ends run() with one of these
                raise
        finally:
            self._shutdown()

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        # Closed from inside the server loop (which the trigger wakes), so it stops at once instead of at the
        # end of its current one-second wait.
        try:
            self.http.trigger.pull_trigger(self.http.close)
        except OSError:  # the loop has already ended and closed its trigger: there is nothing left to wake
            log.debug("server loop already closed")

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until every listener and job has finished (listeners may hand work to jobs, not the reverse)."""
        return (
            self.listeners.wait_idle(timeout)
            and self.jobs.wait_idle(timeout)
            and self.listeners.wait_idle(timeout)
        )

    def _shutdown(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown()
        if self.socket is not None:
            self.socket.close()  # type: ignore[no-untyped-call]
        self.http.task_dispatcher.shutdown()
        self.listeners.shutdown(wait=True)
        self.jobs.shutdown(wait=True)


def serve_forever(settings: BotSettings, service: Service, host: str, port: int) -> None:
    if settings.xerobot_summary_channel is None:
        log.warning("XEROBOT_SUMMARY_CHANNEL is not set: no daily summary is posted")
    server = Server(settings, service, host, port, plan=plan_from(settings))
    signal.signal(signal.SIGTERM, lambda *_: server.close())
    try:
        server.run()
    except KeyboardInterrupt:
        server.close()
