"""A local Xero, written from Xero's documentation and official OpenAPI spec (never from our client).

`XeroSandbox` is a WSGI app serving Xero's paths below a prefix (`/xero` by default):
`/xero/api.xro/2.0/<Resource>` (the accounting API), `/xero/connect/token`, `/xero/connections` and
`/xero/identity/connect/authorize`; `GET /Reports/BalanceSheet` and `/Reports/TrialBalance` are summed from the
books' own ledger (`reports`, `ledger`). Mount it in-process with `httpx.WSGITransport(app=sandbox)` or serve it over
HTTP with any WSGI server; a dispatcher may also move the prefix into `SCRIPT_NAME`.

Each API request passes, in order: the length of its query string (a plain 404 past 2,048 characters), fault
injection, the bearer token (401), the `xero-tenant-id` header (403),
the token's scopes (401, `scopes.py`), the rate limits (429), the Idempotency-Key (replay or 400), then the resource rules of the `xero_*` modules. The
books live in memory behind one lock. The clock is injectable: sharing a `VirtualClock` with a client makes
rate-limit waits, token expiry and the idempotency window pass instantly. With `send_webhooks_to`, every API request
that creates or changes an invoice, credit note or contact sends a signed webhook (`webhooks.py`).

Deliberate differences from Xero (each a choice where Xero's behaviour is undocumented or out of scope):
- messages marked "(unverified)" in `xero_messages` are our wording of rules whose exact text we have not seen;
- a line naming an account that has no code is refused ("Account code must be specified"): the integration
  identifies accounts by code, and Xero's handling of codeless accounts over the API is undocumented;
- an existing document changes its Status, or is edited (lines, dates, contact, reference) as `xero_edits`
  says, never both in one request;
- `GET /{Endpoint}/{id}/History` records and their wording: see `xero_history`;
- a missing or unknown `xero-tenant-id` answers 403;
- `X-Rate-Limit-Problem` values are lowercase (`minute`, `day`, `concurrent`, `appminute`);
- one organisation per sandbox; it starts with only its base currency enabled (`GET /Currencies`), a document in
  any other currency is refused until `enable_currency` adds it, and an enabled foreign currency converts at rate
  1 (Xero uses the day's XE rate);
- adding a currency over the API (`PUT /Currencies`) is not served (405).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date
from typing import Any

import httpx

from integration.clock import Clock, SystemClock
from sandboxes import demo_chart
from sandboxes.xero import messages as msg
from sandboxes.xero import people, scopes
from sandboxes.xero.api import AccountingApi
from sandboxes.xero.books import Contact, new_id
from sandboxes.xero.faults import Faults
from sandboxes.xero.gate import IdempotencyKeys, Limits, RateLimiter
from sandboxes.xero.identity import Identity
from sandboxes.xero.inspection import Inspection, SeenRequest
from sandboxes.xero.rules import Context
from sandboxes.xero.seed import organisation_today, seeded_books
from sandboxes.xero.webhooks import Change, WebhookSender
from sandboxes.xero.wsgi import (
    HttpError,
    Request,
    Response,
    StartResponse,
    error_response,
    json_response,
    text_response,
)

__all__ = ["DEMO_CONTACTS", "Limits", "SeenRequest", "XeroSandbox"]

API_ROOT = "/api.xro/2.0/"
# Xero's front end (IIS) refuses a query string over 2,048 characters, its default `maxQueryString`, before the API
# sees the request: XeroAPI/Xero-Net #280 (IIS 404.15 "the query string is too long"); XeroAPI/Xero-OpenAPI #534
# (52 invoice IDs with page=1 answered, 53 a 404 "The resource you're looking for cannot be found");
# XeroAPI/xero-node #404; XeroAPI/Xero-NetStandard #471. The sandbox answers that plain 404 before any other check,
# so such a request spends no call of the rate limit (our choice: where IIS stops it, Xero's limiter is not known).
MAX_QUERY_STRING = 2048
# A client the demo firm already has in Xero, entered by hand (no ContactNumber), so the bot must adopt it by name.
DEMO_CONTACTS: list[dict[str, Any]] = [
    {"Name": "Northwind Holdings Pty Ltd", "EmailAddress": "accounts@northwind.example"},
]
_FORBIDDEN = {"Type": None, "Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"}


def _outage(status: int) -> Response:
    """Xero's 5xx answers are plain text; 503 covers both outages and "Organisation offline" (Xero's HTTP response
    codes page)."""
    return text_response(status, msg.OFFLINE_TEXT if status == 503 else msg.SERVER_ERROR_TEXT)


class XeroSandbox(Inspection):
    """One Xero organisation in memory, speaking Xero's HTTP API. See the module docstring."""

    def __init__(
        self,
        *,
        tenant_id: str,
        organisation: dict[str, Any],
        accounts: Iterable[dict[str, Any]],
        tax_rates: Iterable[dict[str, Any]],
        contacts: Iterable[dict[str, Any]] = (),
        clock: Clock | None = None,
        limits: Limits | None = None,
        bank_feed: Iterable[dict[str, Any]] = (),
        client_id: str = "sandbox",
        client_secret: str = "sandbox",
        prefix: str = "/xero",
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.tenant_id = tenant_id
        self.prefix = prefix.rstrip("/")
        self.books = seeded_books(organisation, accounts, tax_rates)
        self.books.bank_feed = [dict(line) for line in bank_feed]
        self._lock = threading.RLock()
        for raw in contacts:
            self.add_contact(str(raw["Name"]), number=raw.get("ContactNumber"), email=raw.get("EmailAddress"))
        self._api = AccountingApi(self.books)
        self.identity = Identity(
            self.clock, tenant_id=tenant_id, tenant_name=str(organisation.get("Name", "")), client_id=client_id,
            client_secret=client_secret,
        )  # fmt: skip
        self.limiter = RateLimiter(limits or Limits())
        self.keys = IdempotencyKeys()
        self.faults = Faults()
        self.requests: list[SeenRequest] = []
        self.webhooks: WebhookSender | None = None

    @classmethod
    def demo(
        cls, *, clock: Clock | None = None, limits: Limits | None = None, prefix: str = "/xero"
    ) -> XeroSandbox:
        """The demo firm's organisation, chart, AU tax rates, lock dates and the bank feed's one statement line
        (`sandboxes.demo_chart`)."""
        return cls(
            tenant_id=demo_chart.XERO_TENANT_ID,
            organisation=demo_chart.XERO_ORGANISATION,
            accounts=demo_chart.XERO_ACCOUNTS,
            tax_rates=demo_chart.XERO_TAX_RATES,
            contacts=DEMO_CONTACTS,
            clock=clock,
            limits=limits,
            bank_feed=demo_chart.XERO_BANK_FEED,
            prefix=prefix,
        )

    @property
    def high_volume(self) -> bool:
        """Whether the organisation answers as a high-volume one: `where` only on Xero's optimised fields."""
        return self._api.high_volume

    @high_volume.setter
    def high_volume(self, on: bool) -> None:
        self._api.high_volume = on

    # WSGI ------------------------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        path = str(environ.get("PATH_INFO") or "/")
        if path.startswith(self.prefix + "/"):
            path = path[len(self.prefix) :]
        elif not str(environ.get("SCRIPT_NAME", "")).rstrip("/").endswith(self.prefix):
            return json_response(404, {"Detail": "Not a Xero sandbox path"}).send(start_response)
        request = Request.from_environ(environ, path)
        if len(request.body) < int(environ.get("CONTENT_LENGTH") or 0):
            # RFC 9112 §6.3: a body shorter than its Content-Length is an incomplete message, which a server must not
            # treat as a request; Xero's front end never hands one to the API. (The client died mid-send.)
            return json_response(400, {"Detail": "Incomplete request body"}).send(start_response)
        seen = SeenRequest(request.method, path, request.query_string, request.headers.get("idempotency-key"))
        with self._lock:
            self.requests.append(seen)
        try:
            response = self._route(request, seen)
        except HttpError as error:
            response = error_response(error)
        seen.status = seen.status or response.status
        return response.send(start_response)

    def _route(self, request: Request, seen: SeenRequest) -> Response:
        # Xero's paths are case-insensitive: the official SDKs call `/Connections`, Xero's docs `/connections`.
        path = request.path.lower()
        if path == "/connect/token" and request.method == "POST":
            return self.identity.token(request)
        if path == "/identity/connect/authorize" and request.method == "GET":
            return self.identity.authorize(request)
        if path == "/identity/connect/authorize" and request.method == "POST":
            return self.identity.consent(request)
        if path == "/connections" and request.method == "GET":
            return self.identity.connections(request)
        if path.startswith(API_ROOT):
            if len(request.query_string) > MAX_QUERY_STRING:
                raise HttpError(404, msg.NOT_FOUND_TEXT)
            return self._accounting(request, request.path[len(API_ROOT) :], seen)
        raise HttpError(404, msg.NOT_FOUND_TEXT)

    def _accounting(self, request: Request, below: str, seen: SeenRequest) -> Response:
        fault = self.faults.take(request.method, below)
        if fault is not None and fault.kind == "timeout":
            self.clock.sleep(fault.seconds)
            if fault.mode == "raise":
                seen.status = "timeout"
                raise TimeoutError("sandbox: injected timeout")
        if fault is not None and fault.kind == "fail" and not fault.remember:
            return _outage(fault.status)
        client_id, granted = self.identity.grant_of(request)
        if request.headers.get("xero-tenant-id", "").lower() != self.tenant_id.lower():
            raise HttpError(403, _FORBIDDEN)
        scopes.require(granted, request.method, below)
        headers = self.limiter.admit(self.tenant_id, self.clock.now())
        watched = self.webhooks is not None and request.method != "GET"
        before = self._versions() if watched else {}
        try:
            failure = fault.status if fault is not None and fault.kind == "fail" else None
            response = self._keyed(request, below, (client_id, self.tenant_id), failure)
        finally:
            self.limiter.release(self.tenant_id)
        if watched and self.webhooks is not None:
            self.webhooks.changed(self._changes(before))
        response.headers.extend(headers)
        if fault is not None and fault.kind == "drop":
            seen.status = f"dropped {response.status}"
            raise ConnectionResetError("sandbox: the answer was lost after the write was applied")
        return response

    def _keyed(self, request: Request, below: str, scope: tuple[str, str], failure: int | None) -> Response:
        # One lock from the key check to remembering the answer: two requests with one key never both apply.
        with self._lock:
            now = self.clock.now()
            key = IdempotencyKeys.key_of(request)
            if key is not None and (remembered := self.keys.replay(scope, key, request, now)) is not None:
                return Response(remembered.status, remembered.body, list(remembered.headers))
            if failure is not None:  # an internal error, remembered under the key as Xero remembers them
                response = _outage(failure)
            else:
                try:
                    response = self._api.handle(
                        self._context(request), request, [p for p in below.split("/") if p]
                    )
                except HttpError as error:
                    response = error_response(error)
            if key is not None:
                self.keys.remember(
                    scope, key, request, now, Response(response.status, response.body, list(response.headers))
                )
            return response

    # Webhooks --------------------------------------------------------------------------------------------------

    def send_webhooks_to(
        self,
        url: str,
        key: str,
        *,
        transport: httpx.BaseTransport | None = None,
        attempts: int = 3,
        api_url: str = "https://api.xero.com/api.xro/2.0",
    ) -> WebhookSender:
        """From now on, send a signed webhook to `url` for every invoice, credit note and contact an API request
        creates or changes (`sandboxes.xero.webhooks`)."""
        self.webhooks = WebhookSender(
            url, key, tenant_id=self.tenant_id, clock=self.clock, api_url=api_url, transport=transport,
            attempts=attempts,
        )  # fmt: skip
        return self.webhooks

    def _versions(self) -> dict[tuple[str, str], object]:
        """When each document and contact last changed, to tell what a request changed."""
        with self._lock:
            found: dict[tuple[str, str], object] = {
                ("CREDITNOTE" if d.is_credit else "INVOICE", d.id): (d.updated, d.status, d.amount_paid)
                for d in self.books.documents.values()
            }
            found.update({("CONTACT", c.id): (c.updated, c.status) for c in self.books.contacts.values()})
            return found

    def _changes(self, before: dict[tuple[str, str], object]) -> list[Change]:
        return [
            Change(category, record_id, "CREATE" if (category, record_id) not in before else "UPDATE")
            for (category, record_id), version in self._versions().items()
            if before.get((category, record_id)) != version
        ]

    def _context(self, request: Request) -> Context:
        now = self.clock.now()
        unitdp = 4 if request.param("unitdp") == "4" else 2
        return Context(self.books, now, organisation_today(self.books, now), unitdp)

    # Seeding and changes a person would make in Xero ----------------------------------------------------------

    def add_contact(
        self, name: str, *, number: str | None = None, email: str | None = None, archived: bool = False
    ) -> str:
        """Add a contact (as if entered in Xero) and return its ContactID."""
        contact = Contact(
            id=new_id(), name=name, number=number, email=email, status="ARCHIVED" if archived else "ACTIVE",
            updated=self.clock.now(),
        )  # fmt: skip
        with self._lock:
            self.books.contacts[contact.id] = contact
        return contact.id

    def archive_contact(self, contact_id: str) -> None:
        """Archive a contact, as a person might in Xero's web app. Xero's webhooks cover changes made there too,
        and archiving is an UPDATE (XeroAPI/Xero-OpenAPI `xero-webhooks.yaml`, `eventType`: "When an existing
        resource is updated (including when they are archived)"), so a CONTACT UPDATE webhook is sent."""
        with self._lock:
            contact = self.books.contacts[contact_id.lower()]
            contact.status = "ARCHIVED"
            contact.updated = self.clock.now()
        if self.webhooks is not None:
            self.webhooks.changed([Change("CONTACT", contact.id, "UPDATE")])

    def merge_contacts(self, merged_id: str, into_id: str) -> None:
        """Merge one contact into another, as a person does in Xero's web app (`people.merge_contacts`). The merged
        contact is archived, so a CONTACT UPDATE webhook is sent for it, as for `archive_contact`; whether Xero also
        sends one for the contact kept is not documented, and none is sent (our choice)."""
        with self._lock:
            people.merge_contacts(self.books, merged_id, into_id, self.clock.now())
        if self.webhooks is not None:
            self.webhooks.changed([Change("CONTACT", merged_id.lower(), "UPDATE")])

    def delete_transfer(self, transfer_id: str) -> None:
        """Delete a bank transfer, as a person does in Xero's web app (`people.delete_transfer`)."""
        with self._lock:
            people.delete_transfer(self.books, transfer_id, self.clock.now())

    def archive_account(self, code: str) -> None:
        """Archive the account with `code`, as a person might in Xero."""
        with self._lock:
            account = self.books.account_by_code(code)
            assert account is not None, f"no account {code}"
            account.status = "ARCHIVED"

    def set_lock_dates(self, *, period: date | None = None, end_of_year: date | None = None) -> None:
        """Set (or clear, with None) the organisation's period and end-of-year lock dates."""
        with self._lock:
            self.books.organisation["PeriodLockDate"] = period
            self.books.organisation["EndOfYearLockDate"] = end_of_year

    def enable_currency(self, code: str, description: str | None = None) -> None:
        """Add a currency to the organisation, as a person does in Xero (Settings > Currencies)."""
        with self._lock:
            self.books.currencies[code.upper()] = description or code.upper()

    def reconcile_payment(self, payment_id: str) -> None:
        """Mark a payment reconciled against a bank statement line (after which it cannot be deleted)."""
        with self._lock:
            payment = self.books.payments[payment_id.lower()]
            payment.is_reconciled = True
            payment.updated = self.clock.now()

    # Tokens and limits -----------------------------------------------------------------------------------------

    def issue_tokens(self, *, refresh: bool = True, scope: str | None = None) -> dict[str, Any]:
        """A token set as a finished connect flow gives (with `expires_at` on the sandbox clock), granted `scope`
        (space-separated; every scope a posting app can hold unless given)."""
        tokens = self.identity.issue(refresh=refresh, **({"scope": scope} if scope is not None else {}))
        tokens["expires_at"] = int(self.clock.now().timestamp()) + int(tokens["expires_in"])
        return tokens

    def expire_tokens(self) -> None:
        """Every access token issued so far stops working now; refresh tokens still work."""
        self.identity.expire_access_tokens()

    def disconnect(self) -> None:
        """The firm disconnected the app in Xero: every token, refresh tokens included, stops working."""
        self.identity.disconnect()

    def use_up_minute(self) -> None:
        """Spend the rest of this minute's calls, as another app of the same firm might."""
        self.limiter.use_up(self.tenant_id, self.clock.now())

    def spend_day(self, calls: int) -> None:
        """Spend `calls` of today's calls, as another app of the same firm might."""
        self.limiter.spend(self.tenant_id, self.clock.now(), calls)

    def use_up_day(self) -> None:
        """Spend the rest of today's calls, so the next call draws a 429 for the day."""
        self.limiter.use_up(self.tenant_id, self.clock.now(), day=True)
