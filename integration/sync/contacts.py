"""Finds, or creates, the Xero contact for each Actionstep contact a sync meets.

Contacts are matched on ContactNumber "AS-<Actionstep id>" (Xero's field for identifying contacts in other systems).
Xero requires names to be unique among active contacts, so when the name is taken: a Xero contact with that name and
no number (keyed in by hand) is adopted; one that belongs to another Actionstep contact is left alone, and this one
is created as "Name (AS-<id>)". Xero's contacts are listed once per run, so deciding all this costs no look-ups.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from integration.domain import Contact
from integration.ports import ActionstepGateway, XeroGateway
from integration.rules.posting import batch_key

MAX_BATCH = 50
NEW_CONTACT = "(created on the first real sync)"


def contact_number(actionstep_id: str) -> str:
    return f"AS-{actionstep_id}"


def contact_body(contact: Contact, *, disambiguate: bool = False) -> dict[str, Any]:
    """The Xero contact for an Actionstep contact; `disambiguate` adds the number to the name, for a second client
    with the same name."""
    number = contact_number(contact.id)
    name = contact.name.strip() or number
    if disambiguate:
        name = f"{name[: 255 - len(number) - 3]} ({number})"
    body: dict[str, Any] = {"Name": name[:255], "ContactNumber": number}
    if contact.email:
        body["EmailAddress"] = contact.email
    return body


class ContactDirectory:
    """Actionstep contact id -> Xero ContactID, creating contacts in Xero as needed."""

    def __init__(self, xero: XeroGateway, actionstep: ActionstepGateway) -> None:
        self._xero = xero
        self._actionstep = actionstep
        self.ids: dict[str, str] = {}
        self.failures: dict[str, str] = {}
        self._by_number: dict[str, str] | None = None
        self._by_name: dict[str, tuple[str, str | None]] = {}

    def _listing(self) -> dict[str, str]:
        if self._by_number is None:
            contacts = self._xero.all_contacts()
            self._by_number = {number: xero_id for xero_id, number, _ in contacts if number}
            self._by_name = {name.casefold(): (xero_id, number) for xero_id, number, name in contacts}
        return self._by_number

    def ensure(self, actionstep_ids: Iterable[str], *, create: bool = True) -> dict[str, str]:
        """Make sure each contact exists in Xero; returns the whole id map (failures are in `self.failures`).
        With `create=False` (a preview) nothing is written: contacts Xero lacks map to `NEW_CONTACT`."""
        wanted = sorted({i for i in actionstep_ids if i and i not in self.ids and i not in self.failures})
        if not wanted:
            return self.ids
        known = self._listing()
        missing = []
        for actionstep_id in wanted:
            xero_id = known.get(contact_number(actionstep_id))
            if xero_id:
                self.ids[actionstep_id] = xero_id
            else:
                missing.append(actionstep_id)
        if missing and create:
            self._create(missing)
        elif missing:
            self.ids.update(dict.fromkeys(missing, NEW_CONTACT))
        return self.ids

    def _create(self, actionstep_ids: list[str]) -> None:
        details = self._actionstep.contacts(actionstep_ids)
        for absent in set(actionstep_ids) - set(details):
            self.failures[absent] = f"Contact {absent} was not found in Actionstep."
        bodies: list[tuple[Contact, dict[str, Any]]] = []
        for contact in (details[i] for i in actionstep_ids if i in details):
            taken = self._by_name.get(contact.name.strip().casefold())
            if taken is not None and not taken[1]:  # keyed into Xero by hand: it is this contact
                self.ids[contact.id] = taken[0]
                continue
            body = contact_body(contact, disambiguate=taken is not None)
            self._by_name[body["Name"].casefold()] = (
                "",
                body["ContactNumber"],
            )  # claimed, also within this batch
            bodies.append((contact, body))
        for start in range(0, len(bodies), MAX_BATCH):
            chunk = bodies[start : start + MAX_BATCH]
            key = batch_key(f"{b['ContactNumber']}:{b['Name']}" for _, b in chunk)
            outcomes = self._xero.create_contacts([b for _, b in chunk], key)
            for (contact, body), outcome in zip(chunk, outcomes, strict=True):
                if outcome.ok and outcome.xero_id:
                    self.ids[contact.id] = outcome.xero_id
                    self._by_name[body["Name"].casefold()] = (outcome.xero_id, body["ContactNumber"])
                else:
                    reason = "; ".join(m for _, m in outcome.errors) or "Xero refused the contact."
                    self.failures[contact.id] = (
                        f"Contact {contact.name} could not be created in Xero: {reason}"
                    )
