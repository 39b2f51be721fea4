"""Which mocked service a request over HTTP is for, and the answer for every other one.

In-process, botocore tells importmock which client sent a request. Over HTTP the request
only carries its SigV4 credential scope (the signing name and region) and its path, so
the service is found from those:

- ``wisdom`` is signed by both the wisdom and the qconnect clients. They address one
  service, whose current model is qconnect's (a superset of wisdom's operations), so the
  server answers both as qconnect.
- ``mobiletargeting`` is Pinpoint.
- ``lex`` is also the signing name of Lex V1 (``lex-models``) and of both Lex runtimes:
  the path tells them apart, and only ``lexv2-models`` is mocked.

A request of any other service gets a "not mocked" error in that service's own protocol,
so whatever SDK sent it raises its usual service error rather than failing to parse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote
from xml.sax.saxutils import escape

from importmock.engine.backend import Backend, backend_for, mocked_clients
from importmock.engine.specs import ServiceSpec, spec_for_client

#: The client the server answers each mocked signing name as, then the other (unmocked)
#: clients signing with that name, which the path tells apart.
SIGNING_NAMES: dict[str, tuple[str, ...]] = {
    "wisdom": ("qconnect",),
    "mobiletargeting": ("pinpoint",),
    "lex": ("lexv2-models", "lex-models", "lexv2-runtime", "lex-runtime"),
}
#: The client each mocked signing name is answered as. An ARN names its service by the
#: signing name too, which settles the tagging paths of unsigned requests.
_ANSWERED_AS = {name: clients[0] for name, clients in SIGNING_NAMES.items()}
NOT_MOCKED_CODE = "NotImplemented"
NOT_MOCKED_STATUS = 501  # not retried by the SDKs, unlike 500 and 503
UNKNOWN_OPERATION_CODE = "UnknownOperationException"


@dataclass(frozen=True)
class Mocked:
    """A request for a mocked service: the spec to parse it with and the backend."""

    spec: ServiceSpec
    backend: type[Backend]


@dataclass(frozen=True)
class Unroutable:
    """An unsigned request whose path no mocked service has."""

    method: str
    path: str

    def response(self, headers: Any, request_id: str) -> tuple[int, dict[str, str], bytes]:
        message = (
            f"importmock: no operation of {', '.join(sorted(_ANSWERED_AS.values()))} "
            f"matches {self.method} {self.path}; an unsigned request is routed by its path "
            "alone (sign it to reach another service's 'not mocked' answer)"
        )
        return error_in_protocol(
            _protocol_of("", headers), UNKNOWN_OPERATION_CODE, 404, message, request_id
        )


@dataclass(frozen=True)
class NotMocked:
    """A request for a service importmock does not mock."""

    service: str  # a client name, or the signing name when no client has that name

    def response(self, headers: Any, request_id: str) -> tuple[int, dict[str, str], bytes]:
        message = (
            f"importmock does not mock the '{self.service}' service; this server mocks "
            f"{', '.join(mocked_clients())}."
        )
        return error_in_protocol(
            _protocol_of(self.service, headers),
            NOT_MOCKED_CODE,
            NOT_MOCKED_STATUS,
            message,
            request_id,
        )


def resolve(
    signing_name: str | None, method: str, path: str, query: str
) -> Mocked | NotMocked | Unroutable:
    """The service a request is for, from its signing name (None when unsigned) and path."""
    if signing_name is None:
        return _resolve_unsigned(method, path, query)
    clients = SIGNING_NAMES.get(signing_name)
    if clients is None:
        return NotMocked(signing_name)
    primary = clients[0]
    # Only a signing name shared with unmocked clients needs the path (and a second route
    # lookup: the pipeline routes the request again).
    if len(clients) > 1 and not _matches(primary, method, path, query):
        for other in clients[1:]:
            if _matches(other, method, path, query):
                return NotMocked(other)
    return _mocked(primary)


def _resolve_unsigned(method: str, path: str, query: str) -> Mocked | Unroutable:
    """Without a signature only the path tells; an ARN in it settles the tagging paths."""
    candidates = list(_ANSWERED_AS.values())
    matching = [client for client in candidates if _matches(client, method, path, query)]
    if len(matching) > 1:
        arn_service = unquote(path).partition("arn:")[2].split(":")[1:2]
        named = _ANSWERED_AS.get(arn_service[0]) if arn_service else None
        matching = [named] if named in matching else matching[:1]
    return _mocked(matching[0]) if matching else Unroutable(method, path)


def _matches(client: str, method: str, path: str, query: str) -> bool:
    return spec_for_client(client).router.match(method, path, query) is not None


def _mocked(client: str) -> Mocked:
    backend = backend_for(client)
    assert backend is not None, client
    return Mocked(spec_for_client(client), backend)


# -- "not mocked" in each protocol ------------------------------------------------------
@lru_cache(maxsize=256)
def _model_protocol(service: str) -> str | None:
    """The protocol of the botocore service named like the signing name, if there is one."""
    from botocore.exceptions import UnknownServiceError

    try:
        model = spec_for_client(service).model
    except UnknownServiceError:
        return None
    return "s3" if service == "s3" else str(model.metadata.get("protocol"))


def _protocol_of(service: str, headers: Any) -> str:
    """How the SDK that sent this request reads errors: first what the request itself
    shows (a service may speak several protocols), then the service's model."""
    if (headers.get("smithy-protocol") or "").lower() == "rpc-v2-cbor":
        return "cbor"
    model = _model_protocol(service) if service else None
    content_type = (headers.get("Content-Type") or "").lower()
    if headers.get("X-Amz-Target") or content_type.startswith("application/x-amz-json"):
        return "json"
    if content_type.startswith("application/x-www-form-urlencoded"):
        return "ec2" if model == "ec2" else "query"
    return model if model in ("rest-xml", "s3") else "rest-json"


