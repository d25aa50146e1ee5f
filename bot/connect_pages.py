"""The browser side of connecting Xero and Actionstep: a redirect to the consent page, then a page that says what
happened. Every failure is a page that names the problem and the fix, never a stack trace."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs
from wsgiref.util import request_uri

from integration.app.connect import Connector
from integration.errors import XerobotError

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)
OAUTH_ROUTE = re.compile(r"/oauth/(?P<remote>xero|actionstep)/(?P<step>start|callback)")
NAMES = {"xero": "Xero", "actionstep": "Actionstep"}


def connect_page(
    connector: Connector, remote: str, step: str, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    try:
        if step == "start":
            ticket = parse_qs(environ.get("QUERY_STRING", "")).get("ticket", [""])[0]
            start_response(
                "302 Found",
                [("Location", connector.consent_url(remote, ticket)), ("Cache-Control", "no-store")],
            )
            return [b""]
        connected = connector.complete(remote, request_uri(environ, include_query=True))
    except XerobotError as error:
        log.info("Connecting %s failed: %s", remote, error)
        return _page(
            start_response, "400 Bad Request", f"{NAMES[remote]} was not connected", f"{error} {error.fix}"
        )
    return _page(
        start_response,
        "200 OK",
        f"{NAMES[remote]} is connected",
        f"xerobot now acts for {connected.organisation} (connected by {connected.actor}). You can close this page.",
    )


def _page(start_response: StartResponse, status: str, title: str, text: str) -> list[bytes]:
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body style='font-family:sans-serif;max-width:40em;margin:4em auto'><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    )
    data = body.encode()
    start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))])
    return [data]
