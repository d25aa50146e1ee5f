"""A file (the month-end reconciliation's CSV) attached to a channel or a thread through the notifier, against the
Slack sandbox over real HTTP: Slack's three steps in order, the bytes intact, and a refusal returned as None and
logged by its code, never with the file's content. Then the sandbox's own upload rules, spoken to directly."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from bot.notifier import Notifier
from tests.fakes.slack import BOT_TOKEN, FakeSlack
from tests.support.firm import Firm, demo_firm

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = "CAUDIT"
SECRET_ROW = "INV-9001,Harbour & Sons,1234.56"
CSV = f"number,contact,amount\r\n{SECRET_ROW}\r\nINV-9002,Café Rivière,0.10\r\n"
UPLOAD_STEPS = ["files.getUploadURLExternal", "upload_url", "files.completeUploadExternal"]


@pytest.fixture
def firm(tmp_path: Path) -> Iterator[Firm]:
    with demo_firm(f"sqlite:///{tmp_path / 'ledger.db'}") as built:
        yield built


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        # The token holds exactly the scopes the app's manifest asks for.
        manifest: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text())
        fake.sandbox.scopes = set(manifest["oauth_config"]["scopes"]["bot"])
        yield fake
    assert fake.violations == []


def notifier(firm: Firm, slack: FakeSlack, client: WebClient | None = None) -> Notifier:
    return Notifier(client or WebClient(token=BOT_TOKEN, base_url=slack.url), firm.service, "CALERTS")


def steps(slack: FakeSlack) -> list[str]:
    return [call.method for call in slack.calls if call.method in (*UPLOAD_STEPS, "chat.postMessage")]


def test_a_csv_uploaded_through_the_notifier_arrives_in_the_thread_with_its_bytes_title_and_filename(
    firm: Firm, slack: FakeSlack
) -> None:
    parent = WebClient(token=BOT_TOKEN, base_url=slack.url).chat_postMessage(
        channel=CHANNEL, text="Month end"
    )

    file_id = notifier(firm, slack).upload_file(
        CHANNEL, "reconciliation-2026-10.csv", CSV, title="Reconciliation, October 2026",
        thread_ts=parent["ts"], comment="The auditor's copy",
    )  # fmt: skip

    (shared,) = slack.sandbox.files.shared
    assert file_id is not None and file_id == shared.id
    assert shared.content == CSV.encode("utf-8")
    assert shared.filename == "reconciliation-2026-10.csv" and shared.title == "Reconciliation, October 2026"
    assert (shared.channel, shared.thread_ts) == (CHANNEL, parent["ts"])
    assert shared.initial_comment == "The auditor's copy"
    assert steps(slack) == ["chat.postMessage", *UPLOAD_STEPS]


def test_bytes_are_shared_as_they_are_in_the_channel_when_there_is_no_thread(
    firm: Firm, slack: FakeSlack
) -> None:
    content = b"\xef\xbb\xbfnumber,amount\n\x00\xff,1\n"  # a BOM, a NUL and a byte that is not UTF-8

    file_id = notifier(firm, slack).upload_file(CHANNEL, "raw.csv", content, title="Raw")

    (shared,) = slack.sandbox.files.shared
    assert file_id == shared.id and shared.content == content
    assert (shared.channel, shared.thread_ts, shared.initial_comment) == (CHANNEL, None, None)


def test_an_upload_to_a_channel_the_bot_is_not_in_returns_none_and_logs_the_code_without_the_content(
    firm: Firm, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    slack.unreachable_channels.add(CHANNEL)

    with caplog.at_level(logging.WARNING, logger="bot.notifier"):
        file_id = notifier(firm, slack).upload_file(
            CHANNEL, "reconciliation.csv", CSV, title="Reconciliation"
        )

    assert file_id is None
    assert slack.sandbox.files.shared == []
    assert steps(slack) == UPLOAD_STEPS
    assert "not_in_channel" in caplog.text and "reconciliation.csv" in caplog.text
    assert SECRET_ROW not in caplog.text and "Harbour" not in caplog.text


def test_a_token_without_the_files_write_scope_is_refused_before_any_bytes_are_sent(
    firm: Firm, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    slack.sandbox.scopes = {"commands", "chat:write", "usergroups:read"}  # the manifest before files:write

    with caplog.at_level(logging.WARNING, logger="bot.notifier"):
        file_id = notifier(firm, slack).upload_file(
            CHANNEL, "reconciliation.csv", CSV, title="Reconciliation"
        )

    assert file_id is None
    assert steps(slack) == ["files.getUploadURLExternal"]
    assert "missing_scope" in caplog.text and SECRET_ROW not in caplog.text


class AnnouncesOneByteMore(WebClient):
    """A client whose first step announces a length the bytes it then sends do not have."""

    def files_getUploadURLExternal(self, *, filename: str, length: int, **kwargs: Any) -> SlackResponse:
        return super().files_getUploadURLExternal(filename=filename, length=length + 1, **kwargs)


def test_bytes_that_are_not_the_announced_length_are_refused_and_the_upload_returns_none(
    firm: Firm, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    client = AnnouncesOneByteMore(token=BOT_TOKEN, base_url=slack.url)

    with caplog.at_level(logging.WARNING, logger="bot.notifier"):
        file_id = notifier(firm, slack, client).upload_file(CHANNEL, "short.csv", CSV, title="Short")

    assert file_id is None
    assert steps(slack) == ["files.getUploadURLExternal", "upload_url"]
    assert slack.of("upload_url")[0].body["status"] == 400
    assert slack.sandbox.files.shared == []
    assert "short.csv" in caplog.text and "400" in caplog.text and SECRET_ROW not in caplog.text


# The sandbox's rules, spoken to as any client would.


def call(slack: FakeSlack, method: str, **form: Any) -> dict[str, Any]:
    response = httpx.post(f"{slack.url}{method}", data=form, headers={"Authorization": f"Bearer {BOT_TOKEN}"})
    answer: dict[str, Any] = response.json()
    return answer


def test_an_upload_url_needs_a_filename_and_a_length_between_one_byte_and_the_limit(slack: FakeSlack) -> None:
    slack.sandbox.files.upload_limit = 1_000

    missing = call(slack, "files.getUploadURLExternal", filename="a.csv")
    assert missing["error"] == "invalid_arguments"
    assert missing["response_metadata"]["messages"] == ["[ERROR] missing required field: length"]
    assert call(slack, "files.getUploadURLExternal", length="10")["error"] == "invalid_arguments"
    assert (
        call(slack, "files.getUploadURLExternal", filename="a.csv", length="ten")["error"]
        == "invalid_arguments"
    )
    assert (
        call(slack, "files.getUploadURLExternal", filename="a.csv", length="0")["error"] == "missing_argument"
    )
    too_big = call(slack, "files.getUploadURLExternal", filename="a.csv", length="1001")
    assert too_big["error"] == "file_upload_size_restricted"
    granted = call(slack, "files.getUploadURLExternal", filename="a.csv", length="1000")
    assert granted["ok"] is True and granted["file_id"].startswith("F")
    assert granted["upload_url"].startswith(f"{slack.url}upload/v1/")


def test_the_upload_url_takes_multipart_as_well_as_raw_bytes_and_only_the_announced_length(
    slack: FakeSlack,
) -> None:
    content = CSV.encode()
    raw = call(slack, "files.getUploadURLExternal", filename="raw.csv", length=str(len(content)))
    form = call(slack, "files.getUploadURLExternal", filename="form.csv", length=str(len(content)))
    short = call(slack, "files.getUploadURLExternal", filename="short.csv", length=str(len(content)))

    assert httpx.post(raw["upload_url"], content=content).status_code == 200
    assert (
        httpx.post(form["upload_url"], files={"filename": ("form.csv", content, "text/csv")}).status_code
        == 200
    )
    assert httpx.post(short["upload_url"], content=content[:-1]).status_code == 400
    assert httpx.post(f"{slack.url}upload/v1/unknown", content=content).status_code == 404
    assert httpx.get(raw["upload_url"]).status_code == 405

    files = slack.sandbox.files.files
    assert files[raw["file_id"]].content == content and files[form["file_id"]].content == content
    assert files[short["file_id"]].content is None


def test_only_an_uploaded_file_can_be_completed_and_only_once(slack: FakeSlack) -> None:
    uploaded = call(slack, "files.getUploadURLExternal", filename="a.csv", length="3")
    never_sent = call(slack, "files.getUploadURLExternal", filename="b.csv", length="3")
    httpx.post(uploaded["upload_url"], content=b"a,b")

    def complete(file_id: str) -> dict[str, Any]:
        return call(
            slack, "files.completeUploadExternal", files=f'[{{"id": "{file_id}"}}]', channel_id=CHANNEL
        )

    assert complete("F404")["error"] == "file_not_found"
    assert complete(never_sent["file_id"])["error"] == "file_not_found"
    done = complete(uploaded["file_id"])
    assert done["ok"] is True and done["files"] == [
        {"id": uploaded["file_id"], "title": "a.csv", "name": "a.csv", "size": 3}
    ]
    assert complete(uploaded["file_id"])["error"] == "file_not_found"
    assert call(slack, "files.completeUploadExternal", channel_id=CHANNEL)["error"] == "invalid_arguments"
    assert [f.id for f in slack.sandbox.files.shared] == [uploaded["file_id"]]
