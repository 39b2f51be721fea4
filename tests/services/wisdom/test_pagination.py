"""ListImportJobs: maxResults, nextToken, newest first, stable pages, the boto3 paginator."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ParamValidationError

from .conftest import error_of, ids, make_client, make_kb, start_import


def _start_jobs(client: Any, kb_id: str, count: int, prefix: str = "job") -> list[str]:
    """Start ``count`` import jobs (oldest first) and return their ids."""
    return [
        start_import(client, kb_id, f"name,content\n{prefix}-{i},c\n")["importJobId"]
        for i in range(count)
    ]


def _list(client: Any, kb_id: str, **kwargs: Any) -> tuple[list[str], str | None]:
    page = client.list_import_jobs(knowledgeBaseId=kb_id, **kwargs)
    return ids(page["importJobSummaries"]), page.get("nextToken")


def _max_results_error(value: int, bound: str) -> str:
    return (
        f"1 validation error detected: Value '{value}' at 'maxResults' failed to satisfy "
        f"constraint: Member must have value {bound}"
    )


@pytest.mark.importmock(progression="manual")
def test_pages_newest_first(client: Any, kb_id: str) -> None:
    jobs = _start_jobs(client, kb_id, 5)
    newest_first = jobs[::-1]
    first, token = _list(client, kb_id, maxResults=2)
    assert first == newest_first[:2] and token
    second, token = _list(client, kb_id, maxResults=2, nextToken=token)
    assert second == newest_first[2:4] and token
    third, token = _list(client, kb_id, maxResults=2, nextToken=token)
    assert third == newest_first[4:]
    assert token is None


def test_summaries_show_each_job(client: Any, kb_id: str) -> None:
    job = start_import(client, kb_id, "name,content\na,b\n")
    (summary,) = client.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"]
    assert summary == {
        "importJobId": job["importJobId"],
        "knowledgeBaseId": kb_id,
        "uploadId": job["uploadId"],
        "knowledgeBaseArn": job["knowledgeBaseArn"],
        "importJobType": "QUICK_RESPONSES",
        "status": "COMPLETE",
        "createdTime": job["createdTime"],
        "lastModifiedTime": summary["lastModifiedTime"],
    }
    assert summary["lastModifiedTime"] >= job["createdTime"]


@pytest.mark.parametrize("max_results", [1, 2, 99, 100])
@pytest.mark.importmock(progression="manual")
def test_max_results_within_1_to_100(client: Any, kb_id: str, max_results: int) -> None:
    jobs = _start_jobs(client, kb_id, 3)
    page, token = _list(client, kb_id, maxResults=max_results)
    assert page == jobs[::-1][:max_results]
    assert (token is not None) == (max_results < 3)


@pytest.mark.parametrize("value", [101, 1000])
def test_max_results_over_100_is_a_validation_error(client: Any, kb_id: str, value: int) -> None:
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.list_import_jobs(knowledgeBaseId=kb_id, maxResults=value)
    assert error_of(caught.value) == (
        "ValidationException",
        _max_results_error(value, "less than or equal to 100"),
        400,
    )


def test_max_results_0_is_refused_by_the_client_and_by_the_server(
    client: Any, kb_id: str, service: str
) -> None:
    with pytest.raises(ParamValidationError):
        client.list_import_jobs(knowledgeBaseId=kb_id, maxResults=0)
    unchecked = make_client(service, config=Config(parameter_validation=False))
    with pytest.raises(unchecked.exceptions.ValidationException) as caught:
        unchecked.list_import_jobs(knowledgeBaseId=kb_id, maxResults=0)
    assert error_of(caught.value) == (
        "ValidationException",
        _max_results_error(0, "greater than or equal to 1"),
        400,
    )


@pytest.mark.importmock(progression="manual")
def test_default_page_size_is_10(client: Any, kb_id: str) -> None:
    jobs = _start_jobs(client, kb_id, 12)
    page, token = _list(client, kb_id)
    assert page == jobs[::-1][:10]
    rest, token = _list(client, kb_id, nextToken=token)
    assert rest == jobs[::-1][10:]
    assert token is None


@pytest.mark.importmock(progression="manual")
def test_no_duplicates_or_gaps_when_jobs_are_added_between_pages(client: Any, kb_id: str) -> None:
    original = _start_jobs(client, kb_id, 5)
    seen, token = _list(client, kb_id, maxResults=2)
    added = _start_jobs(client, kb_id, 3, prefix="late")
    while token is not None:
        page, token = _list(client, kb_id, maxResults=2, nextToken=token)
        seen += page
        added += _start_jobs(client, kb_id, 1, prefix=f"later-{len(seen)}")
    assert seen == original[::-1]
    # A fresh listing shows the new jobs first.
    everything = ids(
        client.get_paginator("list_import_jobs")
        .paginate(knowledgeBaseId=kb_id)
        .build_full_result()["importJobSummaries"]
    )
    assert everything == (original + added)[::-1]


def test_token_survives_the_deletion_of_the_last_job_returned(client: Any, kb_id: str) -> None:
    jobs = _start_jobs(client, kb_id, 4)
    first, token = _list(client, kb_id, maxResults=2)
    client.delete_import_job(knowledgeBaseId=kb_id, importJobId=first[-1])
    rest, token = _list(client, kb_id, maxResults=2, nextToken=token)
    assert first + rest == jobs[::-1]
    assert token is None


@pytest.mark.importmock(progression="manual")
def test_paginator_returns_every_job(client: Any, kb_id: str) -> None:
    jobs = _start_jobs(client, kb_id, 12)
    paginator = client.get_paginator("list_import_jobs")
    pages = list(paginator.paginate(knowledgeBaseId=kb_id, PaginationConfig={"PageSize": 5}))
    assert [len(page["importJobSummaries"]) for page in pages] == [5, 5, 2]
    assert [ids(page["importJobSummaries"]) for page in pages] == [
        jobs[::-1][0:5],
        jobs[::-1][5:10],
        jobs[::-1][10:],
    ]
    full = paginator.paginate(knowledgeBaseId=kb_id).build_full_result()
    assert ids(full["importJobSummaries"]) == jobs[::-1]
    capped = paginator.paginate(
        knowledgeBaseId=kb_id, PaginationConfig={"MaxItems": 7, "PageSize": 3}
    ).build_full_result()
    assert ids(capped["importJobSummaries"]) == jobs[::-1][:7]
    resumed = paginator.paginate(
        knowledgeBaseId=kb_id,
        PaginationConfig={"StartingToken": capped["NextToken"], "PageSize": 3},
    ).build_full_result()
    assert ids(resumed["importJobSummaries"]) == jobs[::-1][7:]


def test_empty_knowledge_base_lists_no_jobs(client: Any, kb_id: str) -> None:
    assert _list(client, kb_id) == ([], None)


@pytest.mark.parametrize("token", ["garbage", "eyJzIjoiam9icyIsImsiOlsxXX0", "x" * 4096])
def test_invalid_next_token_is_a_validation_error(client: Any, kb_id: str, token: str) -> None:
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.list_import_jobs(knowledgeBaseId=kb_id, nextToken=token)
    assert error_of(caught.value) == (
        "ValidationException",
        f"The nextToken '{token}' is not valid.",
        400,
    )


@pytest.mark.importmock(progression="manual")
def test_next_token_of_another_listing_is_invalid(client: Any, kb_id: str) -> None:
    _start_jobs(client, kb_id, 2)
    token = _list(client, kb_id, maxResults=1)[1]
    other_kb = make_kb(client)
    for call in (
        lambda: client.list_import_jobs(knowledgeBaseId=other_kb, nextToken=token),
        lambda: client.list_quick_responses(knowledgeBaseId=kb_id, nextToken=token),
    ):
        with pytest.raises(client.exceptions.ValidationException) as caught:
            call()
        assert error_of(caught.value) == (
            "ValidationException",
            f"The nextToken '{token}' is not valid.",
            400,
        )
