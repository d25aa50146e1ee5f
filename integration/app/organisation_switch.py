"""Moving a connection to another organisation: refused while the ledger's links point at the current one, until an
approver confirms the switch in Slack.

Every link in the ledger names documents in the organisation they were posted to (Xero) or taken from
(Actionstep). A connect to another one would quietly point the bot at books those links are not in, so it is
refused with both organisations named; the refusal raises an alert (source CONNECT) whose button lets an approver
confirm. The confirmation is recorded once (in `oauth_states`, purpose `switch`, and the audit log) and lets the
next connect to that organisation through, once. The alert and the confirmation say what it means for the links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from integration.alerting.desk import AlertDesk, alert_target
from integration.clock import Clock
from integration.domain import Alert, AlertSource, Problem
from integration.errors import AlertNotFixable, OrganisationChanged
from integration.store import Store
from integration.store.oauth_states import OAuthGrant

SWITCH_CODE = "connect.other_organisation"
SWITCH_DAYS = 7  # how long a refused switch waits for an approver, and a confirmed one for the connect
NAMES = {"xero": "Xero", "actionstep": "Actionstep"}


@dataclass(frozen=True, slots=True)
class Organisation:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class SwitchConfirmation:
    """What confirming did: `changed` is False when someone had confirmed already (or it has expired)."""

    changed: bool
    alert: Alert
    confirmed_by: str | None
    consequence: str


def consequence(remote: str, detail: dict[str, object]) -> str:
    """What a switch means for the links already in the ledger, in a bookkeeper's words."""
    old, new, links = detail.get("from_name"), detail.get("to_name"), detail.get("links")
    if remote == "xero":
        return (
            f"The {links} documents already posted stay linked to their copies in {old}; after the switch the bot "
            f"posts to {new}, never looks at or changes those copies, and does not post them again. To unlink "
            f"one of them, {old} must be connected again first."
        )
    return (
        f"The {links} linked documents came from Actionstep org {old}; after the switch the bot reads {new}, whose "
        "documents are new to the ledger and are posted as new work. The existing links stay as they are."
    )


class OrganisationSwitches:
    """The organisation the ledger is bound to, and approvers' confirmations that it may change."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._desk = AlertDesk(store)

    def bound(self, remote: str) -> Organisation | None:
        """The organisation the ledger's links point at: the connected one, when any document is linked."""
        with self._store.unit_of_work() as uow:
            if uow.links.count_active() == 0:
                return None
            tenant_id, tenant_name = uow.connections.organisation_of(remote)
        return Organisation(tenant_id, tenant_name or tenant_id) if tenant_id else None

    def allows(self, remote: str, actor: str, bound: Organisation | None, offered: Organisation) -> bool:
        """True when `remote` may connect to `offered` (the same organisation, nothing linked, or a switch an
        approver confirmed, which this uses up); otherwise raises `OrganisationChanged` and raises the alert."""
        if bound is None or bound.id == offered.id:
            return True
        now = self._clock.now()
        with self._store.unit_of_work() as uow:
            switch = uow.oauth_states.take_switch(remote, offered.id, now=now)
            if switch is not None:
                uow.audit.record(
                    actor, f"connect.{remote}.switch", f"switch:{switch.id}", detail=switch.detail
                )
                uow.commit()
                return True
            detail: dict[str, object] = {
                "from_id": bound.id, "from_name": bound.name, "to_id": offered.id, "to_name": offered.name,
                "links": uow.links.count_active(), "asked_by": actor,
            }  # fmt: skip
            switch = uow.oauth_states.ask_switch(
                remote, started_by=actor, to=offered.id, now=now,
                expires_at=now + timedelta(days=SWITCH_DAYS), detail=detail,
            )  # fmt: skip
            uow.audit.record(actor, f"connect.{remote}", f"switch:{switch.id}", allowed=False, detail=detail)
            uow.commit()
        name = NAMES[remote]
        problem = Problem(
            SWITCH_CODE,
            f"switch:{switch.id}",
            f"{actor} tried to connect {name} to {offered.name}, but the ledger's linked documents are in "
            f"{bound.name}. The connection to {bound.name} was kept. {consequence(remote, detail)}",
            f"If the firm really moved to {offered.name}, an approver confirms the switch here; then connect "
            f"{name} again. Otherwise connect again and choose {bound.name}.",
        )
        changes = self._desk.raise_problems([problem], AlertSource.CONNECT, complete=False)
        raise OrganisationChanged(
            f"This {name} connection is for {offered.name}, but the documents the bot has posted are linked to "
            f"{bound.name}, so it was refused and {bound.name} stays connected. If the firm really moved to "
            f"{offered.name}, an approver can confirm the switch on the alert in Slack; then open a new connect "
            f"link. Otherwise connect again and choose {bound.name}.",
            current=bound.name,
            offered=offered.name,
            changes=changes,
        )

    def confirm(self, alert_id: int, approver: str) -> SwitchConfirmation:
        """An approver confirms the switch an alert asks about; recorded and audited once."""
        alert = self._desk.get(alert_id)
        if alert.code != SWITCH_CODE:
            raise AlertNotFixable("This alert is not about connecting another organisation.")
        switch_id = int(alert.subject.removeprefix("switch:"))
        with self._store.unit_of_work() as uow:
            changed = uow.oauth_states.approve_switch(switch_id, approver, now=self._clock.now())
            switch = uow.oauth_states.switch(switch_id)
            if changed:
                uow.audit.record(approver, "alert.confirm_switch", alert_target(alert_id), detail=_of(switch))
                uow.alerts.resolve(alert_id)
            uow.commit()
        assert switch is not None
        return SwitchConfirmation(
            changed,
            self._desk.get(alert_id),
            switch.approved_by,
            consequence(switch.remote, dict(switch.detail or {})),
        )


def _of(switch: OAuthGrant | None) -> dict[str, object] | None:
    return dict(switch.detail or {}) if switch is not None else None
