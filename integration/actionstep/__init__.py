"""Actionstep: OAuth, the REST client with its envelope quirks, and the resource mapping.

`client.ActionstepClient` is what the engine reads through; `auth` connects and refreshes (`ActionstepTokenSession`,
`ActionstepAuth`, `rest_base`); `cursor.Cursor` is the incremental-read position kept in the ledger. Every resource
name and field is in `resources`, several of them unconfirmed (see that module).
"""
