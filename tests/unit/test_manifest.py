"""`manifest.yml` is a valid Slack app manifest (checked against Slack's own schema, kept in ../shared) and agrees
with the code: the command it registers, the path it sends requests to, the events the app listens for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot import ids
from bot.web import EVENTS_PATH

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT.parent / "shared" / "slack-manifest-schema" / "manifest.schema.1.0.0.json"


@pytest.fixture
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text())
    return loaded


def test_the_manifest_is_valid_against_slacks_schema(manifest: dict[str, Any]) -> None:
    if not SCHEMA.exists():
        pytest.skip(
            f"Slack's manifest schema is not at {SCHEMA} (it lives in ../shared, outside the repository)"
        )
    jsonschema.validate(manifest, json.loads(SCHEMA.read_text()))


def test_the_schema_check_would_catch_a_broken_manifest(manifest: dict[str, Any]) -> None:
    if not SCHEMA.exists():
        pytest.skip(
            f"Slack's manifest schema is not at {SCHEMA} (it lives in ../shared, outside the repository)"
        )
    manifest["features"]["slash_commands"][0]["command"] = "xero"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(manifest, json.loads(SCHEMA.read_text()))


def test_the_manifest_registers_the_command_events_and_scopes_the_app_uses(manifest: dict[str, Any]) -> None:
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == ids.COMMAND and "sync" in command["usage_hint"]
    urls = [
        command["url"],
        manifest["settings"]["interactivity"]["request_url"],
        manifest["settings"]["event_subscriptions"]["request_url"],
    ]
    assert all(url.startswith("https://") and url.endswith(EVENTS_PATH) for url in urls)
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["oauth_config"]["scopes"]["bot"] == [
        "commands",
        "chat:write",
        "files:write",
        "usergroups:read",
    ]
