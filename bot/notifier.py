"""Posts the messages that outlive a request and keeps them up to date: alert messages in the alerts channel, and
the message a sync lives in while it runs.

An alert's message is posted once: the ledger is asked for the right to post it first (`claim_post`), so two
processes raising the same alert cannot both post. After that every change is an edit of the same message
(`chat.update`), rendered from the alert's live state; if the alert changed again while we were editing, the edit is
redone, so the last edit always shows the newest state.

`upload_file` attaches a file (the month-end reconciliation's CSV, for one) to a channel or a thread, through Slack's
external upload (slack_sdk's `files_upload_v2`: files.getUploadURLExternal, the bytes, files.completeUploadExternal);
the bot token needs the `files:write` scope.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.views.alerts import alert_message
from bot.views.message import Message
from integration.app import Service
from integration.domain import Alert, AlertChanges, AlertState

log = logging.getLogger(__name__)
EDIT_ATTEMPTS = 3


class Notifier:
    def __init__(self, client: WebClient, service: Service, alerts_channel: str | None) -> None:
        self._client = client
        self._service = service
        self._channel = alerts_channel

    def publish(self, changes: AlertChanges) -> None:
        """Post new alerts, count repeats on their messages, and mark resolved ones."""
        for alert in [*changes.new, *changes.repeated, *changes.resolved]:
            self.show(alert.id)

    def show(self, alert_id: int) -> Alert:
        """Bring the alert's message up to date with the ledger, posting it first if it has none."""
        alert = self._service.alerts.get(alert_id)
        for _ in range(EDIT_ATTEMPTS):
            if alert.slack_channel is None or alert.slack_ts is None:
                self._post(alert)
                return alert
            self._edit(alert)
            latest = self._service.alerts.get(alert_id)
            if latest.version == alert.version:
                return latest
            alert = latest
        return alert

    def _render(self, alert: Alert) -> dict[str, Any]:
        return alert_message(alert, self._service.alerts.activity(alert.id)).payload()

    def _post(self, alert: Alert) -> None:
        if self._channel is None or alert.state is AlertState.RESOLVED:
            return
        if not self._service.alerts.claim_post(alert.id, self._channel):
            return  # posted, or being posted, by someone else
        try:
            response = self._client.chat_postMessage(channel=self._channel, **self._render(alert))
        except SlackApiError as error:
            log.warning(
                "Could not post alert %s to %s: %s", alert.id, self._channel, error.response.get("error")
            )
            self._service.alerts.release_post(alert.id)
            return
        self._service.alerts.posted(alert.id, self._channel, response["ts"])

    def _edit(self, alert: Alert) -> None:
        assert alert.slack_channel is not None and alert.slack_ts is not None
        try:
            self._client.chat_update(channel=alert.slack_channel, ts=alert.slack_ts, **self._render(alert))
        except SlackApiError as error:
            log.warning("Could not update alert %s: %s", alert.id, error.response.get("error"))

    def reply(self, alert: Alert, message: Message) -> None:
        """Post `message` in the thread of the alert's message (a retry's report, for one)."""
        if alert.slack_channel is None or alert.slack_ts is None:
            return
        try:
            self._client.chat_postMessage(
                channel=alert.slack_channel, thread_ts=alert.slack_ts, **message.payload()
            )
        except SlackApiError as error:
            log.warning("Could not reply to alert %s: %s", alert.id, error.response.get("error"))

    def tell(self, alert: Alert, user: str, message: Message) -> None:
        """Tell one person something about an alert, where the alert is (a modal submission has no response_url)."""
        if alert.slack_channel is None:
            return
        try:
            self._client.chat_postEphemeral(channel=alert.slack_channel, user=user, **message.payload())
        except SlackApiError as error:
            log.warning("Could not tell %s about alert %s: %s", user, alert.id, error.response.get("error"))

    def upload_file(
        self,
        channel: str,
        filename: str,
        content: str | bytes,
        *,
        title: str,
        thread_ts: str | None = None,
        comment: str | None = None,
    ) -> str | None:
        """Share `content` as a file named `filename` in `channel` (in the thread of `thread_ts` when given, under
        `comment`); `str` content is sent as UTF-8. Returns the file's id, or None when Slack refused it or could not
        be reached: that is logged (the error code, never the content) and never raised into the caller's job."""
        try:
            response = self._client.files_upload_v2(
                channel=channel,
                filename=filename,
                content=content,
                title=title,
                thread_ts=thread_ts,
                initial_comment=comment,
            )
        except SlackApiError as error:
            log.warning("Could not upload %s to %s: %s", filename, channel, error.response.get("error"))
            return None
        except (SlackClientError, OSError) as error:
            # The bytes were refused at the upload URL (slack_sdk's SlackRequestError names the HTTP status and the
            # upload service's answer, never the bytes) or Slack was unreachable: there is no error code.
            log.warning("Could not upload %s to %s: %s: %s", filename, channel, type(error).__name__, error)
            return None
        file = response.get("file") or {}
        file_id = file.get("id") if isinstance(file, dict) else None
        return str(file_id) if file_id else None


class SyncMessage:
    """The message a sync started from Slack lives in: posted in the channel where it was asked for, edited as
    the sync progresses (at most once every `interval` seconds: Slack limits edits), ending as the report.

    When the bot may not post in that channel (not a member, a DM with someone else), there is no progress and the
    report arrives through the command's response_url instead, which needs no membership.
    """

    def __init__(
        self,
        client: WebClient,
        channel: str,
        respond: Callable[..., Any],
        *,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._channel = channel
        self._respond = respond
        self._interval = interval
        self._clock = clock
        self._ts: str | None = None
        self._last = 0.0

    def start(self, message: Message) -> None:
        try:
            self._ts = self._client.chat_postMessage(channel=self._channel, **message.payload())["ts"]
            self._last = self._clock()
        except SlackApiError as error:
            log.info(
                "Cannot post in %s (%s): the report goes to the response_url",
                self._channel,
                error.response.get("error"),
            )

    def progress(self, message: Message) -> None:
        if self._ts is None or self._clock() - self._last < self._interval:
            return
        self._last = self._clock()
        self._update(message)

    def finish(self, message: Message) -> None:
        if self._ts is not None and self._update(message):
            return
        self._respond(response_type="in_channel", **message.payload())

    def _update(self, message: Message) -> bool:
        assert self._ts is not None
        try:
            self._client.chat_update(channel=self._channel, ts=self._ts, **message.payload())
            return True
        except SlackApiError as error:
            log.warning("Could not update the sync message: %s", error.response.get("error"))
            return False
