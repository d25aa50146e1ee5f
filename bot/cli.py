"""The `xerobot` command (typer): the composition root for the command line.

Errors the bot raises on purpose are printed as a sentence with their fix and a non-zero exit code; a wrong
setting exits with status 2 and names the variable.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console

from bot.serve import serve_forever
from bot.settings import load_bot_settings
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


@app.command()
@reports_errors
def serve(
    port: Annotated[int, typer.Option(help="Port for POST /slack/events and GET /healthz.")] = 3000,
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 in a container).")] = "127.0.0.1",
) -> None:
    """Serve the Slack app over HTTP, or over Socket Mode when SLACK_APP_TOKEN is set."""
    slack = load_bot_settings()
    slack.require_for_serving()
    service = bootstrap.build_service(settings())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        serve_forever(slack, service, host, port)
    finally:
        service.close()


def main() -> None:
    app()
