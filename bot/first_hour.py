"""The first hour with the sandboxes: what `xerobot sandbox` prints after the settings, so a new user gets from an
empty ledger to a first sync that posts, and the demo firm's own mappings as a CSV file `mappings import` reads."""

from __future__ import annotations

from pathlib import Path

from sandboxes.demo_chart import DEMO_MAPPINGS

DEMO_MAPPINGS_FILE = "xerobot-demo-mappings.csv"


def demo_mappings_csv() -> str:
    """The demo firm's mappings (with its deliberate problems: an archived account, one without a code)."""
    return "kind,source,xero\n" + "".join(f"{kind},{source},{xero}\n" for kind, source, xero in DEMO_MAPPINGS)


def write_demo_mappings(path: Path) -> bool:
    """Write the demo mappings to `path` unless a different file is there already; True when `path` holds them."""
    text = demo_mappings_csv()
    if path.exists():
        return path.read_text(encoding="utf-8", errors="replace") == text
    path.write_text(text, encoding="utf-8")
    return True


def first_steps(mappings_file: Path | None) -> list[str]:
    """The commands from an empty ledger to a first sync that posts, one line each (run with the settings above)."""
    steps = [
        "Then, in another terminal with those settings exported:",
        "  xerobot db upgrade                      # create the ledger",
        "  xerobot mappings suggest                # what each unmapped account should map to, and how sure",
        "  xerobot mappings suggest --apply        # accept the suggestions",
    ]
    if mappings_file is not None:
        steps.append(
            f"  (or: xerobot mappings import {mappings_file}   # the demo firm's own mappings instead)"
        )
    steps += [
        "  xerobot sync --dry-run                  # what a sync would post",
        "  xerobot sync                            # post it; `xerobot check` lists what still blocks a document",
    ]
    return steps
