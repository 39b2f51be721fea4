"""Amazon Q in Connect / Wisdom: knowledge bases, uploads, quick-response import jobs.

Knowledge-base content (CreateContent and the rest) lives in contents.py, shared state and
look-ups in base.py.

One backend serves the ``wisdom`` and ``qconnect`` clients: both send the same requests to
the same ``wisdom.<region>`` endpoint, so a knowledge base created through one is visible
through the other. Input is validated with the model of the client that sent it (their
quick-response name limits differ: 40 in wisdom, 100 in qconnect).
"""

from __future__ import annotations

import json
from typing import Any

from importmock.engine import clock
from importmock.engine.backend import register
from importmock.engine.errors import ServiceError
from importmock.engine.lifecycle import Job
from importmock.engine.validation import validation_message
from importmock.services.wisdom import quick_response_csv as csv_file
from importmock.services.wisdom import search
from importmock.services.wisdom.base import DOWNLOAD_TTL_SECONDS, last_segment, refers_to
from importmock.services.wisdom.contents import ContentsMixin
from importmock.services.wisdom.models import (
    CONTENT_DELETION,
    CONTENT_LIFECYCLES,
    IMPORT_JOB_DELETION,
    QUICK_RESPONSE_IMPORT,
    Content,
    ImportJob,
    KnowledgeBase,
    QuickResponse,
    Upload,
)

MAX_KNOWLEDGE_BASES = 10
MAX_QUICK_RESPONSES = 1000
MAX_TAGS = 50
DEFAULT_UPLOAD_TTL_MINUTES = 15


