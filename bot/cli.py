"""The `xerobot` command (typer): the composition root for the command line.

Errors the bot raises on purpose are printed as a sentence with their fix and a non-zero exit code; a wrong
setting exits with status 2 and names the variable. Every command that builds the service starts it through
`integration.app.startup`, which checks the settings, the database and the clients before any work.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from slack_sdk.errors import SlackApiError

from bot import logs
from bot.app import web_client
from bot.cli_mappings import mappings_app
from bot.cli_reconcile import reconcile
from bot.cli_support import CLI_ACTOR, console, errors, reports_errors, settings
from bot.console import DEMO_SCRIPT, run_console
from bot.first_hour import DEMO_MAPPINGS_FILE, first_steps, write_demo_mappings
from bot.scheduler import next_runs, plan_from, publish_summary
from bot.serve import serve_forever
from bot.settings import load_bot_settings
from bot.terminal import (
    print_drift,
    print_report,
    print_summary,
    print_unlink_outcome,
    print_watching,
    problems_panel,
    unlink_panel,
)
from integration.app import (
    bootstrap,
    drift_to_dict,
    last_pass_to_dict,
    startup,
    to_dict,
    webhooks_to_dict,
)
from integration.domain import RunStatus, UnlinkState
from integration.errors import ConfigError, TwoPersonRule
from sandboxes.server import Sandboxes, settings_for

app = typer.Typer(
    name="xerobot",
    help="Push approved Actionstep documents to Xero, exactly once, and keep bookkeepers informed in Slack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Manage the ledger database.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(mappings_app, name="mappings")
app.command(name="reconcile")(reconcile)


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
@reports_errors
def sync(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be posted; post nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Push every approved Actionstep document that is not in Xero yet, and print the report."""
    service = startup.start(settings())
    try:
        # A real sync raises its alerts, so Slack, App Home and the daily summary see what failed here too.
        report = (
            service.preview("cli", "command line") if dry_run else service.sync("cli", "command line").report
        )
    finally:
        service.close()
    if as_json:
        console.print_json(data=to_dict(report))
    else:
        print_report(console, report)
    if report.status is not RunStatus.OK:
        raise typer.Exit(1)


