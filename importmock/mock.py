"""``mock_imports``: one mock, usable as decorator, class decorator, context manager or
``start()``/``stop()`` pair.

Mocks nest: the outermost one creates the session (its options rule) and, when it stops,
restores botocore, ``requests``, the environment and forgets all state.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import sys
import threading
import unittest
from collections.abc import Callable
from typing import Any, Literal, TypeVar, overload

from importmock.engine import sleeps
from importmock.engine.credentials import FAKE_ENVIRONMENT, forget_resolved_configuration
from importmock.engine.errors import UnimplementedOperationsError
from importmock.engine.lifecycle import Durations
from importmock.engine.network_guard import Passthrough, PassthroughOption
from importmock.engine.session import (
    DEFAULT_ACCOUNT_ID,
    MockSession,
    ProgressionOption,
    QuotasOption,
    warn_nested_options,
)

F = TypeVar("F", bound=Callable[..., Any])
_ACCOUNT_KEY = re.compile(r"\d{12}")

#: Where minted URLs point in-process: S3-looking hosts answered inside the process, or a
#: loopback server that other processes and HTTP clients can reach.
UPLOAD_URLS = ("in-process", "loopback")
UploadUrlsOption = Literal["in-process", "loopback"]
SleepOption = Literal["real", "advance"]

_state_lock = threading.RLock()
_depth = 0
_session: MockSession | None = None
_saved_environment: dict[str, str | None] = {}
_loopback: Any = None  # the active session's LoopbackServer
#: Where the outermost active mock was started ("file:line"), and whether by a bare
#: ``start()`` (which nothing stops on its own) rather than a with block or decorator.
_started_at: str | None = None
_started_by_start = False


def current() -> MockSession:
    """The controller of the active mock (for tests decorated with ``@mock_imports``)."""
    if _session is None:
        raise RuntimeError("no mock_imports is active")
    return _session


class ImportMock:
    """A mock of the AWS import-job APIs; see :func:`mock_imports`."""

    def __init__(
        self,
        *,
        progression: ProgressionOption | None = None,
        durations: Durations = None,
        account_id: str | None = None,
        quotas: QuotasOption = None,
        check_responses: bool | None = None,
        upload_urls: UploadUrlsOption | None = None,
        passthrough: PassthroughOption = None,
        sleep: SleepOption | None = None,
        strict: bool | None = None,
    ) -> None:
        # Only options given explicitly count when this mock nests inside another.
        self._explicit: dict[str, Any] = {
            name: value
            for name, value in (
                ("progression", progression),
                ("durations", durations),
                ("account_id", account_id),
                ("quotas", quotas),
                ("check_responses", check_responses),
                ("upload_urls", upload_urls),
                ("passthrough", passthrough),
                ("sleep", sleep),
                ("strict", strict),
            )
            if value is not None
        }
        self._options: dict[str, Any] = {
            "progression": "immediate" if progression is None else progression,
            "durations": durations,
            "account_id": DEFAULT_ACCOUNT_ID if account_id is None else account_id,
            "quotas": quotas,
            "check_responses": check_responses,
        }
        import importmock.services  # noqa: F401 - registers every backend

        # Fail on bad options when the mock is declared, not when a test first runs.
        MockSession(**self._options)
        if upload_urls not in (None, *UPLOAD_URLS):
            raise ValueError(
                f"upload_urls must be one of {', '.join(map(repr, UPLOAD_URLS))}; "
                f"got {upload_urls!r}"
            )
        # upload_urls and passthrough are about this process, not the session's state, so
        # MockSession (which server mode shares) does not take them.
        if strict is not None and not isinstance(strict, bool):
            raise ValueError(f"strict must be True or False; got {strict!r}")
        self._strict = bool(strict)
        self._upload_urls = upload_urls or "in-process"
        self._passthrough_option = passthrough
        self._passthrough = Passthrough.parse(passthrough)
        # Like upload_urls, sleeps are this process's business (see engine/sleeps.py).
        self._sleep = sleeps.validate("real" if sleep is None else sleep)
        self._started = 0

    # -- start / stop ----------------------------------------------------------------
    def start(self) -> MockSession:
        """Activate the mock; returns the controller."""
        return self._start(by_start=True)

    def _start(self, by_start: bool = False) -> MockSession:
        global _depth, _session, _started_at, _started_by_start
        with _state_lock:
            if _depth == 0:
                _session = MockSession(**self._options)
                _session.options["upload_urls"] = self._upload_urls
                _session.options["passthrough"] = self._passthrough_option
                _session.options["sleep"] = self._sleep
                _session.options["strict"] = self._strict
                _activate(_session, self._upload_urls, self._passthrough.fresh())
                if self._sleep == "advance":
                    sleeps.install()
                _started_at = _caller_location()
                _started_by_start = by_start
            elif any(_session_options()[k] != v for k, v in self._explicit.items()):
                warn_nested_options()
            _depth += 1
            self._started += 1
            assert _session is not None
            return _session

    def stop(self) -> None:
        """Deactivate; the outermost stop forgets all state.

        With ``strict=True``, it then raises :class:`UnimplementedOperationsError` if any
        call was answered ``NotImplemented``.
        """
        self._stop(check=True)

    def _stop(self, check: bool) -> None:
        global _depth, _session, _started_at
        with _state_lock:
            if self._started == 0:
                raise RuntimeError("mock_imports.stop() called without a matching start()")
            self._started -= 1
            _depth -= 1
            if _depth != 0 or _session is None:
                return
            session, _session, _started_at = _session, None, None
            sleeps.uninstall()
            _deactivate(session)
        if check and session.options.get("strict"):
            _check_strict(session)

    def __enter__(self) -> MockSession:
        return self._start()

    def __exit__(self, *exc: object) -> None:
        # An exception on its way out is the test's failure: strict mode adds nothing then.
        self._stop(check=exc[0] is None)

    # -- decorating --------------------------------------------------------------------
    def __call__(self, target: F) -> F:
        if inspect.isclass(target):
            return self._decorate_class(target)  # type: ignore[return-value]
        return self._decorate_callable(target)

    def _decorate_callable(self, func: F) -> F:
        """Run ``func`` inside the mock: a call, a coroutine's whole run, or a generator's
        whole life (from its first step until it is exhausted or closed)."""
        wrapper: Callable[..., Any]
        if inspect.isasyncgenfunction(func):
            wrapper = _async_generator_inside(self, func)
        elif inspect.iscoroutinefunction(func):

            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return await func(*args, **kwargs)

        elif inspect.isgeneratorfunction(func):
            # A generator's body runs at each next(), long after the call returned: the
            # mock spans its whole life, so a pytest yield fixture's teardown is mocked too.
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return (yield from func(*args, **kwargs))

        else:

            def wrapper(*args: Any, **kwargs: Any) -> Any:
                with self:
                    return func(*args, **kwargs)

        return functools.wraps(func)(wrapper)  # type: ignore[return-value]

    def _decorate_class(self, cls: type) -> type:
        if issubclass(cls, unittest.TestCase):
            self._span_unittest_class(cls)
            self._start_before_set_up(cls)
            return cls
        self._span_pytest_class(cls)
        if hasattr(cls, "setup_method"):
            self._span_setup_method(cls)
            return cls
        # dir(), not vars(): test methods inherited from a base class or mixin run too;
        # getattr_static, so that static and class methods stay what they are.
        for name in dir(cls):
            if name.startswith("test"):
                wrapped = self._wrapped_member(inspect.getattr_static(cls, name))
                if wrapped is not None:
                    setattr(cls, name, wrapped)
        return cls

    def _wrapped_member(self, member: Any) -> Any:
        """A test method, static method or class method wrapped in the mock (None for
        anything else, or for one wrapped already through a decorated base class)."""
        kind = type(member) if isinstance(member, (staticmethod, classmethod)) else None
        func = member.__func__ if kind is not None else member
        if not inspect.isfunction(func) or getattr(func, "_importmock_wrapped", False):
            return None
        wrapped = self._decorate_callable(func)
        wrapped._importmock_wrapped = True  # type: ignore[attr-defined]
        return kind(wrapped) if kind is not None else wrapped

    def _start_before_set_up(self, cls: type[unittest.TestCase]) -> None:
        # setUp, the test and tearDown share one session; the cleanup stops it after
        # tearDown has run.
        mock = self
        original_setup = cls.setUp

        @functools.wraps(original_setup)
        def setUp(test: unittest.TestCase, *args: Any, **kwargs: Any) -> None:
            mock._start()
            test.addCleanup(mock.stop)
            original_setup(test, *args, **kwargs)

        cls.setUp = setUp  # type: ignore[method-assign,assignment]

    def _span_unittest_class(self, cls: type[unittest.TestCase]) -> None:
        """A TestCase with its own setUpClass or tearDownClass: one mock from before
        setUpClass to after tearDownClass, which every test joins (and so sees what
        setUpClass made)."""
        base = unittest.TestCase
        if all(
            inspect.getattr_static(cls, name) is inspect.getattr_static(base, name)
            for name in ("setUpClass", "tearDownClass")
        ):
            return
        mock = self
        original = _class_fixture(inspect.getattr_static(cls, "setUpClass"))

        def setUpClass(klass: type[unittest.TestCase]) -> None:
            mock._start()
            # class cleanups run after tearDownClass, and also when setUpClass fails
            klass.addClassCleanup(mock.stop)
            original(klass)

        cls.setUpClass = classmethod(setUpClass)  # type: ignore[assignment,method-assign]

    def _span_pytest_class(self, cls: type) -> None:
        """A pytest class with setup_class or teardown_class: one mock from before
        setup_class to after teardown_class, which every test joins."""
        setup = inspect.getattr_static(cls, "setup_class", None)
        teardown = inspect.getattr_static(cls, "teardown_class", None)
        if setup is None and teardown is None:
            return
        mock = self

        def setup_class(klass: type) -> None:
            mock._start()
            try:
                if setup is not None:
                    _class_fixture(setup)(klass)
            except BaseException:
                mock.stop()  # pytest skips teardown_class when setup_class fails
                raise

        def teardown_class(klass: type) -> None:
            try:
                if teardown is not None:
                    _class_fixture(teardown)(klass)
            finally:
                mock.stop()

        cls.setup_class = classmethod(setup_class)  # type: ignore[attr-defined]
        cls.teardown_class = classmethod(teardown_class)  # type: ignore[attr-defined]

    def _span_setup_method(self, cls: type) -> None:
        # pytest-style class with its own setup: start before it, stop after teardown.
        mock = self
        original_setup = cls.setup_method  # type: ignore[attr-defined]
        original_teardown = getattr(cls, "teardown_method", None)

        def setup_method(test: Any, method: Any = None) -> None:
            mock._start()
            try:
                _call_with_optional_method(original_setup, test, method)
            except BaseException:
                mock.stop()  # pytest skips teardown_method when setup fails
                raise

        def teardown_method(test: Any, method: Any = None) -> None:
            try:
                if original_teardown is not None:
                    _call_with_optional_method(original_teardown, test, method)
            finally:
                mock.stop()

        cls.setup_method = setup_method  # type: ignore[attr-defined]
        cls.teardown_method = teardown_method  # type: ignore[attr-defined]


def _class_fixture(member: Any) -> Callable[[type], None]:
    """A setUpClass/setup_class as a function of the class, however it was declared
    (class method, static method or plain function, with or without the class argument)."""
    func: Any = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
    if func.__code__.co_argcount == 0:
        return lambda klass: func()
    return lambda klass: func(klass)


def _async_generator_inside(mock: ImportMock, func: Callable[..., Any]) -> Callable[..., Any]:
    """An async generator function whose generators run inside ``mock`` for their whole
    life, relaying every ``asend``/``athrow``/``aclose`` to the wrapped generator."""

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        with mock:
            inner = func(*args, **kwargs)
            try:
                value = await inner.__anext__()
            except StopAsyncIteration:
                return
            while True:
                try:
                    sent = yield value
                except GeneratorExit:
                    await inner.aclose()
                    raise
                except BaseException as thrown:
                    step = inner.athrow(thrown)
                else:
                    step = inner.asend(sent)
                try:
                    value = await step
                except StopAsyncIteration:
                    return

    return wrapper


def _call_with_optional_method(function: Callable[..., Any], test: Any, method: Any) -> None:
    """Call a setup/teardown_method with ``method`` only if it takes one, as pytest does."""
    if function.__code__.co_argcount > 1:
        function(test, method)
    else:
        function(test)


def _caller_location() -> str:
    """``file:line`` of the first frame outside this module and contextlib (the code that
    started the mock)."""
    frame = sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename in (__file__, _CONTEXTLIB):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


_CONTEXTLIB = sys.modules["contextlib"].__file__ if "contextlib" in sys.modules else ""


def leaked_start() -> str | None:
    """Where the active mock was started (``file:line``) if a bare ``start()`` started it:
    nothing stops such a mock on its own, so it may have leaked from an earlier test.
    None when no mock is active, or when a with block, decorator or class started it."""
    with _state_lock:
        return _started_at if _session is not None and _started_by_start else None


def _check_strict(session: MockSession) -> None:
    unimplemented = session.calls.unimplemented()
    if unimplemented:
        raise UnimplementedOperationsError(
            "importmock (strict=True): the code under test called operations importmock does "
            "not implement, each answered NotImplemented: " + ", ".join(unimplemented)
        )


def _session_options() -> dict[str, Any]:
    assert _session is not None
    return _session.options


def _activate(session: MockSession, upload_urls: str, passthrough: Passthrough) -> None:
    global _loopback
    from importmock.engine import http_clients, interception, network_guard
    from importmock.server.loopback import LoopbackServer

    # Fake credentials, so botocore signs requests without touching a real profile. An
    # access key id of 12 digits is no real key but an account to act in (see
    # MockSession._scope_of): it is kept, so a test can choose its account from the env.
    keep_key = _ACCOUNT_KEY.fullmatch(os.environ.get("AWS_ACCESS_KEY_ID", ""))
    for name, value in FAKE_ENVIRONMENT.items():
        _saved_environment[name] = os.environ.get(name)
        if not (keep_key and name == "AWS_ACCESS_KEY_ID"):
            os.environ[name] = value
    forget_resolved_configuration()
    _loopback = LoopbackServer(session)
    if upload_urls == "loopback":
        session.urls.local_origin = _loopback.origin
    network_guard.activate(passthrough)
    http_clients.start(session.urls, _loopback.origin)
    interception.install(session.handle, passthrough)
    session.active = True


def _deactivate(session: MockSession) -> None:
    global _loopback
    from importmock.engine import http_clients, interception, network_guard

    session.active = False
    interception.uninstall()
    http_clients.stop()
    network_guard.deactivate()
    if _loopback is not None:
        _loopback.stop()
        _loopback = None
    # The session is dropped here (the next start makes a fresh one), so its state is gone
    # for every later call; `m.calls` and `m.jobs()` stay readable after the `with` block.
    for name, value in _saved_environment.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    _saved_environment.clear()
    forget_resolved_configuration()  # nothing resolved under the mock survives it


@overload
def mock_imports(func: F, /) -> F: ...
@overload
def mock_imports(
    *,
    progression: ProgressionOption = ...,
    durations: Durations = ...,
    account_id: str = ...,
    quotas: QuotasOption = ...,
    check_responses: bool = ...,
    upload_urls: UploadUrlsOption = ...,
    passthrough: PassthroughOption = ...,
    sleep: SleepOption = ...,
    strict: bool = ...,
) -> ImportMock: ...
def mock_imports(func: Any = None, /, **options: Any) -> Any:
    """Mock the AWS import-job APIs of wisdom, qconnect, pinpoint and lexv2-models.

    Use it bare (``@mock_imports``), with options (``@mock_imports(progression="manual")``),
    on a class, or as ``with mock_imports() as m:``. Options:

    - ``progression``: ``"immediate"`` (default), ``"reads"``, ``"time"`` or ``"manual"``,
      or a dict per client name with ``"default"`` for the rest;
    - ``durations``: seconds per stage in ``time`` mode, one number or ``{stage: seconds}``;
    - ``account_id``: the account every resource belongs to (default ``123456789012``);
    - ``quotas``: service quotas to change, per client name, e.g.
      ``{"pinpoint": {"active_import_jobs": 2}}``;
    - ``check_responses``: check every response against the operation's model and raise
      :class:`~importmock.engine.conformance.ConformanceError` on the first problem (a bug
      in importmock); default off, or on when ``IMPORTMOCK_CHECK_RESPONSES=1``;
    - ``upload_urls``: ``"in-process"`` (default: minted URLs look like S3's and are
      answered inside the process, whatever HTTP library fetches them) or ``"loopback"``
      (they point at a loopback server, for subprocesses and other HTTP clients);
    - ``passthrough``: what may reach the network on purpose while the mock is active,
      ``{"services": [boto3 client names], "urls": [regular expressions]}``;
    - ``sleep``: ``"real"`` (default) or ``"advance"``: ``time.sleep`` and ``asyncio.sleep``
      in the thread that started the mock move the clock (importmock's, freezegun's or
      time-machine's, and ``time.monotonic``/``time.perf_counter``) instead of waiting.
    - ``strict``: when the mock stops, raise
      :class:`~importmock.engine.errors.UnimplementedOperationsError` (an
      ``AssertionError``) if any call was answered ``NotImplemented``, even one the code
      under test caught; default off.
    """
    if func is not None:
        if options or not callable(func):
            raise TypeError("use @mock_imports or @mock_imports(**options)")
        return ImportMock()(func)
    return ImportMock(**options)
