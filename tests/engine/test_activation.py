"""The ways to activate importmock: decorators, class decorators, context manager,
start/stop, nesting, async tests, the pytest fixture and marker, and the options."""

from __future__ import annotations

import asyncio
import inspect
import os
import unittest

import boto3
import pytest

from importmock import current, mock_imports
from tests.helpers import make_client, make_kb, start_import

ONE_ROW = "name,content\nGreeting,Hello there\n"


def kb_names(client) -> list[str]:
    return [kb["name"] for kb in client.list_knowledge_bases()["knowledgeBaseSummaries"]]


def job_status(client, kb_id: str, job_id: str) -> str:
    job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)["importJob"]
    return job["status"]


# -- function decorators -----------------------------------------------------------------


@mock_imports
def test_bare_decorator_mocks_the_test():
    client = make_client()
    kb_id = make_kb(client, "bare")
    assert kb_names(client) == ["bare"]
    job = start_import(client, kb_id, ONE_ROW)
    assert job["status"] == "START_IN_PROGRESS"
    # the default progression is "immediate": the first read shows the terminal status
    assert job_status(client, kb_id, job["importJobId"]) == "COMPLETE"


@mock_imports(progression="manual")
def test_decorator_with_options_applies_them():
    client = make_client()
    kb_id = make_kb(client)
    job_id = start_import(client, kb_id, ONE_ROW)["importJobId"]
    for _ in range(3):
        assert job_status(client, kb_id, job_id) == "START_IN_PROGRESS"
    current().settle()
    assert job_status(client, kb_id, job_id) == "COMPLETE"


def test_decorated_function_keeps_its_name_and_return_value():
    @mock_imports
    def answer(x):
        return x + len(make_client().list_knowledge_bases()["knowledgeBaseSummaries"])

    assert answer.__name__ == "answer"
    assert answer(41) == 41


# -- class decorators --------------------------------------------------------------------


@mock_imports
class TestPlainClassDecorated:
    """Every test method of a decorated class runs in its own fresh mock."""

    def test_first_method_is_mocked(self):
        client = make_client()
        make_kb(client, "first")
        assert kb_names(client) == ["first"]

    def test_second_method_is_mocked_with_fresh_state(self):
        client = make_client()
        assert kb_names(client) == []
        make_kb(client, "second")
        assert kb_names(client) == ["second"]

    def test_fixtures_still_reach_the_method(self, tmp_path):
        assert tmp_path.is_dir()
        assert current().calls == []


class _SetupMethodTests:
    """Shared tests: setup_method and teardown_method run inside the test's mock."""

    def test_kb_from_setup_is_visible(self):
        kb = self.client.get_knowledge_base(knowledgeBaseId=self.kb_id)["knowledgeBase"]
        assert kb["name"] == "from-setup"
        assert kb_names(self.client) == ["from-setup"]

    def test_class_options_apply(self):
        job_id = start_import(self.client, self.kb_id, ONE_ROW)["importJobId"]
        assert job_status(self.client, self.kb_id, job_id) == "START_IN_PROGRESS"
        current().settle()
        assert job_status(self.client, self.kb_id, job_id) == "COMPLETE"


@mock_imports(progression="manual")
class TestClassWithSetupMethod(_SetupMethodTests):
    """The pytest-documented signature: setup_method(self, method)."""

    def setup_method(self, method):
        self.client = make_client()
        self.kb_id = make_kb(self.client, "from-setup")

    def teardown_method(self, method):
        # still mocked here: this call would otherwise go to the network
        self.client.delete_knowledge_base(knowledgeBaseId=self.kb_id)


_raising_setup_mock = mock_imports()


@_raising_setup_mock
class _RaisingSetupMethod:
    def setup_method(self):
        raise ValueError("setup failed")

    def teardown_method(self):
        pass

    def test_never_runs(self):
        raise AssertionError("not reached")


