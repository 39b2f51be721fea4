"""importmock: test code that drives AWS import jobs, without AWS.

``mock_imports`` intercepts boto3/botocore (and aiobotocore) calls to the import-job APIs
of Amazon Q in Connect / Wisdom (``qconnect``, ``wisdom``), Pinpoint and Lex V2, validates
them against the botocore models, and moves jobs through their real status lifecycles in
memory. While it is active nothing in the process reaches AWS.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Each public name, and the module it comes from: imported on first use (PEP 562), so that
# importing the package (as pytest does for the plugin, importmock.pytest_plugin, in every
# project where importmock is installed) does not import botocore.
_LAZY = {
    "ConformanceError": "importmock.engine.errors",
    "ImportMockError": "importmock.engine.errors",
    "NotMockedError": "importmock.engine.errors",
    "ServiceError": "importmock.engine.errors",
    "UnimplementedOperationsError": "importmock.engine.errors",
    "UnknownErrorCodeError": "importmock.engine.errors",
    "UnsupportedAiobotocoreError": "importmock.engine.errors",
    "responses_passthrough": "importmock.engine.http_clients",
    "JobInfo": "importmock.engine.lifecycle",
    "Call": "importmock.engine.session",
    "CallLog": "importmock.engine.session",
    "MockSession": "importmock.engine.session",
    "Controller": "importmock.engine.session",
    "ImportMock": "importmock.mock",
    "current": "importmock.mock",
    "mock_imports": "importmock.mock",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'importmock' has no attribute {name!r}")
    attribute = "MockSession" if name == "Controller" else name
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
