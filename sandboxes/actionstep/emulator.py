"""A local Actionstep, written from the docs (`reference/actionstep.md`), served as a plain WSGI app.

Paths are Actionstep's own under a prefix (default `/actionstep`): `<prefix>/api/rest/<resource>[/<id>[,<id>…]]`,
`<prefix>/api/oauth/token`, `<prefix>/api/oauth/authorize`, and `<prefix>/mym/…` where documents' deep links land.
To mount it beside the Xero sandbox, route every request whose path starts with the prefix to this app unchanged (or
with the prefix moved into SCRIPT_NAME: both work); in tests, `httpx.WSGITransport(app=sandbox)` serves it
in-process.

What it reproduces: the envelope and its quirks (resource key + `links` + `linked` + `meta.paging.<resource>`, a
single record as a bare object, 204 with no body for an empty result, ids, numbers and booleans as strings), the
filters, sort, paging (pageSize at most 200, full-URL nextPage) and `include=` (see `actionstep_query`); the three
required headers (401 without a valid bearer token, 406 without `Accept: application/vnd.api+json`, 415 for another
Content-Type); the token endpoint with rotating refresh tokens (see `actionstep_oauth`); and fault injection
(`faults`). State is in memory and guarded by one lock, so a threaded server can share it.

Seeding and inspection are Python calls: `put`, `load`, `update`, `delete`, `set_accounting_basis`; `get`,
`records`, `count`, `requests`. `ActionstepSandbox.demo()` is the demo firm (`actionstep_demo`). What a person enters
in Actionstep's web app, which its API does not take (trust receipts, payments and transfers, bills), are calls too:
`enter_trust_receipt`, `enter_trust_payment`, `enter_trust_transfer`, `dishonour_trust_receipt`, `enter_bill`
(`entries`, which also says how a matter can end up overdrawn).
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from integration.clock import Clock, SystemClock
from sandboxes.actionstep import entries
from sandboxes.actionstep.catalogue import SPECS
from sandboxes.actionstep.demo import demo_records
from sandboxes.actionstep.faults import Faults
from sandboxes.actionstep.firm import OFFICE_BANK
from sandboxes.actionstep.oauth import OAuthServer
from sandboxes.actionstep.query import QueryError, envelope, page_of, parse_query, select
from sandboxes.actionstep.tables import FIRM_TZ, Table
from sandboxes.actionstep.writer import Written

MEDIA_TYPE = "application/vnd.api+json"
StartResponse = Callable[..., Any]
Environ = dict[str, Any]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the sandbox answered, for tests to inspect (never the Authorization header)."""

    method: str
    path: str
    query: str
    status: int
    accept: str | None
    content_type: str | None


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


def _json(status: int, body: Any, *headers: tuple[str, str]) -> _Reply:
    data = _DECIMAL.sub(rb"\1", json.dumps(body, separators=(",", ":"), default=_exact).encode())
    return _Reply(status, data, (("Content-Type", MEDIA_TYPE), *headers))


# Decimals travel as marked strings and lose their quotes afterwards: the json module has no exact decimal number.
_DECIMAL = re.compile(rb'"__decimal__(-?[0-9]+(?:\.[0-9]+)?)"')


def _exact(value: Any) -> str:
    return f"__decimal__{value}" if isinstance(value, Decimal) else str(value)


def _errors(status: int, message: str, *headers: tuple[str, str]) -> _Reply:
    return _json(status, {"errors": {"status": status, "message": message}}, *headers)


