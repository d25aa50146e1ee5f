"""What every `xerobot` command module shares: the consoles, the actor name, the settings, and the decorator that
turns the bot's own errors into a message and an exit code instead of a traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from integration.errors import ConfigError, MappingRowsInvalid, XerobotError
from integration.settings import Settings, load_settings

P = ParamSpec("P")
R = TypeVar("R")

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)
CLI_ACTOR = "command line"


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the bot's own errors into a message and an exit code instead of a traceback: 2 for a wrong setting or
    rows that cannot be stored (one line each), 1 for anything else the bot refused or could not do."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ConfigError as error:
            errors.print(f"[bold red]Configuration problem[/] {error}", markup=True)
            raise typer.Exit(2) from None
        except MappingRowsInvalid as error:
            for line in error.lines:
                errors.print(line, markup=False, soft_wrap=True)
            errors.print(str(error), markup=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except XerobotError as error:
            errors.print(f"[bold red]Error[/] {error}\n[bold]Fix:[/] {error.fix}", markup=True)
            raise typer.Exit(1) from None

    return wrapper


def settings() -> Settings:
    return load_settings()
