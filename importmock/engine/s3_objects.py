"""The S3 objects that import jobs read, wherever the test put them.

A job given an ``s3://`` URL reads from the bucket seeded on the controller
(``m.put_object(bucket, key, body)``) if there is one by that name, and otherwise from moto's
S3 while moto's ``mock_aws`` is active, so test code that uploads with
``boto3.client("s3").put_object`` just works, in either nesting order of the two mocks.
Nothing here ever touches the network.
"""

from __future__ import annotations

import re
import sys
import threading
from dataclasses import dataclass
from typing import Any

# S3's rules for bucket names (general purpose buckets), so a typo fails at seeding time.
_BUCKET_NAME = re.compile(r"(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


@dataclass(frozen=True)
class S3Object:
    """One object as a job reads it."""

    bucket: str
    key: str
    body: bytes

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


class S3ReadError(LookupError):
    """The URL names nothing a job can read; the message says why, for the job's failure."""


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/key-or-prefix`` as (bucket, key-or-prefix); S3ReadError otherwise."""
    if not url.startswith("s3://"):
        raise S3ReadError(f"The S3 URL {url!r} is not valid: it must start with s3://.")
    bucket, _, key = url[len("s3://") :].partition("/")
    if not bucket:
        raise S3ReadError(f"The S3 URL {url!r} is not valid: it names no bucket.")
    return bucket, key


class S3Objects:
    """Objects seeded on the controller, and the reader that also looks in moto's S3."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, dict[str, bytes]] = {}

    def put(self, bucket: str, key: str, body: bytes | bytearray | str) -> None:
        if not isinstance(bucket, str) or not _BUCKET_NAME.fullmatch(bucket) or ".." in bucket:
            raise ValueError(
                f"{bucket!r} is not a valid S3 bucket name: 3-63 characters of lowercase "
                "letters, digits, dots and hyphens, starting and ending with a letter or digit"
            )
        if not isinstance(key, str) or not key or len(key.encode()) > 1024:
            raise ValueError(f"an S3 key is 1 to 1024 bytes of UTF-8; got {key!r}")
        if isinstance(body, str):
            body = body.encode("utf-8")
        if not isinstance(body, (bytes, bytearray)):
            raise TypeError(f"body must be bytes or str; got {type(body).__name__}")
        with self._lock:
            self._buckets.setdefault(bucket, {})[key] = bytes(body)

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def read(self, url: str, suffixes: tuple[str, ...] = ()) -> list[S3Object]:
        """The object the URL names, or the objects under it as a prefix (in key order).

        An object whose key is exactly the URL's key is read alone, whatever its name.
        Otherwise the key is a prefix (subfolders included, folder markers skipped) and,
        given ``suffixes``, only keys ending in one of them (any case) are read. Raises
        S3ReadError for a bad URL or an unknown bucket.
        """
        bucket, key = parse_s3_url(url)
        objects = self._bucket(bucket)
        if objects is None:
            raise S3ReadError(f"The bucket {bucket} does not exist.")
        exact = objects.get(key) if key else None
        if exact is not None:
            return [S3Object(bucket, key, exact)]
        found = []
        wanted = tuple(suffix.lower() for suffix in suffixes)
        for name in sorted(objects.keys_under(key)):
            if wanted and not name.lower().endswith(wanted):
                continue
            body = objects.get(name)
            if body is not None and not name.endswith("/"):
                found.append(S3Object(bucket, name, body))
        return found

    def _bucket(self, bucket: str) -> _Bucket | None:
        with self._lock:
            seeded = self._buckets.get(bucket)
            if seeded is not None:
                return _Bucket(dict(seeded))
        moto_bucket = _moto_bucket(bucket)
        return None if moto_bucket is None else _MotoBucket(moto_bucket)


class _Bucket:
    """A snapshot of a seeded bucket."""

    def __init__(self, objects: dict[str, bytes]) -> None:
        self._objects = objects

    def get(self, key: str) -> bytes | None:
        return self._objects.get(key)

    def keys_under(self, prefix: str) -> list[str]:
        return [name for name in self._objects if name.startswith(prefix)]


class _MotoBucket(_Bucket):
    """A bucket of moto's S3: the latest version of each key; bodies read only when used."""

    def __init__(self, bucket: Any) -> None:
        self._keys = bucket.keys

    def get(self, key: str) -> bytes | None:
        value = getattr(self._keys.get(key), "value", None)  # delete markers have none
        return value if isinstance(value, bytes) else None

    def keys_under(self, prefix: str) -> list[str]:
        return [name for name in list(self._keys) if name.startswith(prefix)]


def _moto_bucket(name: str) -> Any:
    """The moto S3 bucket called ``name``, if moto's mock is active and has one."""
    core = sys.modules.get("moto.core.models")
    if core is None or not core.botocore_stubber.enabled:
        return None
    models = sys.modules.get("moto.s3.models")
    if models is None:  # moto has not loaded S3, so no bucket was ever created there
        return None
    backends = models.s3_backends
    owner = backends.bucket_accounts.get(name)
    if owner is None:
        return None
    # moto >= 5.1 records (partition, account); 5.0 records the account ("global" backend).
    partition, account = owner if isinstance(owner, tuple) else ("global", owner)
    return backends[account][partition].buckets.get(name)
