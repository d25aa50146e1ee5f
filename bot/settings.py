"""Settings for the Slack face, read once at start from the environment (or `.env`), like the engine's.

A wrong value stops start-up with a `ConfigError` naming the variable and what it expects; secrets are never echoed.
Who may do what is configured by Slack id: `XEROBOT_BOOKKEEPERS` and `XEROBOT_APPROVERS` each take user ids
(`U…`, `W…`) and user group ids (`S…`), comma-separated; groups are resolved through Slack (`bot.roles`).
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.http_server import HttpLimits
from integration.errors import ConfigError
from integration.settings import config_error_from

SLACK_ID = re.compile(r"^[UWS][A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
WORKSPACE_ID = re.compile(r"^[TEA][A-Z0-9]{1,30}$")
HH_MM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

Members = Annotated[tuple[str, ...], NoDecode]


def _members(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value or ())
    members = tuple(item.strip() for item in items if item.strip())
    wrong = [m for m in members if not SLACK_ID.match(m)]
    if wrong:
        raise ValueError(
            "expected Slack user ids (U…) or user group ids (S…), comma-separated, e.g. U012AB3CD,S0614TZR7"
        )
    return members


class BotSettings(BaseSettings):
    """The Slack app's settings. The engine's (database, Xero, Actionstep) are `integration.settings.Settings`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = Field(default=None, description="Bot token, xoxb-…")
    slack_signing_secret: SecretStr | None = Field(default=None, description="Signing secret (HTTP mode)")
    slack_app_token: SecretStr | None = Field(
        default=None, description="App-level token, xapp-…: Socket Mode"
    )
    slack_api_url: str = DEFAULT_SLACK_API_URL
    xerobot_alerts_channel: str | None = None
    xerobot_bookkeepers: Members = ()
    xerobot_approvers: Members = ()
    # The scheduler (`bot.scheduler`)
    xerobot_summary_channel: str | None = None
    xerobot_summary_time: time = time(8, 0)
    xerobot_timezone: str = "Australia/Sydney"
    xerobot_sync_every: int = Field(default=0, description="minutes between auto-syncs; 0 = off")
    xerobot_drift_every: int = Field(
        default=60, description="minutes between looks for changes made in Xero; 0 = off"
    )
    xerobot_reconcile_day: int = Field(
        default=3,
        description="day of the month (1 to 28) the month-end reconciliation of the month before runs",
    )
    xerobot_missed_run_grace_hours: float = 6.0
    xerobot_log_format: Literal["text", "json"] = Field(
        default="text", description="text (readable) or json (one object a line, for a log shipper)"
    )
    xerobot_metrics_token: SecretStr | None = Field(
        default=None, description="when set, GET /metrics asks for Authorization: Bearer <token>"
    )
    # Who may send requests: anything signed for another workspace or app is refused (`bot.workspace`)
    slack_team_id: str | None = None
    slack_app_id: str | None = None
    # The HTTP server's limits (`bot.http_server`)
    xerobot_http_read_timeout: float = 10.0
    xerobot_http_idle_timeout: int = 30
    xerobot_http_max_body: int = 1024 * 1024
    xerobot_http_connections: int = 1000

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        return _token(
            value, "xoxb-", "a bot token starting with xoxb- (OAuth & Permissions > Bot User OAuth Token)"
        )

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        return _token(
            value, "xapp-", "an app-level token starting with xapp- (Basic Information > App-Level Tokens)"
        )

    @field_validator("slack_signing_secret")
    @classmethod
    def _signing_secret(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/]+", value):
            raise ValueError("expected the Slack Web API base URL, such as https://slack.com/api/")
        return value.rstrip("/") + "/"

    @field_validator("xerobot_alerts_channel", "xerobot_summary_channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not CHANNEL_ID.match(value.strip()):
            raise ValueError(
                "expected a channel id such as C0123ABCD (channel details > About, at the bottom)"
            )
        return value.strip()

    @field_validator("slack_team_id", "slack_app_id")
    @classmethod
    def _workspace_id(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not WORKSPACE_ID.match(value.strip()):
            raise ValueError("expected a Slack id such as T0123ABCD (team) or A0123ABCD (app)")
        return value.strip()

    @field_validator("xerobot_http_read_timeout", mode="before")
    @classmethod
    def _read_timeout(cls, value: Any) -> float:
        return _bounded(value, 1, 300, "seconds (1 to 300) a request's headers and body may take to arrive")

    @field_validator("xerobot_http_idle_timeout", mode="before")
    @classmethod
    def _idle_timeout(cls, value: Any) -> int:
        return int(
            _bounded(value, 1, 3600, "whole seconds (1 to 3600) an idle connection stays open", whole=True)
        )

    @field_validator("xerobot_http_max_body", mode="before")
    @classmethod
    def _max_body(cls, value: Any) -> int:
        return int(
            _bounded(
                value,
                64 * 1024,
                64 * 1024 * 1024,
                "bytes (65536 to 67108864) a request body may hold",
                whole=True,
            )
        )

    @field_validator("xerobot_http_connections", mode="before")
    @classmethod
    def _connections(cls, value: Any) -> int:
        return int(_bounded(value, 10, 10_000, "connections (10 to 10000) served at once", whole=True))

    @field_validator("xerobot_summary_time", mode="before")
    @classmethod
    def _summary_time(cls, value: Any) -> Any:
        if isinstance(value, time):
            return value
        match = HH_MM.match(str(value).strip())
        if match is None:
            raise ValueError("expected a time of day as HH:MM on the 24-hour clock, such as 08:00")
        return time(int(match[1]), int(match[2]))

    @field_validator("xerobot_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("expected an IANA time zone name, such as Australia/Sydney") from None
        return value.strip()

    @field_validator("xerobot_sync_every", mode="before")
    @classmethod
    def _sync_every(cls, value: Any) -> int:
        text = str(value).strip()
        if not text.isdigit():
            raise ValueError("expected whole minutes between automatic syncs, such as 30 (0 turns them off)")
        return int(text)

    @field_validator("xerobot_drift_every", mode="before")
    @classmethod
    def _drift_every(cls, value: Any) -> int:
        text = str(value).strip()
        if not text.isdigit():
            raise ValueError(
                "expected whole minutes between looks for changes made in Xero, such as 60 (0 = off)"
            )
        return int(text)

    @field_validator("xerobot_reconcile_day", mode="before")
    @classmethod
    def _reconcile_day(cls, value: Any) -> int:
        return int(
            _bounded(
                value,
                1,
                28,
                "a day of the month, 1 to 28, for the month-end reconciliation, such as 3",
                whole=True,
            )
        )

    @field_validator("xerobot_missed_run_grace_hours", mode="before")
    @classmethod
    def _grace(cls, value: Any) -> float:
        try:
            hours = float(str(value).strip())
        except ValueError:
            hours = -1.0
        if not 0 <= hours <= 24 * 7:
            raise ValueError(
                "expected hours (0 to 168) within which a run missed while the bot was down is made up"
            )
        return hours

    @field_validator("xerobot_bookkeepers", "xerobot_approvers", mode="before")
    @classmethod
    def _roles(cls, value: Any) -> tuple[str, ...]:
        return _members(value)

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.xerobot_timezone)

    @property
    def missed_run_grace(self) -> timedelta:
        return timedelta(hours=self.xerobot_missed_run_grace_hours)

    @property
    def http_limits(self) -> HttpLimits:
        return HttpLimits(
            read_timeout=self.xerobot_http_read_timeout,
            idle_timeout=self.xerobot_http_idle_timeout,
            max_body=self.xerobot_http_max_body,
            connections=self.xerobot_http_connections,
        )

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def require_for_serving(self) -> None:
        """Raise `ConfigError` naming every variable `xerobot serve` needs and lacks."""
        missing = []
        if self.slack_bot_token is None:
            missing.append(("SLACK_BOT_TOKEN", "required to serve Slack: the bot token, xoxb-…"))
        if self.slack_signing_secret is None and not self.socket_mode:
            missing.append(
                ("SLACK_SIGNING_SECRET", "required in HTTP mode (Basic Information > App Credentials)")
            )
        if missing:
            raise ConfigError(*missing[0], *missing[1:])


def _bounded(value: Any, low: float, high: float, expected: str, *, whole: bool = False) -> float:
    text = str(value).strip()
    try:
        number = float(text) if not whole or text.isdigit() else -1.0
    except ValueError:
        number = -1.0
    if not low <= number <= high:
        raise ValueError(f"expected {expected}")
    return number


def _token(value: SecretStr | None, prefix: str, expected: str) -> SecretStr | None:
    if value is None or not value.get_secret_value().strip():
        return None
    if not value.get_secret_value().strip().startswith(prefix):
        raise ValueError(f"expected {expected}")
    return SecretStr(value.get_secret_value().strip())


def load_bot_settings(**overrides: Any) -> BotSettings:
    """Read the Slack settings once; a wrong value raises `ConfigError` naming the variable."""
    try:
        return BotSettings(**overrides)
    except ValidationError as error:
        raise config_error_from(error) from None
