"""Which OAuth scope each accounting endpoint needs, and the 401 Xero answers when a token lacks it.

Xero's granular scopes (developer.xero.com/documentation/oauth2/scopes; Apideck's "Xero scopes" note, March 2026):
apps created since 2 March 2026 must use them, and the sandbox's app is such an app, so the broad
`accounting.transactions` and `accounting.reports.read` are unknown to it (consent answers `invalid_scope`).
`accounting.transactions` split into `accounting.invoices` (invoices, credit notes, items, quotes, purchase orders,
repeating invoices, linked transactions), `accounting.payments` (payments, batch payments, overpayments,
prepayments), `accounting.banktransactions` (bank transactions and transfers) and `accounting.manualjournals`;
`accounting.settings` (organisation, accounts, tax rates, currencies…) and `accounting.contacts` stay. Each has a
`.read` variant that allows GET only. Reports have one read-only scope each (`accounting.reports.balancesheet.read`
named by Xero's scopes page and Apideck's note; `accounting.reports.trialbalance.read` by the same pattern,
unverified). The spec's `security` blocks give the settings and contacts scopes per path
(e.g. `GET /Currencies`: `accounting.settings` or `accounting.settings.read`).

A call whose token lacks the scope answers 401 with `Detail: AuthorizationUnsuccessful` (the fidelity audit's
Scopes row; Databuzz's capture of the 401 body shape, unverified). Xero's body does not name the missing scope, so
neither does the sandbox's. Choice where Xero is silent: the scope is checked after the token and tenant and
before the rate limits, so a refused call does not count against them.
"""

from __future__ import annotations

import uuid

from sandboxes.xero.wsgi import HttpError

_INVOICE_RESOURCES = (
    "invoices", "creditnotes", "items", "quotes", "purchaseorders", "repeatinginvoices", "linkedtransactions",
)  # fmt: skip
_BY_RESOURCE: dict[str, str] = {
    **dict.fromkeys(_INVOICE_RESOURCES, "accounting.invoices"),
    **dict.fromkeys(("payments", "batchpayments", "overpayments", "prepayments"), "accounting.payments"),
    **dict.fromkeys(("banktransactions", "banktransfers"), "accounting.banktransactions"),
    "manualjournals": "accounting.manualjournals",
    **dict.fromkeys(("contacts", "contactgroups"), "accounting.contacts"),
    **dict.fromkeys(
        ("organisation", "accounts", "taxrates", "currencies", "trackingcategories", "brandingthemes"),
        "accounting.settings",
    ),
    "journals": "accounting.journals.read",
}
_WRITABLE = frozenset(scope for scope in _BY_RESOURCE.values() if not scope.endswith(".read"))
REPORT_SCOPES = {
    "balancesheet": "accounting.reports.balancesheet.read",
    "trialbalance": "accounting.reports.trialbalance.read",
}

KNOWN: frozenset[str] = frozenset(
    {
        "offline_access", "openid", "profile", "email", "accounting.attachments", "accounting.attachments.read",
        "accounting.budgets.read", "accounting.journals.read", *REPORT_SCOPES.values(), *_WRITABLE, *(f"{s}.read" for s in _WRITABLE),
    }
)  # fmt: skip


def needed(method: str, below: str) -> str | None:
    """The scope `method` on the path `below` the API root needs (the `.read` one for a GET), None if unknown."""
    resource, _, rest = below.lower().partition("/")
    if resource == "reports":
        return REPORT_SCOPES.get(rest.strip("/"))
    scope = _BY_RESOURCE.get(resource)
    if scope is None or scope.endswith(".read"):
        return scope
    return f"{scope}.read" if method == "GET" else scope


def require(granted: frozenset[str], method: str, below: str) -> None:
    """Raise Xero's 401 unless `granted` covers the call (a write scope also allows reading)."""
    scope = needed(method, below)
    if scope is None or scope in granted or scope.removesuffix(".read") in granted:
        return
    raise HttpError(
        401,
        {
            "Type": None,
            "Title": "Unauthorized",
            "Status": 401,
            "Detail": "AuthorizationUnsuccessful",
            "Instance": str(uuid.uuid4()),
            "Extensions": {},
        },
    )
