"""Builds the concrete objects from settings; the only place that does. Tests override pieces by passing their own.

Secrets: with `XEROBOT_SECRET_KEY` set, its key(s) encrypt stored tokens. The embedded default (SQLite, no key set)
keeps a generated key in a file beside the database, readable by its owner only, so a first run just works; any
other database requires the key, because several replicas must share it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from wsgiref.types import WSGIApplication

import httpx
from sqlalchemy.engine import make_url

from integration.actionstep.auth import ActionstepAuth, ActionstepTokenSession
from integration.actionstep.client import ActionstepClient
from integration.adapters.actionstep_gateway import ActionstepGatewayAdapter
from integration.adapters.lazy import Lazy
from integration.adapters.oauth_apps import actionstep_oauth_app, xero_oauth
from integration.adapters.token_store import LedgerTokenStore
from integration.adapters.xero_gateway import XeroGatewayAdapter
from integration.app.connect import Connector
from integration.app.service import Service
from integration.clock import Clock, SystemClock
from integration.domain import Mapping, MappingKind
from integration.errors import AuthError, ConfigError
from integration.rules.bankfeed import AdoptMode, PaymentMatching
from integration.settings import Settings, load_settings
from integration.store import Store, TokenCipher
from integration.store.database import current_revision, head_revision, make_engine, upgrade
from integration.store.secrets import generate_key
from integration.sync.engine import SyncEngine
from integration.unlinking.unlinker import UnlinkPolicy
from integration.xero import RateGovernor, XeroAuth, XeroClient, XeroTokenSession, connect_custom


def _sqlite_path(settings: Settings) -> Path | None:
    database = make_url(settings.database_url).database
    if not settings.is_sqlite or not database or database == ":memory:":
        return None
    return Path(database)


def key_file_for(settings: Settings) -> Path | None:
    """Where the embedded default keeps its generated key (None when a key file does not apply)."""
    path = _sqlite_path(settings)
    return path.with_name(path.name + ".key") if path else None


def generate_secret_key() -> str:
    """A new key for XEROBOT_SECRET_KEY."""
    return generate_key()


def resolve_cipher(settings: Settings) -> TokenCipher:
    if settings.secret_keys:
        return TokenCipher(settings.secret_keys)
    if not settings.is_sqlite:
        raise ConfigError(
            "XEROBOT_SECRET_KEY",
            "required with a shared database (it encrypts the stored tokens and every replica needs the same key); "
            "generate one with `xerobot keygen`",
        )
    key_file = key_file_for(settings)
    if key_file is None:  # in-memory SQLite: tokens live as long as the process, so a throwaway key is right
        return TokenCipher([generate_key()])
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(generate_key())
    return TokenCipher([key_file.read_text().strip()])


def open_store(settings: Settings) -> Store:
    """The ledger for these settings. An embedded SQLite ledger is created or upgraded on first start; a shared
    database must be upgraded explicitly (`xerobot db upgrade`) so replicas never migrate behind each other's back."""
    cipher = resolve_cipher(settings)
    path = _sqlite_path(settings)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    return Store.open(settings.database_url, cipher, upgrade_schema=settings.is_sqlite)


def upgrade_database(settings: Settings) -> tuple[str | None, str | None]:
    """Bring the ledger schema to the newest revision; returns (before, after)."""
    path = _sqlite_path(settings)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        before = current_revision(engine)
        upgrade(engine)
        return before, head_revision()
    finally:
        engine.dispose()


def database_status(settings: Settings) -> tuple[str | None, str | None]:
    """(current revision, newest revision) of the ledger."""
    engine = make_engine(settings.database_url)
    try:
        return current_revision(engine), head_revision()
    finally:
        engine.dispose()


def _xero_client(settings: Settings, store: Store, http: httpx.Client, clock: Clock) -> XeroClient:
    oauth = xero_oauth(settings, http, clock)
    tokens = LedgerTokenStore(store, "xero")
    stored = tokens.load()
    if stored is None:  # headless install: a Xero custom connection (client-credentials grant)
        connect_custom(oauth, tokens)
        stored = tokens.load()
    if stored is None or stored.tenant_id is None:
        raise AuthError("xero", "The Xero connection names no organisation to act for; connect Xero again.")
    custom = not stored.tokens.get("refresh_token")
    auth = XeroAuth(XeroTokenSession(oauth, tokens, clock, custom_connection=custom))
    return XeroClient(
        http, auth, stored.tenant_id, RateGovernor(clock), clock, api_url=oauth.endpoints.api_url
    )


