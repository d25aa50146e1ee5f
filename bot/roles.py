"""Who may do what: bookkeepers sync, retry, ignore and fix; approvers confirm unlinks.

Each role is a set of Slack user ids and user group ids (`S…`). A group's members come from
`usergroups.users.list` and are kept for `ttl` seconds; after that the old members keep answering while one
background refresh fetches the new ones, so a permission check never makes a request wait on Slack (only the very
first check of a group does).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from enum import StrEnum

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger(__name__)


class Role(StrEnum):
    BOOKKEEPER = "bookkeeper"
    APPROVER = "approver"


class Roles:
    def __init__(
        self,
        members: dict[Role, Iterable[str]],
        client: WebClient,
        *,
        ttl: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._members = {role: tuple(ids) for role, ids in members.items()}
        self._client = client
        self._ttl = ttl
        self._clock = clock
        self._groups: dict[str, tuple[float, frozenset[str]]] = {}
        self._refreshing: set[str] = set()
        self._lock = threading.Lock()

    def has(self, user_id: str, role: Role) -> bool:
        for member in self._members.get(role, ()):
            if member == user_id or (member.startswith("S") and user_id in self._group(member)):
                return True
        return False

    def of(self, user_id: str) -> set[Role]:
        return {role for role in Role if self.has(user_id, role)}

    def warm(self) -> None:
        """Fetch every group's members now (at start-up), so the first checks do not wait."""
        for ids in self._members.values():
            for group in (m for m in ids if m.startswith("S")):
                self._fetch(group)

    def _group(self, group_id: str) -> frozenset[str]:
        with self._lock:
            cached = self._groups.get(group_id)
            stale = cached is None or self._clock() - cached[0] >= self._ttl
            refresh = cached is not None and stale and group_id not in self._refreshing
            if refresh:
                self._refreshing.add(group_id)
        if cached is None:
            return self._fetch(group_id)
        if refresh:
            threading.Thread(target=self._fetch, args=(group_id,), daemon=True, name="roles-refresh").start()
        return cached[1]

    def _fetch(self, group_id: str) -> frozenset[str]:
        try:
            users = frozenset(self._client.usergroups_users_list(usergroup=group_id).get("users") or ())
        except (SlackApiError, SlackClientError, OSError) as error:
            log.warning("Could not read the members of user group %s: %s", group_id, error)
            with self._lock:
                self._refreshing.discard(group_id)
                cached = self._groups.get(group_id)
            return cached[1] if cached else frozenset()
        with self._lock:
            self._groups[group_id] = (self._clock(), users)
            self._refreshing.discard(group_id)
        return users
