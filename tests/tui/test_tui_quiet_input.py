"""The quiet input thread sleeps until there is input (issue 20: idle CPU).

Textual's own input thread wakes ten times a second to let its parser time out a lone ESC,
which is the whole idle floor of a bare Textual app. These tests run the quiet thread on a
pipe instead of a terminal, with a selector that records how long each wait was allowed to
last: while nothing is pending it must be "until input" (None), never a poll interval.
Nothing here asserts a duration; waits are bounded only so that a failure cannot hang.
"""

from __future__ import annotations

import os
import selectors
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from textual import events
from textual.drivers.headless_driver import HeadlessDriver
from textual.drivers.linux_driver import LinuxDriver

from tui.ascii_output import ascii_driver
from tui.quiet_input import WakingEvent, input_timeout, quiet_input_driver, quiet_linux_driver

QuietInputDriver = quiet_linux_driver()

SAFETY = 10.0
"""Seconds after which a wait counts as hung (a failure, not a measurement)."""


class RecordingSelector(selectors.SelectSelector):
    """Textual's selector, noting the timeout of every wait."""

    timeouts: list[float | None] = []

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        type(self).timeouts.append(timeout)
        return super().select(timeout)


def bare_driver(cls: type[LinuxDriver]) -> tuple[Any, list[Any], int]:
    """A driver of ``cls`` reading a pipe, its messages collected: (driver, messages, write end).

    Built without ``__init__`` (that one takes the process's stdin and signal handlers).
    """
    driver: Any = cls.__new__(cls)
    read_end, write_end = os.pipe()
    driver.fileno = read_end
    driver._debug = False  # noqa: SLF001
    got: list[Any] = []
    driver.process_message = got.append
    if issubclass(cls, QuietInputDriver):
        driver.wake_r, driver.wake_w = os.pipe()
        os.set_blocking(driver.wake_r, False)
        os.set_blocking(driver.wake_w, False)
        driver.exit_event = WakingEvent(driver.wake_w)
    else:
        driver.exit_event = threading.Event()
    return driver, got, write_end


def wait_for(condition: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + SAFETY
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"no {what} within {SAFETY:g} s")
        time.sleep(0.01)


def keys(got: list[Any]) -> list[str]:
    return [m.key for m in got if isinstance(m, events.Key)]


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> list[float | None]:
    RecordingSelector.timeouts = []
    monkeypatch.setattr(QuietInputDriver, "selector_class", RecordingSelector)
    return RecordingSelector.timeouts


def test_input_timeout() -> None:
    assert input_timeout(None, 100.0) is None
    assert input_timeout(100.25, 100.0) == 0.25
    assert input_timeout(99.0, 100.0) == 0.0


def test_idle_thread_waits_for_input_and_exits_when_told(recording: list[float | None]) -> None:
    driver, got, write_end = bare_driver(QuietInputDriver)
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()
    try:
        wait_for(lambda: len(recording) >= 1, "first wait")
        os.write(write_end, b"a")
        wait_for(lambda: keys(got) == ["a"], "key a")
        wait_for(lambda: len(recording) >= 2, "second wait")
        # Textual's thread waits 0.1 s each time, idle or not: ten wake-ups a second
        assert recording[:2] == [None, None]
        driver.exit_event.set()
        thread.join(SAFETY)
        assert not thread.is_alive()  # woken through the pipe, not by a timeout
    finally:
        driver.exit_event.set()
        thread.join(SAFETY)
        for fd in (driver.fileno, write_end, driver.wake_r, driver.wake_w):
            os.close(fd)


def test_a_lone_escape_still_arrives_at_the_parsers_deadline(recording: list[float | None]) -> None:
    driver, got, write_end = bare_driver(QuietInputDriver)
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()
    try:
        wait_for(lambda: len(recording) >= 1, "first wait")
        os.write(write_end, b"\x1b")  # could be the start of a sequence: the parser waits a moment
        wait_for(lambda: keys(got) == ["escape"], "the escape key")
        bounded = [t for t in recording if t is not None]
        assert bounded and all(0 <= t <= 1.0 for t in bounded)  # slept only until the deadline
        assert recording[-1] is None  # and back to waiting for input
    finally:
        driver.exit_event.set()
        thread.join(SAFETY)
        for fd in (driver.fileno, write_end, driver.wake_r, driver.wake_w):
            os.close(fd)


def test_an_exit_before_the_first_wait_ends_the_thread() -> None:
    driver, got, write_end = bare_driver(QuietInputDriver)
    driver.exit_event.set()  # set (and the pipe written) before the thread starts
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()
    thread.join(SAFETY)
    assert not thread.is_alive()
    for fd in (driver.fileno, write_end, driver.wake_r, driver.wake_w):
        os.close(fd)


def test_waking_event_after_close_writes_nothing() -> None:
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    event = WakingEvent(write_end)
    event.set()
    assert os.read(read_end, 16) == b"x"
    event.wake_fd = None
    event.clear()
    event.set()
    assert event.is_set()
    with pytest.raises(BlockingIOError):
        os.read(read_end, 16)
    os.close(read_end)
    os.close(write_end)


def test_which_drivers_get_the_quiet_thread() -> None:
    assert quiet_input_driver(LinuxDriver) is QuietInputDriver
    assert quiet_input_driver(QuietInputDriver) is QuietInputDriver
    assert quiet_input_driver(HeadlessDriver) is HeadlessDriver  # tests, and not a terminal
    ascii_quiet = quiet_input_driver(ascii_driver(LinuxDriver))
    assert issubclass(ascii_quiet, QuietInputDriver)
    assert ascii_quiet.write is not QuietInputDriver.write  # --ascii's folding write is kept
    assert issubclass(ascii_driver(quiet_input_driver(LinuxDriver)), QuietInputDriver)


def test_the_loop_it_replaces_is_still_textuals_8_2() -> None:
    """The quiet loop is Textual 8.2's ``run_input_thread`` with the wait changed: when Textual's
    own loop changes (an upgrade), port the change to ``tui/quiet_input.py`` and update this digest."""
    import hashlib
    import inspect

    source = inspect.getsource(LinuxDriver.run_input_thread)
    assert hashlib.sha256(source.encode()).hexdigest() == (
        "d796af6d69db337d6fa6bd463984f7d17188d991dbb22f60efb92a8a9619507c"
    ), "Textual's input loop changed: compare it with tui/quiet_input.py"
