"""`xerobot demo`: the real Slack app over the embedded demo, in a terminal; the same entries from a script."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from bot.console import run_console

ROOT = Path(__file__).resolve().parents[2]


def test_a_script_runs_commands_and_buttons_and_shows_what_slack_would(tmp_path: Path) -> None:
    console = Console(record=True, width=120, force_terminal=False)
    script = [
        "/xero sync",  # six alerts, four buttons each for mapping problems, three for the others
        "12",  # Fix mapping on "Account not mapped" (5040 Courier Costs)
        "8",  # the eighth account offered: 429 General Expenses
        "17",  # Ignore on "Inside Xero's lock date"
        "The adviser moves the lock date on Friday",
        "@stranger [Retry]",
        "/xero unlink RCT-5001",
        "[Unlink and void in Xero]",
        "home",
    ]
    session = run_console(tmp_path, console, script)
    shown = console.export_text()

    assert "Sync #1 finished" in shown and "#xero-alerts · xerobot" in shown
    assert "Ignored by @you" in shown and "“The adviser moves the lock date on Friday”" in shown
    assert "Saved: 5040 now maps to 429, and the problem is gone." in shown
    assert "Sorry, only the firm's bookkeepers can retry alerts." in shown
    assert "Unlinked RCT-5001" in shown and "confirmed by @you (Unlink and void in Xero)" in shown
    assert "Home tab" in shown and "Open alerts (" in shown
    assert session.slack.of("views.publish") and not [
        c for c in session.slack.calls if c.body.get("ok") is False
    ]


def test_xerobot_demo_runs_a_script_file_without_a_terminal(tmp_path: Path) -> None:
    script = tmp_path / "demo.txt"
    script.write_text(
        "# two syncs: the second posts nothing again\n/xero sync\n/xero sync\n/xero unlink INV-1001\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--script", str(script)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Sync #1 finished" in result.stdout and "Sync #2: posted 0" in result.stdout
    assert "Unlink INV-1001?" in result.stdout and "Unlink and void in Xero" in result.stdout
    assert re.search(r"Xero now holds \d+ documents, each exactly once\.", result.stdout)
