"""The base class of every service backend, and the registry that maps clients to them.

A backend is one object per (account, region) holding that service's state. It has one
method per implemented operation, named as boto3 names it, taking the parsed input members
as keyword arguments and returning a dict shaped like the output. Errors are raised as
:class:`~importmock.engine.errors.ServiceError`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from importmock.engine.errors import ServiceError
from importmock.engine.pagination import InvalidToken, paginate

if TYPE_CHECKING:
    from importmock.engine.lifecycle import JobBook, Lifecycle
    from importmock.engine.presigned import PresignedUrls
    from importmock.engine.s3_objects import S3Objects
    from importmock.engine.specs import ServiceSpec


class SharedState(Protocol):
    """What every backend of a mock session shares (the session provides it)."""

    job_book: JobBook
    urls: PresignedUrls
    objects: S3Objects

    def quota_overrides(self, service: str) -> Mapping[str, int]: ...


@dataclass
class RequestContext:
    """What a backend may need to know about the call it is serving."""

    spec: ServiceSpec  # the model of the client that sent the request
    operation: str
    request_id: str


class Backend:
    """Base of all backends; subclasses declare ``clients`` and register themselves."""

    #: boto3 client names served by this backend (the first is its canonical name).
    clients: ClassVar[tuple[str, ...]] = ()
    #: The error code the service uses for invalid input.
    validation_error: ClassVar[str] = "ValidationException"
    #: Adjustable service quotas and their AWS defaults; ``mock_imports(quotas=...)``
    #: overrides them per client name.
    quotas: ClassVar[Mapping[str, int]] = {}
    #: The kinds of job the backend starts (``fail_next(service, reason, kind=...)`` names
    #: one of their ``kind``).
    lifecycles: ClassVar[tuple[Lifecycle, ...]] = ()
    #: Its other lifecycles, which ``fail_next`` cannot name (deletions, edits): with
    #: ``lifecycles``, every status a job of this backend can take (``durations`` names
    #: their stages; the docs draw them).
    phases: ClassVar[tuple[Lifecycle, ...]] = ()
    #: How many tags one resource may carry, whichever operation tags it (creates, imports,
    #: TagResource); ``None`` leaves only the model's bounds on each request's map.
    tags_per_resource: ClassVar[int | None] = None

    @classmethod
    def all_lifecycles(cls) -> tuple[Lifecycle, ...]:
        """Every lifecycle of the backend: ``lifecycles``, then ``phases``."""
        return (*cls.lifecycles, *cls.phases)

    def __init__(self, account_id: str, region: str, shared: SharedState) -> None:
        self.account_id = account_id
        self.region = region
        self.jobs = shared.job_book
        self.urls = shared.urls
        self.objects = shared.objects  # the S3 objects import jobs read
        self._quotas = {**self.quotas, **shared.quota_overrides(self.service)}
        self.context: RequestContext | None = None

    @property
    def service(self) -> str:
        """The canonical client name, used for progression options and ``fail_next``."""
        return self.clients[0]

    def quota(self, name: str) -> int:
        """The value of one of this service's ``quotas`` in this session."""
        return self._quotas[name]

    def invalid(self, message: str, **fields: Any) -> ServiceError:
        """The service's validation error with ``message``."""
        return ServiceError(self.validation_error, message, **fields)

    def tagged(
        self,
        current: Mapping[str, str],
        added: Mapping[str, str] | None,
        refusal: Callable[[str], ServiceError] | None = None,
    ) -> dict[str, str]:
        """``current`` with ``added`` merged in, within ``tags_per_resource``.

        Every way of tagging goes through here, so the quota cannot be sidestepped by tagging
        at creation. Over the quota, ``refusal(message)`` is raised (the validation error
        unless the operation declares its own, as TagResource's TooManyTagsException).
        """
        merged = {**current, **(added or {})}
        limit = self.tags_per_resource
        if limit is not None and len(merged) > limit:
            message = f"A resource can have at most {limit} tags."
            raise (refusal or self.invalid)(message)
        return merged

    @staticmethod
    def new_uuid() -> str:
        return str(uuid.uuid4())

    def paginate(
        self,
        items: Iterable[Any],
        key: Callable[[Any], tuple[Any, ...]],
        scope: str,
        max_results: int | None,
        next_token: str | None,
        default_page_size: int,
        token_member: str = "nextToken",
    ) -> tuple[list[Any], str | None]:
        """One page of ``items`` ordered by ``key``; a bad token is the validation error.

        ``token_member`` names the token in that error, as the operation's input calls it.
        """
        try:
            return paginate(
                list(items),
                key,
                scope=scope,
                max_results=max_results,
                next_token=next_token,
                default_page_size=default_page_size,
            )
        except InvalidToken:
            raise self.invalid(f"The {token_member} '{next_token}' is not valid.") from None


_registry: dict[str, type[Backend]] = {}


def register(cls: type[Backend]) -> type[Backend]:
    """Class decorator: route the clients ``cls.clients`` names to this backend."""
    for client in cls.clients:
        _registry[client] = cls
    return cls


def unregister(cls: type[Backend]) -> None:
    """Stop routing ``cls.clients`` to ``cls`` (for stand-in backends in tests)."""
    for client in cls.clients:
        if _registry.get(client) is cls:
            del _registry[client]


def backend_for(client: str) -> type[Backend] | None:
    """The backend class serving a boto3 client name, if importmock mocks it."""
    return _registry.get(client)


def mocked_clients() -> list[str]:
    return sorted(_registry)
