"""Start-up: the checks every `xerobot` command that builds the service makes before doing any work, so a
misconfigured bot stops at once (`ConfigError`: exit status 2 and the variable to correct) instead of failing its
first sync.

Checked, in this order:
1. Settings: every variable parses (`load_settings`, before this is reached), and Xero and Actionstep each have a
   client id and secret (XERO_CLIENT_ID, XERO_CLIENT_SECRET, ACTIONSTEP_CLIENT_ID, ACTIONSTEP_CLIENT_SECRET): neither
   a sync nor connecting from a link works without them.
2. The key: a shared database needs XEROBOT_SECRET_KEY.
3. The database (DATABASE_URL): reachable, and its schema at this bot's revision. An embedded SQLite ledger is
   upgraded instead, as before; a shared one must be upgraded with `xerobot db upgrade`.
4. The key again: the stored connections decrypt with XEROBOT_SECRET_KEY.
5. The clients: each token endpoint accepts the client id and secret, asked with a probe that neither spends nor
   issues a token (`refuses_client`). A token endpoint that does not answer at all names XERO_TOKEN_URL or
   ACTIONSTEP_TOKEN_URL: a wrong URL is the likely cause.
6. The connections: a stored one is loaded into its client; a headless install connects now (a Xero custom
   connection; ACTIONSTEP_REFRESH_TOKEN, whose refusal names that variable).

Not checked, on purpose:
- "Not connected yet" stops nothing: a firm that has not connected Xero or Actionstep must be able to start
  `xerobot serve` to get the `/xero connect` link. Such a remote is connected on its first use after the link's
  callback stored the tokens, which is why the adapters still build their client on demand.
- A stored connection the remote has revoked, or a remote that answers the probe but is failing (5xx, timeouts):
  the run reports it with its fix, and a passing outage must not stop a long-running server.
- Whether a fresh stored access token still works: that would spend a call of the day's API budget; the first call
  refreshes it if needed.
- Slack settings: `bot.settings` checks those (`require_for_serving`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from integration.actionstep.auth import ActionstepTokenSession
from integration.adapters.actionstep_gateway import ActionstepGatewayAdapter
from integration.adapters.oauth_apps import actionstep_oauth_app, xero_oauth
from integration.adapters.token_store import LedgerTokenStore
from integration.adapters.xero_gateway import XeroGatewayAdapter
from integration.app import bootstrap
from integration.app.connect import REMOTES
from integration.app.service import Service
from integration.clock import Clock, SystemClock
from integration.errors import AuthError, ConfigError, RemoteError, SchemaOutOfDate, SecretError, Unavailable
from integration.settings import Settings
from integration.store import Store

log = logging.getLogger(__name__)


def start(
    settings: Settings, *, transport: httpx.BaseTransport | None = None, clock: Clock | None = None
) -> Service:
    """The service for these settings, once the checks above pass; `ConfigError` names what to correct.
    `transport` replaces the network, as in `bootstrap.build_service`."""
    clock = clock or SystemClock()
    _check_configured(settings)
    store = _open_store(settings)
    try:
        _check_key(store)
        with httpx.Client(transport=transport, timeout=httpx.Timeout(30.0, connect=10.0)) as http:
            _check_clients(settings, store, http, clock)
            _connect(settings, store, *bootstrap.build_remotes(settings, store, http, clock))
    except BaseException:
        store.close()
        raise
    return bootstrap.build_service(settings, store=store, transport=transport, clock=clock)


def _check_configured(settings: Settings) -> None:
    missing = [
        (name, f"required: the bot's registration with {remote}")
        for name, value, remote in (
            ("XERO_CLIENT_ID", settings.xero_client_id, "Xero"),
            ("XERO_CLIENT_SECRET", settings.xero_client_secret, "Xero"),
            ("ACTIONSTEP_CLIENT_ID", settings.actionstep_client_id, "Actionstep"),
            ("ACTIONSTEP_CLIENT_SECRET", settings.actionstep_client_secret, "Actionstep"),
        )
        if not value
    ]
    if missing:
        raise ConfigError(*missing[0], *missing[1:])


def _open_store(settings: Settings) -> Store:
    try:
        return bootstrap.open_store(settings)
    except SchemaOutOfDate as error:
        raise ConfigError("DATABASE_URL", str(error)) from None
    except DBAPIError as error:
        reason = type(error.orig).__name__ if error.orig is not None else type(error).__name__
        raise ConfigError(
            "DATABASE_URL",
            f"the ledger database cannot be reached ({reason}): check the URL and the database",
        ) from None
    except SQLAlchemyError as error:
        raise ConfigError(
            "DATABASE_URL", f"the ledger database cannot be used ({type(error).__name__})"
        ) from None


def _check_key(store: Store) -> None:
    for remote in REMOTES:
        try:
            LedgerTokenStore(store, remote).load()
        except SecretError as error:
            raise ConfigError("XEROBOT_SECRET_KEY", str(error)) from None


def _check_clients(settings: Settings, store: Store, http: httpx.Client, clock: Clock) -> None:
    xero = xero_oauth(settings, http, clock)
    actionstep = ActionstepTokenSession(
        actionstep_oauth_app(settings), LedgerTokenStore(store, "actionstep"), http, clock
    )
    for remote, probe, prefix in (("Xero", xero, "XERO"), ("Actionstep", actionstep, "ACTIONSTEP")):
        try:
            refused = probe.refuses_client()
        except Unavailable as error:
            raise ConfigError(f"{prefix}_TOKEN_URL", f"{error} Check the URL and the network.") from None
        if refused:
            raise ConfigError(
                f"{prefix}_CLIENT_ID",
                f"{remote}'s token endpoint refused the client (invalid_client): check {prefix}_CLIENT_ID and "
                f"{prefix}_CLIENT_SECRET against the app registered with {remote}",
            )


def _connect(
    settings: Settings, store: Store, xero: XeroGatewayAdapter, actionstep: ActionstepGatewayAdapter
) -> None:
    """Build each client now where a connection is stored or can be made headlessly (the tokens it gets are stored,
    so the service's own clients start from them)."""
    _connect_or_wait("xero", lambda: xero.client)
    if LedgerTokenStore(store, "actionstep").load() is not None:
        _connect_or_wait("actionstep", lambda: actionstep.client)
    elif settings.actionstep_refresh_token is not None:
        try:
            _ = actionstep.client
        except AuthError as error:
            raise ConfigError(
                "ACTIONSTEP_REFRESH_TOKEN", f"{error} Set a refresh token from a new authorisation."
            ) from None
        except RemoteError as error:
            log.warning("Actionstep could not be reached at start-up (%s); it connects on first use", error)


def _connect_or_wait(remote: str, build: Callable[[], object]) -> None:
    try:
        build()
    except AuthError as error:
        log.warning(
            "%s is not connected (%s); connect it from the `/xero connect %s` link", remote, error, remote
        )
    except RemoteError as error:
        log.warning("%s could not be reached at start-up (%s); it connects on first use", remote, error)
