"""Settings for the engine, read once at start from the environment (or `.env`).

Every field is named after its environment variable. `load_settings()` turns pydantic's validation errors into a
`ConfigError` that names each wrong variable and what it expects, so a misconfigured bot stops at start-up with a
sentence, not a traceback. The defaults make the embedded default work: SQLite in the working directory, and the
real Xero and Actionstep endpoints (which the sandboxes replace in demo and tests).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from integration.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///xerobot.db"


def _fernet_key_ok(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except (binascii.Error, ValueError):
        return False


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("expected an http(s) URL such as https://api.xero.com/api.xro/2.0")
    return value.rstrip("/")


class Settings(BaseSettings):
    """The engine's settings. Slack settings live with the Slack face (`bot.settings`)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL, description="SQLAlchemy URL of the ledger database"
    )
    xerobot_secret_key: SecretStr | None = Field(
        default=None, description="Fernet key(s) that encrypt stored tokens; comma-separated to rotate"
    )
    xero_client_id: str | None = None
    xero_client_secret: SecretStr | None = None
    xero_api_url: str = "https://api.xero.com/api.xro/2.0"
    xero_token_url: str = "https://identity.xero.com/connect/token"  # noqa: S105 (a URL, not a secret)
    actionstep_client_id: str | None = None
    actionstep_client_secret: SecretStr | None = None
    actionstep_api_url: str | None = None
    actionstep_token_url: str = "https://api.actionstep.com/api/oauth/token"  # noqa: S105 (a URL, not a secret)
    actionstep_refresh_token: SecretStr | None = None
    xerobot_public_url: str = "http://localhost:3000"
    xero_webhook_key: SecretStr | None = Field(
        default=None, description="Xero webhook signing key: POST /xero/webhooks answers 404 without one"
    )
    xerobot_unlink_expiry_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="minutes an unlink request waits for confirmation"
    )
    xerobot_unlink_two_person: bool = Field(
        default=False, description="true: whoever asks for an unlink cannot confirm it"
    )
    xerobot_drift_budget_percent: int = Field(
        default=10, ge=0, le=100, description="share of the day's Xero calls drift watching may use"
    )

    xerobot_payment_match_days: int = Field(
        default=7,
        ge=0,
        le=90,
        description="days apart a payment already in Xero may be dated and still be the Actionstep one",
    )
    xerobot_adopt_xero_payments: Literal["ask", "auto", "off"] = Field(
        default="ask",
        description="a payment Xero already shows (a bank feed's): ask with an alert, adopt it at once, or post",
    )

    @field_validator("xerobot_adopt_xero_payments", mode="before")
    @classmethod
    def _adopt(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("xerobot_public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        url = _http_url(value)
        assert url is not None
        return url

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme in ("postgres", "postgresql"):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        if scheme in ("sqlite", "postgresql+psycopg", "sqlite+pysqlite"):
            return value
        raise ValueError("expected sqlite:///path/to/xerobot.db or postgresql://user@host:5432/dbname")

    @field_validator("xero_webhook_key")
    @classmethod
    def _webhook_key(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @field_validator("xerobot_secret_key")
    @classmethod
    def _secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        keys = [k.strip() for k in value.get_secret_value().split(",") if k.strip()]
        if not all(_fernet_key_ok(k) for k in keys):
            raise ValueError(
                "expected a Fernet key (32 bytes, url-safe base64), or several separated by commas; "
                "generate one with `xerobot keygen`"
            )
        return SecretStr(",".join(keys))

    @field_validator("xero_api_url", "xero_token_url", "actionstep_token_url", "actionstep_api_url")
    @classmethod
    def _urls(cls, value: str | None) -> str | None:
        return _http_url(value)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def secret_keys(self) -> list[str]:
        """The encryption keys, newest first; empty when none is set."""
        if self.xerobot_secret_key is None:
            return []
        return self.xerobot_secret_key.get_secret_value().split(",")


def config_error_from(error: ValidationError) -> ConfigError:
    """Name every wrong variable and what it expects (never echoing the value: it may be a secret)."""
    pairs = [
        (
            str(item["loc"][0]).upper() if item["loc"] else "SETTINGS",
            str(item["msg"]).removeprefix("Value error, "),
        )
        for item in error.errors()
    ]
    return ConfigError(*pairs[0], *pairs[1:])


def load_settings(**overrides: Any) -> Settings:
    """Read the settings once; a wrong value raises `ConfigError` naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise config_error_from(error) from None
