"""Drift watching: find the changes made in Xero to documents the bot posted.

`polling.py` reads what changed per endpoint since the ledger's cursor (`If-Modified-Since`, paged);
`watcher.py` compares each changed linked document with what the bot posted (`rules.drift`) and asks Xero's
History who changed it.
"""
