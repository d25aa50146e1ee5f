"""The bot's OAuth registrations with Xero and Actionstep, built from settings (used to connect and to refresh)."""

from __future__ import annotations

import httpx

from integration.actionstep.auth import OAuthApp
from integration.clock import Clock
from integration.errors import ConfigError
from integration.settings import Settings
from integration.xero import XeroEndpoints, XeroOAuth


def xero_endpoints(settings: Settings) -> XeroEndpoints:
    return XeroEndpoints.from_settings(settings.xero_api_url, settings.xero_token_url)


def xero_oauth(settings: Settings, http: httpx.Client, clock: Clock) -> XeroOAuth:
    if not settings.xero_client_id or settings.xero_client_secret is None:
        raise ConfigError(
            "XERO_CLIENT_ID",
            "Xero is not configured: set XERO_CLIENT_ID and XERO_CLIENT_SECRET (README, 'Connecting Xero')",
        )
    secret = settings.xero_client_secret.get_secret_value()
    return XeroOAuth(http, settings.xero_client_id, secret, clock, endpoints=xero_endpoints(settings))


def actionstep_oauth_app(settings: Settings) -> OAuthApp:
    if not settings.actionstep_client_id or settings.actionstep_client_secret is None:
        raise ConfigError(
            "ACTIONSTEP_CLIENT_ID",
            "Actionstep is not configured: set ACTIONSTEP_CLIENT_ID and ACTIONSTEP_CLIENT_SECRET "
            "(README, 'Connecting Actionstep')",
        )
    production = settings.actionstep_token_url == Settings.model_fields["actionstep_token_url"].default
    authorize = (
        "https://go.actionstep.com/api/oauth/authorize"
        if production
        else settings.actionstep_token_url.removesuffix("/token") + "/authorize"
    )
    return OAuthApp(
        settings.actionstep_client_id,
        settings.actionstep_client_secret.get_secret_value(),
        f"{settings.xerobot_public_url}/oauth/actionstep/callback",
        token_url=settings.actionstep_token_url,
        authorize_endpoint=authorize,
    )
