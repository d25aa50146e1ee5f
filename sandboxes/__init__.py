"""Local emulators of Xero, Actionstep and Slack's Web API for the demo and tests, written from the public docs.

`xero/` and `actionstep/` are WSGI apps that enforce the real services' rules (each rule names its source);
`server` serves both under one prefix; `demo_chart`, `actionstep.demo` and `backlog` hold the demo firm and a
generated backlog; `slack` records what the bot posts. Nothing in `integration` imports this package: the engine
never shares code with what it is tested against.
"""
