"""Xero: OAuth, the accounting API client, its rate governor and error catalogue.

The sync engine builds a `XeroClient` from an `httpx.Client`, a `XeroAuth` (bearer tokens refreshed through the
ledger's `TokenStore`), the tenant id, the tenant's `RateGovernor` and a clock.
"""

from integration.xero.auth import AuthorizationRequest, XeroOAuth, connect, connect_custom
from integration.xero.client import MAX_BATCH, Endpoint, XeroClient
from integration.xero.endpoints import XeroEndpoints
from integration.xero.governor import RateGovernor
from integration.xero.results import ElementResult
from integration.xero.session import RetryPolicy
from integration.xero.tokens import TokenManager, XeroAuth

__all__ = [
    "MAX_BATCH",
    "AuthorizationRequest",
    "ElementResult",
    "Endpoint",
    "RateGovernor",
    "RetryPolicy",
    "TokenManager",
    "XeroAuth",
    "XeroClient",
    "XeroEndpoints",
    "XeroOAuth",
    "connect",
    "connect_custom",
]
