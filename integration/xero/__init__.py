"""Xero: OAuth, the accounting API client, its rate governor and error catalogue.

The sync engine builds a `XeroClient` from an `httpx.Client`, a `XeroAuth` (bearer tokens refreshed through the
ledger's `TokenStore`), the tenant id, the tenant's `RateGovernor` and a clock.
"""

from integration.xero.auth import AuthorizationRequest, XeroOAuth, connect, connect_custom
from integration.xero.client import MAX_BATCH, Endpoint, XeroClient
from integration.xero.endpoints import XeroEndpoints
from integration.xero.governor import RateGovernor
from integration.xero.requester import XeroRetryPolicy
from integration.xero.results import ElementResult
from integration.xero.tokens import XeroAuth, XeroTokenSession

__all__ = [
    "MAX_BATCH",
    "AuthorizationRequest",
    "ElementResult",
    "Endpoint",
    "RateGovernor",
    "XeroAuth",
    "XeroClient",
    "XeroEndpoints",
    "XeroOAuth",
    "XeroRetryPolicy",
    "XeroTokenSession",
    "connect",
    "connect_custom",
]
