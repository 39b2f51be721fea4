"""The controller's conveniences: its repr, ``calls.filter``, and ``strict`` mode."""

from __future__ import annotations

import botocore.exceptions
import pytest

from importmock import CallLog, UnimplementedOperationsError, current, mock_imports
from importmock.server import threaded_server
from tests.helpers import make_client, make_kb, start_import

UNIMPLEMENTED = (
    "importmock (strict=True): the code under test called operations importmock does not "
    "implement, each answered NotImplemented: "
)


def call_unimplemented(service: str = "qconnect") -> None:
    """What code under test that swallows errors does: call, catch, carry on."""
    client = make_client(service)
    try:
        client.create_assistant(name="assistant", type="AGENT")
    except botocore.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "NotImplemented"
    else:
        raise AssertionError("CreateAssistant was answered")


# -- repr -------------------------------------------------------------------------------
def test_repr_of_a_fresh_controller() -> None:
    with mock_imports() as m:
        assert repr(m) == "<MockSession progression='immediate' active calls=0 jobs=0 services=[]>"


def test_repr_counts_calls_and_jobs_and_names_the_services_touched() -> None:
    with mock_imports(progression="manual") as m:
        client = make_client()
        kb_id = make_kb(client)
        start_import(client, kb_id, "name,content\nHi,Hello\n")
        make_client("pinpoint").get_apps()
        make_client("wisdom").list_knowledge_bases()
        assert repr(m) == (
            "<MockSession progression='manual' active calls=5 jobs=1 "
            "services=['qconnect', 'pinpoint', 'wisdom']>"
        )
    # still readable after the block, which stopped it
    assert repr(m) == (
        "<MockSession progression='manual' stopped calls=5 jobs=1 "
        "services=['qconnect', 'pinpoint', 'wisdom']>"
    )


def test_repr_shows_a_progression_per_service() -> None:
    with mock_imports(progression={"pinpoint": "reads"}) as m:
        assert repr(m).startswith("<MockSession progression={'pinpoint': 'reads'} active ")


def test_repr_of_a_servers_controller() -> None:
    with threaded_server() as server:
        assert repr(server.controller).startswith("<MockSession progression='immediate' active ")
    assert " stopped " in repr(server.controller)


# -- calls.filter -----------------------------------------------------------------------
def test_calls_stay_a_list() -> None:
    with mock_imports() as m:
        make_client().list_knowledge_bases()
        assert isinstance(m.calls, list)
        assert isinstance(m.calls, CallLog)
        assert [call.operation for call in m.calls] == ["ListKnowledgeBases"]
        assert len(m.calls) == 1 and m.calls[0].status == 200
        m.reset()
        assert m.calls == []


def test_calls_filter_by_service_operation_and_status() -> None:
    with mock_imports() as m:
        client = make_client()
        kb_id = make_kb(client)
        start_import(client, kb_id, "name,content\nHi,Hello\n")
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.get_knowledge_base(knowledgeBaseId="00000000-0000-0000-0000-000000000000")
        make_client("wisdom").list_knowledge_bases()
        call_unimplemented()

        started = m.calls.filter(service="qconnect", operation="StartImportJob", status=200)
        assert isinstance(started, CallLog)
        assert [(c.service, c.operation, c.status) for c in started] == [
            ("qconnect", "StartImportJob", 200)
        ]
        # the boto3 method name works too
        assert m.calls.filter(operation="start_import_job") == started
        assert [c.operation for c in m.calls.filter(service="wisdom")] == ["ListKnowledgeBases"]
        assert [c.operation for c in m.calls.filter(status=404)] == ["GetKnowledgeBase"]
        assert [c.operation for c in m.calls.filter(error_code="NotImplemented")] == [
            "CreateAssistant"
        ]
        assert len(m.calls.filter(service="qconnect")) == 5
        assert m.calls.filter() == m.calls
        # criteria combine; filters chain
        assert m.calls.filter(service="qconnect").filter(status=501) == m.calls.filter(status=501)
        assert m.calls.filter(service="wisdom", operation="StartImportJob") == []
        assert m.calls.unimplemented() == ["qconnect.CreateAssistant"]


def test_calls_filter_refuses_a_service_it_does_not_mock() -> None:
    with mock_imports() as m:
        with pytest.raises(ValueError, match="importmock does not mock a service named 'qconect'"):
            m.calls.filter(service="qconect")


# -- strict -----------------------------------------------------------------------------
def test_strict_fails_at_the_end_of_the_with_block_even_when_the_error_was_swallowed() -> None:
    with pytest.raises(UnimplementedOperationsError) as raised:
        with mock_imports(strict=True) as m:
            call_unimplemented()
            call_unimplemented()
            with pytest.raises(botocore.exceptions.ClientError, match="NotImplemented"):
                make_client("pinpoint").list_templates()
    assert str(raised.value) == UNIMPLEMENTED + "qconnect.CreateAssistant, pinpoint.ListTemplates"
    assert isinstance(raised.value, AssertionError)
    assert len(m.calls.filter(error_code="NotImplemented")) == 3


