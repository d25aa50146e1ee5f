"""Actionstep: OAuth, the REST client with its envelope quirks, and the resource mapping.

`client.ActionstepClient` is what the engine reads through; `auth` connects and refreshes (`ActionstepTokenSession`,
`ActionstepAuth`, `rest_base`); `listing.changed_since` reads what changed since a time, page by timestamp (where a
sync starts is `integration.sync.cursor`), and `listing.dated_between` a period's documents, page by date. Every resource name and field is in `resources`, several of them unconfirmed (see that module).
"""
