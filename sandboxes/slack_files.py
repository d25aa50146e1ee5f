"""Slack's external file upload, as the Slack sandbox serves it: `files.getUploadURLExternal` reserves a file and
hands out an upload URL on the sandbox itself, the bytes are POSTed there, and `files.completeUploadExternal`
shares the uploaded file into a channel or a thread.

Written from Slack's method reference (docs.slack.dev/reference/methods/files.getUploadURLExternal and
…/files.completeUploadExternal, the "Usage info" of the first describing the three steps); each rule names its
source beside it, and where Slack does not say what it answers, the comment says which choice was made.
"""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

UPLOAD_PATH = (
    "upload/v1"  # the path Slack's upload URLs have (files.slack.com/upload/v1/…), under the sandbox
)
FILES_SCOPE = "files:write"  # both methods' "Scopes" facts: files:write for a bot token
# Slack's help centre ("Upload files to Slack"): files up to 1 GB. What Slack answers above it is not documented;
# the sandbox answers `file_upload_size_restricted`, the refusal the method's errors table gives for a size the
# workspace does not allow.
UPLOAD_LIMIT = 1_000_000_000


@dataclass
class SlackFile:
    """One reserved file: what was announced, what arrived, and where it was shared."""

    id: str
    filename: str
    length: int
    content: bytes | None = None  # None until the bytes arrive at the upload URL
    title: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None
    completed: bool = False


Answer = dict[str, Any]


def refused(error: str, *messages: str) -> Answer:
    answer: Answer = {"ok": False, "error": error}
    if messages:
        answer["response_metadata"] = {"messages": list(messages)}
    return answer


class FileDesk:
    """The files a Slack sandbox holds, by id (`F…`). `shared` lists the completed ones in the order shared."""

    def __init__(self) -> None:
        self.files: dict[str, SlackFile] = {}
        self.shared: list[SlackFile] = []
        self.upload_limit = UPLOAD_LIMIT
        self._by_ticket: dict[str, SlackFile] = {}
        self._ids = itertools.count(1)

    def reserve(self, body: dict[str, Any], base_url: str) -> Answer:
        """files.getUploadURLExternal: `filename` and `length` (bytes) are required arguments."""
        missing = [name for name in ("filename", "length") if body.get(name) in (None, "")]
        if missing:
            # Slack's common error for arguments that fail the method's schema ("invalid_arguments" in every
            # method's errors table), naming the field in response_metadata as Slack does.
            return refused(
                "invalid_arguments", *(f"[ERROR] missing required field: {name}" for name in missing)
            )
        try:
            length = int(str(body["length"]))
        except ValueError:
            return refused("invalid_arguments", "[ERROR] must be an integer [json-pointer:/length]")
        if length <= 0:
            # The errors table: missing_argument "typically only occurs when the `length` provided is 0".
            return refused("missing_argument")
        if length > self.upload_limit:
            return refused("file_upload_size_restricted")  # see UPLOAD_LIMIT
        file = SlackFile(f"F{next(self._ids):010d}", str(body["filename"]), length)
        ticket = secrets.token_urlsafe(12)
        self.files[file.id] = file
        self._by_ticket[ticket] = file
        # The response: `upload_url` and `file_id` (the method's example response).
        return {"ok": True, "upload_url": f"{base_url}/{UPLOAD_PATH}/{ticket}", "file_id": file.id}

    def receive(self, ticket: str, raw: bytes, content_type: str) -> tuple[int, str]:
        """The POST to an upload URL: (HTTP status, body). Usage info, step 2: "Files can be sent as raw bytes or
        can be multipart form encoded. Slack will return HTTP 200 if the upload is successful; a non-200 response
        indicates a failure." The statuses below (404, 400) and their texts are the sandbox's choice."""
        file = self._by_ticket.get(ticket)
        if file is None or file.completed:
            return 404, "no such upload"
        content = multipart_file(raw, content_type) if content_type.startswith("multipart/form-data") else raw
        if content is None:
            return 400, "no file in the form"
        if len(content) != file.length:
            # The bytes must be the `length` announced in step 1 (that argument is "Size in bytes of the file
            # being uploaded"); Slack's own answer to a mismatch is not documented.
            return 400, f"expected {file.length} bytes, received {len(content)}"
        file.content = content
        return 200, f"OK - {len(content)}"

    def complete(self, body: dict[str, Any], unreachable: set[str]) -> Answer:
        """files.completeUploadExternal: `files` (an array of {"id", "title"}) is required; `channel_id`,
        `thread_ts` and `initial_comment` are optional ("If not specified the file will be private")."""
        listed = body.get("files")
        if not isinstance(listed, list) or not listed or not all(isinstance(f, dict) for f in listed):
            return refused("invalid_arguments", "[ERROR] missing required field: files")
        files = [self.files.get(str(entry.get("id"))) for entry in listed]
        # The errors table's file_not_found for an id it holds no upload for. A file whose bytes never arrived, or
        # one already completed ("This method can only be called once"), gets the same answer: the sandbox's choice
        # (Slack says completeUploadExternal waits for the upload; a file that never came cannot be shared).
        if any(f is None or f.content is None or f.completed for f in files):
            return refused("file_not_found")
        channel = body.get("channel_id") or None
        if channel is not None and channel in unreachable:
            return refused("not_in_channel")  # the sandbox's choice: what chat.postMessage answers there
        shared = []
        for entry, file in zip(listed, files, strict=True):
            assert file is not None and file.content is not None
            file.title = str(entry.get("title") or file.filename)  # title is optional: the filename stands in
            file.channel, file.thread_ts = channel, body.get("thread_ts") or None
            file.initial_comment = body.get("initial_comment") or None
            file.completed = True
            self.shared.append(file)
            shared.append(
                {"id": file.id, "title": file.title, "name": file.filename, "size": len(file.content)}
            )
        return {"ok": True, "files": shared}  # the method's example response: the files' id and title


def multipart_file(raw: bytes, content_type: str) -> bytes | None:
    """The first part of a multipart/form-data body that carries a file (Slack's example: -F filename="@…")."""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    for part in message.iter_parts():
        if (
            part.get_filename() is not None
            or part.get_param("name", header="content-disposition") == "filename"
        ):
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    return None
