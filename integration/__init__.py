"""The engine: reads Actionstep, posts to Xero exactly once, keeps the ledger. Knows nothing of Slack."""