def test_strict_passes_when_every_call_is_implemented() -> None:
    with mock_imports(strict=True) as m:
        make_client().list_knowledge_bases()
    assert m.options["strict"] is True


def test_without_strict_an_unimplemented_call_fails_nothing() -> None:
    with mock_imports() as m:
        call_unimplemented()
    assert m.options["strict"] is False


def test_strict_adds_nothing_to_an_exception_already_on_its_way_out() -> None:
    with pytest.raises(KeyError, match="the test's own failure"):
        with mock_imports(strict=True):
            call_unimplemented()
            raise KeyError("the test's own failure")


def test_strict_with_start_and_stop_and_as_a_decorator() -> None:
    mock = mock_imports(strict=True)
    mock.start()
    call_unimplemented("wisdom")
    with pytest.raises(UnimplementedOperationsError, match="wisdom.CreateAssistant$"):
        mock.stop()
    with pytest.raises(RuntimeError):
        current()  # stopped all the same

    @mock_imports(strict=True)
    def code_under_test() -> str:
        call_unimplemented()
        return "done"

    with pytest.raises(UnimplementedOperationsError, match="qconnect.CreateAssistant$"):
        code_under_test()


def test_strict_is_checked_when_the_outermost_mock_stops() -> None:
    with pytest.raises(UnimplementedOperationsError):
        with mock_imports(strict=True):
            with mock_imports():
                call_unimplemented()
            # the inner block's end is not the session's end
            assert current().calls.unimplemented() == ["qconnect.CreateAssistant"]


@pytest.mark.parametrize("strict", ["yes", 1])
def test_strict_must_be_a_bool(strict: object) -> None:
    with pytest.raises(ValueError, match="strict must be True or False; got "):
        mock_imports(strict=strict)  # type: ignore[call-overload]


STRICT_TESTS = """
import boto3
import botocore.exceptions
import pytest


def swallow():
    client = boto3.client("qconnect", region_name="us-east-1")
    try:
        client.create_assistant(name="assistant", type="AGENT")
    except botocore.exceptions.ClientError:
        pass


@pytest.mark.importmock(strict=True)
def test_marker_strict(importmock):
    swallow()


@pytest.mark.importmock(strict=True)
def test_marker_strict_without_the_fixture():
    swallow()


@pytest.mark.importmock(strict=True)
def test_marker_strict_all_implemented(importmock):
    boto3.client("qconnect", region_name="us-east-1").list_knowledge_bases()


def test_fixture_without_strict(importmock):
    swallow()
"""


def test_strict_through_the_pytest_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_strict=STRICT_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-q", "-rE")
    result.assert_outcomes(passed=4, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_marker_strict *",
            UNIMPLEMENTED + "qconnect.CreateAssistant",
            "*ERROR at teardown of test_marker_strict_without_the_fixture *",
            UNIMPLEMENTED + "qconnect.CreateAssistant",
        ]
    )


# -- a leaked start() -------------------------------------------------------------------
LEAKING_TESTS = """
import pytest

from importmock import current, mock_imports

leaked = mock_imports()


def test_leaks():
    leaked.start()  # never stopped by this test


def test_fixture_refuses_to_join(importmock):
    raise AssertionError("not reached")


@pytest.mark.importmock(progression="manual")
def test_marker_refuses_to_join():
    raise AssertionError("not reached")


def test_cleanup():
    leaked.stop()


def test_fixture_after_the_cleanup(importmock):
    assert importmock is current()
"""


def test_a_fixture_refuses_a_mock_leaked_by_an_earlier_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_leak=LEAKING_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-q", "-rE")
    result.assert_outcomes(passed=3, errors=2)
    where = f"{pytester.path / 'test_leak.py'}:9"
    message = (
        f"importmock is already active: a mock_imports().start() at {where} was never "
        "stopped (leaked from an earlier test?), and the importmock fixture will not join "
        "it; stop it (in a finally or teardown), or use a with block or the fixture"
    )
    assert result.stdout.str().count(message) >= 2
    result.stdout.fnmatch_lines(
        ["ERROR *test_fixture_refuses_to_join*", "ERROR *test_marker_refuses_to_join*"]
    )


STRUCTURED_TESTS = """
from importmock import current, mock_imports


@mock_imports(progression="manual")
class TestSpan:
    def setup_class(cls):
        pass

    def test_joins_the_class_mock(self, importmock):
        assert importmock.options["progression"] == "manual"


def test_joins_a_with_block(importmock):
    pass


@mock_imports(progression="reads")
def test_decorated(importmock):
    assert current() is importmock
"""


def test_a_fixture_joins_a_mock_a_with_block_or_decorator_started(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_structured=STRUCTURED_TESTS)
    pytester.runpytest("-p", "no:cacheprovider", "-q").assert_outcomes(passed=3)