def test_failing_setup_method_does_not_leak_the_mock():
    instance = _RaisingSetupMethod()
    # what pytest does: setup_method raises, so teardown_method is never called
    with pytest.raises(ValueError):
        instance.setup_method()
    with pytest.raises(RuntimeError):
        current()


@mock_imports(progression="manual")
class TestClassWithArgumentlessSetupMethod(_SetupMethodTests):
    """The short signature pytest also accepts: setup_method(self)."""

    def setup_method(self):
        self.client = make_client()
        self.kb_id = make_kb(self.client, "from-setup")

    def teardown_method(self):
        self.client.delete_knowledge_base(knowledgeBaseId=self.kb_id)


class _InheritedTests:
    """Test methods a decorated class inherits from a mixin (pytest collects them)."""

    def test_inherited_method_is_mocked(self):
        assert current() is not None  # RuntimeError when no mock is active
        assert kb_names(make_client()) == []


@mock_imports
class TestClassDecoratorCoversInheritedTests(_InheritedTests):
    pass


@mock_imports
class TestUnittestCaseDecorated(unittest.TestCase):
    """setUp, the test and tearDown share one mock; each test gets fresh state."""

    def setUp(self):
        self.client = make_client()
        self.kb_id = make_kb(self.client, "from-setUp")

    def tearDown(self):
        # still mocked during tearDown
        self.client.delete_knowledge_base(knowledgeBaseId=self.kb_id)

    def test_kb_created_in_setup_is_visible(self):
        kb = self.client.get_knowledge_base(knowledgeBaseId=self.kb_id)["knowledgeBase"]
        self.assertEqual(kb["knowledgeBaseId"], self.kb_id)
        self.assertEqual(kb_names(self.client), ["from-setUp"])

    def test_state_is_fresh_for_each_test(self):
        self.assertEqual(kb_names(self.client), ["from-setUp"])
        self.assertEqual(
            [c.operation for c in current().calls], ["CreateKnowledgeBase", "ListKnowledgeBases"]
        )


# -- context manager, start/stop, nesting ------------------------------------------------


def test_context_manager_yields_the_controller():
    with pytest.raises(RuntimeError):
        current()
    with mock_imports() as m:
        assert m is current()
        client = make_client()
        make_kb(client, "cm")
        assert kb_names(client) == ["cm"]
        assert [c.operation for c in m.calls] == ["CreateKnowledgeBase", "ListKnowledgeBases"]
    with pytest.raises(RuntimeError):
        current()


def test_start_and_stop():
    mock = mock_imports()
    m = mock.start()
    try:
        assert m is current()
        client = make_client()
        make_kb(client, "started")
        assert kb_names(client) == ["started"]
    finally:
        mock.stop()
    with pytest.raises(RuntimeError):
        current()
    with mock_imports():
        assert kb_names(make_client()) == []


def test_mock_stops_when_the_decorated_test_raises():
    @mock_imports
    def failing():
        make_kb(make_client(), "doomed")
        raise KeyError("boom")

    with pytest.raises(KeyError):
        failing()
    with pytest.raises(RuntimeError):
        current()
    with pytest.raises(ZeroDivisionError):
        with mock_imports():
            make_kb(make_client(), "doomed")
            1 / 0  # noqa: B018
    with mock_imports():
        assert kb_names(make_client()) == []


def test_stop_without_start_is_refused():
    with pytest.raises(RuntimeError):
        mock_imports().stop()


def test_nested_mocks_share_state_until_the_outermost_stops():
    with mock_imports() as outer:
        client = make_client()
        make_kb(client, "outer")
        with mock_imports() as inner:
            assert inner is outer
            assert kb_names(make_client()) == ["outer"]
            make_kb(client, "inner")
        # the inner stop forgot nothing
        assert sorted(kb_names(client)) == ["inner", "outer"]
        assert current() is outer

        @mock_imports
        def nested_decorated():
            return kb_names(make_client())

        assert sorted(nested_decorated()) == ["inner", "outer"]
        assert sorted(kb_names(client)) == ["inner", "outer"]
    with mock_imports():
        assert kb_names(make_client()) == []


