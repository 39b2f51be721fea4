"""Knowledge-base content: CreateContent, GetContent, GetContentSummary, ListContents,
UpdateContent, DeleteContent, SearchContent, their statuses, download URLs and tags."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError
from freezegun import freeze_time

from .conftest import ACCOUNT, MISSING_ID, UUID_RE, error_of, make_client, make_kb, status_of

NOON = datetime.datetime(2024, 5, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
HTML = b"<html><body><h1>Password reset</h1></body></html>"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _declares(client: Any, shape: str, member: str) -> bool:
    """Whether the client's installed model has ``member`` in ``shape`` (newer botocore
    releases add members to the qconnect content shapes)."""
    return member in client.meta.service_model.shape_for(shape).members


def custom_kb(client: Any) -> str:
    return make_kb(client, kb_type="CUSTOM")


def upload(client: Any, kb_id: str, body: bytes | None, content_type: str = "text/html") -> str:
    """StartContentUpload, then PUT ``body`` (unless None) with the required headers."""
    started = client.start_content_upload(knowledgeBaseId=kb_id, contentType=content_type)
    if body is not None:
        put = requests.put(started["url"], data=body, headers=started["headersToInclude"])
        assert put.status_code == 200, put.text
    return started["uploadId"]


def create(
    client: Any,
    kb_id: str,
    name: str = "password-reset.html",
    body: bytes | None = HTML,
    content_type: str = "text/html",
    **kwargs: Any,
) -> dict[str, Any]:
    upload_id = upload(client, kb_id, body, content_type)
    return client.create_content(knowledgeBaseId=kb_id, name=name, uploadId=upload_id, **kwargs)[
        "content"
    ]


def get(client: Any, kb_id: str, content_id: str) -> dict[str, Any]:
    return client.get_content(knowledgeBaseId=kb_id, contentId=content_id)["content"]


def raised(call: Any, *args: Any, **kwargs: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return error_of(caught.value)


# -- CreateContent, GetContent, GetContentSummary -------------------------------------------


def test_create_get_and_summary(client: Any) -> None:
    kb_id = custom_kb(client)
    with freeze_time(NOON):
        created = create(
            client,
            kb_id,
            title="Resetting a password",
            overrideLinkOutUri="https://example.com/password-reset",
            metadata={"source": "s3"},
            tags={"team": "support"},
        )
        content_id = created["contentId"]
        got = get(client, kb_id, content_id)
    assert re.fullmatch(UUID_RE, content_id)
    kb_arn = f"arn:aws:wisdom:us-east-1:{ACCOUNT}:knowledge-base/{kb_id}"
    expected = {
        "contentArn": f"arn:aws:wisdom:us-east-1:{ACCOUNT}:content/{kb_id}/{content_id}",
        "contentId": content_id,
        "knowledgeBaseArn": kb_arn,
        "knowledgeBaseId": kb_id,
        "name": "password-reset.html",
        "revisionId": created["revisionId"],
        "title": "Resetting a password",
        "contentType": "text/html",
        "status": "CREATE_IN_PROGRESS",
        "metadata": {"source": "s3"},
        "tags": {"team": "support"},
        "linkOutUri": "https://example.com/password-reset",
        "url": created["url"],
        "urlExpiry": NOON + datetime.timedelta(minutes=15),
    }
    if _declares(client, "ContentData", "lastModifiedTime"):
        expected["lastModifiedTime"] = NOON
        expected["lastModifiedRegion"] = "us-east-1"
    assert created == expected
    # In `immediate` mode the ingestion ends right after CreateContent answers.
    assert got == {**expected, "status": "ACTIVE", "url": got["url"]}

    summary = client.get_content_summary(knowledgeBaseId=kb_id, contentId=content_id)
    assert status_of(summary) == 200
    assert summary["contentSummary"] == {
        k: v for k, v in got.items() if k not in ("url", "urlExpiry", "linkOutUri")
    }
    # The content's ARN works in the path too.
    assert get(client, kb_arn, created["contentArn"])["contentId"] == content_id


def test_title_defaults_to_the_name_and_optional_members_are_left_out(client: Any) -> None:
    kb_id = custom_kb(client)
    created = create(client, kb_id, name="faq/returns.html")
    assert created["title"] == "faq/returns.html"
    assert created["metadata"] == {}
    assert "tags" not in created and "linkOutUri" not in created
    assert "fileHash" not in created


def test_download_url_returns_the_uploaded_bytes_with_their_content_type(client: Any) -> None:
    kb_id = custom_kb(client)
    content = get(
        client, kb_id, create(client, kb_id, body=PDF, content_type="application/pdf")["contentId"]
    )
    assert content["status"] == "ACTIVE"
    download = requests.get(content["url"])
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["Content-Type"] == "application/pdf"


def test_download_url_expires_after_15_minutes(client: Any) -> None:
    kb_id = custom_kb(client)
    content_id = create(client, kb_id)["contentId"]
    with freeze_time(NOON) as frozen:
        content = get(client, kb_id, content_id)
        assert content["urlExpiry"] == NOON + datetime.timedelta(minutes=15)
        frozen.tick(datetime.timedelta(minutes=15))
        assert requests.get(content["url"]).content == HTML
        frozen.tick(datetime.timedelta(seconds=1))
        late = requests.get(content["url"])
        fresh = get(client, kb_id, content_id)["url"]
        assert requests.get(fresh).status_code == 200
    assert late.status_code == 403
    assert "<Code>AccessDenied</Code><Message>Request has expired</Message>" in late.text


def test_a_later_put_to_the_upload_url_does_not_change_the_content(client: Any) -> None:
    kb_id = custom_kb(client)
    started = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/plain")
    headers = started["headersToInclude"]
    assert requests.put(started["url"], data=b"first", headers=headers).status_code == 200
    content = client.create_content(
        knowledgeBaseId=kb_id, name="note", uploadId=started["uploadId"]
    )["content"]
    assert requests.put(started["url"], data=b"second", headers=headers).status_code == 200
    assert requests.get(get(client, kb_id, content["contentId"])["url"]).content == b"first"


def test_content_is_shared_by_both_clients(importmock: Any) -> None:
    qconnect, wisdom = make_client("qconnect"), make_client("wisdom")
    kb_id = custom_kb(qconnect)
    content_id = create(qconnect, kb_id)["contentId"]
    assert get(wisdom, kb_id, content_id)["status"] == "ACTIVE"
    # The wisdom model has no lastModifiedTime: it is left out of what wisdom is sent.
    assert "lastModifiedTime" not in get(wisdom, kb_id, content_id)


@pytest.mark.parametrize("kb_type", ["QUICK_RESPONSES", "EXTERNAL"])
def test_content_needs_a_custom_knowledge_base(client: Any, kb_type: str) -> None:
    kb_id = make_kb(client, kb_type=kb_type)
    upload_id = upload(client, kb_id, HTML)
    assert raised(client.create_content, knowledgeBaseId=kb_id, name="a", uploadId=upload_id) == (
        "ValidationException",
        f"Knowledge base {kb_id} is of type {kb_type}; content can only be created in a "
        "knowledge base of type CUSTOM.",
        400,
    )
    assert client.list_contents(knowledgeBaseId=kb_id)["contentSummaries"] == []


def test_newer_knowledge_base_types_hold_no_content(importmock: Any) -> None:
    client = make_client("qconnect")
    types = client.meta.service_model.shape_for("KnowledgeBaseType").enum
    for kb_type in [t for t in types if t not in ("CUSTOM", "QUICK_RESPONSES", "EXTERNAL")]:
        kb_id = make_kb(client, kb_type=kb_type)
        upload_id = upload(client, kb_id, HTML)
        code, _, status = raised(
            client.create_content, knowledgeBaseId=kb_id, name="a", uploadId=upload_id
        )
        assert (kb_type, code, status) == (kb_type, "ValidationException", 400)


def test_missing_knowledge_base_or_content_is_not_found(client: Any) -> None:
    kb_id = custom_kb(client)
    assert raised(client.create_content, knowledgeBaseId=MISSING_ID, name="a", uploadId="u") == (
        "ResourceNotFoundException",
        f"Knowledge base not found: {MISSING_ID}",
        404,
    )
    for call in (client.get_content, client.get_content_summary, client.delete_content):
        assert raised(call, knowledgeBaseId=kb_id, contentId=MISSING_ID) == (
            "ResourceNotFoundException",
            f"Content not found: {MISSING_ID}",
            404,
        )
    assert raised(client.update_content, knowledgeBaseId=kb_id, contentId=MISSING_ID)[2] == 404
    # A content id of another knowledge base is not found through this one.
    other = custom_kb(client)
    content_id = create(client, other)["contentId"]
    assert raised(client.get_content, knowledgeBaseId=kb_id, contentId=content_id)[2] == 404


# -- the upload id --------------------------------------------------------------------------


def test_an_upload_id_never_issued_is_a_validation_error(client: Any) -> None:
    kb_id = custom_kb(client)
    assert raised(client.create_content, knowledgeBaseId=kb_id, name="a", uploadId="nope") == (
        "ValidationException",
        f"The upload ID nope was not issued for knowledge base {kb_id}; call "
        "StartContentUpload on this knowledge base first.",
        400,
    )


def test_an_upload_id_of_another_knowledge_base_is_a_validation_error(client: Any) -> None:
    kb_id, other = custom_kb(client), custom_kb(client)
    upload_id = upload(client, other, HTML)
    code, message, status = raised(
        client.create_content, knowledgeBaseId=kb_id, name="a", uploadId=upload_id
    )
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith(f"The upload ID {upload_id} was not issued for knowledge base")


def test_an_upload_id_is_used_once(client: Any) -> None:
    kb_id = custom_kb(client)
    upload_id = upload(client, kb_id, HTML)
    first = client.create_content(knowledgeBaseId=kb_id, name="a", uploadId=upload_id)["content"]
    expected = (
        "ValidationException",
        f"The upload ID {upload_id} has already been used by content {first['contentId']}; "
        "call StartContentUpload for a new one.",
        400,
    )
    assert raised(client.create_content, knowledgeBaseId=kb_id, name="b", uploadId=upload_id) == (
        expected
    )
    assert (
        raised(
            client.update_content,
            knowledgeBaseId=kb_id,
            contentId=first["contentId"],
            uploadId=upload_id,
        )
        == expected
    )


def test_nothing_uploaded_ends_create_failed(client: Any) -> None:
    kb_id = custom_kb(client)
    started = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/html")
    created = client.create_content(knowledgeBaseId=kb_id, name="a", uploadId=started["uploadId"])[
        "content"
    ]
    assert created["status"] == "CREATE_IN_PROGRESS"
    failed = get(client, kb_id, created["contentId"])
    assert failed["status"] == "CREATE_FAILED"
    # There is no file to download: S3 answers NoSuchKey.
    download = requests.get(failed["url"])
    assert download.status_code == 404
    assert "<Code>NoSuchKey</Code>" in download.text


def test_an_upload_whose_url_expired_before_the_put_ends_create_failed(client: Any) -> None:
    kb_id = custom_kb(client)
    with freeze_time(NOON) as frozen:
        started = client.start_content_upload(
            knowledgeBaseId=kb_id, contentType="text/html", presignedUrlTimeToLive=1
        )
        frozen.tick(datetime.timedelta(minutes=1, seconds=1))
        late = requests.put(started["url"], data=HTML, headers=started["headersToInclude"])
        assert late.status_code == 403
        content = client.create_content(
            knowledgeBaseId=kb_id, name="a", uploadId=started["uploadId"]
        )["content"]
        assert get(client, kb_id, content["contentId"])["status"] == "CREATE_FAILED"


def test_an_upload_put_in_time_can_be_used_after_its_url_expired(client: Any) -> None:
    kb_id = custom_kb(client)
    with freeze_time(NOON) as frozen:
        upload_id = upload(client, kb_id, HTML)
        frozen.tick(datetime.timedelta(hours=2))
        content = client.create_content(knowledgeBaseId=kb_id, name="a", uploadId=upload_id)
        assert get(client, kb_id, content["content"]["contentId"])["status"] == "ACTIVE"


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("application/pdf", PDF, "ACTIVE"),
        ("application/pdf", HTML, "CREATE_FAILED"),
        (DOCX_TYPE, b"PK\x03\x04rest of a zip archive", "ACTIVE"),
        (DOCX_TYPE, b"plain words", "CREATE_FAILED"),
        ("application/x.wisdom-json;source=zendesk", b'{"id": 1}', "ACTIVE"),
        ("application/x.wisdom-json;source=zendesk", b"[1, 2]", "CREATE_FAILED"),
        ("text/plain", "é".encode("latin-1"), "ACTIVE"),
        ("text/csv", b"a,b\n1,2\n", "ACTIVE"),
        ("text/html", b"", "CREATE_FAILED"),
    ],
)
def test_the_file_must_be_of_its_declared_type(
    client: Any, content_type: str, body: bytes, status: str
) -> None:
    kb_id = custom_kb(client)
    content = create(client, kb_id, body=body, content_type=content_type)
    assert content["contentType"] == content_type
    assert get(client, kb_id, content["contentId"])["status"] == status


def test_a_name_is_unique_in_its_knowledge_base(client: Any) -> None:
    kb_id = custom_kb(client)
    create(client, kb_id, name="same")
    code, message, status = raised(create, client, kb_id, name="same")
    assert (code, message, status) == (
        "ConflictException",
        f"Knowledge base {kb_id} already has a content named 'same'.",
        409,
    )
    create(client, custom_kb(client), name="same")  # another knowledge base: fine


def test_client_token_replays_the_same_content(client: Any) -> None:
    kb_id = custom_kb(client)
    upload_id = upload(client, kb_id, HTML)
    first = client.create_content(
        knowledgeBaseId=kb_id, name="a", uploadId=upload_id, clientToken="token-1"
    )["content"]
    again = client.create_content(
        knowledgeBaseId=kb_id, name="a", uploadId=upload_id, clientToken="token-1"
    )["content"]
    assert again["contentId"] == first["contentId"]
    assert len(client.list_contents(knowledgeBaseId=kb_id)["contentSummaries"]) == 1
    code, _, status = raised(
        client.create_content,
        knowledgeBaseId=kb_id,
        name="b",
        uploadId=upload_id,
        clientToken="token-1",
    )
    assert (code, status) == ("ConflictException", 409)


def test_too_many_tags_at_creation_is_a_validation_error(client: Any) -> None:
    kb_id = custom_kb(client)
    tags = {f"k{i}": "v" for i in range(51)}
    assert raised(create, client, kb_id, tags=tags) == (
        "ValidationException",
        "A resource can have at most 50 tags.",
        400,
    )


# -- progression ----------------------------------------------------------------------------


@pytest.mark.importmock(progression="manual")
def test_manual_mode_sequence(importmock: Any, client: Any) -> None:
    kb_id = custom_kb(client)
    content_id = create(client, kb_id)["contentId"]
    assert get(client, kb_id, content_id)["status"] == "CREATE_IN_PROGRESS"
    importmock.advance(content_id)
    assert get(client, kb_id, content_id)["status"] == "ACTIVE"
    (info,) = importmock.jobs()
    assert (info.kind, info.status, info.finished) == ("content creation", "ACTIVE", True)

    client.delete_content(knowledgeBaseId=kb_id, contentId=content_id)
    assert get(client, kb_id, content_id)["status"] == "DELETE_IN_PROGRESS"
    summaries = client.list_contents(knowledgeBaseId=kb_id)["contentSummaries"]
    assert [s["status"] for s in summaries] == ["DELETE_IN_PROGRESS"]
    # Deleting again while the deletion runs changes nothing.
    assert status_of(client.delete_content(knowledgeBaseId=kb_id, contentId=content_id)) == 204
    importmock.advance(content_id)
    assert raised(get, client, kb_id, content_id)[0] == "ResourceNotFoundException"
    assert client.list_contents(knowledgeBaseId=kb_id)["contentSummaries"] == []


@pytest.mark.importmock(progression="reads")
def test_reads_mode_sequence(client: Any) -> None:
    kb_id = custom_kb(client)
    created = create(client, kb_id)
    assert created["status"] == "CREATE_IN_PROGRESS"
    assert get(client, kb_id, created["contentId"])["status"] == "ACTIVE"


@pytest.mark.importmock(progression="time")
def test_time_mode_sequence(client: Any) -> None:
    kb_id = custom_kb(client)
    with freeze_time(NOON) as frozen:
        content_id = create(client, kb_id)["contentId"]
        frozen.tick(datetime.timedelta(seconds=2.999))
        assert get(client, kb_id, content_id)["status"] == "CREATE_IN_PROGRESS"
        frozen.tick(datetime.timedelta(seconds=0.001))
        assert get(client, kb_id, content_id)["status"] == "ACTIVE"
        client.delete_content(knowledgeBaseId=kb_id, contentId=content_id)
        frozen.tick(datetime.timedelta(seconds=1.999))
        summary = client.get_content_summary(knowledgeBaseId=kb_id, contentId=content_id)
        assert summary["contentSummary"]["status"] == "DELETE_IN_PROGRESS"
        frozen.tick(datetime.timedelta(seconds=0.001))
        assert raised(get, client, kb_id, content_id)[2] == 404


def test_fail_next_can_fail_a_content_creation(importmock: Any, client: Any) -> None:
    importmock.fail_next(
        client.meta.service_model.service_name, "Simulated", kind="content creation"
    )
    kb_id = custom_kb(client)
    assert get(client, kb_id, create(client, kb_id)["contentId"])["status"] == "CREATE_FAILED"
    # Without the kind, fail_next is for import jobs: contents are not failed by it.
    importmock.fail_next(client.meta.service_model.service_name, "Simulated")
    content_id = create(client, kb_id, name="b")["contentId"]
    assert get(client, kb_id, content_id)["status"] == "ACTIVE"
    importmock.fail_next(client.meta.service_model.service_name, "Simulated", kind="content update")
    upload_id = upload(client, kb_id, b"new", "text/plain")
    client.update_content(knowledgeBaseId=kb_id, contentId=content_id, uploadId=upload_id)
    assert get(client, kb_id, content_id)["status"] == "UPDATE_FAILED"


# -- UpdateContent --------------------------------------------------------------------------


def test_update_title_metadata_and_link(client: Any) -> None:
    kb_id = custom_kb(client)
    with freeze_time(NOON) as frozen:
        created = create(client, kb_id, metadata={"v": "1"})
        frozen.tick(datetime.timedelta(minutes=5))
        updated = client.update_content(
            knowledgeBaseId=kb_id,
            contentId=created["contentId"],
            revisionId=created["revisionId"],
            title="New title",
            metadata={"v": "2", "owner": "me"},
            overrideLinkOutUri="https://example.com/a",
        )["content"]
    assert updated["title"] == "New title"
    assert updated["metadata"] == {"v": "2", "owner": "me"}
    assert updated["linkOutUri"] == "https://example.com/a"
    assert updated["status"] == "ACTIVE"  # no new file: nothing to ingest
    assert updated["revisionId"] != created["revisionId"]
    assert updated["name"] == created["name"]
    if _declares(client, "ContentData", "lastModifiedTime"):
        assert updated["lastModifiedTime"] == NOON + datetime.timedelta(minutes=5)

    removed = client.update_content(
        knowledgeBaseId=kb_id, contentId=created["contentId"], removeOverrideLinkOutUri=True
    )["content"]
    assert "linkOutUri" not in removed
    assert removed["title"] == "New title" and removed["metadata"] == {"v": "2", "owner": "me"}


def test_update_with_a_stale_revision_is_precondition_failed(client: Any) -> None:
    kb_id = custom_kb(client)
    created = create(client, kb_id)
    current = client.update_content(
        knowledgeBaseId=kb_id, contentId=created["contentId"], title="changed"
    )["content"]
    assert raised(
        client.update_content,
        knowledgeBaseId=kb_id,
        contentId=created["contentId"],
        revisionId=created["revisionId"],
        title="lost update",
    ) == (
        "PreconditionFailedException",
        f"Revision {created['revisionId']} is not the current revision of content "
        f"{created['contentId']}; it has been modified since. Read it again.",
        412,
    )
    assert get(client, kb_id, created["contentId"])["title"] == "changed"
    # The revision read last is current: the update goes through.
    client.update_content(
        knowledgeBaseId=kb_id,
        contentId=created["contentId"],
        revisionId=current["revisionId"],
        title="ok",
    )
    assert get(client, kb_id, created["contentId"])["title"] == "ok"


def test_update_cannot_both_set_and_remove_the_link(client: Any) -> None:
    kb_id = custom_kb(client)
    content_id = create(client, kb_id)["contentId"]
    assert raised(
        client.update_content,
        knowledgeBaseId=kb_id,
        contentId=content_id,
        overrideLinkOutUri="https://example.com",
        removeOverrideLinkOutUri=True,
    ) == (
        "ValidationException",
        "Give either overrideLinkOutUri or removeOverrideLinkOutUri, not both.",
        400,
    )


@pytest.mark.importmock(progression="manual")
def test_update_with_a_new_upload_replaces_the_file(importmock: Any, client: Any) -> None:
    kb_id = custom_kb(client)
    content_id = create(client, kb_id)["contentId"]
    importmock.settle()
    old_url = get(client, kb_id, content_id)["url"]
    upload_id = upload(client, kb_id, PDF, "application/pdf")
    updated = client.update_content(knowledgeBaseId=kb_id, contentId=content_id, uploadId=upload_id)
    assert updated["content"]["status"] == "CREATE_IN_PROGRESS"
    # Until the new file is ingested, the old one is served.
    during = get(client, kb_id, content_id)
    assert (during["status"], during["contentType"]) == ("CREATE_IN_PROGRESS", "text/html")
    assert requests.get(during["url"]).content == HTML
    importmock.advance(content_id)
    after = get(client, kb_id, content_id)
    assert (after["status"], after["contentType"]) == ("ACTIVE", "application/pdf")
    download = requests.get(after["url"])
    assert (download.content, download.headers["Content-Type"]) == (PDF, "application/pdf")
    # The old revision's file is gone.
    assert requests.get(old_url).status_code == 404


def test_a_replacement_that_cannot_be_ingested_is_update_failed(client: Any) -> None:
    kb_id = custom_kb(client)
    content_id = create(client, kb_id)["contentId"]
    upload_id = upload(client, kb_id, b"not a pdf", "application/pdf")
    client.update_content(knowledgeBaseId=kb_id, contentId=content_id, uploadId=upload_id)
    failed = get(client, kb_id, content_id)
    assert (failed["status"], failed["contentType"]) == ("UPDATE_FAILED", "text/html")
    assert requests.get(failed["url"]).content == HTML  # the last good file stays
    # A good file afterwards makes it ACTIVE again.
    good = upload(client, kb_id, b"fixed", "text/plain")
    client.update_content(knowledgeBaseId=kb_id, contentId=content_id, uploadId=good)
    fixed = get(client, kb_id, content_id)
    assert (fixed["status"], fixed["contentType"]) == ("ACTIVE", "text/plain")
    assert requests.get(fixed["url"]).content == b"fixed"


def test_a_failed_creation_can_be_fixed_by_an_update(client: Any) -> None:
    kb_id = custom_kb(client)
    content_id = create(client, kb_id, body=None)["contentId"]
    assert get(client, kb_id, content_id)["status"] == "CREATE_FAILED"
    client.update_content(
        knowledgeBaseId=kb_id, contentId=content_id, uploadId=upload(client, kb_id, HTML)
    )
    assert get(client, kb_id, content_id)["status"] == "ACTIVE"


@pytest.mark.importmock(progression="manual")
def test_update_while_deleting_is_refused(importmock: Any, client: Any) -> None:
    kb_id = custom_kb(client)
    content_id = create(client, kb_id)["contentId"]
    client.delete_content(knowledgeBaseId=kb_id, contentId=content_id)
    assert raised(
        client.update_content, knowledgeBaseId=kb_id, contentId=content_id, title="x"
    ) == (
        "ValidationException",
        f"Content {content_id} is being deleted.",
        400,
    )


@pytest.mark.importmock(progression="manual")
def test_delete_during_ingestion_ends_the_ingestion_first(importmock: Any, client: Any) -> None:
    kb_id = custom_kb(client)
    content_id = create(client, kb_id)["contentId"]
    client.delete_content(knowledgeBaseId=kb_id, contentId=content_id)
    (info,) = importmock.jobs()
    assert [status for status, _ in info.history] == [
        "CREATE_IN_PROGRESS",
        "ACTIVE",
        "DELETE_IN_PROGRESS",
    ]


# -- DeleteContent --------------------------------------------------------------------------


def test_delete_content(client: Any) -> None:
    kb_id = custom_kb(client)
    created = create(client, kb_id, tags={"a": "b"})
    url = get(client, kb_id, created["contentId"])["url"]
    deleted = client.delete_content(knowledgeBaseId=kb_id, contentId=created["contentId"])
    assert status_of(deleted) == 204
    assert raised(get, client, kb_id, created["contentId"])[2] == 404
    assert requests.get(url).status_code == 404
    assert raised(client.list_tags_for_resource, resourceArn=created["contentArn"])[2] == 404
    # Its name is free again.
    create(client, kb_id, name=created["name"])


def test_delete_knowledge_base_removes_its_contents(client: Any) -> None:
    kb_id = custom_kb(client)
    created = create(client, kb_id)
    url = get(client, kb_id, created["contentId"])["url"]
    assert status_of(client.delete_knowledge_base(knowledgeBaseId=kb_id)) == 204
    assert requests.get(url).status_code == 404
    assert raised(client.list_tags_for_resource, resourceArn=created["contentArn"])[2] == 404
    assert raised(get, client, kb_id, created["contentId"])[2] == 404


# -- ListContents and SearchContent ---------------------------------------------------------


def test_list_contents_is_paginated_newest_first(client: Any) -> None:
    kb_id = custom_kb(client)
    for i in range(12):
        create(client, kb_id, name=f"doc-{i:02}")
    first = client.list_contents(knowledgeBaseId=kb_id)
    assert [s["name"] for s in first["contentSummaries"]] == [
        f"doc-{i:02}" for i in range(11, 1, -1)
    ]
    second = client.list_contents(knowledgeBaseId=kb_id, nextToken=first["nextToken"])
    assert [s["name"] for s in second["contentSummaries"]] == ["doc-01", "doc-00"]
    assert "nextToken" not in second
    pages = client.get_paginator("list_contents").paginate(
        knowledgeBaseId=kb_id, PaginationConfig={"PageSize": 5}
    )
    assert [len(page["contentSummaries"]) for page in pages] == [5, 5, 2]
    assert raised(client.list_contents, knowledgeBaseId=kb_id, nextToken="bogus") == (
        "ValidationException",
        "The nextToken 'bogus' is not valid.",
        400,
    )


def test_search_content_by_name(client: Any) -> None:
    kb_id = custom_kb(client)
    for name in ("faq/returns.html", "faq/Returns.html", "shipping.pdf"):
        create(client, kb_id, name=name)

    def search(*values: str) -> list[str]:
        filters = [{"field": "NAME", "operator": "EQUALS", "value": v} for v in values]
        found = client.search_content(knowledgeBaseId=kb_id, searchExpression={"filters": filters})
        return [s["name"] for s in found["contentSummaries"]]

    assert search("faq/returns.html") == ["faq/returns.html"]  # exact, case-sensitive
    assert search("faq") == []
    assert search() == ["shipping.pdf", "faq/Returns.html", "faq/returns.html"]
    assert search("shipping.pdf", "faq/returns.html") == []  # every filter must hold
    assert search("shipping.pdf", "shipping.pdf") == ["shipping.pdf"]


def test_search_content_is_paginated(client: Any) -> None:
    kb_id = custom_kb(client)
    for i in range(3):
        create(client, kb_id, name=f"doc-{i}")
    pages = client.get_paginator("search_content").paginate(
        knowledgeBaseId=kb_id,
        searchExpression={"filters": []},
        PaginationConfig={"PageSize": 2},
    )
    assert [[s["name"] for s in p["contentSummaries"]] for p in pages] == [
        ["doc-2", "doc-1"],
        ["doc-0"],
    ]
    # A token belongs to its search expression.
    token = client.search_content(
        knowledgeBaseId=kb_id, searchExpression={"filters": []}, maxResults=1
    )["nextToken"]
    other = {"filters": [{"field": "NAME", "operator": "EQUALS", "value": "doc-0"}]}
    code, _, status = raised(
        client.search_content, knowledgeBaseId=kb_id, searchExpression=other, nextToken=token
    )
    assert (code, status) == ("ValidationException", 400)


def test_search_content_allows_only_the_models_fields_and_operators(client: Any) -> None:
    kb_id = custom_kb(client)
    code, message, status = raised(
        client.search_content,
        knowledgeBaseId=kb_id,
        searchExpression={"filters": [{"field": "TITLE", "operator": "CONTAINS", "value": "x"}]},
    )
    assert (code, status) == ("ValidationException", 400)
    assert message == (
        "2 validation errors detected: Value 'TITLE' at 'searchExpression.filters.1.member.field' "
        "failed to satisfy constraint: Member must satisfy enum value set: [NAME]; Value "
        "'CONTAINS' at 'searchExpression.filters.1.member.operator' failed to satisfy "
        "constraint: Member must satisfy enum value set: [EQUALS]"
    )


# -- tags -----------------------------------------------------------------------------------


def test_tags_on_contents(client: Any) -> None:
    kb_id = custom_kb(client)
    arn = create(client, kb_id, tags={"a": "1"})["contentArn"]
    client.tag_resource(resourceArn=arn, tags={"b": "2"})
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "1", "b": "2"}
    client.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2"}
    content_id = arn.rsplit("/", 1)[-1]
    assert get(client, kb_id, content_id)["tags"] == {"b": "2"}
    with pytest.raises(client.exceptions.TooManyTagsException) as caught:
        client.tag_resource(resourceArn=arn, tags={f"k{i}": "v" for i in range(50)})
    assert caught.value.response["resourceName"] == arn


# -- server mode -------------------------------------------------------------------------------


def test_content_upload_and_download_through_a_server() -> None:
    from importmock.server import threaded_server

    with threaded_server(progression="reads") as server:
        client = server.client("wisdom")
        kb_id = custom_kb(client)
        created = create(client, kb_id, body=PDF, content_type="application/pdf")
        content = get(client, kb_id, created["contentId"])
        assert content["status"] == "ACTIVE"
        assert content["url"].startswith(server.url + "/_importmock/s3/")
        download = requests.get(content["url"], timeout=10)
        assert (download.status_code, download.content) == (200, PDF)
        assert download.headers["Content-Type"] == "application/pdf"
