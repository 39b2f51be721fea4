"""importmock: test code that drives AWS import jobs, without AWS.

``mock_imports`` intercepts boto3/botocore (and aiobotocore) calls to the import-job APIs
of Amazon Q in Connect / Wisdom (``qconnect``, ``wisdom``), Pinpoint and Lex V2, validates
them against the botocore models, and moves jobs through their real status lifecycles in
memory. While it is active nothing in the process reaches AWS.
"""

from importmock.engine.errors import (
    ConformanceError,
    ImportMockError,
    NotMockedError,
    ServiceError,
    UnimplementedOperationsError,
    UnknownErrorCodeError,
    UnsupportedAiobotocoreError,
)
from importmock.engine.http_clients import responses_passthrough
from importmock.engine.lifecycle import JobInfo
from importmock.engine.session import Call, CallLog, MockSession
from importmock.mock import ImportMock, current, mock_imports

#: The controller class (what ``with mock_imports() as m`` gives).
Controller = MockSession

__all__ = [
    "Call",
    "CallLog",
    "ConformanceError",
    "Controller",
    "ImportMock",
    "ImportMockError",
    "JobInfo",
    "MockSession",
    "NotMockedError",
    "ServiceError",
    "UnimplementedOperationsError",
    "UnknownErrorCodeError",
    "UnsupportedAiobotocoreError",
    "current",
    "mock_imports",
    "responses_passthrough",
]
__version__ = "0.1.0"
