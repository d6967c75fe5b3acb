"""pytest plugin: a hung test or test process ends with every thread's stack, never a stalled suite.

Loaded by the backend's and the training's test suites (``-p tunix_rt_backend.suite_limits`` in
their pyproject.toml). It works beside pytest-timeout, which fails a test that overruns its limit
(``timeout`` in the ini file, or ``@pytest.mark.timeout``) and prints every thread's stack from
Python. That needs the interpreter to run the timeout's signal handler; a livelock inside the
interpreter (the one this project has seen: the main thread re-entering one instruction forever
while CPython 3.11 runs greenlet's thread clean-up as a "pending call") never gets there. So this
plugin arms faulthandler's watchdog, which runs in C on its own thread and needs no interpreter:

- per test: ``HARD_GRACE_S`` after the test's own limit, every thread's stack is written to stderr
  and the process exits with status 1 (the suite fails, naming the test in the stack);
- per process: ``EXIT_WATCHDOG_S`` after the session has finished, the same, for a process that
  does not exit (threads that never end, a livelock at interpreter exit).

pytest's own ``faulthandler_timeout`` must stay unset: faulthandler has one watchdog per process.
"""

from __future__ import annotations

import faulthandler
import os
from collections.abc import Iterator

import pytest

HARD_GRACE_S = float(os.environ.get("TUNIX_RT_TEST_HARD_GRACE_S", "30"))
EXIT_WATCHDOG_S = float(os.environ.get("TUNIX_RT_TEST_EXIT_WATCHDOG_S", "120"))
# pytest points fd 2 at its capture file while a test runs; the stacks must reach the real stderr,
# so they go to a copy of it taken before any test ran.
_stderr_copy: int | None = None


def limit_s(item: pytest.Item) -> float:
    """The test's pytest-timeout limit in seconds (0: none): its marker, else the ini option."""
    marker = item.get_closest_marker("timeout")
    if marker is not None:
        value = marker.kwargs.get("timeout", marker.args[0] if marker.args else None)
        if value is not None:
            return float(value)
    return float(item.config.getini("timeout") or 0)


def pytest_configure(config: pytest.Config) -> None:
    global _stderr_copy
    if float(config.getini("faulthandler_timeout") or 0) > 0:
        raise pytest.UsageError(
            "tunix_rt_backend.suite_limits arms faulthandler's watchdog itself; "
            "unset faulthandler_timeout (faulthandler has one watchdog per process)"
        )
    _stderr_copy = os.dup(2)  # capture is suspended here: fd 2 is the real stderr


def _stderr() -> int:
    return 2 if _stderr_copy is None else _stderr_copy


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    limit = limit_s(item)
    if limit > 0:
        faulthandler.dump_traceback_later(limit + HARD_GRACE_S, exit=True, file=_stderr())
    try:
        yield
    finally:
        if limit > 0:
            faulthandler.cancel_dump_traceback_later()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    faulthandler.dump_traceback_later(EXIT_WATCHDOG_S, exit=True, file=_stderr())
