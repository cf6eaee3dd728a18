"""Provides :func:`quiet_input_driver`: Textual's Linux driver with an input thread that sleeps until there is input.

Why: Textual 8's input thread wakes every 100 ms (``selector.select(0.1)``) whether a byte
came or not, so that its escape-sequence parser can time out a lone ESC. That is ten
wake-ups a second for the app's whole life: measured over 60 s idle windows on a 2-core
machine, 0.15-0.20 % of a core, the whole idle cost of a bare Textual app (``hello.py``)
and, once the minute's clock tick stopped rebuilding the table (``tui/clock_rows.py``),
nearly all of an idle triffin's (issue 20 asks for ≤ 0.2 %). The parser needs a wake-up
only while it holds the start of a sequence (its deadline, ``_timeout_time``), and the
thread must wake when the app stops reading (``exit_event``). This driver's thread waits
for input with no timeout while nothing is pending, until the parser's deadline when
something is (so a lone ESC arrives at its deadline, not up to 100 ms after it), and is
woken through a pipe when the exit event is set.

Everything else is Textual's: this overrides only ``run_input_thread`` (the loop below is
Textual 8.2's with the timeout and the wake pipe changed; textual is pinned) and the exit
event. Drivers other than Textual's ``LinuxDriver`` (Windows, the web, the headless test
driver) are returned as they are; the Linux driver (it needs ``termios``) is imported only
when asked for, so this module imports anywhere.
"""

from __future__ import annotations

import os
import selectors
import threading
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.drivers.linux_driver import LinuxDriver

__all__ = ["WakingEvent", "input_timeout", "quiet_input_driver"]


def input_timeout(deadline: float | None, now: float) -> float | None:
    """Seconds the input thread may sleep: until the parser's deadline, or None (until input).

    Args:
        deadline: the parser's ``_timeout_time`` (``get_time()`` seconds), None when it
            holds no partial sequence.
        now: ``get_time()``.
    """
    return None if deadline is None else max(0.0, deadline - now)


class WakingEvent(threading.Event):
    """A ``threading.Event`` whose ``set`` also writes a byte to a pipe, to wake a ``select``."""

    def __init__(self, wake_fd: int) -> None:
        super().__init__()
        self.wake_fd: int | None = wake_fd

    def set(self) -> None:
        """Set the flag, then wake the thread selecting on the pipe's other end."""
        super().set()
        fd = self.wake_fd
        if fd is not None:
            try:
                os.write(fd, b"x")
            except OSError:  # full (a wake-up is already pending) or closed: nothing to do
                pass


@cache
def quiet_linux_driver() -> type[LinuxDriver]:
    """``LinuxDriver`` whose input thread sleeps until input, the parser's deadline or exit."""
    from codecs import getincrementaldecoder

    from textual._loop import loop_last
    from textual._parser import ParseError
    from textual._time import get_time
    from textual._xterm_parser import XTermParser
    from textual.drivers.linux_driver import LinuxDriver

    class QuietInputDriver(LinuxDriver):
        """``LinuxDriver`` whose input thread sleeps until input, the parser's deadline or exit."""

        selector_class: type[selectors.BaseSelector] = selectors.SelectSelector
        """The selector of the input thread (Textual's choice; a test puts a recording one here)."""

        def __init__(self, app: Any, **kwargs: Any) -> None:
            super().__init__(app, **kwargs)
            self.wake_r, self.wake_w = os.pipe()
            os.set_blocking(self.wake_r, False)
            os.set_blocking(self.wake_w, False)
            self.exit_event = WakingEvent(self.wake_w)

        def close(self) -> None:
            """Textual's clean-up, then the wake pipe (never written to once closed)."""
            super().close()
            event = self.exit_event
            if isinstance(event, WakingEvent):
                event.wake_fd = None
            for fd in (self.wake_r, self.wake_w):
                try:
                    os.close(fd)
                except OSError:
                    pass

        def run_input_thread(self) -> None:
            """Wait for input and dispatch events (Textual's loop; sleeps while nothing is pending)."""
            selector = self.selector_class()
            fileno, wake_r = self.fileno, self.wake_r
            selector.register(fileno, selectors.EVENT_READ)
            selector.register(wake_r, selectors.EVENT_READ)
            event_read = selectors.EVENT_READ

            parser = XTermParser(self._debug)
            feed = parser.feed
            tick = parser.tick
            decode = getincrementaldecoder("utf-8")().decode
            read = os.read

            def drain_wake() -> None:
                try:
                    while read(wake_r, 64):
                        pass
                except OSError:  # empty (would block)
                    pass

            def process_selector_events(
                selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False
            ) -> None:
                ready = []
                for key, mask in selector_events:
                    if key.fd == wake_r:
                        drain_wake()
                    else:
                        ready.append((key, mask))
                for last, (_key, mask) in loop_last(ready):
                    if mask & event_read:
                        unicode_data = decode(read(fileno, 1024 * 4), final=final and last)
                        if not unicode_data:
                            break  # stdin is a pipe that ended
                        for event in feed(unicode_data):
                            self.process_message(event)
                for event in tick():
                    self.process_message(event)

            try:
                while not self.exit_event.is_set():
                    wait = input_timeout(parser._timeout_time, get_time())  # noqa: SLF001 - its deadline
                    process_selector_events(selector.select(wait))
                selector.unregister(fileno)
                selector.unregister(wake_r)
                process_selector_events(selector.select(0.1), final=True)
            finally:
                selector.close()
                try:
                    for _event in feed(""):
                        pass
                except (EOFError, ParseError):
                    pass

    return QuietInputDriver


def quiet_input_driver(driver: type[Driver]) -> type[Driver]:
    """``driver`` with the quiet input thread when it is Textual's Linux driver, else ``driver``.

    A subclass of it (e.g. ``--ascii``'s) keeps its own methods: the input loop is mixed in
    under them.
    """
    try:
        from textual.drivers.linux_driver import LinuxDriver
    except ImportError:  # no termios (Windows): not Textual's Linux driver either
        return driver
    if not issubclass(driver, LinuxDriver):
        return driver
    quiet = quiet_linux_driver()
    if driver is LinuxDriver or issubclass(driver, quiet):
        return quiet if driver is LinuxDriver else driver
    return type(f"Quiet{driver.__name__}", (driver, quiet), {})
