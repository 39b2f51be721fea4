"""Credentials: the fake ones a mock signs with, and making sure none of them outlive it.

Three things leave a mark on botocore while a mock is active, and each is undone here:

- the environment's ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` / ``AWS_SESSION_TOKEN``
  hold :data:`FAKE_CREDENTIALS` (set and restored by ``mock.py``);
- a client made with no credentials at all is *lent* fake ones when it signs
  (:func:`lend_or_take_back`); after the mock stops it gets ``None`` back, so it fails with
  ``NoCredentialsError`` exactly as it did before, instead of signing with ours;
- ``boto3.DEFAULT_SESSION`` caches what it resolved (credentials, profile, config files):
  :func:`forget_resolved_configuration` clears those caches when a mock starts and when it
  stops, so each test sees its own environment and a later unmocked call never signs with
  the mock's keys. The session itself, with its loaded models, is kept: rebuilding it
  would reload every model for every test.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

from botocore.credentials import Credentials

FAKE_CREDENTIALS = (
    "ASIAIMPORTMOCKTESTING",
    "importmock-fake-secret-access-key",
    "importmock-fake-session-token",
)
#: The ``method`` of lent credentials (sync or async), by which they are taken back.
LENT = "importmock-lent"
FAKE_ENVIRONMENT = dict(
    zip(("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"), FAKE_CREDENTIALS)
)


class LentCredentials(Credentials):
    """Fake credentials lent to a client that had none; they sign nothing once the mock
    stops (``mock_active`` is asked at every signature, so a thread that stops the mock
    between lending and signing cannot leave a signed request behind)."""

    def __init__(self, mock_active: Callable[[], bool]) -> None:
        super().__init__(*FAKE_CREDENTIALS, method=LENT)
        self._mock_active = mock_active

    def get_frozen_credentials(self) -> Any:
        if not self._mock_active():
            return None  # botocore then raises NoCredentialsError, as with no credentials
        return super().get_frozen_credentials()


def lend_or_take_back(
    request_signer: Any, active: bool, lend: Callable[[Any], Credentials]
) -> None:
    """At each signature (botocore's ``before-sign``): lend ``lend(request_signer)`` to a
    signer that has no credentials while the mock is active; take lent ones back after."""
    held = getattr(request_signer, "_credentials", True)
    if not active:
        if getattr(held, "method", None) == LENT:
            request_signer._credentials = None
    elif held is None:
        request_signer._credentials = lend(request_signer)


def forget_resolved_configuration() -> None:
    """Make ``boto3.DEFAULT_SESSION`` resolve credentials, profile and config files again on
    its next use (botocore caches them for the session's life)."""
    boto3 = sys.modules.get("boto3")
    default = getattr(boto3, "DEFAULT_SESSION", None) if boto3 is not None else None
    if default is None:
        return
    session = default._session  # the botocore session behind boto3's
    # Credentials given explicitly (boto3.setup_default_session(aws_access_key_id=...))
    # are the user's choice, not something resolved: they stay. botocore marks them
    # "explicit" (older releases left the method unset).
    credentials = session._credentials
    if credentials is not None and getattr(credentials, "method", None) not in (
        None,
        "explicit",
    ):
        session._credentials = None
    session._config = None
    session._profile_map = None
    if "profile" not in session._session_instance_vars:
        session._profile = None  # AWS_PROFILE is read again
    # The resolver binds the profile and the credential files when it is made: a new one.
    session._register_credential_provider()
