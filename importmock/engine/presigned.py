"""Presigned S3-style URLs minted by the mock: what they look like and how S3 answers them.

Services hand out URLs (Wisdom's upload URL and failed-record report, Lex's upload URL…)
that clients use with a plain HTTP library. In-process they look like S3's own
(``https://importmock-<bucket>.s3.<region>.amazonaws.com/<key>?X-Amz-...``) and are answered
in-process whatever library fetches them (:mod:`importmock.engine.http_clients`). In server
mode, and in-process with ``upload_urls="loopback"``, they point at a server instead,
path-style under ``/_importmock/s3/<bucket>/`` (see :data:`served_from`), so any HTTP
client in any language, or another process, can use them.

Only URLs minted here are claimed: they carry :data:`MINTED_KEY_ID` as their credential, so
a user's own bucket that happens to be named ``importmock-...`` (in moto's S3, say) is left
to whoever serves it.

Expiry and the signature are carried in the URL itself (``X-Amz-Date``, ``X-Amz-Expires``,
``X-Amz-Signature`` over the method, bucket, key and the rest), so minting a fresh download
URL on every read costs no memory, a tampered URL is refused like S3 refuses it, and the
same URL is valid in both forms (the loopback server answers the in-process form too).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import formatdate
from typing import Any, Callable
from urllib.parse import parse_qs, quote, unquote, urlsplit
from xml.sax.saxutils import escape

from importmock.engine import clock

#: The access key id in every minted URL's ``X-Amz-Credential``: what makes a URL ours.
MINTED_KEY_ID = "ASIAIMPORTMOCK00000"
#: A URL minted in-process (the S3-looking form), told apart by its credential.
URL_PATTERN = re.compile(
    r"https://importmock-[a-z0-9-]+\.s3\.[a-z0-9-]+\.amazonaws\.com/[^?#]*\?"
    rf"(?:[^#]*&)?X-Amz-Credential={MINTED_KEY_ID}%2F"
)
#: Where server mode serves minted URLs: ``/_importmock/s3/<bucket>/<key>``.
SERVED_PREFIX = "/_importmock/s3/"
#: A minted URL in its served form, on a server or the in-process mock's loopback server.
SERVED_URL_PATTERN = re.compile(rf"https?://[^/?#]+{SERVED_PREFIX}")
#: The server's base URL (``http://host:port``, as the calling client addressed it) while
#: it answers a request; unset in-process, where URLs look like S3's own.
served_from: ContextVar[str | None] = ContextVar("importmock_served_from", default=None)


@dataclass
class StoredObject:
    """What lives behind a minted URL: an upload slot or a downloadable body."""

    method: str
    body: bytes | None = None
    required_headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/octet-stream"


def _amz_date(epoch: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(epoch))


def _parse_amz_date(text: str) -> float:
    return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).timestamp()


def s3_error(status: int, code: str, message: str, **extra: str) -> tuple[int, dict[str, str], str]:
    parts = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in extra.items())
    request_id = uuid.uuid4().hex[:16].upper()
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{escape(message)}</Message>{parts}"
        f"<RequestId>{request_id}</RequestId><HostId>{request_id}</HostId></Error>"
    )
    return status, {"Content-Type": "application/xml", "x-amz-request-id": request_id}, body


class PresignedUrls:
    """The URLs one mock session has minted, and the ``responses`` route that serves them."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(16)
        self._objects: dict[str, StoredObject] = {}
        self._minted: dict[tuple[Any, ...], tuple[str, float]] = {}
        #: In-process with ``upload_urls="loopback"``: the loopback server's origin (it
        #: starts on the first call), where minted URLs then point.
        self.local_origin: Callable[[], str] | None = None

    # -- minting -------------------------------------------------------------------
    def _sign(
        self, method: str, bucket: str, key_path: str, date: str, expires: int, signed: str
    ) -> str:
        text = f"{method}\n{bucket}\n{key_path}\n{date}\n{expires}\n{signed}".encode()
        return hmac.new(self._secret, text, hashlib.sha256).hexdigest()

    def _mint(
        self, method: str, bucket: str, region: str, key: str, expires_in: int, signed: list[str]
    ) -> tuple[str, float]:
        # Minting happens inside a botocore call, whose hook has already taught moto.
        issued = clock.now()
        base = served_from.get()
        if base is None and self.local_origin is not None:
            base = self.local_origin()
        # X-Amz-Date has one-second resolution, so within a second the URL is the same:
        # reuse it instead of signing again on every GetImportJob.
        memo_key = (method, bucket, region, key, expires_in, tuple(signed), int(issued), base)
        found = self._minted.get(memo_key)
        if found is not None:
            return found
        if len(self._minted) > 1024:
            self._minted.clear()
        self._minted[memo_key] = minted = self._sign_url(
            method, bucket, region, key, expires_in, signed, issued, base
        )
        return minted

    def _sign_url(
        self,
        method: str,
        bucket: str,
        region: str,
        key: str,
        expires_in: int,
        signed: list[str],
        issued: float,
        base: str | None,
    ) -> tuple[str, float]:
        bucket, key_path = f"importmock-{bucket}", "/" + quote(key)
        if base is None:
            origin = f"https://{bucket}.s3.{region}.amazonaws.com"
        else:
            origin = f"{base}{SERVED_PREFIX}{bucket}"
        date = _amz_date(issued)
        signed_headers = ";".join(sorted({"host", *signed}))
        signature = self._sign(method, bucket, key_path, date, expires_in, signed_headers)
        scope = f"{date[:8]}/{region}/s3/aws4_request"
        query = (
            "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            f"&X-Amz-Credential={quote(MINTED_KEY_ID + '/' + scope, safe='')}"
            f"&X-Amz-Date={date}&X-Amz-Expires={expires_in}"
            f"&X-Amz-SignedHeaders={quote(signed_headers, safe='')}"
            f"&X-Amz-Signature={signature}"
        )
        url = f"{origin}{key_path}?{query}"
        return url, float(int(issued) + expires_in)

    def mint_upload(
        self,
        bucket: str,
        region: str,
        key: str,
        expires_in: int,
        required_headers: dict[str, str],
    ) -> tuple[str, float]:
        """A PUT URL for a new upload slot; returns (url, expiry epoch seconds)."""
        self._objects[key] = StoredObject(
            "PUT", required_headers={k.lower(): v for k, v in required_headers.items()}
        )
        return self._mint("PUT", bucket, region, key, expires_in, list(required_headers))

    def mint_download(
        self, bucket: str, region: str, key: str, expires_in: int
    ) -> tuple[str, float]:
        """A GET URL for an object already stored (uploaded or put by a backend)."""
        return self._mint("GET", bucket, region, key, expires_in, [])

    def put(self, key: str, body: bytes, content_type: str = "text/csv") -> None:
        """Store a downloadable object (a backend's report, for instance)."""
        self._objects[key] = StoredObject("GET", body=body, content_type=content_type)

    def remove(self, key: str) -> None:
        """Forget an object (its URLs then answer NoSuchKey, as S3 does once it is deleted)."""
        self._objects.pop(key, None)

    def uploaded(self, key: str) -> StoredObject | None:
        """The upload slot under ``key`` (its body is None until the client PUTs)."""
        return self._objects.get(key)

    def reset(self) -> None:
        self._objects.clear()
        self._minted.clear()

    # -- serving -------------------------------------------------------------------
    def handle(self, request: Any) -> tuple[int, dict[str, str], Any]:
        """Answer one HTTP request to a minted URL, as S3 would.

        ``request.headers`` are the headers as sent, framing included: a PUT declares its
        ``Content-Length``. ``request.body`` is read only once the upload is accepted.
        """
        if request.method == "PUT" and not _declares_length(request.headers):
            # S3 takes no upload of unknown length (a chunked or unframed PUT), whatever
            # the URL: it answers before authenticating, at the HTTP layer.
            return s3_error(
                411, "MissingContentLength", "You must provide the Content-Length HTTP header."
            )
        url = urlsplit(request.url)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        try:
            date = params["X-Amz-Date"]
            expires = int(params["X-Amz-Expires"])
            signed = params["X-Amz-SignedHeaders"]
            signature = params["X-Amz-Signature"]
            issued = _parse_amz_date(date)
        except (KeyError, ValueError):
            return s3_error(
                403,
                "AccessDenied",
                "Query-string authentication requires the "
                "X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and "
                "X-Amz-Signature parameters",
            )
        method = "GET" if request.method == "HEAD" else request.method
        bucket, key_path = _bucket_and_key_path(url.netloc, url.path)
        expected = self._sign(method, bucket, key_path, date, expires, signed)
        if not hmac.compare_digest(expected, signature):
            return s3_error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you "
                "provided. Check your key and signing method.",
            )
        now = clock.now()
        if now > issued + expires:
            return s3_error(
                403,
                "AccessDenied",
                "Request has expired",
                **{
                    "X-Amz-Expires": str(expires),
                    "Expires": formatdate(issued + expires, usegmt=True),
                    "ServerTime": formatdate(now, usegmt=True),
                },
            )
        key = unquote(key_path[1:])
        stored = self._objects.get(key)
        if stored is None:
            return s3_error(404, "NoSuchKey", "The specified key does not exist.", Key=key)
        headers = {k.lower(): v for k, v in request.headers.items()}
        if method == "PUT":
            for name, value in stored.required_headers.items():
                if headers.get(name) != value:
                    return s3_error(
                        403,
                        "SignatureDoesNotMatch",
                        "The request signature we calculated does not match the signature "
                        f"you provided. Signed header '{name}' is missing or differs: "
                        f"expected '{value}'.",
                    )
            body = request.body
            if hasattr(body, "read"):
                body = body.read()
            if isinstance(body, str):
                body = body.encode("utf-8")
            stored.body = bytes(body or b"")
            stored.content_type = headers.get("content-type", stored.content_type)
            etag = hashlib.md5(stored.body).hexdigest()  # noqa: S324 - S3's ETag is an MD5
            return 200, {"ETag": f'"{etag}"', "Content-Length": "0"}, b""
        if stored.body is None:
            return s3_error(404, "NoSuchKey", "The specified key does not exist.", Key=key)
        body = b"" if request.method == "HEAD" else stored.body
        return (
            200,
            {
                "Content-Type": stored.content_type,
                "ETag": f'"{hashlib.md5(stored.body).hexdigest()}"',
            },
            body,
        )


def _declares_length(headers: Any) -> bool:
    """Whether a request's headers give its body's length (a chunked body has none)."""
    lower = {name.lower(): value for name, value in headers.items()}
    if "chunked" in lower.get("transfer-encoding", "").lower():
        return False
    return "content-length" in lower


def _bucket_and_key_path(host: str, path: str) -> tuple[str, str]:
    """The bucket and ``/key`` a minted URL addresses, in either of its forms."""
    if path.startswith(SERVED_PREFIX):
        bucket, _, rest = path[len(SERVED_PREFIX) :].partition("/")
        return bucket, "/" + rest
    return host.split(".", 1)[0], path


def served_form(url: str, origin: str) -> str:
    """An in-process minted URL rewritten to address the server at ``origin``."""
    parts = urlsplit(url)
    bucket = parts.netloc.split(".", 1)[0]
    return f"{origin}{SERVED_PREFIX}{bucket}{parts.path}?{parts.query}"
