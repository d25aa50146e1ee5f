"""Where Xero lives: the accounting API, the identity endpoints and `/connections`.

Production spreads them over three hosts. The sandbox serves all of them under one base (`…/xero`), laid out like
Xero's paths, so `XeroEndpoints.from_settings` derives the rest from `XERO_API_URL` when it is not Xero's own.
"""

from __future__ import annotations

from dataclasses import dataclass

API_PATH = "/api.xro/2.0"
PRODUCTION_API_URL = "https://api.xero.com/api.xro/2.0"


@dataclass(frozen=True, slots=True)
class XeroEndpoints:
    """The four URLs the client needs."""

    api_url: str
    token_url: str
    authorize_url: str
    connections_url: str

    @classmethod
    def production(cls) -> XeroEndpoints:
        """Xero's own endpoints."""
        return cls(
            api_url=PRODUCTION_API_URL,
            token_url="https://identity.xero.com/connect/token",  # noqa: S106 (a URL, not a secret)
            authorize_url="https://login.xero.com/identity/connect/authorize",
            connections_url="https://api.xero.com/connections",
        )

    @classmethod
    def under(cls, base: str) -> XeroEndpoints:
        """Every endpoint below one base, as the sandbox serves them (`http://127.0.0.1:8765/xero`)."""
        base = base.rstrip("/")
        return cls(
            api_url=base + API_PATH,
            token_url=base + "/connect/token",
            authorize_url=base + "/identity/connect/authorize",
            connections_url=base + "/connections",
        )

    @classmethod
    def from_settings(cls, api_url: str, token_url: str) -> XeroEndpoints:
        """Production when `api_url` is Xero's; otherwise the sandbox layout below `api_url`'s base."""
        api_url = api_url.rstrip("/")
        if api_url == PRODUCTION_API_URL:
            endpoints = cls.production()
        else:
            endpoints = cls.under(api_url.removesuffix(API_PATH))
        return cls(endpoints.api_url, token_url, endpoints.authorize_url, endpoints.connections_url)
