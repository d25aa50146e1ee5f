"""Lookup building: where literals, filters ANDed together and cut to Xero's query limit, derived idempotency keys."""

from __future__ import annotations

import uuid

import httpx
import pytest

from integration.xero.queries import MAX_QUERY, PAGING, Filter, any_of, filter_params, literal, sub_key


def test_where_literals_escape_quotes_and_backslashes() -> None:
    assert literal('Quote "A" \\ B') == '"Quote \\"A\\" \\\\ B"'
    assert literal("abc", guid=True) == 'Guid("abc")'
    assert any_of("Reference", ["a", "b"]) == '(Reference=="a" OR Reference=="b")'
    assert any_of("Reference", ["a"]) == 'Reference=="a"'


def test_the_longest_filter_is_chunked_and_the_others_sent_whole_with_each_chunk() -> None:
    numbers = [f"AS-{n}" for n in range(230)]
    params = list(
        filter_params(
            "Invoices",
            [
                Filter.on(numbers, param="InvoiceNumbers"),
                Filter.on(["c1"], param="ContactIDs"),
                Filter.on(["r"], field="Reference"),
            ],
            {"includeArchived": "true"},
        )
    )
    # Short numbers fit Xero's query limit many at a time; each chunk is as long as the limit allows.
    sizes = [len(p["InvoiceNumbers"].split(",")) for p in params]
    assert sum(sizes) == 230 and len(sizes) == 2
    assert len(sent_query(params[0])) <= MAX_QUERY
    longer = {**params[0], "InvoiceNumbers": ",".join(numbers[: sizes[0] + 1])}
    assert len(sent_query(longer)) > MAX_QUERY
    assert all(
        p["ContactIDs"] == "c1" and p["where"] == 'Reference=="r"' and p["includeArchived"] == "true"
        for p in params
    )


def sent_query(params: dict[str, str]) -> str:
    """The query string httpx sends for `params` on the last page a lookup may ask for."""
    url = httpx.Request("GET", "https://api.xero.com/api.xro/2.0/Payments", params={**params, **PAGING}).url
    return url.query.decode()


def test_ids_in_a_where_clause_are_cut_to_fit_xeros_2048_character_query_string() -> None:
    ids = [str(uuid.UUID(int=n)) for n in range(60)]
    params = list(filter_params("Payments", [Filter.on(ids, field="Invoice.InvoiceID", guid=True)]))
    assert [p["where"].count("Guid(") for p in params] == [25, 25, 10]  # pyxero #260's "about 25"
    assert all(len(sent_query(p)) <= MAX_QUERY for p in params)
    one_more = {"where": any_of("Invoice.InvoiceID", ids[:26], guid=True)}
    assert len(sent_query(one_more)) > MAX_QUERY


def test_ids_in_an_ids_parameter_fit_51_to_a_request_as_xero_answers_52_with_paging() -> None:
    ids = [str(uuid.UUID(int=n)) for n in range(60)]
    params = list(filter_params("Invoices", [Filter.on(ids, param="IDs")]))
    assert [len(p["IDs"].split(",")) for p in params] == [51, 9]
    assert all(len(sent_query(p)) <= MAX_QUERY for p in params)


def test_a_single_value_longer_than_xero_accepts_is_refused_before_any_request() -> None:
    with pytest.raises(ValueError, match="longer than Xero accepts"):
        list(filter_params("Invoices", [Filter.on(["x" * 2100], field="Reference")]))


def test_a_lookup_without_any_value_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one value"):
        list(filter_params("Invoices", [Filter.on([], param="IDs")]))


def test_a_where_on_a_field_xero_has_not_optimised_is_refused_before_any_request() -> None:
    with pytest.raises(ValueError, match=r"CreditNotes\.CreditNoteNumber"):
        list(filter_params("CreditNotes", [Filter.on(["CN-1"], field="CreditNoteNumber")]))
    with pytest.raises(ValueError, match=r"Payments\.Reference"):
        list(filter_params("Payments", [Filter.on(["a", "b"], field="Reference")]))


def test_optimised_fields_pass_and_dates_are_sent_as_xero_datetimes() -> None:
    (params,) = filter_params(
        "CreditNotes",
        [
            Filter.on(["c1"], field="Contact.ContactID", guid=True),
            Filter.on(["2024-03-05"], field="Date", day=True),
        ],
    )
    assert params["where"] == 'Contact.ContactID==Guid("c1") AND Date==DateTime(2024,03,05)'
    (params,) = filter_params("Payments", [Filter.on(["p1", "p2"], field="PaymentID", guid=True)])
    assert params["where"] == '(PaymentID==Guid("p1") OR PaymentID==Guid("p2"))'


def test_derived_keys_are_distinct_deterministic_and_never_longer_than_128() -> None:
    assert sub_key("sync-1", 0) == "sync-1#0"
    long = "k" * 128
    assert (
        sub_key(long, 3) == sub_key(long, 3)
        and len(sub_key(long, 3)) <= 128
        and sub_key(long, 3) != sub_key(long, 4)
    )
