"""Knowledge-base content: CreateContent, GetContent, GetContentSummary, ListContents,
UpdateContent, DeleteContent and SearchContent.

A content is a file uploaded through StartContentUpload's URL to a ``CUSTOM`` knowledge
base. CreateContent takes the upload (each upload once) and ingests its file:
``CREATE_IN_PROGRESS``, then ``ACTIVE``, or ``CREATE_FAILED`` when nothing was uploaded or
the file is not of its declared type. UpdateContent changes the title, metadata and link,
and with a new ``uploadId`` replaces the file (ingested again, ``UPDATE_FAILED`` if it
cannot be). DeleteContent goes ``DELETE_IN_PROGRESS``, then the content is gone. Every
change makes a new ``revisionId``; UpdateContent given an older one is refused with
``PreconditionFailedException``. GetContent's ``url`` downloads the file of the current
revision, with the content type it was uploaded with.
"""

from __future__ import annotations

import json
from typing import Any

from importmock.engine import clock
from importmock.engine.errors import ServiceError
from importmock.engine.lifecycle import Job
from importmock.services.wisdom import content_files
from importmock.services.wisdom.base import (
    DOWNLOAD_TTL_SECONDS,
    WisdomBackendBase,
    last_segment,
    refers_to,
)
from importmock.services.wisdom.models import (
    CONTENT_CREATION,
    CONTENT_DELETION,
    CONTENT_UPDATE,
    Content,
    KnowledgeBase,
    Upload,
)

#: The only knowledge-base type whose content is uploaded through the API: EXTERNAL and
#: MANAGED ones are filled by their source's sync, QUICK_RESPONSES and MESSAGE_TEMPLATES
#: ones hold other resources.
CONTENT_KNOWLEDGE_BASE_TYPE = "CUSTOM"


