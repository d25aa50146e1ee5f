"""Codes for set-up, connections and the remotes' answers: what stops or interrupts a whole run."""

from __future__ import annotations

from integration.errors.catalogue.entry import CatalogueEntry, entries

RUNS: dict[str, CatalogueEntry] = entries(
    # Set-up and connections
    CatalogueEntry(
        "config.invalid",
        "A setting is wrong",
        "A setting is missing or has a value the bot cannot use.",
        "Correct the variable named in the message and start the bot again.",
    ),
    CatalogueEntry(
        "secret.undecryptable",
        "Stored tokens cannot be read",
        "The stored connection tokens were encrypted with a different XEROBOT_SECRET_KEY.",
        "Set XEROBOT_SECRET_KEY back to the key used when the connection was made, or reconnect Xero and Actionstep.",
    ),
    CatalogueEntry(
        "store.out_of_date",
        "The database needs upgrading",
        "The ledger database is older than this version of the bot.",
        "Run `xerobot db upgrade` once, then start the bot again.",
    ),
    CatalogueEntry(
        "sync.in_progress",
        "A sync is already running",
        "Only one sync runs at a time, so nothing is posted twice.",
        "Wait for the running sync to finish; its report arrives when it does.",
    ),
    CatalogueEntry(
        "link.already_linked",
        "Already in Xero",
        "This document is already linked to a Xero document, so it is locked.",
        "Unlink it first (`/xero unlink NUMBER`) if it needs to be posted again.",
    ),
    CatalogueEntry(
        "auth.expired",
        "Connection expired",
        "The connection's tokens have expired or were revoked, so the bot cannot act for the firm.",
        "Reconnect from the link in `/xero status`, or check the client id and secret.",
    ),
    CatalogueEntry(
        "auth.missing_scope",
        "Connection lacks a Xero permission",
        "Xero refused a call because the connection was not granted the scope (permission) it needs; the message "
        "names the scope.",
        "Reconnect Xero with `/xero connect xero` and allow every permission Xero asks for; the README lists the "
        "scopes the bot asks for and why.",
    ),
    CatalogueEntry(
        "auth.expiring",
        "Connection about to expire",
        "The connection's refresh token expires within a week if the bot does not use it, and then the bot can no "
        "longer act for the firm.",
        "Run `/xero sync` (using the connection renews it), or reconnect from the link in `/xero status`.",
    ),
    CatalogueEntry(
        "remote.rate_limited",
        "Too many requests",
        "The remote asked the bot to slow down.",
        "Nothing to do: the bot waits and carries on.",
    ),
    CatalogueEntry(
        "remote.daily_limit",
        "Xero's daily limit reached",
        "Xero allows 5,000 API calls a day per organisation and today's are used up.",
        "Wait for Xero's day to roll over; the next sync carries on where this one stopped.",
    ),
    CatalogueEntry(
        "remote.daily_budget_low",
        "Xero's daily limit nearly used",
        "Xero allows 5,000 API calls a day per organisation and few of today's are left.",
        "Hold back large syncs until Xero's day rolls over; a sync that runs out stops cleanly and the next one "
        "carries on.",
    ),
    CatalogueEntry(
        "remote.unavailable",
        "Service not answering",
        "The remote did not answer or had an internal error.",
        "Nothing is lost: the next sync retries. If it persists, check the service's status page.",
    ),
    CatalogueEntry(
        "remote.rejected",
        "Rejected",
        "The remote refused the request.",
        "Read the message from the remote; correct the document or the mapping and sync again.",
    ),
    # The branches of the error tree, for errors that name no more exact code
    CatalogueEntry(
        "error.unexpected",
        "Unexpected problem",
        "Something went wrong that the bot has no plainer explanation for.",
        "Ask the firm's admin to look at the bot's log.",
    ),
    CatalogueEntry(
        "run.stopped",
        "The sync stopped",
        "A problem stopped the sync; nothing after it was posted.",
        "Fix the cause named in the message, then sync again.",
    ),
    CatalogueEntry(
        "run.interrupted",
        "The sync was interrupted",
        "The sync could not go on for now; the documents it did not reach are left for the next one.",
        "Nothing to do: the next sync carries on where this one stopped.",
    ),
    CatalogueEntry(
        "store.failed",
        "The ledger database refused",
        "The ledger database refused or could not carry out a change.",
        "Check that the database is reachable and up to date (`xerobot db upgrade`), then try again.",
    ),
    CatalogueEntry(
        "remote.failed",
        "Xero or Actionstep failed",
        "Xero or Actionstep did not do what the bot asked.",
        "Read the message from the service; if it persists, check the service's status page.",
    ),
    CatalogueEntry(
        "connect.unknown_service",
        "No such service",
        "Only Xero and Actionstep can be connected.",
        "Ask for `/xero connect xero` or `/xero connect actionstep`.",
    ),
    CatalogueEntry(
        "connect.link_invalid",
        "Connection link not valid",
        "The link used to connect is not one the bot made, or it is too old.",
        "Ask for a new link with `/xero connect xero` or `/xero connect actionstep`, and use it soon.",
    ),
    CatalogueEntry(
        "connect.state_refused",
        "Connection not completed",
        "The page that finishes connecting was opened twice, too late, or in another browser than the one the "
        "connect link was opened in, so it was refused: only the browser that started may finish, once.",
        "Ask for a new link with `/xero connect xero` or `/xero connect actionstep` and finish in the same browser.",
    ),
    CatalogueEntry(
        "connect.other_organisation",
        "Connecting another organisation",
        "Someone connected a different organisation than the one the ledger's posted documents are linked to, "
        "so the connection was refused and the old one kept.",
        "If the firm really moved, an approver confirms the switch on the alert; then connect again. Otherwise "
        "connect again and choose the organisation the bot already posts to.",
    ),
)
