"""The HTTP face: a small WSGI app served by waitress (a production WSGI server, not bolt's development one).

Routes: `POST /xero/webhooks` (Xero's webhooks: see `_webhook`), `POST /slack/events` (slash commands, interactivity
and events, each verified against the signing secret before anything is parsed (`bot.slack_edge`): a forged or
stale request gets 401, a malformed one 400), `GET /healthz` (200 when the ledger answers, 503 when not), `GET
/metrics` (Prometheus' text format, `integration.telemetry`), and the
connect flow for Xero and Actionstep: `GET /oauth/<remote>/start?ticket=…` (from a link an approver asked for)
redirects to the remote's consent page, and `GET /oauth/<remote>/callback` stores the new connection.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from slack_bolt import App

from bot.connect_pages import OAUTH_ROUTE, connect_page
from bot.http_server import HttpLimits
from bot.slack_edge import SlackEdge
from integration import telemetry
from integration.app import Answer, XeroWebhooks
from integration.app.connect import Connector
from integration.domain import AlertChanges

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
WEBHOOK_PATH = "/xero/webhooks"
MAX_WEBHOOK_BYTES = 64 * 1024  # Xero batches events; a real payload is a few KiB


def wsgi_app(
    app: App | None,
    ready: Callable[[], dict[str, Any]],
    connector: Connector | None = None,
    *,
    webhooks: XeroWebhooks | None = None,
    received: Callable[[], None] | None = None,
    signing_secret: str = "",
    limits: HttpLimits | None = None,
    metrics_token: str | None = None,
    alerts: Callable[[AlertChanges], None] | None = None,
) -> WSGIApplication:
    """`app` is None in Socket Mode, where Slack's requests arrive over the socket and only health is served.
    `ready()` returns facts for the health answer, or raises when the bot cannot work; `connector` serves the
    OAuth connect routes (they answer 404 without one); `webhooks` receives Xero's webhooks (404 without one or
    without a key), and `received()` is called once a webhook that stored new events has been answered (to start
    processing them);
    `alerts` publishes alerts the connect pages raise (a refused switch of organisation).
    Slack's requests are verified with `signing_secret` and bounded by `limits.max_body`. `GET /metrics` asks for
    `Authorization: Bearer <metrics_token>` when a token is given."""
    if app is not None and not signing_secret:
        raise ValueError("Slack's requests cannot be verified without the signing secret")
    max_body = (limits or HttpLimits()).max_body
    slack = SlackEdge(app, signing_secret, max_body=max_body) if app is not None else None

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == EVENTS_PATH and method == "POST" and slack is not None:
            began = time.perf_counter()
            try:
                return slack(environ, start_response)
            finally:
                telemetry.SLACK_ACK.observe(time.perf_counter() - began)
        if path == METRICS_PATH and method == "GET":
            return _metrics(metrics_token, environ, start_response)
        if path == WEBHOOK_PATH and method == "POST":
            return _webhook(webhooks, received, environ, start_response)
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _health(ready, start_response)
        route = OAUTH_ROUTE.fullmatch(path)
        if route and method == "GET" and connector is not None:
            return connect_page(connector, route["remote"], route["step"], environ, start_response, alerts)
        return _reply(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    return application


def _webhook(
    webhooks: XeroWebhooks | None,
    received: Callable[[], None] | None,
    environ: WSGIEnvironment,
    start_response: StartResponse,
) -> Iterable[bytes]:
    """Xero's webhook: bounded body, signature checked before anything is parsed, events stored before the 200.
    Every answer has an empty body, as Xero's intent-to-receive check wants."""
    if webhooks is None or not webhooks.enabled:
        return _reply(start_response, "404 Not Found", {"ok": False, "error": "not found"})
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        return _empty(start_response, "400 Bad Request")
    if length > MAX_WEBHOOK_BYTES:
        return _empty(start_response, "413 Content Too Large")
    body = environ["wsgi.input"].read(length if length >= 0 else MAX_WEBHOOK_BYTES + 1)
    if len(body) > MAX_WEBHOOK_BYTES:
        return _empty(start_response, "413 Content Too Large")
    if 0 <= length != len(body):
        return _empty(start_response, "400 Bad Request")  # the sender died mid-body: not a request
    try:
        receipt = webhooks.receive(body, environ.get("HTTP_X_XERO_SIGNATURE"))
    except Exception as error:  # the ledger is down: Xero retries an unanswered webhook
        log.warning("A Xero webhook could not be stored: %s", type(error).__name__)
        return _empty(start_response, "503 Service Unavailable")
    if receipt.answer is Answer.UNAUTHORISED:
        log.warning(
            "A Xero webhook failed its signature check (from %r)", str(environ.get("REMOTE_ADDR", "?"))
        )
    statuses = {
        Answer.OK: "200 OK",
        Answer.BAD_REQUEST: "400 Bad Request",
        Answer.UNAUTHORISED: "401 Unauthorized",
        Answer.NOT_CONFIGURED: "404 Not Found",
    }
    answer = _empty(start_response, statuses[receipt.answer])
    if receipt.stored and received is not None:
        return _Then(answer, received)
    return answer


class _Then:
    """An answer's body that calls `then()` once the server has sent it (WSGI servers close the body after the
    last byte), so what follows a webhook's 200 never delays it."""

    def __init__(self, body: list[bytes], then: Callable[[], None]) -> None:
        self._body = body
        self._then = then

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        try:
            self._then()
        except Exception:  # the answer is sent: a failure here must not turn into an error page
            log.exception("Starting webhook processing failed; the next run picks the events up")


def _metrics(token: str | None, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    if token is not None:
        given = str(environ.get("HTTP_AUTHORIZATION", "")).encode()
        if not hmac.compare_digest(given, f"Bearer {token}".encode()):
            return _empty(start_response, "401 Unauthorized")
    data = telemetry.render()
    start_response("200 OK", [("Content-Type", telemetry.CONTENT_TYPE), ("Content-Length", str(len(data)))])
    return [data]


def _empty(start_response: StartResponse, status: str) -> list[bytes]:
    start_response(status, [("Content-Length", "0")])
    return [b""]


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
