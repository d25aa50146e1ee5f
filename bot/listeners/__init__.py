"""Thin handlers: ack first, check who may act, audit, hand slow work to the job runner, render with `views`.
No business rules here: those are the Service's."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps
from bot.listeners import alerts, commands, home, mappings, reconcile, switch, unlinks


def register(app: App, deps: Deps) -> None:
    commands.register(app, deps)
    alerts.register(app, deps)
    switch.register(app, deps)
    home.register(app, deps)
    unlinks.register(app, deps)
    mappings.register(app, deps)
    reconcile.register(app, deps)
