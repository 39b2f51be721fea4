"""The resources of the Wisdom / Amazon Q in Connect backend and how each describes itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from importmock.engine.lifecycle import Job, Lifecycle
from importmock.engine.records import compact, next_sequence

QUICK_RESPONSE_IMPORT = Lifecycle(
    kind="quick-response import",
    stages=("START_IN_PROGRESS", "COMPLETE"),
    failure="FAILED",
    durations={"START_IN_PROGRESS": 5.0},
)
IMPORT_JOB_DELETION = Lifecycle(
    kind="import job deletion",
    stages=("DELETE_IN_PROGRESS", "DELETED"),
    failure="DELETE_FAILED",
    durations={"DELETE_IN_PROGRESS": 2.0},
    fail_next_target=False,
)
# Knowledge-base content: ingesting an uploaded file, ingesting a replacement file, and
# deletion. The status enum has no UPDATE_IN_PROGRESS, so a replacement file is ingested
# under CREATE_IN_PROGRESS again and fails as UPDATE_FAILED (see behaviour-notes.md).
CONTENT_CREATION = Lifecycle(
    kind="content creation",
    stages=("CREATE_IN_PROGRESS", "ACTIVE"),
    failure="CREATE_FAILED",
    fail_next_target=False,
)
CONTENT_UPDATE = Lifecycle(
    kind="content update",
    stages=("CREATE_IN_PROGRESS", "ACTIVE"),
    failure="UPDATE_FAILED",
    fail_next_target=False,
)
CONTENT_DELETION = Lifecycle(
    kind="content deletion",
    stages=("DELETE_IN_PROGRESS", "DELETED"),
    failure="DELETE_FAILED",
    durations={"DELETE_IN_PROGRESS": 2.0},
    fail_next_target=False,
)
#: The content kinds ``fail_next`` can name (deletion cannot fail).
CONTENT_LIFECYCLES = (CONTENT_CREATION, CONTENT_UPDATE)


@dataclass
class Upload:
    upload_id: str
    key: str
    content_type: str
    used_by: str | None = None  # the content whose body this upload became


@dataclass
class Content:
    """A knowledge-base content: an uploaded file and what describes it."""

    content_id: str
    arn: str
    knowledge_base: KnowledgeBase
    name: str
    title: str
    content_type: str
    revision_id: str
    job: Job  # creation, then each replacement of the file, then deletion
    body_key: str  # where the file of the current revision is stored
    modified: float
    region: str
    metadata: dict[str, str] = field(default_factory=dict)
    link_out_uri: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    pending_keys: set[str] = field(default_factory=set)  # replacement files being ingested
    sequence: int = field(default_factory=next_sequence)

    def summary(self) -> dict[str, Any]:
        return compact(
            {
                "contentArn": self.arn,
                "contentId": self.content_id,
                "knowledgeBaseArn": self.knowledge_base.arn,
                "knowledgeBaseId": self.knowledge_base.knowledge_base_id,
                "name": self.name,
                "revisionId": self.revision_id,
                "title": self.title,
                "contentType": self.content_type,
                "status": self.job.status,
                "metadata": dict(self.metadata),
                "tags": dict(self.tags) if self.tags else None,
                "lastModifiedTime": self.modified,
                "lastModifiedRegion": self.region,
            }
        )


@dataclass
class QuickResponse:
    quick_response_id: str
    arn: str
    knowledge_base: KnowledgeBase
    name: str
    content: str
    content_type: str
    created: float
    modified: float
    description: str | None = None
    shortcut_key: str | None = None
    is_active: bool = True
    channels: list[str] | None = None
    language: str | None = None
    grouping: dict[str, Any] | None = None
    tags: dict[str, str] = field(default_factory=dict)
    sequence: int = field(default_factory=next_sequence)

    def contents(self) -> dict[str, Any]:
        kind = "markdown" if self.content_type.endswith("markdown") else "plainText"
        return {kind: {"content": self.content}}

    def summary(self) -> dict[str, Any]:
        return compact(
            {
                "quickResponseArn": self.arn,
                "quickResponseId": self.quick_response_id,
                "knowledgeBaseArn": self.knowledge_base.arn,
                "knowledgeBaseId": self.knowledge_base.knowledge_base_id,
                "name": self.name,
                "contentType": self.content_type,
                "status": "CREATED",
                "createdTime": self.created,
                "lastModifiedTime": self.modified,
                "description": self.description,
                "isActive": self.is_active,
                "channels": self.channels,
                "tags": self.tags or None,
            }
        )

    def data(self) -> dict[str, Any]:
        return compact(
            {
                **self.summary(),
                "contents": self.contents(),
                "groupingConfiguration": self.grouping,
                "shortcutKey": self.shortcut_key,
                "language": self.language,
            }
        )

    def search_result(self) -> dict[str, Any]:
        return {**self.data(), "isActive": self.is_active}


@dataclass
class ImportJob:
    import_job_id: str
    knowledge_base: KnowledgeBase
    upload: Upload
    job: Job
    source_key: str  # a copy of the uploaded file as the job read it
    import_job_type: str
    metadata: dict[str, str] | None
    external_source: dict[str, Any] | None
    report_key: str | None = None
    sequence: int = field(default_factory=next_sequence)

    def summary(self) -> dict[str, Any]:
        return compact(
            {
                "importJobId": self.import_job_id,
                "knowledgeBaseId": self.knowledge_base.knowledge_base_id,
                "uploadId": self.upload.upload_id,
                "knowledgeBaseArn": self.knowledge_base.arn,
                "importJobType": self.import_job_type,
                "status": self.job.status,
                "createdTime": self.job.started_at,
                "lastModifiedTime": self.job.updated_at,
                "metadata": self.metadata,
                "externalSourceConfiguration": self.external_source,
            }
        )


@dataclass
class KnowledgeBase:
    knowledge_base_id: str
    arn: str
    name: str
    knowledge_base_type: str
    description: str | None
    tags: dict[str, str]
    extra: dict[str, Any]
    sequence: int = field(default_factory=next_sequence)
    uploads: dict[str, Upload] = field(default_factory=dict)
    import_jobs: dict[str, ImportJob] = field(default_factory=dict)
    quick_responses: dict[str, QuickResponse] = field(default_factory=dict)
    contents: dict[str, Content] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return compact(
            {
                "knowledgeBaseId": self.knowledge_base_id,
                "knowledgeBaseArn": self.arn,
                "name": self.name,
                "knowledgeBaseType": self.knowledge_base_type,
                "status": "ACTIVE",
                "description": self.description,
                "tags": self.tags or None,
                **self.extra,
            }
        )

    def data(self) -> dict[str, Any]:
        return self.summary()