@register
class WisdomBackend(ContentsMixin):
    """Knowledge bases, content uploads, contents, quick responses and their import jobs."""

    clients = ("wisdom", "qconnect")
    lifecycles = (QUICK_RESPONSE_IMPORT, *CONTENT_LIFECYCLES)
    phases = (IMPORT_JOB_DELETION, CONTENT_DELETION)
    tags_per_resource = MAX_TAGS

    def _quick_response(self, kb: KnowledgeBase, reference: str) -> QuickResponse:
        found = kb.quick_responses.get(last_segment(reference))
        if found is None or not refers_to(reference, found.quick_response_id, found.arn):
            raise self._not_found("Quick response", reference)
        return found

    def _import_job(self, kb: KnowledgeBase, reference: str, read: bool = True) -> ImportJob:
        found = kb.import_jobs.get(last_segment(reference))
        if found is not None:
            if read:  # a read moves the job in `reads` mode (and may finish a deletion)
                found.job.read()
            if found.import_job_id in kb.import_jobs:
                return found
        raise self._not_found("Import job", reference)

    # -- knowledge bases -------------------------------------------------------------
    def create_knowledge_base(
        self,
        name: str,
        knowledgeBaseType: str,
        clientToken: str | None = None,
        description: str | None = None,
        tags: dict[str, str] | None = None,
        **configuration: Any,
    ) -> dict[str, Any]:
        request = {
            "name": name,
            "type": knowledgeBaseType,
            "description": description,
            "tags": tags,
            **configuration,
        }
        earlier = self.tokens.replay("kb", clientToken, request)
        if earlier is not None and earlier in self.knowledge_bases:
            return {"knowledgeBase": self.knowledge_bases[earlier].data()}
        if any(kb.name == name for kb in self.knowledge_bases.values()):
            raise ServiceError(
                "ConflictException", f"A knowledge base named '{name}' already exists."
            )
        if len(self.knowledge_bases) >= MAX_KNOWLEDGE_BASES:
            raise ServiceError(
                "ServiceQuotaExceededException",
                f"The account already has {MAX_KNOWLEDGE_BASES} knowledge bases, the quota.",
            )
        kb_id = self.new_uuid()
        kb = KnowledgeBase(
            knowledge_base_id=kb_id,
            arn=self._arn(f"knowledge-base/{kb_id}"),
            name=name,
            knowledge_base_type=knowledgeBaseType,
            description=description,
            tags=self.tagged({}, tags),
            extra={k: v for k, v in configuration.items() if v is not None},
        )
        self.knowledge_bases[kb_id] = kb
        self.tokens.remember("kb", clientToken, request, kb_id)
        return {"knowledgeBase": kb.data()}

    def get_knowledge_base(self, knowledgeBaseId: str) -> dict[str, Any]:
        return {"knowledgeBase": self._kb(knowledgeBaseId).data()}

    def list_knowledge_bases(
        self, maxResults: int | None = None, nextToken: str | None = None
    ) -> dict[str, Any]:
        page, token = self._page(self.knowledge_bases.values(), "kbs", maxResults, nextToken)
        return {"knowledgeBaseSummaries": [kb.summary() for kb in page], "nextToken": token}

    def delete_knowledge_base(self, knowledgeBaseId: str) -> None:
        kb = self._kb(knowledgeBaseId)
        running = [j for j in kb.import_jobs.values() if not j.job.finished]
        if running:
            raise ServiceError(
                "ConflictException",
                f"Knowledge base {kb.knowledge_base_id} has import job "
                f"{running[0].import_job_id} in status {running[0].job.status}.",
            )
        # Its contents go with it, whatever their status, and so do their files.
        for content in list(kb.contents.values()):
            self._forget_content(content)
        del self.knowledge_bases[kb.knowledge_base_id]

    # -- uploads and import jobs -----------------------------------------------------
    def start_content_upload(
        self, knowledgeBaseId: str, contentType: str, presignedUrlTimeToLive: int | None = None
    ) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        upload_id = self.new_uuid()
        key = f"{kb.knowledge_base_id}/{upload_id}"
        headers = {"content-type": contentType, "x-amz-server-side-encryption": "aws:kms"}
        ttl = 60 * (presignedUrlTimeToLive or DEFAULT_UPLOAD_TTL_MINUTES)
        url, expiry = self.urls.mint_upload(self._bucket, self.region, key, ttl, headers)
        kb.uploads[upload_id] = Upload(upload_id, key, contentType)
        return {"uploadId": upload_id, "url": url, "urlExpiry": expiry, "headersToInclude": headers}

    def start_import_job(
        self,
        knowledgeBaseId: str,
        importJobType: str,
        uploadId: str,
        clientToken: str | None = None,
        metadata: dict[str, str] | None = None,
        externalSourceConfiguration: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        request = {
            "type": importJobType,
            "upload": uploadId,
            "metadata": metadata,
            "source": externalSourceConfiguration,
        }
        earlier = self.tokens.replay(f"import:{kb.knowledge_base_id}", clientToken, request)
        if earlier is not None and earlier in kb.import_jobs:
            return {"importJob": self._job_data(kb.import_jobs[earlier])}
        # A token whose job was deleted since is spent: the request starts a new job.
        if kb.knowledge_base_type != "QUICK_RESPONSES":
            raise self.invalid(
                f"Knowledge base {kb.knowledge_base_id} is of type {kb.knowledge_base_type}; "
                "QUICK_RESPONSES import jobs need a knowledge base of type QUICK_RESPONSES."
            )
        upload = kb.uploads.get(uploadId)
        if upload is None:
            raise self.invalid(
                f"The upload ID {uploadId} was not issued for knowledge base "
                f"{kb.knowledge_base_id}; call StartContentUpload on this knowledge base first."
            )
        job_id = self.new_uuid()
        plan = self._plan_import(kb, upload, f"{kb.knowledge_base_id}/sources/{job_id}")
        holder: dict[str, ImportJob] = {}
        job = self.jobs.start(
            job_id,
            self.service,
            QUICK_RESPONSE_IMPORT,
            failure_reason=plan.failure,
            on_success=lambda finished: self._finish_import(holder["job"], plan, finished),
            on_failure=lambda finished: self._fail_import(holder["job"], finished),
        )
        import_job = ImportJob(
            import_job_id=job_id,
            knowledge_base=kb,
            upload=upload,
            job=job,
            source_key=f"{kb.knowledge_base_id}/sources/{job_id}",
            import_job_type=importJobType,
            metadata=metadata,
            external_source=externalSourceConfiguration,
        )
        holder["job"] = import_job
        kb.import_jobs[job_id] = import_job
        self.tokens.remember(f"import:{kb.knowledge_base_id}", clientToken, request, job_id)
        return {"importJob": self._job_data(import_job)}

    def _plan_import(self, kb: KnowledgeBase, upload: Upload, source_key: str) -> _ImportPlan:
        """Decide the job's outcome from the file, now, as the job starts."""
        stored = self.urls.uploaded(upload.key)
        if stored is None or stored.body is None:
            return _ImportPlan(failure=f"Nothing was uploaded for upload ID {upload.upload_id}.")
        # The job's `url` serves the file it read, even if the upload URL is PUT again.
        self.urls.put(source_key, stored.body, stored.content_type)
        try:
            parsed = csv_file.read(stored.body)
        except csv_file.FileProblem as unreadable:
            return _ImportPlan(failure=str(unreadable))
        assert self.context is not None
        # Rows obey CreateQuickResponse's rules, in the model of the client that started
        # the job (a name may be 40 characters in wisdom, 100 in qconnect).
        validator = self.context.spec.operation("CreateQuickResponse").validator
        assert validator is not None
        plan = _ImportPlan(header=parsed.header)
        names = {qr.name for qr in kb.quick_responses.values()}
        shortcuts = {qr.shortcut_key for qr in kb.quick_responses.values() if qr.shortcut_key}
        room = MAX_QUICK_RESPONSES - len(kb.quick_responses)
        for row in parsed.rows:
            request, problem = csv_file.to_request(row)
            if problem is None:
                violations = validator.violations(
                    {"knowledgeBaseId": kb.knowledge_base_id, **request}
                )
                if violations:
                    problem = validation_message(violations)
            if problem is None:
                problem = self._clash(request, names, shortcuts)
            if problem is None and room <= 0:
                problem = (
                    f"The knowledge base already holds {MAX_QUICK_RESPONSES} quick responses, "
                    "the quota."
                )
            if problem is not None:
                plan.failed.append((row.cells, problem))
                continue
            names.add(request["name"])
            if request.get("shortcutKey"):
                shortcuts.add(request["shortcutKey"])
            room -= 1
            plan.valid.append((row.cells, request))
        return plan

    @staticmethod
    def _clash(request: dict[str, Any], names: set[str], shortcuts: set[str]) -> str | None:
        if request["name"] in names:
            return f"A quick response named '{request['name']}' already exists."
        if request.get("shortcutKey") in shortcuts:
            return f"The shortcut key '{request['shortcutKey']}' is already in use."
        return None

    def _finish_import(self, import_job: ImportJob, plan: _ImportPlan, job: Job) -> None:
        kb = import_job.knowledge_base
        failed = list(plan.failed)
        names = {qr.name for qr in kb.quick_responses.values()}
        shortcuts = {qr.shortcut_key for qr in kb.quick_responses.values() if qr.shortcut_key}
        for cells, request in plan.valid:
            # Something created between the job's start and its end may now clash.
            clash = self._clash(request, names, shortcuts)
            if clash is not None:
                failed.append((cells, clash))
                continue
            # Stamped when the job completed, which in time mode precedes the read that
            # noticed it.
            qr = self._create(kb, request, created=job.updated_at)
            names.add(qr.name)
            if qr.shortcut_key:
                shortcuts.add(qr.shortcut_key)
        if failed:
            self._write_report(import_job, csv_file.failed_record_report(plan.header, failed))

    def _fail_import(self, import_job: ImportJob, job: Job) -> None:
        reason = job.failure_reason or "The import failed."
        self._write_report(import_job, csv_file.failed_record_report([], [([], reason)]))

    def _write_report(self, import_job: ImportJob, body: bytes) -> None:
        kb_id = import_job.knowledge_base.knowledge_base_id
        key = f"{kb_id}/reports/{import_job.import_job_id}.csv"
        self.urls.put(key, body, "text/csv")
        import_job.report_key = key

    def _job_data(self, import_job: ImportJob) -> dict[str, Any]:
        source_url, source_expiry = self.urls.mint_download(
            self._bucket, self.region, import_job.source_key, DOWNLOAD_TTL_SECONDS
        )
        data = {**import_job.summary(), "url": source_url, "urlExpiry": source_expiry}
        if import_job.report_key is not None and import_job.job.finished:
            data["failedRecordReport"], _ = self.urls.mint_download(
                self._bucket, self.region, import_job.report_key, DOWNLOAD_TTL_SECONDS
            )
        return data

    def get_import_job(self, knowledgeBaseId: str, importJobId: str) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        return {"importJob": self._job_data(self._import_job(kb, importJobId))}

    def list_import_jobs(
        self, knowledgeBaseId: str, maxResults: int | None = None, nextToken: str | None = None
    ) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        for import_job in list(kb.import_jobs.values()):
            import_job.job.read()
        page, token = self._page(
            kb.import_jobs.values(), f"jobs:{kb.knowledge_base_id}", maxResults, nextToken
        )
        return {"importJobSummaries": [j.summary() for j in page], "nextToken": token}

    def delete_import_job(self, knowledgeBaseId: str, importJobId: str) -> None:
        kb = self._kb(knowledgeBaseId)
        import_job = self._import_job(kb, importJobId, read=False)
        if not import_job.job.finished:
            raise ServiceError(
                "ConflictException",
                f"Import job {import_job.import_job_id} is {import_job.job.status} and cannot "
                "be deleted until it ends.",
            )
        self.jobs.continue_with(
            import_job.job,
            IMPORT_JOB_DELETION,
            on_success=lambda _job: kb.import_jobs.pop(import_job.import_job_id, None),
        )

    # -- quick responses ---------------------------------------------------------------
    def _create(
        self, kb: KnowledgeBase, request: dict[str, Any], created: float | None = None
    ) -> QuickResponse:
        qr_id = self.new_uuid()
        now = clock.now() if created is None else created
        qr = QuickResponse(
            quick_response_id=qr_id,
            arn=self._arn(f"quick-response/{kb.knowledge_base_id}/{qr_id}"),
            knowledge_base=kb,
            name=request["name"],
            content=request["content"]["content"],
            content_type=request.get("contentType") or csv_file.CONTENT_TYPES["plain"],
            created=now,
            modified=now,
            description=request.get("description"),
            shortcut_key=request.get("shortcutKey"),
            is_active=request.get("isActive", True),
            channels=request.get("channels"),
            language=request.get("language"),
            grouping=request.get("groupingConfiguration"),
            tags=self.tagged({}, request.get("tags")),
        )
        kb.quick_responses[qr_id] = qr
        return qr

    def create_quick_response(
        self, knowledgeBaseId: str, clientToken: str | None = None, **request: Any
    ) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        earlier = self.tokens.replay(f"qr:{kb.knowledge_base_id}", clientToken, request)
        if earlier is not None and earlier in kb.quick_responses:
            return {"quickResponse": kb.quick_responses[earlier].data()}
        names = {qr.name for qr in kb.quick_responses.values()}
        shortcuts = {qr.shortcut_key for qr in kb.quick_responses.values() if qr.shortcut_key}
        clash = self._clash(request, names, shortcuts)
        if clash is not None:
            raise ServiceError("ConflictException", clash)
        if len(kb.quick_responses) >= MAX_QUICK_RESPONSES:
            raise ServiceError(
                "ServiceQuotaExceededException",
                f"Knowledge base {kb.knowledge_base_id} already holds {MAX_QUICK_RESPONSES} "
                "quick responses, the quota.",
            )
        qr = self._create(kb, request)
        self.tokens.remember(
            f"qr:{kb.knowledge_base_id}", clientToken, request, qr.quick_response_id
        )
        return {"quickResponse": qr.data()}

    def get_quick_response(self, knowledgeBaseId: str, quickResponseId: str) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        return {"quickResponse": self._quick_response(kb, quickResponseId).data()}

    def list_quick_responses(
        self, knowledgeBaseId: str, maxResults: int | None = None, nextToken: str | None = None
    ) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        page, token = self._page(
            kb.quick_responses.values(), f"qrs:{kb.knowledge_base_id}", maxResults, nextToken
        )
        return {"quickResponseSummaries": [qr.summary() for qr in page], "nextToken": token}

    def search_quick_responses(
        self,
        knowledgeBaseId: str,
        searchExpression: dict[str, Any],
        maxResults: int | None = None,
        nextToken: str | None = None,
        attributes: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        try:
            found = search.run(list(kb.quick_responses.values()), searchExpression)
        except search.InvalidExpression as problem:
            raise self.invalid(str(problem)) from None
        scope = f"search:{kb.knowledge_base_id}:{json.dumps(searchExpression, sort_keys=True)}"
        page, token = self._page(
            enumerate(found), scope, maxResults, nextToken, key=lambda pair: (pair[0],)
        )
        return {"results": [qr.search_result() for _, qr in page], "nextToken": token}

    def update_quick_response(
        self,
        knowledgeBaseId: str,
        quickResponseId: str,
        removeGroupingConfiguration: bool | None = None,
        removeDescription: bool | None = None,
        removeShortcutKey: bool | None = None,
        **changes: Any,
    ) -> dict[str, Any]:
        kb = self._kb(knowledgeBaseId)
        qr = self._quick_response(kb, quickResponseId)
        others = [o for o in kb.quick_responses.values() if o is not qr]
        clash = self._clash(
            {"name": changes.get("name"), "shortcutKey": changes.get("shortcutKey")},
            {o.name for o in others},
            {o.shortcut_key for o in others if o.shortcut_key},
        )
        if clash is not None:
            raise ServiceError("ConflictException", clash)
        simple = {
            "name": "name",
            "contentType": "content_type",
            "description": "description",
            "shortcutKey": "shortcut_key",
            "isActive": "is_active",
            "channels": "channels",
            "language": "language",
            "groupingConfiguration": "grouping",
        }
        for member, attribute in simple.items():
            if changes.get(member) is not None:
                setattr(qr, attribute, changes[member])
        if changes.get("content") is not None:
            qr.content = changes["content"]["content"]
        if removeGroupingConfiguration:
            qr.grouping = None
        if removeDescription:
            qr.description = None
        if removeShortcutKey:
            qr.shortcut_key = None
        qr.modified = clock.now()
        return {"quickResponse": qr.data()}

    def delete_quick_response(self, knowledgeBaseId: str, quickResponseId: str) -> None:
        kb = self._kb(knowledgeBaseId)
        del kb.quick_responses[self._quick_response(kb, quickResponseId).quick_response_id]

    # -- tags --------------------------------------------------------------------------
    def _taggable(self, arn: str) -> KnowledgeBase | QuickResponse | Content:
        for kb in self.knowledge_bases.values():
            if kb.arn == arn:
                return kb
            for qr in kb.quick_responses.values():
                if qr.arn == arn:
                    return qr
            for content in kb.contents.values():
                if content.arn == arn:
                    return content
        raise self._not_found("Resource", arn)

    def tag_resource(self, resourceArn: str, tags: dict[str, str]) -> dict[str, Any]:
        resource = self._taggable(resourceArn)
        resource.tags = self.tagged(
            resource.tags,
            tags,
            lambda message: ServiceError("TooManyTagsException", message, resourceName=resourceArn),
        )
        return {}

    def untag_resource(self, resourceArn: str, tagKeys: list[str]) -> dict[str, Any]:
        resource = self._taggable(resourceArn)
        for key in tagKeys:
            resource.tags.pop(key, None)
        return {}

    def list_tags_for_resource(self, resourceArn: str) -> dict[str, Any]:
        return {"tags": dict(self._taggable(resourceArn).tags)}


class _ImportPlan:
    """What an import job will do, decided from its file when it starts."""

    def __init__(self, failure: str | None = None, header: list[str] | None = None) -> None:
        self.failure = failure
        self.header = header or []
        self.valid: list[tuple[list[str], dict[str, Any]]] = []
        self.failed: list[tuple[list[str], str]] = []
