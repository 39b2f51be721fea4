"""Fixtures for server-mode tests: a server on a free loopback port, per test."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from importmock.server import RunningServer, threaded_server

DOCS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "server-mode.md"
_EXAMPLE = re.compile(r"<!-- example: ([a-z0-9-]+) -->\s*```[a-z]*\n(.*?)```", re.DOTALL)

#: What every SDK process started by a test sees: fake credentials, a region, no profile.
SDK_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "AKIAIMPORTMOCKSERVER",
    "AWS_SECRET_ACCESS_KEY": "importmock-server-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture
def server() -> Iterator[RunningServer]:
    """A fresh server (immediate progression) on a free loopback port."""
    with threaded_server() as running:
        yield running


def doc_example(name: str) -> str:
    """The code block marked ``<!-- example: name -->`` in docs/server-mode.md."""
    examples = dict(_EXAMPLE.findall(DOCS_PAGE.read_text(encoding="utf-8")))
    if name not in examples:
        raise KeyError(f"docs/server-mode.md has no example {name!r}; it has {sorted(examples)}")
    return examples[name]


def sdk_environment(server: RunningServer, **extra: str) -> dict[str, str]:
    """The environment for a CLI or Node process that talks to ``server``."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and not key.lower().endswith("_proxy")
    }
    environment.update(SDK_ENVIRONMENT)
    environment["NO_PROXY"] = environment["no_proxy"] = "127.0.0.1,localhost"  # loopback only
    environment["IMPORTMOCK_URL"] = server.url
    environment.update(extra)
    return environment
