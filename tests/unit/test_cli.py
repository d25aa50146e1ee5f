"""The `xerobot` command: help, schema upgrades on both databases, and clear exits on bad settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.databases import BACKENDS, fresh_database_url


def xerobot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def base_env(tmp_path: Path) -> dict[str, str]:
    import os

    keep = {k: v for k, v in os.environ.items() if not k.startswith(("XERO", "ACTIONSTEP", "DATABASE_URL"))}
    return {**keep, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "COLUMNS": "200"}


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = xerobot("--help", env=base_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 0
    assert "db" in result.stdout and "keygen" in result.stdout


@pytest.mark.parametrize("backend", BACKENDS)
def test_db_upgrade_creates_the_schema_and_is_idempotent(backend: str, tmp_path: Path) -> None:
    with fresh_database_url(backend, tmp_path) as url:
        env = {**base_env(tmp_path), "DATABASE_URL": url, "XEROBOT_SECRET_KEY": ""}
        first = xerobot("db", "upgrade", env=env, cwd=tmp_path)
        assert first.returncode == 0, first.stderr
        assert "Upgraded the ledger from revision none to 0007" in first.stdout
        second = xerobot("db", "upgrade", env=env, cwd=tmp_path)
        assert "up to date" in second.stdout
        status = xerobot("db", "status", env=env, cwd=tmp_path)
        assert "Ledger revision 0007, newest 0007: up to date." in status.stdout


def test_a_wrong_setting_exits_with_status_2_naming_the_variable(tmp_path: Path) -> None:
    env = {**base_env(tmp_path), "DATABASE_URL": "oracle://nope"}
    result = xerobot("db", "upgrade", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_keygen_prints_a_key_the_settings_accept(tmp_path: Path) -> None:
    from integration.settings import load_settings

    key = xerobot("keygen", env=base_env(tmp_path), cwd=tmp_path).stdout.strip()
    assert load_settings(xerobot_secret_key=key).secret_keys == [key]
