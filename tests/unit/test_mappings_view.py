"""The `/xero mappings` modal as blocks: within Slack's limits however many suggestions and accounts there are, and
its submission read back into rows (a pick wins over a tick; accept all takes every suggestion)."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.views import View

from bot import ids
from bot.views.mappings import MAX_ROWS, mappings_modal, read_submission
from integration.app import Suggestions
from integration.domain import Confidence, MappingKind, Suggestion, XeroAccount


def suggestion(
    n: int, code: str | None = "420", confidence: Confidence | None = Confidence.LOW
) -> Suggestion:
    return Suggestion(
        MappingKind.ACCOUNT, f"{5000 + n}", f"5-{5000 + n} Costs {n}", code, "Costs" if code else None,
        confidence if code else None, "a word in common", documents=n,
    )  # fmt: skip


def accounts(count: int) -> list[XeroAccount]:
    return [XeroAccount(f"id{n}", f"{400 + n}", f"Expense {n}", "EXPENSE") for n in range(count)]


def as_dict(view: View) -> dict[str, Any]:
    return view.to_dict()  # raises on any limit slack_sdk knows


def test_a_large_chart_and_many_suggestions_stay_within_slacks_limits() -> None:
    found = [suggestion(n) for n in range(45)]
    view = as_dict(
        mappings_modal(
            Suggestions(found, {(s.kind, s.source_id): accounts(300) for s in found}), channel="C1"
        )
    )

    assert len(view["blocks"]) <= 100 and len(json.loads(view["private_metadata"])["rows"]) == MAX_ROWS
    assert len(view["private_metadata"]) <= 3000
    pickers = [b for b in view["blocks"] if str(b.get("block_id", "")).startswith(ids.MAPPINGS_PICK_BLOCK)]
    assert len(pickers) == MAX_ROWS and all(len(p["element"]["options"]) == 50 for p in pickers)
    assert "The first 50 of 300 suitable accounts" in pickers[0]["hint"]["text"]
    assert len(json.dumps(view)) < 120_000
    assert any("Showing the 20 most needed" in json.dumps(b) for b in view["blocks"])


def test_the_suggested_account_comes_first_in_its_picker_and_only_sure_ones_are_ticked() -> None:
    found = [suggestion(0, "450", Confidence.HIGH), suggestion(1, "401", Confidence.LOW), suggestion(2, None)]
    view = as_dict(
        mappings_modal(Suggestions(found, {(s.kind, s.source_id): accounts(60) for s in found}), channel=None)
    )

    first = next(b for b in view["blocks"] if b.get("block_id") == f"{ids.MAPPINGS_PICK_BLOCK}:0")
    assert first["element"]["options"][0]["value"] == "450"
    boxes = next(b for b in view["blocks"] if b.get("block_id") == f"{ids.MAPPINGS_ACCEPT_BLOCK}:0")
    assert [o["value"] for o in boxes["element"]["options"]] == ["0", "1"]  # row 2 has nothing to accept
    assert [o["value"] for o in boxes["element"]["initial_options"]] == ["0"]


def test_without_suggestions_the_modal_says_everything_is_mapped_and_has_no_save() -> None:
    view = as_dict(mappings_modal(Suggestions([], {}), channel="C1"))
    assert "submit" not in view and "is mapped" in json.dumps(view)


def test_a_submission_takes_the_picks_then_the_ticked_or_all_suggestions() -> None:
    found = [suggestion(0, "450"), suggestion(1, "401"), suggestion(2, None)]
    view = as_dict(mappings_modal(Suggestions(found, {}), channel="C1"))

    def submitted(mode: str, ticked: list[int], picks: dict[int, str]) -> list[tuple[str, str]]:
        values: dict[str, Any] = {
            ids.MAPPINGS_MODE_BLOCK: {ids.MAPPINGS_MODE_INPUT: {"selected_option": {"value": mode}}},
            f"{ids.MAPPINGS_ACCEPT_BLOCK}:0": {
                ids.MAPPINGS_ACCEPT_INPUT: {"selected_options": [{"value": str(n)} for n in ticked]}
            },
        }
        for row, code in picks.items():
            values[f"{ids.MAPPINGS_PICK_BLOCK}:{row}"] = {
                ids.MAPPINGS_PICK_INPUT: {"selected_option": {"value": code}}
            }
        read = read_submission({"private_metadata": view["private_metadata"], "state": {"values": values}})
        assert read.channel == "C1"
        return [(r.source_id, r.xero_account) for r in read.rows]

    assert submitted("ticked", [1], {}) == [("5001", "401")]
    assert submitted("ticked", [1], {1: "499", 2: "498"}) == [("5001", "499"), ("5002", "498")]
    assert submitted("all", [], {}) == [("5000", "450"), ("5001", "401")]
    assert submitted("ticked", [], {}) == []