def test_nested_start_stop_pairs():
    outer, inner = mock_imports(), mock_imports()
    outer.start()
    try:
        make_kb(make_client(), "kept")
        inner.start()
        inner.stop()
        assert kb_names(make_client()) == ["kept"]
    finally:
        outer.stop()
    with mock_imports():
        assert kb_names(make_client()) == []


# -- async tests ------------------------------------------------------------------------


@mock_imports
async def async_scenario() -> list[str]:
    client = make_client()
    make_kb(client, "async-kb")
    await asyncio.sleep(0)
    # still mocked after the coroutine resumed
    return kb_names(client)


def test_async_function_decorated():
    assert inspect.iscoroutinefunction(async_scenario)
    assert asyncio.run(async_scenario()) == ["async-kb"]
    with pytest.raises(RuntimeError):
        current()


def test_async_function_decorated_with_options():
    @mock_imports(progression="manual")
    async def scenario():
        client = make_client()
        kb_id = make_kb(client)
        job_id = start_import(client, kb_id, ONE_ROW)["importJobId"]
        await asyncio.sleep(0)
        return job_status(client, kb_id, job_id)

    assert asyncio.run(scenario()) == "START_IN_PROGRESS"


# -- pytest fixture and marker -----------------------------------------------------------


def test_importmock_fixture(importmock):
    assert importmock is current()
    client = make_client()
    kb_id = make_kb(client, "fixture")
    job_id = start_import(client, kb_id, ONE_ROW)["importJobId"]
    assert job_status(client, kb_id, job_id) == "COMPLETE"
    assert [j.job_id for j in importmock.jobs()] == [job_id]


@pytest.mark.importmock(progression="manual")
def test_importmock_marker_passes_options(importmock):
    client = make_client()
    kb_id = make_kb(client)
    job_id = start_import(client, kb_id, ONE_ROW)["importJobId"]
    assert job_status(client, kb_id, job_id) == "START_IN_PROGRESS"
    assert job_status(client, kb_id, job_id) == "START_IN_PROGRESS"
    importmock.advance(job_id)
    assert job_status(client, kb_id, job_id) == "COMPLETE"


@pytest.mark.importmock(account_id="210987654321")
def test_importmock_marker_account_id(importmock):
    client = make_client()
    kb_id = make_kb(client)
    kb = client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]
    assert kb["knowledgeBaseArn"] == (
        f"arn:aws:wisdom:us-east-1:210987654321:knowledge-base/{kb_id}"
    )


def test_importmock_marker_is_registered(pytestconfig):
    assert any(line.startswith("importmock") for line in pytestconfig.getini("markers"))


def test_fixture_state_does_not_leak_between_tests(importmock):
    assert kb_names(make_client()) == []
    assert importmock.calls[0].operation == "ListKnowledgeBases"
    assert len(importmock.calls) == 1


# -- options -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"progression": "sometimes"},
        {"progression": {"qconnect": "slowly"}},
        {"progression": {"default": "eventually"}},
        {"progression": {"s3": "manual"}},
        {"progression": {"not-a-service": "manual", "default": "immediate"}},
        {"account_id": "1234"},
        {"account_id": "abcdefghijkl"},
        {"account_id": "1234567890123"},
    ],
)
def test_invalid_options_are_refused_at_declaration(options):
    with pytest.raises(ValueError):
        mock_imports(**options)
    with pytest.raises(ValueError):

        @mock_imports(**options)
        def never_runs():
            raise AssertionError("not reached")


@pytest.mark.parametrize(
    "durations",
    [-5, "fast", {"START_IN_PROGRESS": -1}, {"START_IN_PROGRESS": "slow"}],
    ids=["negative", "string", "negative-stage", "string-stage"],
)
def test_invalid_durations_are_refused_at_declaration(durations):
    with pytest.raises(ValueError):
        mock_imports(progression="time", durations=durations)


