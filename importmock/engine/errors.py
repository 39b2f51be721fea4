"""Errors: the modeled service errors a backend raises, and importmock's own errors.

A backend signals every failure by raising :class:`ServiceError`; the pipeline turns it
into the response the real service sends (status code, ``x-amzn-ErrorType`` header and
modeled body members), so callers catch ``client.exceptions.ResourceNotFoundException``
exactly as against AWS.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A modeled AWS error: ``code`` names an error shape of the service model.

    ``fields`` are extra modeled members of that shape (``resourceName`` for Wisdom's
    ResourceNotFoundException, for example); members the shape does not declare are dropped
    when the response is serialised.
    """

    def __init__(
        self, code: str, message: str, *, http_status: int | None = None, **fields: Any
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        #: Only for errors the model does not declare; a modeled error's status comes
        #: from its shape.
        self.http_status = http_status
        self.fields = fields


class ImportMockError(Exception):
    """Base class of importmock's own errors (misuse of the library, not AWS errors)."""


class NotMockedError(ImportMockError):
    """A call reached importmock that it cannot answer and must not send to the network."""


class UnknownErrorCodeError(ImportMockError, ValueError):
    """``inject_error`` was given a code the operation's model cannot return."""


class UnknownJobError(ImportMockError, KeyError):
    """``advance`` was given a job id this mock never started (a ``KeyError``)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""  # not KeyError's repr of the message


class UnimplementedOperationsError(ImportMockError, AssertionError):
    """With ``strict=True``: the code under test called operations importmock does not
    implement (each answered ``NotImplemented``), whether or not it caught the error.

    Raised when the mock stops; an ``AssertionError``, so test runners report a failure.
    """


class ConformanceError(ImportMockError):
    """importmock answered with a response the operation's model does not allow.

    Raised only with ``check_responses`` on; it is a bug in importmock, never in the code
    under test.
    """


class UnsupportedAiobotocoreError(ImportMockError):
    """The installed aiobotocore is one importmock cannot answer in-process.

    Raised when a client first sends a request, before it is sent: nothing reached the
    backend, nothing was recorded in the controller's ``calls``.
    """
