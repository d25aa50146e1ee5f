"""The OAuth scopes the bot asks Xero for, what each is for, and which one each API call needs.

Xero apps created since 2 March 2026 must use granular scopes (developer.xero.com/documentation/oauth2/scopes;
Apideck's "Xero scopes" note, March 2026): `accounting.transactions` split into `accounting.invoices`,
`accounting.payments`, `accounting.banktransactions` and `accounting.manualjournals`, each with a `.read` variant;
`accounting.settings` and `accounting.contacts` stay. The bot asks for the fewest its features need: it only reads
the organisation, chart, tax rates and currencies, and writes invoices, credit notes (with allocations), payments,
bank transactions and transfers, and contacts. It never posts manual journals (Actionstep's general journals are
not pushed). The month-end reconciliation reads one report, the balance sheet: the granular scopes give each report
its own read scope (`accounting.reports.balancesheet.read`, where older apps had `accounting.reports.read`).

A call whose token lacks its scope answers 401 with `Detail: AuthorizationUnsuccessful` (the fidelity audit's
Scopes row), where a bad or expired token answers `AuthenticationUnsuccessful` or `TokenExpired: …`; Xero's body
does not name the scope, so `needed` works it out from the call.
"""

from __future__ import annotations

# Scope -> what the bot uses it for (the README's table says the same).
REQUESTED: dict[str, str] = {
    "offline_access": "a refresh token, so the bot keeps working without a person signing in again",
    "accounting.settings.read": "the organisation (lock dates, base currency), chart of accounts, tax rates and "
    "enabled currencies",
    "accounting.contacts": "finding clients and suppliers, and creating the ones Xero does not have yet",
    "accounting.invoices": "sales invoices, supplier bills and credit notes (with their allocations): posting, "
    "looking up, voiding on unlink",
    "accounting.payments": "payments against invoices and bills: posting, looking up, deleting on unlink",
    "accounting.banktransactions": "trust receipts and payments (bank transactions) and bank-to-bank transfers",
    "accounting.reports.balancesheet.read": "the balance sheet at month end: the control accounts' and trust "
    "balances the month-end reconciliation compares (read only)",
}
SCOPES = " ".join(REQUESTED)

_REPORTS = {"balancesheet": "accounting.reports.balancesheet.read"}
_BY_RESOURCE = {
    **dict.fromkeys(("invoices", "creditnotes"), "accounting.invoices"),
    "payments": "accounting.payments",
    **dict.fromkeys(("banktransactions", "banktransfers"), "accounting.banktransactions"),
    "manualjournals": "accounting.manualjournals",
    "contacts": "accounting.contacts",
    **dict.fromkeys(("organisation", "accounts", "taxrates", "currencies"), "accounting.settings"),
}


def needed(method: str, path: str) -> str | None:
    """The scope a call needs (`accounting.settings.read` for a settings read, the write scope otherwise; a read
    also works with the write scope; a report's own read scope), None for a path this table does not know."""
    resource, _, rest = path.split("?", 1)[0].strip("/").lower().partition("/")
    if resource == "reports":
        return _REPORTS.get(rest.split("/", 1)[0])
    scope = _BY_RESOURCE.get(resource)
    if scope == "accounting.settings" or (
        scope is not None and method == "GET" and f"{scope}.read" in REQUESTED
    ):
        return f"{scope}.read"
    return scope
