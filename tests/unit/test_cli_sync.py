"""`xerobot sync` against `xerobot sandbox` over loopback HTTP, as an admin would try the bot headlessly."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

from sandboxes import demo_chart
from sandboxes.server import settings_for
from tests.unit.test_cli import base_env, xerobot


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_listening(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listened on port {port}")


def test_a_headless_sync_against_the_served_sandboxes_posts_the_demo_firm(tmp_path: Path) -> None:
    port = free_port()
    env = {**base_env(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--port", str(port)],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        wait_until_listening(port)
        env |= settings_for(f"http://127.0.0.1:{port}")
        mappings = tmp_path / "mappings.csv"
        mappings.write_text(
            "kind,source,xero\n" + "".join(f"{k},{s},{x}\n" for k, s, x in demo_chart.DEMO_MAPPINGS)
        )
        imported = xerobot("mappings", "import", str(mappings), env=env, cwd=tmp_path)
        assert imported.returncode == 0, imported.stderr
        first = xerobot("sync", "--json", env=env, cwd=tmp_path)
        report = json.loads(first.stdout)
        assert report["status"] == "ok", first.stderr
        outcomes = [item["outcome"] for item in report["items"]]
        assert (outcomes.count("posted"), outcomes.count("adopted")) == (21, 1)  # RCT-5004: the bank feed's
        check = xerobot("check", env=env, cwd=tmp_path)
        assert check.returncode == 1 and "Courier Costs" in check.stdout
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_importing_a_malformed_mappings_file_names_the_bad_rows(tmp_path: Path) -> None:
    mappings = tmp_path / "mappings.csv"
    mappings.write_text("account,5040\nplanet,1,2\n")
    result = xerobot("mappings", "import", str(mappings), env=base_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "Row 1: 2 columns" in result.stderr and "Row 2: unknown kind 'planet'" in result.stderr


def test_the_commands_xerobot_sandbox_prints_take_an_empty_ledger_to_a_first_sync_that_posts(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {**base_env(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--port", str(port)],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        printed: list[str] = []
        while not (printed and printed[-1].startswith("  xerobot sync  ")):
            line = server.stdout.readline() if server.stdout else ""
            assert line, "xerobot sandbox stopped before printing its first steps:\n" + "".join(printed)
            printed.append(line)
        wait_until_listening(port)
        env |= dict(
            line.removeprefix("export ").strip().split("=", 1)
            for line in printed
            if line.startswith("export ")
        )
        steps = [line.split("#")[0].split() for line in printed if line.startswith("  xerobot ")]
        assert ["xerobot", "mappings", "suggest", "--apply"] in steps
        assert any("mappings import xerobot-demo-mappings.csv" in line for line in printed)
        assert (tmp_path / "xerobot-demo-mappings.csv").read_text().count("\n") == len(
            demo_chart.DEMO_MAPPINGS
        ) + 1
        for step in steps[:-1]:
            done = xerobot(*step[1:], env=env, cwd=tmp_path)
            assert done.returncode == 0, (step, done.stderr)
        first = xerobot("sync", "--json", env=env, cwd=tmp_path)
        outcomes = [item["outcome"] for item in json.loads(first.stdout)["items"]]
        assert outcomes.count("posted") >= 15, first.stderr
    finally:
        server.terminate()
        server.wait(timeout=30)