@app.command()
@reports_errors
def drift(
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Look once for changes made in Xero to documents the bot posted, then show the latest pass and Xero's
    webhook events; exit 1 when any drift alert is open."""
    service = startup.start(settings())
    try:
        found = service.drift()
        last = service.last_drift()
        events = service.webhooks.tally()
        receiving = service.webhooks.enabled
    finally:
        service.close()
    if as_json:
        console.print_json(
            data={
                **drift_to_dict(found),
                "last_pass": last_pass_to_dict(last),
                "webhooks": {"enabled": receiving, **webhooks_to_dict(events)},
            }
        )
    else:
        print_drift(console, found)
        print_watching(console, last, events if receiving or events.received else None)
    if found.findings or found.open_alerts:
        raise typer.Exit(1)


@app.command()
@reports_errors
def check() -> None:
    """Check every account mapping against Xero's chart before anything is sent."""
    service = startup.start(settings())
    try:
        problems = service.check()
    finally:
        service.close()
    console.print(problems_panel(problems, title="Mapping check"))
    if any(p.documents for p in problems):
        raise typer.Exit(1)


@app.command()
@reports_errors
def summary(
    post: Annotated[
        bool,
        typer.Option(
            "--post", help="Post it to XEROBOT_SUMMARY_CHANNEL now; the next summary starts from here."
        ),
    ] = False,
) -> None:
    """Show the sync summary since the last posted one (what the daily summary would say now)."""
    slack = load_bot_settings()
    channel = slack.xerobot_summary_channel
    if post and channel is None:
        raise ConfigError(
            "XEROBOT_SUMMARY_CHANNEL", "required to post the summary: a channel id such as C0123ABCD"
        )
    if post and slack.slack_bot_token is None:
        raise ConfigError("SLACK_BOT_TOKEN", "required to post the summary: the bot token, xoxb-…")
    runs = next_runs(plan_from(slack), datetime.now(UTC))
    service = startup.start(settings())
    try:
        if post and channel is not None:
            made = publish_summary(service, web_client(slack), channel, runs)
        else:
            made = service.summary()
    except SlackApiError as error:
        errors.print(f"Slack refused the summary: {error.response.get('error')}", markup=False)
        raise typer.Exit(1) from None
    finally:
        service.close()
    print_summary(console, made, runs, slack.timezone)
    if post:
        console.print(f"Posted to {channel}.", markup=False)


@app.command()
@reports_errors
def demo(
    backlog: Annotated[int, typer.Option(help="Add a generated backlog of this many documents.")] = 0,
    script: Annotated[
        Path | None, typer.Option(help="Run the entries in this file (one per line) instead of asking.")
    ] = None,
) -> None:
    """The Slack app in your terminal over the embedded demo: both sandboxes and a fake Slack in-process.

    Type /xero commands and press buttons by number. Without a terminal (and without --script), it runs a short
    built-in script: two syncs (the second posts nothing again) and the status."""
    if script is not None:
        lines: list[str] | None = script.read_text().splitlines()
    else:
        lines = None if sys.stdin.isatty() else list(DEMO_SCRIPT)
    with tempfile.TemporaryDirectory(prefix="xerobot-demo-") as directory:
        session = run_console(Path(directory), console, lines, backlog=backlog)
        console.print(f"Xero now holds {session.sandboxes.xero_documents():,} documents, each exactly once.")


@app.command()
def sandbox(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    backlog: Annotated[int, typer.Option(help="Add a generated backlog of this many documents.")] = 0,
    mappings_file: Annotated[
        Path, typer.Option(help="Where to write the demo firm's mappings as a CSV for `mappings import`.")
    ] = Path(DEMO_MAPPINGS_FILE),
) -> None:
    """Serve the Xero and Actionstep sandboxes (the demo firm) over HTTP until interrupted, after printing the
    settings that point the bot at them and the commands to a first sync that posts."""
    import waitress

    sandboxes = Sandboxes.demo(backlog=backlog)
    console.print(f"Sandboxes on http://{host}:{port} (Xero at /xero, Actionstep at /actionstep).")
    console.print("Point the bot at them with:\n")
    for name, value in settings_for(f"http://{host}:{port}").items():
        console.print(f"export {name}={value}", markup=False)
    written = write_demo_mappings(mappings_file)
    if not written:
        console.print(
            f"\n{mappings_file} exists and is not the demo's mappings: left as it is.", markup=False
        )
    console.print("")
    for line in first_steps(mappings_file if written else None):
        console.print(line, markup=False, soft_wrap=True)
    sys.stdout.flush()
    waitress.serve(sandboxes, host=host, port=port, threads=8, _quiet=True)


@app.command(name="connect")
@reports_errors
def connect_command(
    remote: Annotated[str, typer.Argument(help="xero or actionstep")],
) -> None:
    """Print a link (good once, for 15 minutes) that authorises the bot with Xero or Actionstep in a browser; `xerobot
    serve` must be running at XEROBOT_PUBLIC_URL to take the callback."""
    service = startup.start(settings())
    try:
        if service.connector is None:
            raise typer.Exit(1)
        link = service.connector.link(remote.lower(), actor="command line")
    finally:
        service.close()
    console.print("Open this link once, in a browser, within 15 minutes:\n", markup=False)
    console.print(link, markup=False, soft_wrap=True)


@app.command()
@reports_errors
def unlink(
    number: Annotated[str, typer.Argument(help="the invoice, credit note or payment number, e.g. INV-123")],
    void_in_xero: Annotated[
        bool, typer.Option("--void-in-xero", help="Also delete the payments and void the document in Xero.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Unlink a posted document so it can be corrected in Actionstep: payments first, then the document."""
    service = startup.start(settings())
    try:
        if service.unlinks.policy.two_person:
            raise TwoPersonRule(
                "With XEROBOT_UNLINK_TWO_PERSON=true an unlink needs a second person: ask for it with "
                f"`/xero unlink {number}` in Slack, and another approver confirms it there."
            )
        request = service.unlinks.request(number, CLI_ACTOR)
        console.print(unlink_panel(request.plan, void_in_xero))
        if void_in_xero and request.plan.void_refused:
            service.unlinks.cancel(request.id, CLI_ACTOR)
            raise typer.Exit(1)
        question = f"Unlink {request.number}{' and void it in Xero' if void_in_xero else ''}?"
        if not yes and not typer.confirm(question, default=False):
            service.unlinks.cancel(request.id, CLI_ACTOR)
            console.print("Nothing was changed.")
            raise typer.Exit(1)
        outcome = service.unlinks.confirm(request.id, CLI_ACTOR, void_in_xero=void_in_xero)
    finally:
        service.close()
    print_unlink_outcome(console, outcome.request)
    if outcome.request.state is not UnlinkState.DONE:
        raise typer.Exit(1)


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
    service = startup.start(settings())
    logs.configure(logging.INFO, style=slack.xerobot_log_format)
    try:
        serve_forever(slack, service, host, port)
    finally:
        service.close()


def main() -> None:
    app()
