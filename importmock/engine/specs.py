"""Everything importmock knows about a service, derived once from its botocore model.

A :class:`ServiceSpec` is built the first time a client of that service sends a request
(or the controller names the service), from the model the client itself carries, so
validation follows "the model of the client that sent the request" and ``import
importmock`` loads no model at all.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import Any

from botocore import xform_name
from botocore.model import OperationModel, ServiceModel, Shape

from importmock.engine.conformance import ResponseChecker
from importmock.engine.protocol import InputPlan, OutputPlan, error_code
from importmock.engine.routing import Router
from importmock.engine.validation import InputValidator, validator_for


class OperationSpec:
    """One operation: its wire plans, its validator and the backend method name."""

    def __init__(self, service: ServiceSpec, model: OperationModel) -> None:
        self.service = service
        self.name = model.name
        self.model = model
        self.method_name = xform_name(model.name)
        self.input = InputPlan(model)
        self.output = OutputPlan(model)
        self.validator: InputValidator | None = (
            validator_for(model.input_shape) if model.input_shape is not None else None
        )
        self.error_codes = frozenset(error_code(shape) for shape in model.error_shapes)

    @cached_property
    def response_checker(self) -> ResponseChecker:
        """Checks this operation's responses against its model (``check_responses``)."""
        return ResponseChecker(self.service.name, self.model)


class ServiceSpec:
    """One client's model, with its router and per-operation plans built on demand."""

    def __init__(self, model: ServiceModel) -> None:
        self.name = model.service_name
        self.model = model
        self._operations: dict[str, OperationSpec] = {}
        self._lock = threading.Lock()

    @cached_property
    def router(self) -> Router:
        return Router(self.model)

    @cached_property
    def error_shapes(self) -> dict[str, Shape]:
        return {error_code(shape): shape for shape in self.model.error_shapes}

    @cached_property
    def operation_names(self) -> dict[str, str]:
        """API name and boto3 method name, both mapped to the API name."""
        names: dict[str, str] = {}
        for name in self.model.operation_names:
            names[name] = name
            names[xform_name(name)] = name
        return names

    def operation(self, name: str) -> OperationSpec:
        """The spec of an operation by API name (``StartImportJob``)."""
        spec = self._operations.get(name)
        if spec is None:
            with self._lock:
                spec = self._operations.get(name)
                if spec is None:
                    spec = OperationSpec(self, self.model.operation_model(name))
                    self._operations[name] = spec
        return spec

    def resolve_operation(self, name: str) -> str:
        """The API name for an API name or boto3 method name; KeyError if unknown."""
        return self.operation_names[name]


_specs: dict[str, ServiceSpec] = {}
_specs_lock = threading.Lock()
_loader_session: Any = None


def spec_for(model: ServiceModel) -> ServiceSpec:
    """The spec for the service a client's model describes.

    Cached by service name: all clients of one service in a process share one botocore
    version, so the first model seen stands for all, and validators are compiled once.
    """
    spec = _specs.get(model.service_name)
    if spec is None:
        with _specs_lock:
            spec = _specs.setdefault(model.service_name, ServiceSpec(model))
    return spec


def spec_for_client(client_name: str) -> ServiceSpec:
    """The spec for a boto3 client name, loading its model if no client has yet."""
    spec = _specs.get(client_name)
    if spec is not None:
        return spec
    global _loader_session
    with _specs_lock:
        if _loader_session is None:
            import botocore.session

            _loader_session = botocore.session.get_session()
        model = _loader_session.get_service_model(client_name)
    return spec_for(model)
