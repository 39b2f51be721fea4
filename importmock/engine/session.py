"""One mock session: the request pipeline, the state it serves, and the controller API.

The pipeline is the whole story of a call::

    route -> parse -> validate -> fault hooks -> backend method -> serialise -> record

and any :class:`ServiceError` raised on the way becomes the modeled error response.
"""

from __future__ import annotations

import os
import re
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import Any, Literal, Union
from urllib.parse import urlsplit

from botocore import xform_name
from botocore.awsrequest import AWSResponse

from importmock.engine.backend import Backend, RequestContext, backend_for, mocked_clients
from importmock.engine.errors import ConformanceError, ServiceError, UnknownErrorCodeError
from importmock.engine.lifecycle import Durations, JobBook, JobInfo, Progression
from importmock.engine.presigned import PresignedUrls
from importmock.engine.protocol import SerializationError, serialize_error
from importmock.engine.s3_objects import S3Objects
from importmock.engine.sigv4 import scope_of
from importmock.engine.specs import OperationSpec, ServiceSpec, spec_for_client
from importmock.engine.validation import validation_message

#: How jobs move (docs/progression.md); lifecycle.MODES holds the same names.
ProgressionMode = Literal["immediate", "reads", "time", "manual"]
#: One mode for every client, or a mode per client name (``"default"`` for the rest).
ProgressionOption = Union[ProgressionMode, Mapping[str, ProgressionMode]]
QuotasOption = Union[Mapping[str, Mapping[str, int]], None]
DEFAULT_ACCOUNT_ID = "123456789012"
_ACCOUNT_KEY = re.compile(r"\d{12}")
#: Turns ``check_responses`` on for every mock that does not set it (importmock's own
#: suite sets it, so every response the suite provokes is checked against the model).
CHECK_RESPONSES_VARIABLE = "IMPORTMOCK_CHECK_RESPONSES"


def check_responses_default() -> bool:
    return os.environ.get(CHECK_RESPONSES_VARIABLE, "").lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class Call:
    """One intercepted API call, as recorded in ``controller.calls``."""

    service: str  # the boto3 client name that sent it
    operation: str  # the API name, e.g. "StartImportJob"
    params: dict[str, Any]
    status: int  # the HTTP status code of the answer
    error_code: str | None = None
    region: str = ""
    account: str = ""


class CallLog(list[Call]):
    """``controller.calls``: the list of :class:`Call` records, oldest first, with
    :meth:`filter` to pick some of them."""

    def filter(
        self,
        service: str | None = None,
        operation: str | None = None,
        status: int | None = None,
        error_code: str | None = None,
    ) -> CallLog:
        """The calls matching every criterion given, oldest first (a :class:`CallLog`).

        ``service`` is the client name that sent the call (``"qconnect"`` and ``"wisdom"``
        are told apart, as the records do); ``operation`` the API name (``"StartImportJob"``)
        or the boto3 method name (``"start_import_job"``); ``status`` the HTTP status of the
        answer; ``error_code`` the error it answered (``"NotImplemented"``, say).
        """
        if service is not None and backend_for(service) is None:
            _canonical_service(service)  # raises, naming the mocked services
        wanted = None if operation is None else xform_name(operation)
        return CallLog(
            call
            for call in self
            if (service is None or call.service == service)
            and (
                operation is None
                or call.operation == operation
                # "GET /path" (no operation matched) is no name, and is not xformed
                or (call.operation.isidentifier() and xform_name(call.operation) == wanted)
            )
            and (status is None or call.status == status)
            and (error_code is None or call.error_code == error_code)
        )

    def unimplemented(self) -> list[str]:
        """``service.Operation`` of each operation answered ``NotImplemented``, first
        call first, each once."""
        return list(
            dict.fromkeys(
                f"{call.service}.{call.operation}"
                for call in self
                if call.error_code == "NotImplemented"
            )
        )


@dataclass
class _Fault:
    service: str
    operation: str
    code: str
    message: str
    remaining: int


