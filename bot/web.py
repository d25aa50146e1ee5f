"""The HTTP face: a small WSGI app served by waitress (a production WSGI server, not bolt's development one).

Routes: `POST /slack/events` (slash commands, interactivity and events, each verified against the signing secret
by bolt: a forged or stale request gets 401), `GET /healthz` (200 when the ledger answers, 503 when not), and the
connect flow for Xero and Actionstep: `GET /oauth/<remote>/start?ticket=…` (from a link an approver asked for)
redirects to the remote's consent page, and `GET /oauth/<remote>/callback` stores the new connection.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

from bot.connect_pages import OAUTH_ROUTE, connect_page
from integration.app.connect import Connector

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
SERVER_THREADS = 32  # requests waiting on an ack each hold a thread for a few milliseconds


def wsgi_app(
    app: App | None, ready: Callable[[], dict[str, Any]], connector: Connector | None = None
) -> WSGIApplication:
    """`app` is None in Socket Mode, where Slack's requests arrive over the socket and only health is served.
    `ready()` returns facts for the health answer, or raises when the bot cannot work; `connector` serves the
    OAuth connect routes (they answer 404 without one)."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH) if app is not None else None

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == EVENTS_PATH and method == "POST" and slack is not None:
            return slack(environ, start_response)
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _health(ready, start_response)
        route = OAUTH_ROUTE.fullmatch(path)
        if route and method == "GET" and connector is not None:
            return connect_page(connector, route["remote"], route["step"], environ, start_response)
        return _reply(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    return application


def _health(ready: Callable[[], dict[str, Any]], start_response: StartResponse) -> Iterable[bytes]:
    try:
        facts = ready()
    except Exception as error:
        log.warning("Health check failed: %s", error)
        return _reply(start_response, "503 Service Unavailable", {"ok": False, "error": type(error).__name__})
    return _reply(start_response, "200 OK", {"ok": True, **facts})


def _reply(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def make_server(application: WSGIApplication, host: str, port: int) -> Any:
    """A waitress server bound now (port 0 picks a free one: `server.effective_port`); `run()` serves until
    `close()`."""
    return create_server(application, host=host, port=port, threads=SERVER_THREADS, ident="xerobot")
