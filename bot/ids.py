"""Every action_id, callback_id and block_id the app uses, in one place: views put them on buttons and modals,
listeners match on them, and a rename cannot leave one side behind.

Button values carry the alert (or unlink request) id only, or for Sign off the month and the fingerprint of the
reconciliation shown; the listener always reads the live state (or has the use case check it) before acting.
"""

from __future__ import annotations

COMMAND = "/xero"

# Buttons on an alert message
ALERT_RETRY = "alert.retry"
ALERT_IGNORE = "alert.ignore"
ALERT_UNIGNORE = "alert.unignore"
ALERT_DETAILS = "alert.details"
ALERT_FIX = "alert.fix"
ALERT_LINK_PAYMENT = "alert.link_payment"  # a payment Xero already shows: link the Actionstep one to it
ALERT_POST_ANYWAY = "alert.post_anyway"
# Drift alerts (a change made in Xero): Check again replaces Retry; the others fit the kind of change
ALERT_CHECK_AGAIN = "alert.check_again"
ALERT_UNLINK_LEDGER = (
    "alert.unlink_ledger"  # the document is no longer what the bot posted: unlink it in the ledger
)
ALERT_ADOPT_PAYMENT = "alert.adopt_payment"  # Xero shows a payment the bot did not post: it is the firm's own
# A connect to another organisation was refused: approvers confirm the switch
ALERT_CONFIRM_SWITCH = "alert.confirm_switch"
ALERT_ACTIONS = (
    ALERT_RETRY, ALERT_IGNORE, ALERT_UNIGNORE, ALERT_DETAILS, ALERT_FIX, ALERT_LINK_PAYMENT, ALERT_POST_ANYWAY,
    ALERT_CHECK_AGAIN, ALERT_UNLINK_LEDGER, ALERT_ADOPT_PAYMENT, ALERT_CONFIRM_SWITCH,
)  # fmt: skip

# Modals
IGNORE_MODAL = "alert.ignore.modal"
IGNORE_REASON_BLOCK = "reason"
IGNORE_REASON_INPUT = "reason.input"
FIX_MODAL = "alert.fix.modal"
FIX_ACCOUNT_BLOCK = "account"
FIX_ACCOUNT_INPUT = "account.input"
DETAILS_MODAL = "alert.details.modal"

# The `/xero mappings` modal: a radio (accept the ticked / all), checkbox groups of suggestions, a picker per row
MAPPINGS_MODAL = "mappings.modal"
MAPPINGS_MODE_BLOCK = "mappings.mode"
MAPPINGS_MODE_INPUT = "mappings.mode.input"
MAPPINGS_ACCEPT_BLOCK = "mappings.accept"  # + ":<group>"
MAPPINGS_ACCEPT_INPUT = "mappings.accept.input"
MAPPINGS_PICK_BLOCK = "mappings.pick"  # + ":<row>"
MAPPINGS_PICK_INPUT = "mappings.pick.input"

# Buttons on an unlink request's message (value: the request id)
UNLINK_CONFIRM = "unlink.confirm"
UNLINK_CONFIRM_VOID = "unlink.confirm_void"
UNLINK_CANCEL = "unlink.cancel"
UNLINK_RETRY = "unlink.retry"
UNLINK_ACTIONS = (UNLINK_CONFIRM, UNLINK_CONFIRM_VOID, UNLINK_CANCEL, UNLINK_RETRY)

# The Sign off button on a month-end message (value: `YYYY-MM:<fingerprint>`, block `reconcile:YYYY-MM`)
RECONCILE_SIGN_OFF = "reconcile.sign_off"
