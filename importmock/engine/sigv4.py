"""Signature Version 4: reading a request's credential scope, and strict verification.

Routing needs only the scope (access key id, region, signing name): it names the account
and region a call addresses, and in server mode the service. The server's strict mode
also recomputes the signature from the configured secret keys, following the SigV4 signing
process as AWS documents it, and answers the error codes the rest-json services answer
(403 ``MissingAuthenticationTokenException``, ``IncompleteSignatureException``,
``UnrecognizedClientException``, ``InvalidSignatureException``).

The canonical request is built from the bytes received, never from what the request says
of them: the payload hash is the SHA-256 of the body that arrived (a client's
``X-Amz-Content-Sha256`` header, signed or not, cannot stand in for it), and ``host``
must be among the signed headers, so a captured signature covers the body and the server
it was meant for. A header whose digest is not the body's answers S3's
``XAmzContentSHA256Mismatch`` (400).
"""

from __future__ import annotations

import hashlib
import hmac
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
#: How far a request's X-Amz-Date may be from the server's clock, as AWS allows.
ALLOWED_SKEW_SECONDS = 5 * 60
_SCOPE = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")
_PART = re.compile(r"(Credential|SignedHeaders|Signature)=([^,\s]*)")
_SPACES = re.compile(r"\s+")
_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
CONTENT_SHA256_MISMATCH = (
    "The provided 'x-amz-content-sha256' header does not match what was computed."
)
HOST_NOT_SIGNED = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."


@dataclass(frozen=True)
class Scope:
    """The credential scope a request was signed for."""

    access_key: str
    date: str
    region: str
    service: str


@dataclass(frozen=True)
class SignatureError(Exception):
    """Why strict mode refuses a request: the error code and message AWS would answer."""

    code: str
    message: str
    status: int = 403


def scope_of(authorization: str | None) -> Scope | None:
    """The credential scope of an ``Authorization`` header, or None if it has none."""
    if not authorization:
        return None
    found = _SCOPE.search(authorization)
    return Scope(*found.groups()) if found else None


def verify(
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    secrets: Mapping[str, str],
    now: float,
) -> None:
    """Raise :class:`SignatureError` unless the request is signed by a configured key.

    ``headers`` must be looked up case-insensitively; ``path`` and ``query`` are as they
    arrived (still percent-encoded).
    """
    authorization = headers.get("Authorization")
    if not authorization:
        raise SignatureError("MissingAuthenticationTokenException", "Missing Authentication Token")
    if not authorization.startswith(ALGORITHM + " "):
        raise SignatureError(
            "IncompleteSignatureException",
            f"Unsupported authorization type: only {ALGORITHM} is accepted.",
        )
    parts = dict(_PART.findall(authorization))
    missing = [
        f"Authorization header requires '{name}' parameter."
        for name in ("Credential", "Signature", "SignedHeaders")
        if not parts.get(name)
    ]
    amz_date = headers.get("X-Amz-Date")
    if not amz_date:
        missing.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    scope = scope_of(authorization)
    if not missing and scope is None:
        missing.append(
            "Credential should be scoped to a valid region, service and date: "
            "<key>/<yyyymmdd>/<region>/<service>/aws4_request."
        )
    if missing:
        raise SignatureError(
            "IncompleteSignatureException", " ".join(missing) + f" Authorization={authorization}"
        )
    assert scope is not None and amz_date is not None
    secret = secrets.get(scope.access_key)
    if secret is None:
        raise SignatureError(
            "UnrecognizedClientException", "The security token included in the request is invalid."
        )
    try:
        signed_at = datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise SignatureError(
            "IncompleteSignatureException",
            f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'.",
        ) from None
    skew = now - signed_at.timestamp()
    if skew > ALLOWED_SKEW_SECONDS:
        raise SignatureError(
            "InvalidSignatureException",
            f"Signature expired: {amz_date} is now earlier than "
            f"{_amz(now - ALLOWED_SKEW_SECONDS)} ({_amz(now)} - 5 min.)",
        )
    if skew < -ALLOWED_SKEW_SECONDS:
        raise SignatureError(
            "InvalidSignatureException",
            f"Signature not yet current: {amz_date} is still later than "
            f"{_amz(now + ALLOWED_SKEW_SECONDS)} ({_amz(now)} + 5 min.)",
        )
    if scope.date != amz_date[:8]:
        raise SignatureError(
            "InvalidSignatureException",
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{scope.date}' != '{amz_date[:8]}', from '{amz_date}'.",
        )
    signed_headers = parts["SignedHeaders"].split(";")
    # Without `host`, a signature would hold for any server the request is replayed to.
    # AWS answers this as an invalid (not an incomplete) signature.
    if "host" not in (name.lower() for name in signed_headers):
        raise SignatureError("InvalidSignatureException", HOST_NOT_SIGNED)
    payload_hash = hashlib.sha256(body).hexdigest()
    _check_declared_payload_hash(headers.get("X-Amz-Content-Sha256"), payload_hash)
    canonical = canonical_request(method, path, query, headers, signed_headers, payload_hash)
    credential_scope = f"{scope.date}/{scope.region}/{scope.service}/aws4_request"
    string_to_sign = "\n".join(
        (ALGORITHM, amz_date, credential_scope, hashlib.sha256(canonical.encode()).hexdigest())
    )
    key = signing_key(secret, scope)
    expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, parts["Signature"]):
        raise SignatureError(
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.",
        )


def _check_declared_payload_hash(declared: str | None, payload_hash: str) -> None:
    """Refuse a body whose ``X-Amz-Content-Sha256`` names a different body, as S3 does.

    Only a SHA-256 digest is compared. Other values (``UNSIGNED-PAYLOAD``, the
    ``STREAMING-...`` forms) mean something only to S3: these services sign the body's own
    hash, so a request signed over such a value fails as an invalid signature.
    """
    if declared is None:
        return
    declared = declared.strip()
    if _HEX_SHA256.fullmatch(declared) and declared.lower() != payload_hash:
        raise SignatureError("XAmzContentSHA256Mismatch", CONTENT_SHA256_MISMATCH, status=400)


def canonical_request(
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    signed_headers: list[str],
    payload_hash: str,
) -> str:
    """The SigV4 canonical request of a non-S3 service (its path is encoded twice).

    ``payload_hash`` is the SHA-256 hex digest of the body received.
    """
    normalized = posixpath.normpath(path) if path not in ("", "/") else "/"
    if path.endswith("/") and normalized != "/":
        normalized += "/"
    canonical_uri = quote(normalized, safe="/~")
    pairs = []
    for item in query.split("&") if query else []:
        name, _, value = item.partition("=")
        pairs.append((_rfc3986(unquote(name)), _rfc3986(unquote(value))))
    canonical_query = "&".join(f"{name}={value}" for name, value in sorted(pairs))
    canonical_headers = "".join(
        f"{name}:{_SPACES.sub(' ', (headers.get(name) or '').strip())}\n" for name in signed_headers
    )
    return "\n".join(
        (
            method,
            canonical_uri,
            canonical_query,
            canonical_headers,
            ";".join(signed_headers),
            payload_hash,
        )
    )


def signing_key(secret: str, scope: Scope) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (scope.date, scope.region, scope.service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _rfc3986(text: str) -> str:
    return quote(text, safe="-_.~")


def _amz(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y%m%dT%H%M%SZ")
