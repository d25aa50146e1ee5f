"""Connecting Xero and Actionstep from a link, so the firm's admin can authorise the bot from a browser.

1. An approver asks for a link (`/xero connect xero` in Slack, or `xerobot connect xero`): it carries a sealed,
   15-minute ticket naming who asked.
2. Opening it redirects to the remote's consent page. The OAuth `state` is sealed too and carries the PKCE
   verifier, so no session storage is needed and any replica can take the callback.
3. The callback checks the state (genuine, 10 minutes old at most, same remote), trades the code for tokens and
   stores them encrypted through the ledger's token store; the old connection, if any, is replaced.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from integration.actionstep.auth import ActionstepTokenSession
from integration.adapters.oauth_apps import actionstep_oauth_app, xero_oauth
from integration.adapters.token_store import LedgerTokenStore
from integration.clock import Clock
from integration.errors import AuthError, UnknownService
from integration.settings import Settings
from integration.store import Store
from integration.xero import AuthorizationRequest, connect

REMOTES = ("xero", "actionstep")
TICKET_SECONDS = 15 * 60
STATE_SECONDS = 10 * 60


@dataclass(frozen=True, slots=True)
class Connected:
    remote: str
    organisation: str
    actor: str


class Connector:
    """Issues connect links and completes the OAuth flows they start."""

    def __init__(self, settings: Settings, store: Store, http: httpx.Client, clock: Clock) -> None:
        self._settings = settings
        self._store = store
        self._http = http
        self._clock = clock

    def _callback(self, remote: str) -> str:
        return f"{self._settings.xerobot_public_url}/oauth/{remote}/callback"

    def link(self, remote: str, actor: str) -> str:
        """A link, good for 15 minutes, that starts connecting `remote` on behalf of `actor`."""
        _check(remote)
        ticket = self._store.cipher.seal({"remote": remote, "actor": actor})
        return f"{self._settings.xerobot_public_url}/oauth/{remote}/start?{urlencode({'ticket': ticket})}"

    def consent_url(self, remote: str, ticket: str) -> str:
        """Where to send the browser that opened a connect link."""
        _check(remote)
        claims = self._store.cipher.unseal(ticket, max_age=TICKET_SECONDS)
        if claims.get("remote") != remote:
            raise AuthError(remote, "This link is for connecting another service.")
        verifier = secrets.token_urlsafe(48)
        state = self._store.cipher.seal({"remote": remote, "actor": claims["actor"], "verifier": verifier})
        if remote == "xero":
            oauth = xero_oauth(self._settings, self._http, self._clock)
            return oauth.authorization_url(self._callback(remote), state=state, code_verifier=verifier).url
        url, _ = actionstep_oauth_app(self._settings).authorize_url(state)
        return url

    def complete(self, remote: str, callback_url: str) -> Connected:
        """Finish the flow from the full callback URL; stores the new tokens."""
        _check(remote)
        query = parse_qs(urlsplit(callback_url).query)
        if "error" in query:
            reason = query.get("error_description", query["error"])[0]
            raise AuthError(remote, f"The connection was not authorised: {reason}.")
        state = query.get("state", [""])[0]
        claims = self._store.cipher.unseal(state, max_age=STATE_SECONDS)
        if claims.get("remote") != remote:
            raise AuthError(remote, "The callback does not belong to this connection request.")
        tokens = LedgerTokenStore(self._store, remote, connected_by=claims["actor"])
        if remote == "xero":
            oauth = xero_oauth(self._settings, self._http, self._clock)
            request = AuthorizationRequest(url="", state=state, code_verifier=claims["verifier"])
            connection = connect(
                oauth, tokens, callback_url=callback_url, request=request, redirect_uri=self._callback(remote)
            )
            organisation = connection.tenant_name or connection.tenant_id
        else:
            code = query.get("code", [""])[0]
            if not code:
                raise AuthError(remote, "Actionstep sent no authorisation code back.")
            token = ActionstepTokenSession(
                actionstep_oauth_app(self._settings), tokens, self._http, self._clock
            ).connect(code)
            organisation = str(token.tokens.get("orgkey") or "Actionstep")
        with self._store.unit_of_work() as uow:
            uow.audit.record(claims["actor"], f"connect.{remote}", organisation)
            uow.commit()
        return Connected(remote, organisation, claims["actor"])


def _check(remote: str) -> None:
    if remote not in REMOTES:
        raise UnknownService(f"Unknown service {remote!r}: connect xero or actionstep.")
