"""Contacts in the sandbox: a name unique among active contacts, an optional ContactNumber for outside systems."""

from __future__ import annotations

from typing import Any

from sandboxes.xero import messages as msg
from sandboxes.xero.books import Contact, new_id
from sandboxes.xero.rules import Check, Context


def create(ctx: Context, raw: dict[str, Any]) -> tuple[Contact | None, Check]:
    """Validate one contact element and, when it passes, add the contact."""
    check = Check()
    name = str(raw.get("Name") or "").strip()
    if not name:
        check.fail(msg.CONTACT_NAME_REQUIRED)
    elif ctx.books.contact_by_name(name) is not None:
        check.fail(msg.contact_name_taken(name))
    if check.errors:
        return None, check
    contact = Contact(
        id=new_id(),
        name=name,
        number=str(raw["ContactNumber"]) if raw.get("ContactNumber") else None,
        email=str(raw["EmailAddress"]) if raw.get("EmailAddress") else None,
        updated=ctx.now,
    )
    ctx.books.contacts[contact.id] = contact
    return contact, check
