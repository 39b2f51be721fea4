"""Hooking botocore: every client's ``before-send`` event goes through importmock.

botocore still builds, signs, retries and parses each request exactly as against AWS; we
only answer at the last moment, where the HTTP request would leave the process.

Clients created before the mock started (module-level clients) are covered because the
hook is attached by ``Endpoint.make_request`` the first time any client sends while a mock
is active, not at client creation. It is registered *first* so that, with moto active too,
importmock answers its own services and moto is told to stay out of those requests.
"""

from __future__ import annotations

import sys
import threading
from functools import partial, partialmethod
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.endpoint import Endpoint
from botocore.model import ServiceModel

from importmock.engine.backend import backend_for, mocked_clients
from importmock.engine.credentials import LentCredentials, lend_or_take_back
from importmock.engine.errors import NotMockedError
from importmock.engine.http_clients import teach_moto
from importmock.engine.network_guard import Passthrough
from importmock.engine.specs import spec_for

HOOK_ID = "importmock.before-send"
SIGN_HOOK_ID = "importmock.before-sign"
_ANSWERED = "_importmock_answered"

_lock = threading.Lock()
_installed_over: Any = None  # the make_request we replaced, while we are installed
_handler: Any = None  # the active session's `handle`, or None when no mock is active
_passthrough = Passthrough()  # what the active mock lets through on purpose


def install(handler: Any, passthrough: Passthrough) -> None:
    """Route every botocore request to ``handler(spec, backend_cls, request)``, but those
    ``passthrough`` lets through."""
    global _installed_over, _handler, _passthrough
    with _lock:
        _handler, _passthrough = handler, passthrough
        if _installed_over is None:
            _installed_over = Endpoint.make_request
            Endpoint.make_request = partialmethod(_make_request, _installed_over)


def uninstall() -> None:
    global _installed_over, _handler
    with _lock:
        _handler = None
        if _installed_over is not None:
            Endpoint.make_request = _installed_over
            _installed_over = None


def _make_request(self: Endpoint, original: Any, operation_model: Any, request_dict: Any) -> Any:
    # `original` is bound when installing, so a call racing with uninstall still works.
    if "_importmock_hooked" not in self.__dict__:
        hook: Any = partial(_before_send, operation_model.service_model)
        if "aiobotocore" in sys.modules:  # else no endpoint can be aiobotocore's: no import
            from importmock.engine.async_clients import hook_for

            # aiobotocore awaits the answer. An unsupported release raises here, before
            # `original` sends anything, and the endpoint stays unhooked.
            hook = hook_for(self, hook, operation_model.name)
        self._event_emitter.register_first("before-send", hook, unique_id=HOOK_ID)
        self._event_emitter.register("before-sign", _lend_credentials, unique_id=SIGN_HOOK_ID)
        self._importmock_hooked = True
    return original(self, operation_model, request_dict)


def _lend_credentials(request_signer: Any = None, **_: Any) -> None:
    """Give fake credentials to a client made before the mock, in a shell that had none,
    and take them back once the mock has stopped.

    Such a client froze "no credentials" at creation and would fail to sign with
    NoCredentialsError before its request ever reached the mock.
    """
    if request_signer is not None:
        lend_or_take_back(request_signer, _handler is not None, _lend)


def _mock_active() -> bool:
    return _handler is not None


def _lend(request_signer: Any) -> LentCredentials:
    if "aiobotocore" in sys.modules:  # aiobotocore's signer awaits its credentials
        from importmock.engine.async_clients import lent_to

        return lent_to(request_signer, _mock_active)
    return LentCredentials(_mock_active)


def _before_send(
    service_model: ServiceModel, request: AWSPreparedRequest, **_: Any
) -> AWSResponse | None:
    handler = _handler
    if handler is None:  # the mock stopped; this client keeps an inert hook
        return None
    spec = spec_for(service_model)
    if _passthrough.lets_through(spec.name, request.url):
        return None  # on to moto's handler, or the endpoint it was going to
    backend_cls = backend_for(spec.name)
    moto = sys.modules.get("moto.core.models")
    if backend_cls is None:
        if moto is not None and moto.botocore_stubber.enabled:
            return None  # moto's own before-send handler answers it
        raise NotMockedError(
            f"importmock does not mock the '{spec.name}' service and moto's mock_aws is not "
            f"active, so this {request.method} {request.url} was stopped before reaching "
            f"the network. importmock mocks: {', '.join(mocked_clients())}."
        )
    if moto is not None:
        _keep_moto_out(moto)
    setattr(request, _ANSWERED, True)
    return handler(spec, backend_cls, request)


def _keep_moto_out(moto_models: Any) -> None:
    """Make moto's before-send handler skip the requests importmock answers.

    botocore calls every before-send handler even after one has answered; without this,
    moto would also process (and for Pinpoint, act on) the same request. Done once per
    process, together with teaching moto's `requests` mock to pass our URLs on (moto may
    have been imported after the mock started, so this runs here, not only at start).
    """
    stubber = moto_models.botocore_stubber
    if getattr(stubber, "_importmock_guarded", False):
        return
    teach_moto()
    original = stubber.process_request

    def process_request(request: Any) -> Any:
        if getattr(request, _ANSWERED, False):
            return None
        return original(request)

    stubber.process_request = process_request
    stubber._importmock_guarded = True
