"""The embedded demo's composition root: both sandboxes in-process with the demo firm, a fresh SQLite ledger and
the bot connected to them the way a headless install is. It lives in the Slack face because the engine never
imports the sandboxes."""

from __future__ import annotations

from pathlib import Path

from integration.app import Service, bootstrap
from integration.clock import Clock
from sandboxes import demo_chart
from sandboxes.server import Sandboxes, settings_for

SANDBOX_BASE = "http://sandbox.local"
DEMO_LEDGER = "xerobot-demo.db"  # in the directory given to `build_demo`
DEMO_MAPPINGS = demo_chart.DEMO_MAPPINGS


def build_demo(
    directory: Path, *, sandboxes: Sandboxes | None = None, clock: Clock | None = None, backlog: int = 0
) -> tuple[Service, Sandboxes]:
    """The embedded default: both sandboxes in-process with the demo firm, a fresh SQLite ledger in `directory`
    with the demo mappings, and the bot connected to both the way a headless install is."""
    sandboxes = sandboxes or Sandboxes.demo(clock=clock, backlog=backlog)
    service = bootstrap.build_local(
        directory / DEMO_LEDGER,
        settings_for(SANDBOX_BASE),
        sandboxes,
        clock=sandboxes.clock,
        mappings=DEMO_MAPPINGS,
    )
    return service, sandboxes