def test_default_account_id_in_arns():
    with mock_imports():
        client = make_client()
        kb_id = make_kb(client)
        kb = client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]
        assert (
            kb["knowledgeBaseArn"]
            == f"arn:aws:wisdom:us-east-1:123456789012:knowledge-base/{kb_id}"
        )


def test_account_id_option_shows_in_arns():
    with mock_imports(account_id="111122223333"):
        client = make_client()
        kb_id = make_kb(client)
        kb = client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]
        assert (
            kb["knowledgeBaseArn"]
            == f"arn:aws:wisdom:us-east-1:111122223333:knowledge-base/{kb_id}"
        )
        qr = client.create_quick_response(
            knowledgeBaseId=kb_id, name="qr", content={"content": "hi"}
        )["quickResponse"]
        assert qr["quickResponseArn"] == (
            f"arn:aws:wisdom:us-east-1:111122223333:quick-response/{kb_id}/{qr['quickResponseId']}"
        )
        assert qr["knowledgeBaseArn"] == kb["knowledgeBaseArn"]


# -- environment ------------------------------------------------------------------------

CREDENTIAL_VARS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def test_fake_credentials_while_active_and_restored_after(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEYDONOTUSE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    with mock_imports():
        for name in CREDENTIAL_VARS:
            assert os.environ.get(name), name
        assert os.environ["AWS_ACCESS_KEY_ID"] != "AKIAREALKEYDONOTUSE"
        assert os.environ["AWS_SECRET_ACCESS_KEY"] != "real-secret"
        credentials = boto3.session.Session().get_credentials().get_frozen_credentials()
        assert credentials.access_key == os.environ["AWS_ACCESS_KEY_ID"]
        # a client made now signs with the fake credentials and is answered
        assert make_client().list_knowledge_bases()["knowledgeBaseSummaries"] == []
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAREALKEYDONOTUSE"
    assert os.environ["AWS_SECRET_ACCESS_KEY"] == "real-secret"
    assert "AWS_SESSION_TOKEN" not in os.environ


def test_credentials_restored_after_nested_mocks(monkeypatch):
    for name in CREDENTIAL_VARS:
        monkeypatch.delenv(name, raising=False)
    with mock_imports():
        fake = os.environ["AWS_ACCESS_KEY_ID"]
        with mock_imports():
            assert os.environ["AWS_ACCESS_KEY_ID"] == fake
        assert os.environ["AWS_ACCESS_KEY_ID"] == fake
    for name in CREDENTIAL_VARS:
        assert name not in os.environ


def test_nested_mock_with_other_options_warns_and_shares_the_outer_session():
    with mock_imports(progression="manual") as outer:
        with pytest.warns(UserWarning, match="options are ignored"):
            with mock_imports(progression="immediate") as inner:
                assert inner is outer


def test_nested_bare_mock_does_not_warn(recwarn):
    with mock_imports(progression="manual") as outer:
        with mock_imports() as inner:
            assert inner is outer
    assert [w for w in recwarn if "options are ignored" in str(w.message)] == []


@pytest.mark.parametrize("progression", [["manual"], 3])
def test_progression_of_the_wrong_type_is_refused(progression):
    with pytest.raises(ValueError, match="progression must be a mode name or a dict"):
        mock_imports(progression=progression)


def test_calls_and_jobs_stay_readable_after_the_mock_stops_but_state_does_not_carry_over():
    with mock_imports() as m:
        client = make_client()
        kb_id = make_kb(client)
        job_id = start_import(client, kb_id, "name,content\na,b\n")["importJobId"]
    assert [c.operation for c in m.calls] == [
        "CreateKnowledgeBase",
        "StartContentUpload",
        "StartImportJob",
    ]
    assert [(j.job_id, j.status) for j in m.jobs()] == [(job_id, "COMPLETE")]
    with mock_imports() as fresh:
        assert fresh is not m
        assert make_client().list_knowledge_bases()["knowledgeBaseSummaries"] == []
        assert fresh.calls[-1].operation == "ListKnowledgeBases"
        assert fresh.jobs() == []


# -- static and class methods, generators, class-wide fixtures ------------------------------


@mock_imports(progression="manual")
class TestStaticAndClassMethodTests:
    """pytest collects static and class methods too: both run mocked, as what they are."""

    @staticmethod
    def test_a_static_method_runs_mocked():
        assert current().options["progression"] == "manual"
        assert kb_names(make_client()) == []

    @classmethod
    def test_a_class_method_runs_mocked(cls):
        assert cls is TestStaticAndClassMethodTests
        assert current().options["progression"] == "manual"
        assert kb_names(make_client()) == []

    def test_a_plain_method_still_runs_mocked(self):
        assert isinstance(self, TestStaticAndClassMethodTests)
        assert current().options["progression"] == "manual"


def test_decorated_static_and_class_methods_keep_their_kind():
    members = vars(TestStaticAndClassMethodTests)
    assert isinstance(members["test_a_static_method_runs_mocked"], staticmethod)
    assert isinstance(members["test_a_class_method_runs_mocked"], classmethod)


def test_a_decorated_generator_is_mocked_for_its_whole_life():
    @mock_imports(progression="manual")
    def kb_names_as_they_grow():
        client = make_client()
        for name in ("one", "two"):
            make_kb(client, name)
            received = yield sorted(kb_names(client))
            assert received == f"after {name}"
        return "done"

    steps = kb_names_as_they_grow()
    with pytest.raises(RuntimeError):
        current()  # created, not started
    assert next(steps) == ["one"]
    assert current().options["progression"] == "manual"  # active between steps
    assert steps.send("after one") == ["one", "two"]
    with pytest.raises(StopIteration) as finished:
        steps.send("after two")
    assert finished.value.value == "done"
    with pytest.raises(RuntimeError):
        current()  # stopped when the generator finished


def test_a_closed_decorated_generator_stops_the_mock():
    @mock_imports
    def forever():
        while True:
            yield current()

    steps = forever()
    assert next(steps) is next(steps)
    steps.close()
    with pytest.raises(RuntimeError):
        current()


@pytest.fixture
@mock_imports(progression="manual")
def knowledge_base_for_the_test():
    client = make_client()
    kb_id = make_kb(client, "fixture-kb")
    yield client, kb_id
    # teardown of a yield fixture: still mocked (this call would otherwise reach AWS)
    client.delete_knowledge_base(knowledgeBaseId=kb_id)
    assert kb_names(client) == []


def test_a_decorated_yield_fixture_is_mocked_until_its_teardown(knowledge_base_for_the_test):
    client, kb_id = knowledge_base_for_the_test
    assert current().options["progression"] == "manual"
    assert kb_names(client) == ["fixture-kb"]


def test_a_decorated_async_generator_is_mocked_for_its_whole_life():
    @mock_imports(progression="reads")
    async def names():
        client = make_client()
        make_kb(client, "async-one")
        received = yield kb_names(client)
        await asyncio.sleep(0)
        make_kb(client, received)
        yield sorted(kb_names(client))

    async def scenario():
        steps = names()
        first = await steps.__anext__()
        assert current().options["progression"] == "reads"
        second = await steps.asend("async-two")
        with pytest.raises(StopAsyncIteration):
            await steps.__anext__()
        return first, second

    assert asyncio.run(scenario()) == (["async-one"], ["async-one", "async-two"])
    with pytest.raises(RuntimeError):
        current()


def test_an_exception_thrown_into_a_decorated_async_generator_reaches_it():
    @mock_imports
    async def guarded():
        try:
            yield 1
        except KeyError:
            yield "caught inside the mock" if current() else "unmocked"

    async def scenario():
        steps = guarded()
        assert await steps.__anext__() == 1
        caught = await steps.athrow(KeyError("x"))
        await steps.aclose()
        return caught

    assert asyncio.run(scenario()) == "caught inside the mock"
    with pytest.raises(RuntimeError):
        current()


@mock_imports(progression="manual")
class TestUnittestSetUpClassRunsMocked(unittest.TestCase):
    """setUpClass, every test and tearDownClass share one mock: what setUpClass made is
    there for each test."""

    @classmethod
    def setUpClass(cls):
        cls.client = make_client()
        cls.kb_id = make_kb(cls.client, "from-setUpClass")
        cls.controller = current()

    @classmethod
    def tearDownClass(cls):
        # still mocked: this call would otherwise go to the network
        cls.client.delete_knowledge_base(knowledgeBaseId=cls.kb_id)
        assert kb_names(cls.client) == []

    def test_kb_from_setup_class_is_visible(self):
        self.assertIs(current(), self.controller)
        kb = self.client.get_knowledge_base(knowledgeBaseId=self.kb_id)["knowledgeBase"]
        self.assertEqual(kb["name"], "from-setUpClass")

    def test_class_options_apply(self):
        self.assertEqual(current().options["progression"], "manual")


_set_up_class_mock = mock_imports()


@_set_up_class_mock
class _FailingSetUpClass(unittest.TestCase):
    __test__ = False  # run by the test below, not collected

    @classmethod
    def setUpClass(cls):
        assert current() is not None
        raise ValueError("setUpClass failed")

    def test_never_runs(self):
        raise AssertionError("not reached")


def test_a_failing_set_up_class_does_not_leak_the_mock():
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(_FailingSetUpClass).run(result)
    assert len(result.errors) == 1
    assert "setUpClass failed" in result.errors[0][1]
    assert result.testsRun == 0
    with pytest.raises(RuntimeError):
        current()


@mock_imports
class TestPytestSetupClassRunsMocked:
    """The pytest spelling: setup_class and teardown_class run inside one mock too."""

    @classmethod
    def setup_class(cls):
        cls.client = make_client()
        cls.kb_id = make_kb(cls.client, "from-setup_class")

    @classmethod
    def teardown_class(cls):
        cls.client.delete_knowledge_base(knowledgeBaseId=cls.kb_id)

    def test_kb_from_setup_class_is_visible(self):
        assert kb_names(self.client) == ["from-setup_class"]


def test_unknown_stage_in_durations_is_refused_listing_the_stages():
    with pytest.raises(ValueError) as raised:
        mock_imports(progression="time", durations={"START_IN_PROGRES": 5})
    message = str(raised.value)
    assert message.startswith("durations names a stage no job takes: 'START_IN_PROGRES'; ")
    # every service's stages, waiting and failure states included
    assert "wisdom/qconnect: START_IN_PROGRESS, COMPLETE, FAILED, CREATE_IN_PROGRESS" in message
    assert (
        "pinpoint: CREATED, PENDING_JOB, PREPARING_FOR_INITIALIZATION, INITIALIZING, "
        "PROCESSING, COMPLETING, COMPLETED, FAILING, FAILED;" in message
    )
    assert "lexv2-models: InProgress, Completed, Failed, Creating" in message


def test_unknown_stages_in_durations_are_all_named():
    with pytest.raises(ValueError, match=r"^durations names stages no job takes: 'A', 'B'; "):
        mock_imports(durations={"A": 1, "PROCESSING": 2, "B": 3})


def test_durations_per_client_name_are_refused_with_the_shape_to_use():
    with pytest.raises(ValueError, match=r"^durations apply to every service: give \{stage"):
        mock_imports(durations={"qconnect": {"START_IN_PROGRESS": 5}})


@pytest.mark.parametrize(
    "stage", ["START_IN_PROGRESS", "DELETE_IN_PROGRESS", "PENDING_JOB", "FAILING", "Building"]
)
def test_durations_accept_every_stage_of_every_service(stage):
    with mock_imports(progression="time", durations={stage: 1}) as m:
        assert m.options["durations"] == {stage: 1}


def test_set_progression_refuses_an_unknown_stage():
    with mock_imports() as m:
        with pytest.raises(ValueError, match="durations names a stage no job takes: 'Bulding'"):
            m.set_progression("time", {"Bulding": 1})
        assert m.options["durations"] is None
