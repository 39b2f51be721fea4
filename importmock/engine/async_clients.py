"""aiobotocore (and aioboto3) clients, answered in-process exactly like botocore's.

aiobotocore's endpoints inherit botocore's ``Endpoint.make_request``, so interception attaches
the same two hooks to them; what differs is that aiobotocore *awaits* what those hooks
hand back. It awaits ``response.content`` on the answer a ``before-send`` handler returns,
and ``credentials.get_frozen_credentials()`` on the credentials a signer holds. A botocore
``AWSResponse`` there fails with ``TypeError`` after the backend has already answered (and
changed state), so this module gives aiobotocore its own flavours:

- :func:`hook_for` wraps the ``before-send`` handler of an aiobotocore endpoint so that the
  pipeline's answer arrives as an ``AioAWSResponse`` with an async raw body;
- :func:`lent_to` lends an aiobotocore signer ``AioCredentials`` (awaited), taken back
  after the mock like the sync ones (same ``method``).

aiobotocore patches botocore's internals release by release, so support is checked when an
endpoint's hooks are attached, before its first request is sent: an aiobotocore outside
the supported range, or one without the classes and behaviour relied on here, raises
:class:`UnsupportedAiobotocoreError` and the call never reaches the backend.

Nothing here imports aiobotocore unless an aiobotocore object has already been seen, so
importmock keeps working (and importing nothing more) without it.
"""

from __future__ import annotations

import importlib
import inspect
import io
import re
import sys
from functools import cache
from typing import Any, Callable

from botocore.awsrequest import AWSResponse
from botocore.credentials import Credentials

from importmock.engine.credentials import LentCredentials
from importmock.engine.errors import UnsupportedAiobotocoreError

#: The oldest aiobotocore whose botocore pin meets importmock's botocore floor (1.37.38):
#: 2.22.0 and earlier pin botocore below it.
OLDEST_SUPPORTED = (2, 23, 0)
#: A new major release may rework what this module relies on: refused until tested.
FIRST_UNSUPPORTED = (4, 0, 0)
SUPPORTED_RANGE = ">=2.23.0,<4"
#: The releases the suite runs against (tox.ini's async environments).
TESTED = "2.23.0, 2.25.1 and 3.10.0"


def is_aiobotocore(obj: object) -> bool:
    """Whether ``obj`` is (or derives from) one of aiobotocore's classes.

    By module rather than by class, so that a user's subclass, or a class aiobotocore
    renames, is still told apart; and without importing aiobotocore.
    """
    return any(klass.__module__.partition(".")[0] == "aiobotocore" for klass in type(obj).__mro__)


def hook_for(endpoint: Any, before_send: Callable[..., Any], operation_name: str) -> Any:
    """The ``before-send`` handler to register on ``endpoint``: ``before_send`` itself for a
    botocore endpoint; for an aiobotocore one, after checking that its release is
    supported, an adapter returning what aiobotocore awaits.

    Raises :class:`UnsupportedAiobotocoreError` (nothing sent) for an unsupported release.
    """
    if not is_aiobotocore(endpoint):
        return before_send
    aio_response = _supported_response_class(operation_name)

    def before_send_for_aiobotocore(**kwargs: Any) -> Any:
        response = before_send(**kwargs)
        if response is None:  # not ours (moto's, or the mock stopped): aiobotocore sends it
            return None
        return aio_response(
            response.url, response.status_code, response.headers, _AsyncBody(response.content)
        )

    return before_send_for_aiobotocore


def lent_to(request_signer: Any, mock_active: Callable[[], bool]) -> LentCredentials:
    """The fake credentials to lend ``request_signer``: awaited ones for aiobotocore's
    signer, botocore's otherwise."""
    if is_aiobotocore(request_signer):
        return _async_lent_credentials_class()(mock_active)
    return LentCredentials(mock_active)


# -- what aiobotocore awaits ------------------------------------------------------------------


