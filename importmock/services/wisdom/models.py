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


@dataclass
class Upload:
    upload_id: str
    key: str
    content_type: str


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