def error_in_protocol(
    protocol: str, code: str, status: int, message: str, request_id: str
) -> tuple[int, dict[str, str], bytes]:
    """An error as a service of ``protocol`` sends its errors."""
    headers = {"x-amzn-RequestId": request_id}
    if protocol == "cbor":
        headers["Content-Type"] = "application/cbor"
        headers["smithy-protocol"] = "rpc-v2-cbor"
        return status, headers, _cbor_text_map({"__type": code, "message": message})
    if protocol in ("rest-json", "json"):
        headers["Content-Type"] = (
            "application/json" if protocol == "rest-json" else "application/x-amz-json-1.1"
        )
        headers["x-amzn-ErrorType"] = code
        body = json.dumps({"__type": code, "message": message}).encode()
        return status, headers, body
    headers["Content-Type"] = "text/xml"
    text = escape(message)
    if protocol == "s3":
        xml = (
            f"<Error><Code>{code}</Code><Message>{text}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        )
    elif protocol == "ec2":
        xml = (
            f"<Response><Errors><Error><Code>{code}</Code><Message>{text}</Message></Error>"
            f"</Errors><RequestID>{request_id}</RequestID></Response>"
        )
    else:  # query and rest-xml
        xml = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
            f"<Message>{text}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n' + xml).encode()
    return status, headers, body


def _cbor_text_map(items: dict[str, str]) -> bytes:
    """A CBOR map of text strings (RFC 8949), all an rpc-v2-cbor error body needs."""

    def head(major: int, length: int) -> bytes:
        if length < 24:
            return bytes([major << 5 | length])
        for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
            if length < 1 << (8 * size):
                return bytes([major << 5 | extra]) + length.to_bytes(size, "big")
        raise ValueError("too long for CBOR")

    out = bytearray(head(5, len(items)))
    for key, value in items.items():
        for text in (key, value):
            encoded = text.encode("utf-8")
            out += head(3, len(encoded)) + encoded
    return bytes(out)