class ContentsMixin(WisdomBackendBase):
    """The content operations (see the module docstring)."""

    # -- helpers -------------------------------------------------------------------
    def _content(self, kb: KnowledgeBase, reference: str, read: bool = True) -> Content:
        found = kb.contents.get(last_segment(reference))
        if found is not None and refers_to(reference, found.content_id, found.arn):
            if read:  # a read moves the content's job in `reads` mode (and may end a deletion)
                found.job.read()
            if found.content_id in kb.contents:
                return found
        raise self._not_found("Content", reference)

    def _content_upload(self, kb: KnowledgeBase, upload_id: str) -> Upload:
        """The upload ``upload_id`` names, if it may become a content's file."""
        upload = kb.uploads.get(upload_id)
        if upload is None:
            raise self.invalid(
                f"The upload ID {upload_id} was not issued for knowledge base "
                f"{kb.knowledge_base_id}; call StartContentUpload on this knowledge base first."
            )
        if upload.used_by is not None:
            raise self.invalid(
                f"The upload ID {upload_id} has already been used by content {upload.used_by}; "
                "call StartContentUpload for a new one."
            )
        return upload

    def _take_upload(
        self, content_id: str, upload: Upload, revision_id: str
    ) -> tuple[str, str | None]:
        """Copy the uploaded file to where the revision keeps it (a later PUT to the upload
        URL does not change it); returns that key and why the file cannot be ingested."""
        upload.used_by = content_id
        key = f"{upload.key.split('/', 1)[0]}/contents/{content_id}/{revision_id}"
        stored = self.urls.uploaded(upload.key)
        body = None if stored is None else stored.body
        if stored is not None and body is not None:
            self.urls.put(key, body, stored.content_type)
        return key, content_files.problem(upload.content_type, body, upload.upload_id)

    def _content_data(self, content: Content) -> dict[str, Any]:
        url, expiry = self.urls.mint_download(
            self._bucket, self.region, content.body_key, DOWNLOAD_TTL_SECONDS
        )
        data = {
            **content.summary(),
            "linkOutUri": content.link_out_uri,
            "url": url,
            "urlExpiry": expiry,
        }
        return self._declared("ContentData", {k: v for k, v in data.items() if v is not None})

    def _content_summary(self, content: Content) -> dict[str, Any]:
        return self._declared("ContentSummary", content.summary())

    def _settled(self, content: Content) -> None:
        """Let an ingestion still running end at once, as planned, before a new phase."""
        if not content.job.finished:
            content.job.settle()

    def _forget_content(self, content: Content) -> None:
        """Remove a content and its files (their URLs then answer NoSuchKey, as S3 does)."""
        kb = content.knowledge_base
        kb.contents.pop(content.content_id, None)
        prefix = f"{kb.knowledge_base_id}/contents/{content.content_id}/"
        for key in {content.body_key, *content.pending_keys}:
            if key.startswith(prefix):
                self.urls.remove(key)

    # -- operations ------------------------------------------------------------------
    def create_content(
        self,
        knowledgeBaseId: str,
        name: str,
        uploadId: str,
        title: str | None = None,
        overrideLinkOutUri: str | None = None,
        metadata: dict[str, str] | None = None,
        clientToken: str | None = None,
        tags: dict[str, str] | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        request = {
            "name": name,
            "upload": uploadId,
            "title": title,
            "link": overrideLinkOutUri,
            "metadata": metadata,
            "tags": tags,
        }
        scope = f"content:{kb.knowledge_base_id}"
        earlier = self.tokens.replay(scope, clientToken, request)
        if earlier is not None and earlier in kb.contents:
            return {"content": self._content_data(kb.contents[earlier])}
        if kb.knowledge_base_type != CONTENT_KNOWLEDGE_BASE_TYPE:
            raise self.invalid(
                f"Knowledge base {kb.knowledge_base_id} is of type {kb.knowledge_base_type}; "
                "content can only be created in a knowledge base of type CUSTOM."
            )
        upload = self._content_upload(kb, uploadId)
        if any(other.name == name for other in kb.contents.values()):
            raise ServiceError(
                "ConflictException",
                f"Knowledge base {kb.knowledge_base_id} already has a content named '{name}'.",
            )
        content_tags = self.tagged({}, tags)
        content_id = self.new_uuid()
        revision_id = self.new_uuid()
        key, failure = self._take_upload(content_id, upload, revision_id)
        job = self.jobs.start(content_id, self.service, CONTENT_CREATION, failure_reason=failure)
        content = Content(
            content_id=content_id,
            arn=self._arn(f"content/{kb.knowledge_base_id}/{content_id}"),
            knowledge_base=kb,
            name=name,
            title=title or name,
            content_type=upload.content_type,
            revision_id=revision_id,
            job=job,
            body_key=key,
            modified=clock.now(),
            region=self.region,
            metadata=dict(metadata or {}),
            link_out_uri=overrideLinkOutUri,
            tags=content_tags,
        )
        kb.contents[content_id] = content
        self.tokens.remember(scope, clientToken, request, content_id)
        return {"content": self._content_data(content)}

    def get_content(self, knowledgeBaseId: str, contentId: str) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        return {"content": self._content_data(self._content(kb, contentId))}

    def get_content_summary(self, knowledgeBaseId: str, contentId: str) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        return {"contentSummary": self._content_summary(self._content(kb, contentId))}

    def _read_all(self, kb: KnowledgeBase) -> list[Content]:
        for content in list(kb.contents.values()):
            content.job.read()
        return list(kb.contents.values())

    def list_contents(
        self, knowledgeBaseId: str, maxResults: int | None = None, nextToken: str | None = None
    ) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        page, token = self._page(
            self._read_all(kb), f"contents:{kb.knowledge_base_id}", maxResults, nextToken
        )
        return {"contentSummaries": [self._content_summary(c) for c in page], "nextToken": token}

    def search_content(
        self,
        knowledgeBaseId: str,
        searchExpression: dict[str, Any],
        maxResults: int | None = None,
        nextToken: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        # The models allow one filter: NAME EQUALS value (exact). Every filter must hold.
        filters = searchExpression.get("filters") or []
        found = [
            content
            for content in self._read_all(kb)
            if all(
                rule.get("field") == "NAME"
                and rule.get("operator") == "EQUALS"
                and content.name == rule.get("value")
                for rule in filters
            )
        ]
        scope = (
            f"content-search:{kb.knowledge_base_id}:{json.dumps(searchExpression, sort_keys=True)}"
        )
        page, token = self._page(found, scope, maxResults, nextToken)
        return {"contentSummaries": [self._content_summary(c) for c in page], "nextToken": token}

    def update_content(
        self,
        knowledgeBaseId: str,
        contentId: str,
        revisionId: str | None = None,
        title: str | None = None,
        overrideLinkOutUri: str | None = None,
        removeOverrideLinkOutUri: bool | None = None,
        metadata: dict[str, str] | None = None,
        uploadId: str | None = None,
        **_: Any,
    ) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        content = self._content(kb, contentId, read=False)
        if content.job.status == "DELETE_IN_PROGRESS":
            raise self.invalid(f"Content {content.content_id} is being deleted.")
        if revisionId is not None and revisionId != content.revision_id:
            raise ServiceError(
                "PreconditionFailedException",
                f"Revision {revisionId} is not the current revision of content "
                f"{content.content_id}; it has been modified since. Read it again.",
            )
        if overrideLinkOutUri is not None and removeOverrideLinkOutUri:
            raise self.invalid(
                "Give either overrideLinkOutUri or removeOverrideLinkOutUri, not both."
            )
        upload = self._content_upload(kb, uploadId) if uploadId is not None else None
        content.revision_id = self.new_uuid()
        content.modified = clock.now()
        if title is not None:
            content.title = title
        if metadata is not None:
            content.metadata = dict(metadata)
        if overrideLinkOutUri is not None:
            content.link_out_uri = overrideLinkOutUri
        if removeOverrideLinkOutUri:
            content.link_out_uri = None
        if upload is not None:
            self._replace_file(content, upload)
        return {"content": self._content_data(content)}

    def _replace_file(self, content: Content, upload: Upload) -> None:
        """Ingest a new file for ``content``; it becomes the served file once ingested."""
        self._settled(content)
        key, failure = self._take_upload(content.content_id, upload, content.revision_id)
        content.pending_keys.add(key)

        def ingested(_job: Job) -> None:
            content.pending_keys.discard(key)
            if content.body_key != key:
                self.urls.remove(content.body_key)
            content.body_key = key
            content.content_type = upload.content_type

        def refused(_job: Job) -> None:
            content.pending_keys.discard(key)
            self.urls.remove(key)

        self.jobs.continue_with(
            content.job,
            CONTENT_UPDATE,
            failure_reason=failure,
            on_success=ingested,
            on_failure=refused,
        )

    def delete_content(self, knowledgeBaseId: str, contentId: str) -> None:
        kb = self._kb(knowledgeBaseId)
        content = self._content(kb, contentId, read=False)
        if content.job.status == "DELETE_IN_PROGRESS":
            return  # already being deleted
        self._settled(content)
        self.jobs.continue_with(
            content.job, CONTENT_DELETION, on_success=lambda _job: self._forget_content(content)
        )
