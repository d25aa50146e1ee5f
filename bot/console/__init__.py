"""`xerobot demo`: the Slack app in a terminal, over the embedded demo (see `session`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from rich.console import Console

from bot.console.session import DEMO_SCRIPT, Session

__all__ = ["DEMO_SCRIPT", "run_console"]


def run_console(
    directory: Path, console: Console, lines: Iterable[str] | None = None, *, backlog: int = 0
) -> Session:
    """Run the console over a fresh demo in `directory`: `lines` (a script) or, without them, what the person
    types. Returns the closed session (tests look at what reached Slack)."""
    session = Session(directory, console, backlog=backlog)
    try:
        console.rule("Harbour & Finch Lawyers: Actionstep -> Xero, in a Slack console")
        console.print(
            f"Actionstep sandbox: {session.sandboxes.actionstep_documents():,} documents. You are @you, a bookkeeper "
            "and approver, in #books; alerts go to #xero-alerts.\nType /xero help, /xero sync, a button's number, "
            "[Button label], home, or quit. Prefix @colleague or @stranger to act as someone else.\n"
        )
        if lines is None:
            session.run(_typed(console), echo=False)
        else:
            session.run(iter(lines))
    finally:
        session.close()
    return session


def _typed(console: Console) -> Iterator[str]:
    while True:
        try:
            yield console.input("[bold]you> [/]")
        except (EOFError, KeyboardInterrupt):
            return
