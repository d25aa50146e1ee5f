"""`build_app`: the one factory for the bolt App, used by `xerobot serve` (HTTP or Socket Mode), the demo console
and the tests alike. Everything it needs is injected: the Service, the Web API client (pointed at
`SLACK_API_URL`, which tests replace with a fake), the job runner and the role lookup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from slack_bolt import App
from slack_sdk import WebClient

from bot import listeners
from bot.dedupe import Deliveries
from bot.deps import Deps
from bot.jobs import JobRunner, Pool
from bot.notifier import Notifier
from bot.roles import Role, Roles
from bot.settings import BotSettings
from bot.views.status import NextRun
from bot.workspace import only_ours
from integration.app import Service

# Listeners only ack, check roles and hand work to the job runner, so they are quick; bolt's default of 5
# threads would still queue acks behind each other under a burst of commands.
LISTENER_THREADS = 32
SLACK_TIMEOUT = 10  # seconds for one Web API call


def web_client(settings: BotSettings) -> WebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(token=token, base_url=settings.slack_api_url, timeout=SLACK_TIMEOUT)


def build_app(
    settings: BotSettings,
    service: Service,
    client: WebClient | None = None,
    *,
    jobs: JobRunner | None = None,
    roles: Roles | None = None,
    listener_pool: Pool | None = None,
    next_runs: Callable[[], Sequence[NextRun]] = tuple,
) -> App:
    """The bolt App with every listener registered. Its `auth.test` runs now, so a wrong token stops start-up."""
    client = client or web_client(settings)
    roles = roles or Roles(
        {Role.BOOKKEEPER: settings.xerobot_bookkeepers, Role.APPROVER: settings.xerobot_approvers}, client
    )
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    app = App(
        name="xerobot",
        client=client,
        signing_secret=secret,
        listener_executor=listener_pool or Pool(LISTENER_THREADS, "xerobot-listener"),
    )
    app.middleware(only_ours(settings.slack_team_id, settings.slack_app_id))
    app.middleware(Deliveries(service.replays).middleware())
    deps = Deps(
        service=service,
        client=client,
        roles=roles,
        jobs=jobs or JobRunner(),
        notifier=Notifier(client, service, settings.xerobot_alerts_channel),
        next_runs=next_runs,
    )
    listeners.register(app, deps)
    return app
