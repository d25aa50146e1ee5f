"""The `xerobot` command (typer): the composition root for the command line.

Errors the bot raises on purpose are printed as a sentence with their fix and a non-zero exit code; a wrong
setting exits with status 2 and names the variable.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from integration import bootstrap
from integration.errors import ConfigError, XerobotError
from integration.settings import Settings, load_settings

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="xerobot",
    help="Push approved Actionstep documents to Xero, exactly once, and keep bookkeepers informed in Slack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Manage the ledger database.", no_args_is_help=True)
app.add_typer(db_app, name="db")

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the bot's own errors into a message and an exit code instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ConfigError as error:
            errors.print(f"[bold red]Configuration problem[/] {error}", markup=True)
            raise typer.Exit(2) from None
        except XerobotError as error:
            errors.print(f"[bold red]Error[/] {error}\n[bold]Fix:[/] {error.fix}", markup=True)
            raise typer.Exit(1) from None

    return wrapper


def settings() -> Settings:
    return load_settings()


@db_app.command("upgrade")
@reports_errors
def db_upgrade() -> None:
    """Create or upgrade the ledger schema to the newest revision."""
    before, after = bootstrap.upgrade_database(settings())
    if before == after:
        console.print(f"The ledger is up to date (revision {after}).")
    else:
        console.print(f"Upgraded the ledger from revision {before or 'none'} to {after}.")


@db_app.command("status")
@reports_errors
def db_status() -> None:
    """Show the ledger's schema revision and whether it needs upgrading."""
    current, head = bootstrap.database_status(settings())
    state = "up to date" if current == head else "needs `xerobot db upgrade`"
    console.print(f"Ledger revision {current or 'none'}, newest {head}: {state}.")


@app.command()
def keygen() -> None:
    """Print a new key for XEROBOT_SECRET_KEY (to rotate, put it first: XEROBOT_SECRET_KEY=new,old)."""
    console.print(bootstrap.generate_secret_key(), markup=False)


def main() -> None:
    app()
