"""Pure functions from our domain objects to Block Kit, built with `slack_sdk.models` so Slack's limits are checked
when a message is serialised (`Message.payload`). Nothing here calls Slack or the engine.

Every string that comes from outside (Actionstep, Xero, people) goes through `text.escape` before it is put in
mrkdwn, so a contact named `<!channel>` is shown, not obeyed.
"""
