"""Refuses a request for another Slack workspace or app than this bot's, even when correctly signed (a signing
secret shared between apps, or an org-wide install reaching a workspace it should not).

The workspace is `SLACK_TEAM_ID`, or else the one the bot token belongs to (bolt's `auth.test` at start-up, held in
each request's authorisation). The app is `SLACK_APP_ID` when set; Slack's token answers do not name the app, so
without it only the signing secret, which is the app's own, ties a request to the app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse

from bot.logs import escape

log = logging.getLogger(__name__)


def only_ours(team_id: str | None, app_id: str | None) -> Callable[..., BoltResponse | None]:
    """A bolt global middleware refusing, with 403, a request whose team or app is not ours."""

    def only_this_workspace(
        context: BoltContext, body: dict[str, Any], next: Callable[[], None]
    ) -> BoltResponse | None:
        authorised = context.authorize_result
        team = team_id or (authorised.team_id if authorised is not None else None)
        theirs = (_team(body), body.get("api_app_id"))
        if (team is not None and theirs[0] != team) or (app_id is not None and theirs[1] != app_id):
            log.warning(
                "Refused a signed Slack request for team %s, app %s (this bot is team %s, app %s)",
                escape(str(theirs[0]), limit=40), escape(str(theirs[1]), limit=40), team, app_id or "unchecked",
            )  # fmt: skip
            return BoltResponse(status=403, body="")
        next()
        return None

    return only_this_workspace


def _team(body: dict[str, Any]) -> Any:
    if body.get("team_id"):
        return body["team_id"]
    team = body.get("team")
    if isinstance(team, dict) and team.get("id"):
        return team["id"]
    user = body.get("user")
    return user.get("team_id") if isinstance(user, dict) else None
