"""Connecting Xero and Actionstep from a link, so the firm's admin can authorise the bot from a browser.

1. An approver asks for a link (`/xero connect xero` in Slack, or `xerobot connect xero`): it carries a one-use,
   15-minute ticket, kept in the ledger (hashed) with who asked.
2. Opening it uses the ticket up and redirects to the remote's consent page. The OAuth `state` is a fresh random
   secret kept in the ledger (hashed, with the PKCE verifier encrypted) and bound to the browser: the start page sets
   a cookie whose hash the state records. Any replica can take the callback, since the ledger holds it all.
3. The callback uses the state up (once, 10 minutes at most, same remote, same browser), trades the code for
   tokens and stores them encrypted, with who started the flow as `connected_by`. When the ledger has documents
   linked and the organisation is not the one they were posted to, nothing is stored: the connect is refused
   naming both organisations and an alert asks an approver to confirm the switch (`organisation_switch.py`);
   once confirmed, the next connect to that organisation goes through.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from integration.actionstep.auth import ActionstepTokenSession
from integration.adapters.oauth_apps import actionstep_oauth_app, xero_oauth
from integration.adapters.token_store import LedgerTokenStore
from integration.app.organisation_switch import Organisation, OrganisationSwitches
from integration.clock import Clock
from integration.errors import AuthError, LinkInvalid, UnknownService
from integration.settings import Settings
from integration.store import Store
from integration.store.oauth_states import Purpose, Refusal
from integration.xero import AuthorizationRequest, connect

REMOTES = ("xero", "actionstep")
NAMES = {"xero": "Xero", "actionstep": "Actionstep"}
TICKET_SECONDS = 15 * 60
STATE_SECONDS = 10 * 60
KEPT_DAYS = 30  # how long a used or expired secret is kept, so a late replay is told it was used
MAX_REASON = 300  # characters of a remote's error_description shown back

_TICKET_REFUSED = {
    Refusal.UNKNOWN: "This link is not valid or has expired; ask for a new one.",
    Refusal.OTHER_SERVICE: "This link is for connecting another service.",
    Refusal.USED: "This link has been used already; ask for a new one.",
    Refusal.EXPIRED: "This link is not valid or has expired; ask for a new one.",
    Refusal.OTHER_BROWSER: "This link is not valid or has expired; ask for a new one.",
}
_STATE_REFUSED = {
    Refusal.UNKNOWN: "This page does not belong to a connection request the bot started (it is not valid or "
    "has expired).",
    Refusal.OTHER_SERVICE: "The callback does not belong to this connection request.",
    Refusal.USED: "This connection request has been completed or refused already: it can be used only once.",
    Refusal.EXPIRED: "This connection request is not valid or has expired: it lasts 10 minutes.",
    Refusal.OTHER_BROWSER: "This connection request was started in another browser; finish it in the browser "
    "that opened the connect link.",
}


@dataclass(frozen=True, slots=True)
class Connected:
    remote: str
    organisation: str
    actor: str
    switched_from: str | None = None


@dataclass(frozen=True, slots=True)
class Started:
    """Where to send the browser that opened a connect link, and the cookie that binds the flow to it."""

    url: str
    cookie: str
    cookie_path: str
    secure: bool


class Connector:
    """Issues connect links and completes the OAuth flows they start."""

    def __init__(self, settings: Settings, store: Store, http: httpx.Client, clock: Clock) -> None:
        self._settings = settings
        self._store = store
        self._http = http
        self._clock = clock
        self.switches = OrganisationSwitches(store, clock)

    def _callback(self, remote: str) -> str:
        return f"{self._settings.xerobot_public_url}/oauth/{remote}/callback"

    def link(self, remote: str, actor: str) -> str:
        """A link, good once for 15 minutes, that starts connecting `remote` on behalf of `actor`."""
        _check(remote)
        ticket = secrets.token_urlsafe(32)
        with self._store.unit_of_work() as uow:
            uow.oauth_states.purge(expired_before=self._clock.now() - timedelta(days=KEPT_DAYS))
            uow.oauth_states.issue(
                Purpose.TICKET, ticket, remote=remote, started_by=actor,
                expires_at=self._clock.now() + timedelta(seconds=TICKET_SECONDS),
            )  # fmt: skip
            uow.commit()
        return f"{self._settings.xerobot_public_url}/oauth/{remote}/start?{urlencode({'ticket': ticket})}"

    def start(self, remote: str, ticket: str) -> Started:
        """Use the link's ticket up and start the flow: the consent URL, and the cookie for the browser."""
        _check(remote)
        oauth = xero_oauth(self._settings, self._http, self._clock) if remote == "xero" else None
        app = actionstep_oauth_app(self._settings) if remote == "actionstep" else None
        now = self._clock.now()
        browser, state, verifier = (
            secrets.token_urlsafe(32),
            secrets.token_urlsafe(32),
            secrets.token_urlsafe(48),
        )
        with self._store.unit_of_work() as uow:
            grant = uow.oauth_states.consume(Purpose.TICKET, ticket, remote=remote, now=now)
            if grant is None:
                why = uow.oauth_states.refusal(Purpose.TICKET, ticket, remote=remote, now=now)
                raise LinkInvalid(_TICKET_REFUSED[why])
            uow.oauth_states.issue(
                Purpose.STATE, state, remote=remote, started_by=grant.started_by, browser=browser,
                expires_at=now + timedelta(seconds=STATE_SECONDS), secret={"verifier": verifier},
            )  # fmt: skip
            uow.commit()
        if oauth is not None:
            url = oauth.authorization_url(self._callback(remote), state=state, code_verifier=verifier).url
        else:
            assert app is not None
            url, _ = app.authorize_url(state)
        public = urlsplit(self._settings.xerobot_public_url)
        path = f"{public.path.rstrip('/')}/oauth/{remote}/"
        return Started(url, browser, path, public.scheme == "https")

    def complete(self, remote: str, callback_url: str, browser: str | None = None) -> Connected:
        """Finish the flow from the full callback URL in the browser holding cookie `browser`; stores the new
        tokens, or refuses (`LinkInvalid`, `OrganisationChanged`, `AuthError`)."""
        _check(remote)
        query = parse_qs(urlsplit(callback_url).query)
        if "error" in query:
            reason = printable(query.get("error_description", query["error"])[0])[:MAX_REASON]
            raise AuthError(remote, f"The connection was not authorised: {reason}.")
        state = query.get("state", [""])[0]
        now = self._clock.now()
        with self._store.unit_of_work() as uow:
            grant = uow.oauth_states.consume(Purpose.STATE, state, remote=remote, now=now, browser=browser)
            if grant is None:
                why = uow.oauth_states.refusal(Purpose.STATE, state, remote=remote, now=now, browser=browser)
                code = "connect.link_invalid" if why is Refusal.UNKNOWN else "connect.state_refused"
                raise LinkInvalid(_STATE_REFUSED[why], code=code)
            uow.commit()
        actor = grant.started_by
        bound = self.switches.bound(remote)
        switched: list[Organisation] = []

        def accept(offered: Organisation) -> None:
            self.switches.allows(remote, actor, bound, offered)  # raises when refused
            if bound is not None and bound.id != offered.id:
                switched.append(bound)

        tokens = LedgerTokenStore(self._store, remote, connected_by=actor)
        if remote == "xero":
            oauth = xero_oauth(self._settings, self._http, self._clock)
            verifier = str((grant.secret or {}).get("verifier", ""))
            request = AuthorizationRequest(url="", state=state, code_verifier=verifier)
            connection = connect(
                oauth, tokens, callback_url=callback_url, request=request, redirect_uri=self._callback(remote),
                prefer=bound.id if bound else None,
                accept=lambda c: accept(Organisation(c.tenant_id, c.tenant_name or c.tenant_id)),
            )  # fmt: skip
            organisation = connection.tenant_name or connection.tenant_id
        else:
            code = query.get("code", [""])[0]
            if not code:
                raise AuthError(remote, "Actionstep sent no authorisation code back.")
            session = ActionstepTokenSession(
                actionstep_oauth_app(self._settings), tokens, self._http, self._clock
            )
            token = session.connect(code, accept=lambda t: accept(_actionstep_org(t)))
            organisation = str(token.tokens.get("orgkey") or "Actionstep")
        with self._store.unit_of_work() as uow:
            detail = {"switched_from": switched[0].name} if switched else None
            uow.audit.record(actor, f"connect.{remote}", organisation, detail=detail)
            uow.commit()
        return Connected(remote, organisation, actor, switched[0].name if switched else None)


def _actionstep_org(tokens: dict[str, object]) -> Organisation:
    orgkey = str(tokens.get("orgkey") or "")
    return Organisation(orgkey, orgkey or "Actionstep")


def printable(text: str) -> str:
    """`text` with line breaks and other control characters shown as escapes, so outside text cannot start a new
    line in a log or a page."""
    return "".join(
        ch if unicodedata.category(ch)[0] != "C" else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def _check(remote: str) -> None:
    if remote not in REMOTES:
        raise UnknownService(f"Unknown service {remote!r}: connect xero or actionstep.")
