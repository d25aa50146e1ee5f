"""Finds, or creates, the Xero contact for each Actionstep contact a sync meets.

Contacts are matched on ContactNumber "AS-<Actionstep id>" (Xero's field for identifying contacts in other systems);
a Xero contact with the same name and no number is adopted rather than duplicated, since Xero requires names to be
unique among active contacts. Answers are cached for the run, so each contact costs at most one look-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from integration.domain import Contact
from integration.gateways import ActionstepGateway, XeroGateway
from integration.posting import batch_key

MAX_BATCH = 50
NEW_CONTACT = "(created on the first real sync)"


def contact_number(actionstep_id: str) -> str:
    return f"AS-{actionstep_id}"


def contact_body(contact: Contact) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Name": contact.name.strip()[:255] or contact_number(contact.id),
        "ContactNumber": contact_number(contact.id),
    }
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
        self._known: dict[str, str] | None = None

    def ensure(self, actionstep_ids: Iterable[str], *, create: bool = True) -> dict[str, str]:
        """Make sure each contact exists in Xero; returns the whole id map (failures are in `self.failures`).
        With `create=False` (a preview) nothing is written: contacts Xero lacks map to `NEW_CONTACT`."""
        wanted = sorted({i for i in actionstep_ids if i and i not in self.ids and i not in self.failures})
        if not wanted:
            return self.ids
        if self._known is None:  # one listing of Xero's contacts per run beats a look-up per batch
            self._known = self._xero.all_contact_ids()
        found = {number: self._known[number] for i in wanted if (number := contact_number(i)) in self._known}
        missing = []
        for actionstep_id in wanted:
            xero_id = found.get(contact_number(actionstep_id))
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
        contacts = [details[i] for i in actionstep_ids if i in details]
        for start in range(0, len(contacts), MAX_BATCH):
            chunk = contacts[start : start + MAX_BATCH]
            bodies = [contact_body(c) for c in chunk]
            outcomes = self._xero.create_contacts(bodies, batch_key(b["ContactNumber"] for b in bodies))
            for contact, outcome in zip(chunk, outcomes, strict=True):
                if outcome.ok and outcome.xero_id:
                    self.ids[contact.id] = outcome.xero_id
                    continue
                adopted = self._xero.contact_id_by_name(contact.name)
                if adopted:
                    self.ids[contact.id] = adopted
                else:
                    reason = (
                        "; ".join(message for _, message in outcome.errors) or "Xero refused the contact."
                    )
                    self.failures[contact.id] = (
                        f"Contact {contact.name} could not be created in Xero: {reason}"
                    )
