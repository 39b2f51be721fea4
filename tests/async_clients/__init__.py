"""The async-client tests (aiobotocore and aioboto3); see ``conftest.py``."""

#: Why these tests are skipped, for pytest.importorskip.
NO_AIOBOTOCORE = (
    "aiobotocore is not installed here: the async-client tests run in tox's async-* "
    "environments (and a step of .ci/run), since aiobotocore pins an older botocore"
)
NO_AIOBOTO3 = (
    "aioboto3 is not installed here: aioboto3 pins aiobotocore 2.x, so the environment "
    "testing the newest aiobotocore has none (tox's async-oldest and async-aioboto3 test it)"
)
