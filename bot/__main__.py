"""`python -m bot` runs the `xerobot` command."""

from bot.cli import main

main()
