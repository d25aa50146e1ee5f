"""The sandbox's consent page: what a person sees at Xero's authorize URL before the app gets a code.

Xero's real page asks the person to log in, choose an organisation and click "Allow access" (or "Cancel", which
sends the browser back with `error=access_denied`, RFC 6749 §4.1.2.1). The sandbox shows one organisation and the
two buttons, with no login: the person is taken to be logged in already (our choice; the sandbox has no users). The
form posts back to the same path with the authorize request's parameters and the decision.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

ALLOW = "allow"
DENY = "deny"


def consent_page(params: Mapping[str, str], organisation: str, scopes: str) -> bytes:
    """The page for one authorize request; `params` are its query parameters, carried in hidden fields."""
    hidden = "".join(
        f"<input type='hidden' name='{html.escape(name)}' value='{html.escape(value)}'>"
        for name, value in params.items()
    )
    listed = "".join(f"<li>{html.escape(scope)}</li>" for scope in scopes.split())
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Xero | Allow access</title></head>"
        "<body style='font-family:sans-serif;max-width:36em;margin:4em auto'>"
        f"<h1>Allow access to {html.escape(organisation)}?</h1>"
        f"<p>The app <strong>{html.escape(params.get('client_id', ''))}</strong> would like to:</p><ul>{listed}</ul>"
        f"<form method='post' action='authorize'>{hidden}"
        f"<button type='submit' name='decision' value='{ALLOW}'>Allow access</button> "
        f"<button type='submit' name='decision' value='{DENY}'>Cancel</button>"
        "</form></body></html>"
    ).encode()