class ActionstepSandbox:
    """The local Actionstep. Call it as a WSGI app."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        prefix: str = "/actionstep",
        client_id: str = "sandbox",
        client_secret: str = "sandbox",
        orgkey: str = "harbourfinch",
        access_lifetime: timedelta = timedelta(hours=1),
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.prefix = prefix.rstrip("/")
        self.oauth = OAuthServer(
            self.clock,
            client_id=client_id,
            client_secret=client_secret,
            orgkey=orgkey,
            access_lifetime=access_lifetime,
        )
        self.faults = Faults()
        self.requests: deque[RecordedRequest] = deque(maxlen=10_000)
        self._tables = {name: Table(spec) for name, spec in SPECS.items()}
        self._lock = threading.RLock()

    @classmethod
    def demo(cls, **options: Any) -> ActionstepSandbox:
        """The demo firm, Harbour & Finch Lawyers (see `actionstep_demo`)."""
        sandbox = cls(**options)
        sandbox.load(demo_records())
        return sandbox

    # Seeding and inspection

    def now(self) -> datetime:
        """The sandbox's time in the firm's zone, to the second, as Actionstep stamps records."""
        return self.clock.now().astimezone(FIRM_TZ).replace(microsecond=0)

    def put(self, resource: str, record: Mapping[str, Any]) -> str:
        """Add or replace one record given in wire form; returns its id (allocated when the record has none)."""
        with self._lock:
            return self._table(resource).put(record)

    def load(self, records: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
        """Add many (resource, record) pairs, e.g. `make_backlog(...)`; returns how many."""
        count = 0
        with self._lock:
            tables = self._tables
            for resource, record in records:
                tables[resource].put(record)
                count += 1
        return count

    def update(self, resource: str, record_id: str, **changes: Any) -> None:
        """Change fields (and `links`) of a record as an edit in Actionstep would: `modifiedTimestamp` becomes now
        unless given. Editing a line does not touch its document: update both when a test needs that."""
        with self._lock:
            table = self._table(resource)
            if "modifiedTimestamp" in table.spec.fields:
                changes.setdefault("modifiedTimestamp", self.now())
            table.replace(record_id, changes)

    def delete(self, resource: str, record_id: str) -> None:
        with self._lock:
            self._table(resource).rows.pop(record_id, None)

    def set_accounting_basis(self, basis: str) -> None:
        """Set the accounting basis, "Accrual" or "Cash"."""
        self.update("accountingsettings", "1", accountingBasis=basis)

    def next_id(self, resource: str) -> str:
        with self._lock:
            return str(self._table(resource).allocate_id())

    def get(self, resource: str, record_id: str) -> dict[str, Any] | None:
        with self._lock:
            table = self._table(resource)
            row = table.rows.get(record_id)
            return None if row is None else table.render(row)

    def records(self, resource: str) -> list[dict[str, Any]]:
        """Every record of a resource in wire form, by id."""
        with self._lock:
            table = self._table(resource)
            return [table.render(row) for row in select(table, parse_query(table, []))]

    def count(self, resource: str) -> int:
        with self._lock:
            return len(self._table(resource))

    # What a person enters in Actionstep's web app (the API takes none of it: see `entries`)

    def enter_trust_receipt(
        self, matter_id: str, amount: Decimal, day: date, *, number: str | None = None,
        contact_id: str | None = None, description: str | None = None,
    ) -> Written:  # fmt: skip
        """Money received into trust for a matter (number `TR-<id>` unless given; the matter's client unless
        `contact_id`), posted now."""
        return self._enter("Receipt", matter_id, amount, day, number, contact_id, description)

    def enter_trust_payment(
        self, matter_id: str, amount: Decimal, day: date, *, number: str | None = None,
        contact_id: str | None = None, description: str | None = None,
    ) -> Written:  # fmt: skip
        """Money paid out of a matter's trust funds (`TP-<id>`); `entries.TrustOverdrawn` if they do not cover it."""
        return self._enter("Payment", matter_id, amount, day, number, contact_id, description)

    def enter_trust_transfer(
        self, matter_id: str, amount: Decimal, day: date, *, to_account: str = OFFICE_BANK, number: str | None = None,
        contact_id: str | None = None, description: str | None = None,
    ) -> Written:  # fmt: skip
        """Trust money moved to `to_account` (by default the office bank, as a bill is paid from trust; `TT-<id>`);
        `entries.TrustOverdrawn` if the matter's trust funds do not cover it."""
        return self._enter("Transfer", matter_id, amount, day, number, contact_id, description, to_account)

    def dishonour_trust_receipt(self, receipt_id: str, day: date) -> Written:
        """Reverse a trust receipt whose money never arrived: a Payment of its amount on its matter dated `day`,
        whatever the matter holds, so a test can leave a matter overdrawn (`entries` says why this way)."""
        with self._lock:
            return entries.dishonour(self._tables, receipt_id, day, self.now())

    def trust_balance(self, matter_id: str, as_at: date | None = None) -> Decimal:
        """A matter's trust ledger balance from its posted trust transactions dated on or before `as_at`."""
        with self._lock:
            return entries.trust_balance(self._tables, matter_id, as_at)

    def enter_bill(
        self, matter_id: str, day: date, amount: Decimal, *, number: str | None = None,
        contact_id: str | None = None, tax_code: str = "GST", account_id: str = entries.PROFESSIONAL_FEES,
    ) -> Written:  # fmt: skip
        """An approved (Open) bill on a matter, one line of `amount` before tax (`INV-<id>` unless given; GST adds
        10%, FRE none; `Written.total` is its total), posted now."""
        with self._lock:
            return entries.enter_bill(
                self._tables, matter_id, day, amount, self.now(), number=number, contact_id=contact_id,
                tax_code=tax_code, account_id=account_id,
            )  # fmt: skip

    def _enter(
        self, kind: str, matter_id: str, amount: Decimal, day: date, number: str | None,
        contact_id: str | None, description: str | None, to_account: str = OFFICE_BANK,
    ) -> Written:  # fmt: skip
        with self._lock:
            return entries.enter_trust(
                self._tables, kind, matter_id, amount, day, self.now(), number=number, contact_id=contact_id,
                description=description, to_account=to_account,
            )  # fmt: skip

    def _table(self, resource: str) -> Table:
        try:
            return self._tables[resource]
        except KeyError:
            raise KeyError(f"the sandbox has no resource '{resource}'") from None

    # WSGI

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        query = environ.get("QUERY_STRING", "")
        if path == self.prefix or path.startswith(self.prefix + "/"):
            reply = self._route(environ, method, path[len(self.prefix) :].rstrip("/"), query)
        else:
            reply = _errors(404, f"not under {self.prefix}")
        self.requests.append(
            RecordedRequest(
                method, path, query, reply.status, environ.get("HTTP_ACCEPT"), environ.get("CONTENT_TYPE")
            )
        )
        status = HTTPStatus(reply.status)
        headers = [*reply.headers, ("Content-Length", str(len(reply.body)))]
        start_response(f"{status.value} {status.phrase}", headers)
        return [reply.body]

    def _route(self, environ: Environ, method: str, path: str, query: str) -> _Reply:
        if path == "/api/oauth/token" and method == "POST":
            return self._token(environ)
        if path == "/api/oauth/authorize" and method == "GET":
            status, text = self.oauth.authorize(dict(parse_qsl(query)))
            if status == 302:
                return _Reply(302, b"", (("Location", text),))
            return _Reply(status, text.encode(), (("Content-Type", "text/plain"),))
        if path.startswith("/mym/") and method == "GET":
            return self._web_page(path)
        parts = path.split("/")
        if len(parts) in (4, 5) and parts[1:3] == ["api", "rest"]:
            return self._rest(environ, method, parts[3], parts[4] if len(parts) == 5 else None, query)
        return _errors(404, "no such endpoint")

    def _web_page(self, path: str) -> _Reply:
        """Where a document's deep link lands: the sandbox has no web app, so it says what would open."""
        page = (
            "<!doctype html><title>Actionstep sandbox</title>"
            f"<p>This link would open <code>{html.escape(path)}</code> in Actionstep's web app.</p>"
        )
        return _Reply(200, page.encode(), (("Content-Type", "text/html; charset=utf-8"),))

    def _base_url(self, environ: Environ) -> str:
        host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{self.prefix}"

    def _token(self, environ: Environ) -> _Reply:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = dict(parse_qsl(environ["wsgi.input"].read(length).decode()))
        reply = self.oauth.token(form, _basic(environ), f"{self._base_url(environ)}/api/")
        return _Reply(
            reply.status,
            json.dumps(reply.body).encode(),
            (("Content-Type", "application/json"), ("Cache-Control", "no-store")),
        )

    def _rest(self, environ: Environ, method: str, resource: str, ids: str | None, query: str) -> _Reply:
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if not auth.startswith("Bearer ") or not self.oauth.valid(auth[7:]):
            return _errors(401, "the access token is missing, invalid or expired")
        if environ.get("HTTP_ACCEPT") != MEDIA_TYPE:
            return _errors(406, f"Accept must be {MEDIA_TYPE}")
        if environ.get("CONTENT_TYPE") not in (None, "", MEDIA_TYPE):
            return _errors(415, f"Content-Type must be {MEDIA_TYPE}")
        if resource not in self._tables:
            return _errors(404, f"unknown resource '{resource}'")
        if method == "OPTIONS":
            return _Reply(200, b"", (("Allow", "GET, OPTIONS"),))
        if method != "GET":
            return _errors(405, "the sandbox serves reads only")
        fault = self.faults.take(resource)
        if fault is not None:
            if fault.seconds:
                self.clock.sleep(fault.seconds)
            if fault.status is not None:
                extra = (("Retry-After", fault.retry_after),) if fault.retry_after else ()
                return _errors(fault.status, HTTPStatus(fault.status).phrase, *extra)
        params = parse_qsl(query, keep_blank_values=True)
        try:
            return self._read(environ, resource, ids, params)
        except QueryError as error:
            return _errors(400, str(error))

    def _read(
        self, environ: Environ, resource: str, ids: str | None, params: list[tuple[str, str]]
    ) -> _Reply:
        base = self._base_url(environ)
        with self._lock:
            table = self._tables[resource]
            query = parse_query(table, params)
            if ids is None:
                page = page_of(select(table, query), query)
            else:
                wanted = [table.rows[i] for i in dict.fromkeys(ids.split(",")) if i in table.rows]
                if not wanted:
                    return _errors(404, f"no {resource} with id {ids}")
                query.page, query.page_size = 1, max(1, len(wanted))
                page = page_of(select(table, query, wanted), query)
            if not page.rows:
                return _Reply(204)
            body = envelope(
                self._tables,
                table,
                page,
                query.include,
                rest_base=f"{base}/api/rest",
                url=f"{base}/api/rest/{resource}" + (f"/{ids}" if ids else ""),
                params=params,
            )
        return _json(200, body)


def _basic(environ: Environ) -> tuple[str, str] | None:
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password
