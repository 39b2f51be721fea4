"""The pytest plugin: the marker alone activates the mock; its misuse fails the test."""

from __future__ import annotations

import boto3
import pytest

from importmock import current
from tests.helpers import make_client
from tests.socket_audit import recording


@pytest.mark.importmock(progression="reads")
def test_the_marker_alone_activates_the_mock() -> None:
    assert current().options["progression"] == "reads"
    client = boto3.session.Session().client("qconnect", region_name="us-east-1")
    with recording() as events:
        assert client.list_knowledge_bases()["knowledgeBaseSummaries"] == []
    assert events == []
    assert [c.operation for c in current().calls] == ["ListKnowledgeBases"]


@pytest.fixture
def client_made_by_a_fixture() -> object:
    # the marker's mock is already active when the test's own fixtures run
    client = make_client()
    client.create_knowledge_base(name="from-fixture", knowledgeBaseType="QUICK_RESPONSES")
    return client


@pytest.mark.importmock(account_id="210987654321")
def test_the_marker_is_active_for_the_tests_fixtures(client_made_by_a_fixture: object) -> None:
    assert kb_names(client_made_by_a_fixture) == ["from-fixture"]
    assert current().options["account_id"] == "210987654321"


@pytest.mark.importmock(progression="manual")
def test_the_fixture_yields_the_markers_controller(importmock: object) -> None:
    assert importmock is current()
    assert current().options["progression"] == "manual"


@pytest.mark.importmock(progression="manual")
class TestMarkerOnAClass:
    def test_a_method_without_the_fixture(self) -> None:
        assert current().options["progression"] == "manual"

    @staticmethod
    def test_a_static_method() -> None:
        assert current().options["progression"] == "manual"


def test_without_the_marker_nothing_is_active() -> None:
    with pytest.raises(RuntimeError, match="no mock_imports is active"):
        current()


@pytest.mark.importmock(progression="reads")
def test_a_marked_server_test_is_not_answered_in_process(importmock_server: object) -> None:
    with pytest.raises(RuntimeError, match="no mock_imports is active"):
        current()
    client = importmock_server.client("qconnect")  # type: ignore[attr-defined]
    client.create_knowledge_base(name="served", knowledgeBaseType="QUICK_RESPONSES")
    calls = importmock_server.controller.calls  # type: ignore[attr-defined]
    assert [c.operation for c in calls] == ["CreateKnowledgeBase"]
    assert importmock_server.controller.options["progression"] == "reads"  # type: ignore[attr-defined]


def kb_names(client: object) -> list[str]:
    summaries = client.list_knowledge_bases()["knowledgeBaseSummaries"]  # type: ignore[attr-defined]
    return [kb["name"] for kb in summaries]


PLUGIN_TESTS = """
import boto3
import pytest

from importmock import current


@pytest.mark.importmock("time")
def test_positional():
    raise AssertionError("not reached: the marker is refused first")


@pytest.mark.importmock("time")
def test_positional_with_the_fixture(importmock):
    raise AssertionError("not reached")


@pytest.mark.importmock(progression="sometimes")
def test_bad_option():
    raise AssertionError("not reached")


@pytest.mark.importmock()
def test_bare_marker():
    assert current().options["progression"] == "immediate"
"""


def test_positional_marker_arguments_fail_the_test_naming_the_keyword_form(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_marker_use=PLUGIN_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=1, errors=3)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.importmock takes keyword options only, e.g. "
            "@pytest.mark.importmock(progression=\"time\"); got positional ('time',)*",
        ]
    )
    assert result.stdout.str().count("takes keyword options only") >= 2
    result.stdout.fnmatch_lines(
        ["*ValueError: progression must be one of immediate, reads, time, manual; got 'sometimes'*"]
    )


def test_a_module_marker_activates_every_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_module_marker="""
import pytest

from importmock import current

pytestmark = pytest.mark.importmock(progression="manual")


def test_one():
    assert current().options["progression"] == "manual"


@pytest.mark.importmock(progression="reads")
def test_the_closest_marker_wins():
    assert current().options["progression"] == "reads"
"""
    )
    pytester.runpytest("-p", "no:cacheprovider", "-q").assert_outcomes(passed=2)


# A project that has importmock installed but never uses it: pytest loads the plugin (entry
# point pytest11) there too, and must not pay for botocore and the server at every start.
UNUSED_PLUGIN_CONFTEST = """
import sys


def pytest_collection_finish(session):
    loaded = sorted(
        name for name in ("botocore", "boto3", "importmock.server", "importmock.mock")
        if name in sys.modules
    )
    plugin = session.config.pluginmanager.get_plugin("importmock")
    print(f"PLUGIN {getattr(plugin, '__name__', None)} LOADED {loaded}")
"""


def test_the_plugin_imports_nothing_heavy_in_a_project_that_does_not_use_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(UNUSED_PLUGIN_CONFTEST)
    pytester.makepyfile(test_plain="def test_plain():\n    assert sum([1, 2]) == 3\n")
    # a fresh process: this one imported botocore long ago
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["PLUGIN importmock.pytest_plugin LOADED []"])


def test_the_fixture_imports_the_mock_on_first_use(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(UNUSED_PLUGIN_CONFTEST)
    pytester.makepyfile(
        test_uses_it="""
import sys


def test_uses_the_fixture(importmock):
    assert "botocore" in sys.modules
    assert importmock.options["progression"] == "immediate"
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["PLUGIN importmock.pytest_plugin LOADED []"])