class _AsyncBody:
    """The raw body of an answer, read the way aiobotocore reads one: ``await raw.read()``."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    async def read(self, amt: int | None = None) -> bytes:
        return self._data.read(-1 if amt is None else amt)


@cache
def _async_lent_credentials_class() -> type[LentCredentials]:
    # Made on first use: aiobotocore's class exists only where aiobotocore is installed.
    from aiobotocore.credentials import AioCredentials

    class AsyncLentCredentials(AioCredentials, LentCredentials):
        """Lent credentials (same keys, same ``method``, so taken back alike) whose
        ``get_frozen_credentials`` is awaited, as aiobotocore's signer does."""

        async def get_frozen_credentials(self) -> Any:
            if not self._mock_active():
                return None  # aiobotocore then raises NoCredentialsError
            return await super().get_frozen_credentials()  # AioCredentials': awaited

    return AsyncLentCredentials


# -- the support check ------------------------------------------------------------------------


def _supported_response_class(operation_name: str) -> type[AWSResponse]:
    """aiobotocore's ``AioAWSResponse``, once the installed release is known to be one
    whose answers and credentials this module can give; else the error saying why not."""
    aiobotocore = sys.modules["aiobotocore"]  # loaded: one of its endpoints is sending
    version = getattr(aiobotocore, "__version__", None)
    response_class, reason = _check(version)
    if response_class is None:
        raise UnsupportedAiobotocoreError(
            f"importmock cannot answer aiobotocore {version} clients in-process: {reason}. "
            f"importmock supports aiobotocore {SUPPORTED_RANGE} (tested with {TESTED}): "
            f"install one (pip install 'aiobotocore{SUPPORTED_RANGE}', or an aioboto3 "
            f"release that pins one), or an importmock release that supports aiobotocore "
            f"{version}. This {operation_name} call was stopped before it was sent: nothing "
            f"reached the mock."
        )
    return response_class


def _check(version: Any) -> tuple[type[AWSResponse] | None, str]:
    """aiobotocore's ``AioAWSResponse`` and ``""``, or ``None`` and why the installed
    release cannot be answered."""
    release = _release(version)
    if release is None:
        return None, f"its version ({version!r}) cannot be read"
    if not OLDEST_SUPPORTED <= release < FIRST_UNSUPPORTED:
        return None, "that release is outside the supported range"
    response_class = _attribute("aiobotocore.awsrequest", "AioAWSResponse")
    if not (isinstance(response_class, type) and issubclass(response_class, AWSResponse)):
        return None, "aiobotocore.awsrequest.AioAWSResponse (importmock answers with it) is missing"
    if _awaited_content(response_class) != b"probe":
        return None, "AioAWSResponse no longer reads its body with `await raw.read()`"
    credentials_class = _attribute("aiobotocore.credentials", "AioCredentials")
    if not (isinstance(credentials_class, type) and issubclass(credentials_class, Credentials)):
        return None, "aiobotocore.credentials.AioCredentials (importmock lends them) is missing"
    if not inspect.iscoroutinefunction(getattr(credentials_class, "get_frozen_credentials", None)):
        return None, "AioCredentials.get_frozen_credentials is no longer awaited"
    return response_class, ""


def _release(version: Any) -> tuple[int, int, int] | None:
    """(major, minor, micro) of a version string such as ``3.10.0`` or ``3.10.0.dev1``."""
    match = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", version) if isinstance(version, str) else None
    if match is None:
        return None
    major, minor, micro = match.groups()
    return int(major), int(minor), int(micro or 0)


def _attribute(module_name: str, name: str) -> Any:
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, name, None)


def _awaited_content(response_class: type[AWSResponse]) -> Any:
    """What awaiting ``content`` gives on an answer built as :func:`hook_for` builds them.

    The coroutine is driven by hand: our body never suspends, so one step finishes it.
    """
    try:
        response = response_class("https://importmock.invalid/", 200, {}, _AsyncBody(b"probe"))
        content = response.content
    except Exception:
        return None
    if not inspect.iscoroutine(content):
        return None
    try:
        content.send(None)
    except StopIteration as finished:
        return finished.value
    except Exception:
        return None
    content.close()  # it suspended: not a body read as we give it
    return None