class _RawBody(BytesIO):
    """What botocore reads a response body from (it calls ``stream()``)."""

    def stream(self, **_: Any) -> Any:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


def _canonical_service(name: str) -> str:
    backend = backend_for(name)
    if backend is None:
        raise ValueError(
            f"importmock does not mock a service named {name!r}; "
            f"it mocks: {', '.join(mocked_clients())}"
        )
    return backend.clients[0]


def _check_duration_stages(durations: Durations) -> None:
    """Refuse a ``durations`` dict naming a stage no job of any mocked service takes (a
    typo would otherwise leave the default duration in place without a word)."""
    if not isinstance(durations, Mapping):
        return
    backends: dict[type[Backend], None] = {}
    for client in mocked_clients():
        backend = backend_for(client)
        if backend is not None:
            backends.setdefault(backend)
    services = [b for b in backends if b.clients[0] in durations or b.clients[-1] in durations]
    if services:
        raise ValueError(
            "durations apply to every service: give {stage name: seconds}, e.g. "
            "{'START_IN_PROGRESS': 5}, not a dict per client name; got "
            f"{dict(durations)!r}"
        )
    stages = {
        backend: dict.fromkeys(
            state for lifecycle in backend.all_lifecycles() for state in lifecycle.states()
        )
        for backend in backends
    }
    known = {state for names in stages.values() for state in names}
    unknown = [name for name in durations if name not in known]
    if unknown:
        listing = "; ".join(
            f"{'/'.join(backend.clients)}: {', '.join(names)}"
            for backend, names in sorted(stages.items(), key=lambda item: item[0].clients[0])
        )
        raise ValueError(
            f"durations names {'a stage' if len(unknown) == 1 else 'stages'} no job takes: "
            f"{', '.join(map(repr, unknown))}; the stages are ({listing})"
        )