def _actionstep_client(
    settings: Settings, store: Store, http: httpx.Client, clock: Clock
) -> ActionstepClient:
    session = ActionstepTokenSession(
        actionstep_oauth_app(settings), LedgerTokenStore(store, "actionstep"), http, clock
    )
    if LedgerTokenStore(store, "actionstep").load() is None:
        if settings.actionstep_refresh_token is None:
            raise ConfigError(
                "ACTIONSTEP_REFRESH_TOKEN",
                "Actionstep is not connected: connect it from the link in `/xero status`, or set "
                "ACTIONSTEP_REFRESH_TOKEN for a headless install",
            )
        session.connect_with_refresh_token(settings.actionstep_refresh_token.get_secret_value())
    return ActionstepClient(
        http, ActionstepAuth(session), session.api_base(settings.actionstep_api_url), clock
    )


def build_remotes(
    settings: Settings, store: Store, http: httpx.Client, clock: Clock
) -> tuple[XeroGatewayAdapter, ActionstepGatewayAdapter]:
    """The Xero and Actionstep gateways. Each builds its client on first use, so a remote connected from a link
    while the bot runs is picked up."""
    xero = XeroGatewayAdapter(Lazy(lambda: _xero_client(settings, store, http, clock)))
    actionstep = ActionstepGatewayAdapter(Lazy(lambda: _actionstep_client(settings, store, http, clock)))
    return xero, actionstep


def build_service(
    settings: Settings,
    *,
    store: Store | None = None,
    transport: httpx.BaseTransport | None = None,
    clock: Clock | None = None,
) -> Service:
    """The service for these settings, without touching the network: each remote is connected on its first use, so
    one connected from a link while the bot runs is picked up. Commands start it through `startup.start`, which
    checks settings, database and clients first. `transport` replaces the network (the demo and tests pass the
    sandboxes' WSGI app)."""
    clock = clock or SystemClock()
    store = store or open_store(settings)
    http = httpx.Client(transport=transport, timeout=httpx.Timeout(60.0, connect=10.0))
    xero, actionstep = build_remotes(settings, store, http, clock)
    matching = PaymentMatching(
        AdoptMode(settings.xerobot_adopt_xero_payments), settings.xerobot_payment_match_days
    )
    engine = SyncEngine(store, actionstep, xero, clock=clock, matching=matching)
    connector = Connector(settings, store, http, clock)
    policy = UnlinkPolicy(
        timedelta(minutes=settings.xerobot_unlink_expiry_minutes), settings.xerobot_unlink_two_person
    )
    return Service(
        store, actionstep, xero, engine, connector=connector, closing=(http,), unlink_policy=policy,
        watch=xero, books=xero, drift_budget_percent=settings.xerobot_drift_budget_percent,
        webhook_key=settings.xero_webhook_key.get_secret_value().encode() if settings.xero_webhook_key else None,
    )  # fmt: skip


def seed_mappings(store: Store, rows: Iterable[tuple[str, str, str]], *, actor: str) -> int:
    """Store `(kind, source, xero)` mappings unless mappings exist already; returns how many were stored."""
    with store.unit_of_work() as uow:
        if uow.mappings.all():
            return 0
        stored = 0
        for kind, source_id, target in rows:
            uow.mappings.set(Mapping(MappingKind(kind), source_id, target, updated_by=actor))
            stored += 1
        uow.commit()
    return stored


def build_local(
    database: Path,
    environment: dict[str, str],
    remotes: WSGIApplication,
    *,
    clock: Clock | None = None,
    mappings: Iterable[tuple[str, str, str]] = (),
) -> Service:
    """A service over a fresh SQLite ledger at `database`, reaching its remotes in-process through the WSGI app
    `remotes`, with the settings in `environment` (variable names as the environment spells them) and seeded with
    `mappings`: the embedded demo, and tests that serve the remotes in-process."""
    for leftover in database.parent.glob(database.name + "*"):
        leftover.unlink()
    env = {name.lower(): value for name, value in environment.items()}
    settings = load_settings(database_url=f"sqlite:///{database}", **env)
    store = open_store(settings)
    seed_mappings(store, mappings, actor="demo")
    return build_service(settings, store=store, transport=httpx.WSGITransport(app=remotes), clock=clock)
