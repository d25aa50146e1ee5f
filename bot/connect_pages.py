"""The browser side of connecting Xero and Actionstep: a redirect to the consent page, then a page that says what
happened. Every failure is a page that names the problem and the fix, never a stack trace.

`/start` sets a cookie (HttpOnly, SameSite=Lax so it comes back on the consent page's redirect, Secure over https,
scoped to the remote's `/oauth/<remote>/` path) that the flow's `state` is bound to: only the browser that opened
the link can finish it.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterable
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING
from urllib.parse import parse_qs
from wsgiref.util import request_uri

from integration.app.connect import STATE_SECONDS, Connector, printable
from integration.domain import AlertChanges
from integration.errors import OrganisationChanged, XerobotError

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)
OAUTH_ROUTE = re.compile(r"/oauth/(?P<remote>xero|actionstep)/(?P<step>start|callback)")
NAMES = {"xero": "Xero", "actionstep": "Actionstep"}
COOKIE = "xerobot_connect"


def connect_page(
    connector: Connector,
    remote: str,
    step: str,
    environ: WSGIEnvironment,
    start_response: StartResponse,
    alerts: Callable[[AlertChanges], None] | None = None,
) -> Iterable[bytes]:
    """Serve `/oauth/<remote>/<step>`; `alerts` publishes the alert a refused switch of organisation raises."""
    try:
        if step == "start":
            ticket = parse_qs(environ.get("QUERY_STRING", "")).get("ticket", [""])[0]
            started = connector.start(remote, ticket)
            cookie = SimpleCookie()
            cookie[COOKIE] = started.cookie
            morsel = cookie[COOKIE]
            morsel["path"], morsel["max-age"], morsel["httponly"], morsel["samesite"] = (
                started.cookie_path, STATE_SECONDS, True, "Lax",
            )  # fmt: skip
            if started.secure:
                morsel["secure"] = True
            start_response(
                "302 Found",
                [
                    ("Location", started.url),
                    ("Set-Cookie", morsel.OutputString()),
                    ("Cache-Control", "no-store"),
                    ("Referrer-Policy", "no-referrer"),
                ],
            )
            return [b""]
        connected = connector.complete(remote, request_uri(environ, include_query=True), _browser(environ))
    except OrganisationChanged as error:
        log.warning("Connecting %s to %s refused: %s is connected", remote, _loggable(error.offered),
                    _loggable(error.current))  # fmt: skip
        if alerts is not None and isinstance(error.changes, AlertChanges):
            try:
                alerts(error.changes)
            except Exception as failure:  # Slack being down must not hide the page that explains the refusal
                log.warning("Could not post the switch alert: %s", type(failure).__name__)
        return _page(start_response, "409 Conflict", f"{NAMES[remote]} was not connected", str(error))
    except XerobotError as error:
        log.info("Connecting %s failed (%s): %s", remote, error.code, _loggable(str(error)))
        return _page(
            start_response, "400 Bad Request", f"{NAMES[remote]} was not connected", f"{error} {error.fix}"
        )
    switched = f" in place of {connected.switched_from}" if connected.switched_from else ""
    return _page(
        start_response,
        "200 OK",
        f"{NAMES[remote]} is connected",
        f"xerobot now acts for {connected.organisation}{switched} (connected by {connected.actor}). "
        "You can close this page.",
    )


def _browser(environ: WSGIEnvironment) -> str | None:
    try:
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    except CookieError:
        return None
    morsel = cookie.get(COOKIE)
    return morsel.value if morsel is not None else None


def _loggable(text: str) -> str:
    return printable(text)[:500]


def _page(start_response: StartResponse, status: str, title: str, text: str) -> list[bytes]:
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body style='font-family:sans-serif;max-width:40em;margin:4em auto'><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    )
    data = body.encode()
    start_response(
        status,
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
            ("Referrer-Policy", "no-referrer"),
        ],
    )
    return [data]