class MockSession:
    """The controller of an active mock: the object ``with mock_imports() as m`` gives.

    It moves jobs (:meth:`settle`, :meth:`advance`), injects failures (:meth:`fail_next`,
    :meth:`inject_error`), and shows what happened (:attr:`calls`, :meth:`jobs`).
    """

    def __init__(
        self,
        progression: ProgressionOption = "immediate",
        durations: Durations = None,
        account_id: str = DEFAULT_ACCOUNT_ID,
        quotas: QuotasOption = None,
        check_responses: bool | None = None,
    ) -> None:
        if not re.fullmatch(r"\d{12}", str(account_id)):
            raise ValueError(f"account_id must be 12 digits; got {account_id!r}")
        self.account_id = str(account_id)
        self.options: dict[str, Any] = {
            "progression": progression,
            "durations": durations,
            "account_id": account_id,
            "quotas": quotas,
            "check_responses": check_responses,
        }
        if check_responses is None:
            check_responses = check_responses_default()
        elif not isinstance(check_responses, bool):
            raise ValueError(f"check_responses must be True or False; got {check_responses!r}")
        self.check_responses = check_responses
        self._progressions = self._parse_progression(progression, durations)
        self._quotas = self._parse_quotas(quotas)
        self._lock = threading.RLock()
        self._backends: dict[tuple[type[Backend], str, str], Backend] = {}
        self._faults: list[_Fault] = []
        self.calls = CallLog()
        self.job_book = JobBook(self._progression_for)
        self.urls = PresignedUrls()
        self.objects = S3Objects()
        #: Whether a mock (``mock_imports`` or a server) is serving this session now.
        self.active = False

    def __repr__(self) -> str:
        with self._lock:
            services = list(dict.fromkeys(call.service for call in self.calls))
            return (
                f"<MockSession progression={self.options['progression']!r} "
                f"{'active' if self.active else 'stopped'} calls={len(self.calls)} "
                f"jobs={len(self.job_book)} services={services!r}>"
            )

    # -- options -------------------------------------------------------------------
    @staticmethod
    def _parse_progression(
        progression: ProgressionOption, durations: Durations
    ) -> dict[str, Progression]:
        _check_duration_stages(durations)
        if isinstance(progression, str):
            return {"default": Progression(progression, durations)}
        if not isinstance(progression, Mapping):
            raise ValueError(
                "progression must be a mode name or a dict of client name to mode; "
                f"got {progression!r}"
            )
        modes = dict(progression)
        parsed = {"default": Progression(modes.pop("default", "immediate"), durations)}
        for service, mode in modes.items():
            parsed[_canonical_service(service)] = Progression(mode, durations)
        return parsed

    @staticmethod
    def _parse_quotas(quotas: QuotasOption) -> dict[str, dict[str, int]]:
        if quotas is None:
            return {}
        if not isinstance(quotas, Mapping):
            raise ValueError(
                f"quotas must be a dict of client name to {{quota name: value}}; got {quotas!r}"
            )
        parsed: dict[str, dict[str, int]] = {}
        for service, values in quotas.items():
            backend = backend_for(service)
            if backend is None:
                _canonical_service(service)  # raises, naming the mocked services
            assert backend is not None
            known = backend.quotas
            if not isinstance(values, Mapping):
                raise ValueError(f"quotas[{service!r}] must be a dict; got {values!r}")
            for name, value in values.items():
                if name not in known:
                    raise ValueError(
                        f"{service} has no quota {name!r}; its quotas are: "
                        f"{', '.join(sorted(known)) or 'none'}"
                    )
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise ValueError(
                        f"quota {service}.{name} must be a whole number >= 1; got {value!r}"
                    )
                parsed.setdefault(backend.clients[0], {})[name] = value
        return parsed

    def set_progression(self, progression: ProgressionOption, durations: Durations = None) -> None:
        """Change how jobs started from now on move (running jobs keep their progression)."""
        parsed = self._parse_progression(progression, durations)
        with self._lock:
            self._progressions = parsed
            self.options["progression"] = progression
            self.options["durations"] = durations

    def quota_overrides(self, service: str) -> Mapping[str, int]:
        """The quotas this session sets for a service (its canonical client name)."""
        return self._quotas.get(service, {})

    def _progression_for(self, service: str) -> Progression:
        return self._progressions.get(service) or self._progressions["default"]

    # -- the pipeline ----------------------------------------------------------------
    def handle(self, spec: ServiceSpec, backend_cls: type[Backend], request: Any) -> AWSResponse:
        """Answer one botocore request for a mocked service."""
        status, headers, body = self.answer(
            spec, backend_cls, request.method, request.url, request.headers, _body(request)
        )
        return AWSResponse(request.url, status, headers, _RawBody(body))

    def answer(
        self,
        spec: ServiceSpec,
        backend_cls: type[Backend],
        http_method: str,
        url_text: str,
        request_headers: Any,
        request_body: bytes,
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one request for a mocked service: status, headers and body.

        ``request_headers`` must be looked up case-insensitively (botocore's and the
        server's headers are).
        """
        request_id = new_request_id()
        url = urlsplit(url_text)
        account, region = self._scope_of(request_headers, url.netloc)
        match = spec.router.match(http_method, url.path, url.query)
        operation = match.operation if match else f"{http_method} {url.path}"
        params: dict[str, Any] = {}
        error_code: str | None = None
        op: OperationSpec | None = None
        try:
            if match is None:
                raise ServiceError(
                    "UnknownOperationException",
                    f"importmock: no {spec.name} operation matches {http_method} {url.path}",
                    http_status=404,
                )
            op = spec.operation(match.operation)
            params = op.input.parse(match.labels, url.query, request_headers, request_body)
            if op.validator is not None:
                violations = op.validator.violations(params)
                if violations:
                    raise ServiceError(backend_cls.validation_error, validation_message(violations))
            method = getattr(backend_cls, op.method_name, None)
            with self._lock:
                self._take_fault(backend_cls.clients[0], op)
                if method is None:
                    raise _not_implemented(spec.name, op.name, backend_cls)
                backend = self._backend(backend_cls, account, region)
                self.job_book.before_call()
                backend.context = RequestContext(spec, op.name, request_id)
                try:
                    output = method(backend, **params)
                    status, headers, body = op.output.serialize(output)
                finally:
                    backend.context = None
                    self.job_book.after_call()
        except ServiceError as error:
            error_code = error.code
            status, headers, body = serialize_error(
                spec.error_shapes.get(error.code),
                error.code,
                error.message,
                error.fields,
                request_id,
                status=error.http_status,
            )
        except SerializationError as error:
            error_code = "SerializationException"
            status, headers, body = serialize_error(
                None, error_code, str(error), {}, request_id, status=400
            )
        headers["x-amzn-RequestId"] = request_id
        headers["Content-Length"] = str(len(body))
        with self._lock:
            self.calls.append(
                Call(spec.name, operation, params, status, error_code, region, account)
            )
        if self.check_responses and op is not None:
            problems = _conformance_problems(backend_cls, spec, op, status, headers, body)
            if problems:
                raise ConformanceError(
                    f"importmock answered {spec.name}.{op.name} with a response its model "
                    f"does not allow: {problems[0]}"
                    + (f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else "")
                )
        return status, headers, body

    def _scope_of(self, headers: Any, host: str) -> tuple[str, str]:
        """The account and region a request addresses, from its SigV4 credential scope.

        The account is the ``account_id`` option, unless the client signs with an access
        key id of 12 digits: that is taken as the account (as moto does), so one test can
        act in several accounts. An unsigned request addresses the region its AWS host
        names, else us-east-1.
        """
        auth = headers.get("Authorization")
        if isinstance(auth, bytes):
            auth = auth.decode("ascii", "replace")
        scope = scope_of(auth)
        if scope is not None:
            key = scope.access_key
            return (key if _ACCOUNT_KEY.fullmatch(key) else self.account_id), scope.region
        labels = host.split(".")
        aws_host = host.endswith(".amazonaws.com") and len(labels) > 3
        return self.account_id, labels[1] if aws_host else "us-east-1"

    def _backend(self, backend_cls: type[Backend], account: str, region: str) -> Backend:
        key = (backend_cls, account, region)
        backend = self._backends.get(key)
        if backend is None:
            backend = backend_cls(account, region, self)
            self._backends[key] = backend
        return backend

    def _take_fault(self, service: str, op: OperationSpec) -> None:
        for fault in self._faults:
            # wisdom and qconnect share faults, but a client only gets codes its own model
            # lets the operation return (UnauthorizedException exists only in qconnect).
            if (
                fault.service == service
                and fault.operation == op.name
                and fault.code in op.error_codes
            ):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                raise ServiceError(fault.code, fault.message)

    # -- the controller API ----------------------------------------------------------
    def settle(self) -> None:
        """Run every unfinished job to its terminal state (effects included)."""
        with self._lock:
            self.job_book.settle()

    def advance(self, job_id: str | None = None) -> None:
        """Move one job (or every unfinished job) one stage forward."""
        with self._lock:
            self.job_book.advance(job_id)

    def fail_next(self, service: str, reason: str, kind: str | None = None) -> None:
        """Make the next import (or export) job started in ``service`` end failed.

        ``kind`` names another kind of job instead (``"bot locale build"``, say); the kinds
        of a service are the ``kind`` of its backend's ``lifecycles``.
        """
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError("fail_next needs a reason: the text the failed job reports")
        canonical = _canonical_service(service)
        if kind is not None:
            backend_cls = backend_for(canonical)
            kinds = [lifecycle.kind for lifecycle in backend_cls.lifecycles] if backend_cls else []
            if kind not in kinds:
                raise ValueError(
                    f"{service} has no job kind {kind!r}; its kinds are: "
                    + (", ".join(repr(k) for k in kinds) or "none")
                )
        with self._lock:
            self.job_book.fail_next(canonical, reason, kind)

    def inject_error(
        self,
        service: str,
        operation: str,
        code: str,
        message: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of an operation answer the modeled error ``code``.

        The code must be one the operation's model can return; anything else is refused
        here, at once, so a test cannot rely on an error AWS would never send.
        """
        canonical = _canonical_service(service)
        spec = spec_for_client(service)
        try:
            name = spec.resolve_operation(operation)
        except KeyError:
            raise ValueError(f"{service} has no operation {operation!r}") from None
        allowed = spec.operation(name).error_codes
        if code not in allowed:
            raise UnknownErrorCodeError(
                f"{service}.{name} cannot return {code!r}; its modeled errors are: "
                f"{', '.join(sorted(allowed))}"
            )
        # A fractional count fails one call too many, and NaN (never <= 0) every call
        # forever; bool is an int to Python, not a count.
        if isinstance(times, bool) or not isinstance(times, int):
            raise ValueError(f"times must be a whole number of calls; got {times!r}")
        if times < 1:
            raise ValueError("times must be at least 1")
        if message is not None and not isinstance(message, str):
            raise ValueError(f"message must be a string or None; got {message!r}")
        with self._lock:
            self._faults.append(
                _Fault(canonical, name, code, message or f"{code} injected by importmock", times)
            )

    def jobs(self) -> list[JobInfo]:
        """Snapshots of every job started in this session, oldest first."""
        with self._lock:
            self.job_book.before_call()
            return [job.info() for job in self.job_book.all()]

    def put_object(self, bucket: str, key: str, body: bytes | str) -> None:
        """Seed an S3 object for import jobs to read (``s3://bucket/key``).

        A seeded bucket is found before moto's S3; without moto, seeding is the way to give
        jobs their files. A ``str`` body is stored as UTF-8.
        """
        self.objects.put(bucket, key, body)

    def serve_url(self, request: Any) -> tuple[int, dict[str, str], Any]:
        """Answer an HTTP request to a URL this session minted (server mode's route)."""
        with self._lock:
            return self.urls.handle(request)

    def reset(self) -> None:
        """Forget all state: resources, jobs, calls, faults, minted URLs, seeded objects."""
        with self._lock:
            self._backends.clear()
            self._faults.clear()
            self.calls.clear()
            self.job_book = JobBook(self._progression_for)
            self.urls.reset()
            self.objects.reset()


def _conformance_problems(
    backend_cls: type[Backend],
    spec: ServiceSpec,
    op: OperationSpec,
    status: int,
    headers: dict[str, str],
    body: bytes,
) -> list[str]:
    """What the model of the calling client does not allow in this response.

    Clients that share a backend (wisdom and qconnect) address one service: what one
    creates, the other reads as the service sends it, even where only the newer model
    allows it (a 100-character quick-response name read through wisdom, whose model says
    40). So a response either sharing client's model allows is accepted.
    """
    problems = op.response_checker.problems(status, headers, body)
    if problems:
        for sibling in backend_cls.clients:
            if sibling == spec.name:
                continue
            other = spec_for_client(sibling)
            if op.name in other.operation_names and not other.operation(
                op.name
            ).response_checker.problems(status, headers, body):
                return []
    return problems


def new_request_id() -> str:
    # uuid4's format, without uuid.UUID's validation cost on every call.
    raw = os.urandom(16).hex()
    return f"{raw[:8]}-{raw[8:12]}-4{raw[13:16]}-a{raw[17:20]}-{raw[20:]}"


def _body(request: Any) -> bytes:
    body = request.body
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        position = body.tell() if hasattr(body, "tell") else None
        data = body.read()
        if position is not None:
            body.seek(position)  # botocore may retry and read it again
        return bytes(data)
    return bytes(body)


def _not_implemented(service: str, operation: str, backend_cls: type[Backend]) -> ServiceError:
    from importmock.coverage import implemented_operations

    return ServiceError(
        "NotImplemented",
        f"importmock does not implement {service}.{operation}; "
        f"implemented {service} operations: {', '.join(implemented_operations(service))}",
        http_status=501,
    )


def warn_nested_options() -> None:
    warnings.warn(
        "mock_imports is already active: a nested mock_imports shares the outer one's "
        "session and its options are ignored",
        stacklevel=3,
    )
