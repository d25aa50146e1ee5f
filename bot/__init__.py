"""The Slack face of xerobot: commands, buttons, messages and the `xerobot` command line.

Nothing here knows Xero's or Actionstep's wire formats; it talks to the engine through `integration.app.service`.
"""
