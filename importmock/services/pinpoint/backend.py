"""Amazon Pinpoint: projects (apps), endpoints, segments and endpoint import jobs.

AWS ended support for Pinpoint's engagement features (these APIs among them) on 30 October
2026. botocore still ships the client and existing code still needs testing while it is
migrated, which is why importmock mocks it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from importmock.engine import clock
from importmock.engine.backend import Backend, register
from importmock.engine.bulk import gc_paused
from importmock.engine.errors import ServiceError
from importmock.engine.lifecycle import Job, JobQueue
from importmock.engine.records import compact
from importmock.services.pinpoint import endpoints, settings
from importmock.services.pinpoint.imports import plan_import
from importmock.services.pinpoint.models import (
    IMPORT_JOB,
    App,
    ImportJob,
    Segment,
    default_segment_name,
    iso,
    new_id,
)

DEFAULT_PAGE_SIZE = 100
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
_PAGE_SIZE = re.compile(r"[0-9]+")


def _not_a_role(role_arn: str) -> str:
    return (
        f"RoleArn '{role_arn}' is not the ARN of an IAM role (arn:aws:iam::<account>:role/<name>)."
    )


@register
class PinpointBackend(Backend):
    """Apps, endpoints, segments and import jobs of one account and region."""

    clients = ("pinpoint",)
    validation_error = "BadRequestException"
    quotas = {"active_import_jobs": 10}
    lifecycles = (IMPORT_JOB,)
    tags_per_resource = 50  # "A resource can have as many as 50 tags" (Pinpoint's guide)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.apps: dict[str, App] = {}
        # Jobs beyond the quota wait in PENDING_JOB, in creation order.
        self.import_queue = JobQueue(self.quota("active_import_jobs"))

    # -- helpers -------------------------------------------------------------------
    def _arn(self, resource: str) -> str:
        return f"arn:aws:mobiletargeting:{self.region}:{self.account_id}:{resource}"

    @staticmethod
    def _not_found(message: str) -> ServiceError:
        return ServiceError("NotFoundException", message)

    def _app(self, application_id: str) -> App:
        app = self.apps.get(application_id)
        if app is None:
            raise self._not_found("Application not found")
        return app

    def _segment(self, app: App, segment_id: str) -> Segment:
        segment = app.segments.get(segment_id)
        if segment is None:
            raise self._not_found(f"Segment not found: {segment_id}")
        return segment

    def _page(
        self,
        items: Iterable[Any],
        scope: str,
        page_size: str | None,
        token: str | None,
        key: Callable[[Any], tuple[Any, ...]] = lambda item: (item.sequence,),
    ) -> tuple[list[Any], str | None]:
        """One page, oldest first unless ``key`` says otherwise.

        PageSize arrives as a string and must be a positive number.
        """
        size = DEFAULT_PAGE_SIZE
        if page_size is not None:
            # ASCII digits only: str.isdigit() also accepts '²', which int() refuses.
            if not _PAGE_SIZE.fullmatch(page_size) or int(page_size) < 1:
                raise self.invalid(f"PageSize must be a positive whole number; got '{page_size}'.")
            size = int(page_size)
        return self.paginate(items, key, scope, size, token, size, token_member="token")

    # -- apps ------------------------------------------------------------------------
    def create_app(self, CreateApplicationRequest: dict[str, Any]) -> dict[str, Any]:
        name = CreateApplicationRequest["Name"]
        if not name.strip():
            raise self.invalid("Name must not be empty.")
        app_id = new_id()
        app = App(
            application_id=app_id,
            arn=self._arn(f"apps/{app_id}"),
            name=name,
            created=clock.now(),
            tags=self.tagged({}, CreateApplicationRequest.get("tags")),
        )
        self.apps[app_id] = app
        return {"ApplicationResponse": app.data()}

    def get_app(self, ApplicationId: str) -> dict[str, Any]:
        return {"ApplicationResponse": self._app(ApplicationId).data()}

    def get_apps(self, PageSize: str | None = None, Token: str | None = None) -> dict[str, Any]:
        page, token = self._page(self.apps.values(), "apps", PageSize, Token)
        return {
            "ApplicationsResponse": compact(
                {"Item": [app.data() for app in page], "NextToken": token}
            )
        }

    def delete_app(self, ApplicationId: str) -> dict[str, Any]:
        app = self._app(ApplicationId)
        del self.apps[app.application_id]
        return {"ApplicationResponse": app.data()}

    # -- settings and event stream ---------------------------------------------------
    def _settings(self, app: App) -> dict[str, Any]:
        modified = app.settings_modified if app.settings_modified is not None else app.created
        return {
            "ApplicationSettingsResource": settings.resource(
                app.application_id, app.settings, iso(modified)
            )
        }

    def get_application_settings(self, ApplicationId: str) -> dict[str, Any]:
        return self._settings(self._app(ApplicationId))

    def update_application_settings(
        self, ApplicationId: str, WriteApplicationSettingsRequest: dict[str, Any]
    ) -> dict[str, Any]:
        app = self._app(ApplicationId)
        problem = settings.settings_problem(WriteApplicationSettingsRequest)
        if problem is not None:
            raise self.invalid(problem)
        settings.apply(app.settings, WriteApplicationSettingsRequest)
        app.settings_modified = clock.now()
        return self._settings(app)

    def _event_stream(self, app: App) -> dict[str, Any]:
        if app.event_stream is None:
            raise self._not_found("Resource not found")
        return {"EventStream": {"ApplicationId": app.application_id, **app.event_stream}}

    def put_event_stream(
        self, ApplicationId: str, WriteEventStream: dict[str, Any]
    ) -> dict[str, Any]:
        app = self._app(ApplicationId)
        role_arn = WriteEventStream["RoleArn"]
        destination = WriteEventStream["DestinationStreamArn"]
        if not _ROLE_ARN.fullmatch(role_arn):
            raise self.invalid(_not_a_role(role_arn))
        if not settings.STREAM_ARN.fullmatch(destination):
            # AWS's words when it cannot use the destination (the stream is not checked
            # further here: it need not exist).
            raise self.invalid("Destination stream validation failed")
        app.event_stream = {
            "DestinationStreamArn": destination,
            "LastModifiedDate": iso(clock.now()),
            "RoleArn": role_arn,
        }
        return self._event_stream(app)

    def get_event_stream(self, ApplicationId: str) -> dict[str, Any]:
        return self._event_stream(self._app(ApplicationId))

    def delete_event_stream(self, ApplicationId: str) -> dict[str, Any]:
        app = self._app(ApplicationId)
        deleted = self._event_stream(app)
        app.event_stream = None
        return deleted

    # -- import jobs -----------------------------------------------------------------
    def create_import_job(
        self, ApplicationId: str, ImportJobRequest: dict[str, Any]
    ) -> dict[str, Any]:
        app = self._app(ApplicationId)
        request = ImportJobRequest
        define = bool(request.get("DefineSegment"))
        register_endpoints = bool(request.get("RegisterEndpoints"))
        if not _ROLE_ARN.fullmatch(request["RoleArn"]):
            raise self.invalid(_not_a_role(request["RoleArn"]))
        segment_id = request.get("SegmentId")
        if segment_id:
            segment = self._segment(app, segment_id)
            if segment.segment_type != "IMPORT":
                raise self.invalid(
                    f"Segment {segment_id} is a {segment.segment_type} segment; an import job "
                    "can only update an IMPORT segment."
                )
        definition = {
            "DefineSegment": define,
            "ExternalId": request.get("ExternalId") or self.account_id,
            "Format": request["Format"],
            "RegisterEndpoints": register_endpoints,
            "RoleArn": request["RoleArn"],
            "S3Url": request["S3Url"],
        }
        for optional in ("SegmentId", "SegmentName"):
            if request.get(optional):
                definition[optional] = request[optional]
        creates_segment = define and not segment_id
        if creates_segment:
            # The id of the segment the job will create is known (and answered) at once, as
            # AWS's own import code reads it from the create response; the segment itself
            # appears when the job completes.
            segment_id = definition["SegmentId"] = new_id()
        with gc_paused():
            plan = plan_import(
                app, self.objects.read, request["S3Url"], request["Format"], register_endpoints
            )
        job_id = new_id()
        holder: dict[str, ImportJob] = {}
        job = self.jobs.start(
            job_id,
            self.service,
            IMPORT_JOB,
            failure_reason=plan.failure_reason,
            on_success=lambda finished: self._complete(holder["job"], finished),
            queue=self.import_queue,
        )
        import_job = ImportJob(
            job_id=job_id,
            application_id=app.application_id,
            definition=definition,
            created=job.started_at,
            job=job,
            plan=plan,
            segment_id=segment_id if define else None,
            creates_segment=creates_segment,
        )
        holder["job"] = import_job
        app.import_jobs[job_id] = import_job
        return {"ImportJobResponse": self._job_data(import_job)}

    def _complete(self, import_job: ImportJob, job: Job) -> None:
        """The job's effects: endpoints registered, the segment defined or updated."""
        app = self.apps.get(import_job.application_id)
        if app is None:  # the app was deleted while the job ran
            return
        plan = import_job.plan
        definition = import_job.definition
        stamp = iso(job.updated_at)
        with gc_paused():
            if definition["RegisterEndpoints"]:
                app.custom_names.update(plan.custom_names)
                for key, record in plan.definitions.items():
                    self._store_endpoint(app, key, record, stamp, index_names=False)
            if definition["DefineSegment"]:
                self._define_segment(app, import_job, job.updated_at)
        plan.release()  # the app owns the definitions now; the job keeps its counters

    def _store_endpoint(
        self,
        app: App,
        key: str,
        record: dict[str, Any],
        stamp: str,
        index_names: bool = True,
    ) -> None:
        """Create or update an endpoint from ``record`` (which becomes the stored dict).

        Only what varies is stored; what is derived (ApplicationId, CohortId, defaults) is
        added when the endpoint is read (see ``endpoints.response``), which keeps a large
        import's memory down.
        """
        existing = app.endpoints.get(key)
        if existing is not None:
            endpoint = endpoints.merge(existing, record)
            endpoint["EffectiveDate"] = record.get("EffectiveDate") or stamp
            if "EndpointStatus" not in record:
                endpoint.pop("EndpointStatus", None)  # an update makes it ACTIVE again
        else:
            endpoint = record
            endpoint["CreationDate"] = stamp
            endpoint.setdefault("EffectiveDate", stamp)
        app.put_endpoint(key, endpoint, index_names)

    def _define_segment(self, app: App, import_job: ImportJob, moment: float) -> None:
        plan = import_job.plan
        definition = import_job.definition
        members: dict[str, str | None] = {}
        for key, record in plan.definitions.items():
            stored = app.endpoints.get(key)
            members[key] = record.get("ChannelType") or (stored or {}).get("ChannelType")
        for key in plan.user_members:
            stored = app.endpoints.get(key)
            if stored is not None:
                members[key] = stored.get("ChannelType")
        segment_id = import_job.segment_id
        assert segment_id is not None  # named when the job was created
        segment = app.segments.get(segment_id)
        if segment is None and not import_job.creates_segment:
            return  # the segment to update was deleted while the job ran
        if segment is None:
            name = definition.get("SegmentName") or default_segment_name(definition["S3Url"])
            segment = self._new_segment(app, "IMPORT", name, moment, segment_id=segment_id)
        else:
            segment.version += 1
            segment.modified = moment
            if definition.get("SegmentName"):
                segment.name = definition["SegmentName"]
        segment.members.update(members)
        counts: dict[str, int] = {}
        for channel in segment.members.values():
            if channel:
                counts[channel] = counts.get(channel, 0) + 1
        segment.import_definition = {
            "ChannelCounts": counts,
            "ExternalId": definition["ExternalId"],
            "Format": definition["Format"],
            "RoleArn": definition["RoleArn"],
            "S3Url": definition["S3Url"],
            "Size": len(segment.members),
        }

    def _job_data(self, import_job: ImportJob) -> dict[str, Any]:
        job = import_job.job
        data: dict[str, Any] = {
            "ApplicationId": import_job.application_id,
            "CreationDate": iso(import_job.created),
            "Definition": dict(import_job.definition),
            "Id": import_job.job_id,
            "JobStatus": job.status,
            "Type": "IMPORT",
        }
        plan = import_job.plan
        imposed = job.failure_reason if job.failure_reason != plan.failure_reason else None
        data.update(plan.counters(job.status, imposed))
        if job.finished:
            data["CompletionDate"] = iso(job.updated_at)
        return data

    def _import_job(self, app: App, job_id: str) -> ImportJob:
        import_job = app.import_jobs.get(job_id)
        if import_job is None:
            raise self._not_found(f"Import job not found: {job_id}")
        import_job.job.read()
        return import_job

    def get_import_job(self, ApplicationId: str, JobId: str) -> dict[str, Any]:
        app = self._app(ApplicationId)
        return {"ImportJobResponse": self._job_data(self._import_job(app, JobId))}

    def _job_page(
        self, jobs: list[ImportJob], scope: str, page_size: str | None, token: str | None
    ) -> dict[str, Any]:
        for import_job in jobs:
            import_job.job.read()
        # Newest first; keyed by creation order, so jobs added between pages don't shift them.
        page, next_token = self._page(
            jobs, scope, page_size, token, key=lambda import_job: (-import_job.sequence,)
        )
        items = [self._job_data(import_job) for import_job in page]
        return {"ImportJobsResponse": compact({"Item": items, "NextToken": next_token})}

    def get_import_jobs(
        self, ApplicationId: str, PageSize: str | None = None, Token: str | None = None
    ) -> dict[str, Any]:
        app = self._app(ApplicationId)
        jobs = list(app.import_jobs.values())
        return self._job_page(jobs, f"jobs:{app.application_id}", PageSize, Token)

    def get_segment_import_jobs(
        self,
        ApplicationId: str,
        SegmentId: str,
        PageSize: str | None = None,
        Token: str | None = None,
    ) -> dict[str, Any]:
        app = self._app(ApplicationId)
        segment = self._segment(app, SegmentId)
        jobs = [j for j in app.import_jobs.values() if j.segment_id == segment.segment_id]
        return self._job_page(jobs, f"segment-jobs:{segment.segment_id}", PageSize, Token)

    # -- segments --------------------------------------------------------------------
    def create_segment(
        self, ApplicationId: str, WriteSegmentRequest: dict[str, Any]
    ) -> dict[str, Any]:
        app = self._app(ApplicationId)
        request = WriteSegmentRequest
        if not request.get("Dimensions") and not request.get("SegmentGroups"):
            raise self.invalid("A segment needs Dimensions or SegmentGroups.")
        segment = self._new_segment(
            app,
            "DIMENSIONAL",
            request.get("Name"),
            clock.now(),
            dimensions=request.get("Dimensions"),
            segment_groups=request.get("SegmentGroups"),
            tags=self.tagged({}, request.get("tags")),
        )
        return {"SegmentResponse": segment.data()}

    def _new_segment(
        self,
        app: App,
        segment_type: str,
        name: str | None,
        created: float,
        segment_id: str | None = None,
        **extra: Any,
    ) -> Segment:
        segment_id = segment_id or new_id()
        segment = Segment(
            segment_id=segment_id,
            arn=self._arn(f"apps/{app.application_id}/segments/{segment_id}"),
            application_id=app.application_id,
            name=name,
            segment_type=segment_type,
            created=created,
            **extra,
        )
        app.segments[segment_id] = segment
        return segment

    def get_segment(self, ApplicationId: str, SegmentId: str) -> dict[str, Any]:
        app = self._app(ApplicationId)
        return {"SegmentResponse": self._segment(app, SegmentId).data()}

    def get_segments(
        self, ApplicationId: str, PageSize: str | None = None, Token: str | None = None
    ) -> dict[str, Any]:
        app = self._app(ApplicationId)
        page, token = self._page(
            app.segments.values(), f"segments:{app.application_id}", PageSize, Token
        )
        return {"SegmentsResponse": compact({"Item": [s.data() for s in page], "NextToken": token})}

    def delete_segment(self, ApplicationId: str, SegmentId: str) -> dict[str, Any]:
        app = self._app(ApplicationId)
        segment = self._segment(app, SegmentId)
        del app.segments[segment.segment_id]
        return {"SegmentResponse": segment.data()}

    # -- endpoints -------------------------------------------------------------------
    def _endpoint_key(self, endpoint_id: str) -> str:
        problem = endpoints.id_problem(endpoint_id)
        if problem:
            raise self.invalid(problem)
        return endpoint_id.lower()

    def _endpoint(self, app: App, endpoint_id: str) -> tuple[str, dict[str, Any]]:
        key = self._endpoint_key(endpoint_id)
        endpoint = app.endpoints.get(key)
        if endpoint is None:
            raise self._not_found(f"Endpoint not found: {endpoint_id}")
        return key, endpoint

    def get_endpoint(self, ApplicationId: str, EndpointId: str) -> dict[str, Any]:
        app = self._app(ApplicationId)
        stored = self._endpoint(app, EndpointId)[1]
        return {"EndpointResponse": endpoints.response(app.application_id, stored)}

    def update_endpoint(
        self, ApplicationId: str, EndpointId: str, EndpointRequest: dict[str, Any]
    ) -> dict[str, Any]:
        app = self._app(ApplicationId)
        key = self._endpoint_key(EndpointId)
        existing = app.endpoints.get(key)
        record = {**EndpointRequest, "Id": existing["Id"] if existing else EndpointId}
        problem = endpoints.problem(record, known=existing is not None)
        if problem is None:
            problem = self._app_limits(app, key, record)
        if problem is not None:
            raise self.invalid(problem)
        assert self.context is not None
        record.setdefault("RequestId", self.context.request_id)
        self._store_endpoint(app, key, record, iso(clock.now()))
        return {"MessageBody": {"Message": "Accepted", "RequestID": self.context.request_id}}

    @staticmethod
    def _app_limits(app: App, key: str, record: dict[str, Any]) -> str | None:
        new_names = {n for n in endpoints.custom_names(record) if n not in app.custom_names}
        total = len(app.custom_names) + len(new_names)
        if total > endpoints.MAX_CUSTOM_ATTRIBUTES:
            return (
                f"The endpoint would bring the app to {total} custom attributes; at most "
                f"{endpoints.MAX_CUSTOM_ATTRIBUTES} are allowed."
            )
        user = endpoints.user_id(record)
        members = app.users.get(user, set()) if user else set()
        if user and key not in members and len(members) >= endpoints.MAX_ENDPOINTS_PER_USER:
            return (
                f"User '{user}' already has {endpoints.MAX_ENDPOINTS_PER_USER} endpoints, "
                "the most one user can have."
            )
        return None

    def delete_endpoint(self, ApplicationId: str, EndpointId: str) -> dict[str, Any]:
        app = self._app(ApplicationId)
        key, _ = self._endpoint(app, EndpointId)
        removed = app.remove_endpoint(key)
        return {"EndpointResponse": endpoints.response(app.application_id, removed)}

    def _user_endpoints(self, app: App, user_id: str) -> list[str]:
        keys = app.users.get(user_id)
        if not keys:
            raise self._not_found(f"No endpoints found for user: {user_id}")
        # Oldest first, as they were created.
        return sorted(keys, key=lambda k: (app.endpoints[k]["CreationDate"], k))

    def get_user_endpoints(self, ApplicationId: str, UserId: str) -> dict[str, Any]:
        app = self._app(ApplicationId)
        keys = self._user_endpoints(app, UserId)
        items = [endpoints.response(app.application_id, app.endpoints[k]) for k in keys]
        return {"EndpointsResponse": {"Item": items}}

    def delete_user_endpoints(self, ApplicationId: str, UserId: str) -> dict[str, Any]:
        app = self._app(ApplicationId)
        keys = self._user_endpoints(app, UserId)
        removed = [app.remove_endpoint(k) for k in keys]
        items = [endpoints.response(app.application_id, e) for e in removed]
        return {"EndpointsResponse": {"Item": items}}

    # -- tags --------------------------------------------------------------------------
    def _taggable(self, arn: str) -> App | Segment:
        for app in self.apps.values():
            if app.arn == arn:
                return app
            for segment in app.segments.values():
                if segment.arn == arn:
                    return segment
        raise self._not_found(f"Resource not found: {arn}")

    def tag_resource(self, ResourceArn: str, TagsModel: dict[str, Any]) -> None:
        resource = self._taggable(ResourceArn)
        resource.tags = self.tagged(resource.tags, TagsModel["tags"])

    def untag_resource(self, ResourceArn: str, TagKeys: list[str]) -> None:
        resource = self._taggable(ResourceArn)
        for key in TagKeys:
            resource.tags.pop(key, None)

    def list_tags_for_resource(self, ResourceArn: str) -> dict[str, Any]:
        return {"TagsModel": {"tags": dict(self._taggable(ResourceArn).tags)}}
