"""Provides :class:`Worker`, the Monitor's one computing thread.

Why its own module: the Monitor creates its worker when it is built, in front of the
first frame; :mod:`datafeed.recompute` (its jobs and results, frozen records) is needed
only once the first recompute runs, after that frame (issue 20).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable


class Worker:
    """One daemon thread that runs jobs in order: loads and recomputes never overlap.

    Daemon, so a computation still running when the app quits never delays the exit.
    A job is dropped as soon as it ran, so a finished job holds no series.
    """

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], None]) -> None:
        """Queue ``job``; the thread starts with the first one (a Monitor never started has none)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="triffin-monitor", daemon=True)
            self._thread.start()
        self._jobs.put(job)

    def stop(self) -> None:
        """Let the thread end after the jobs queued so far."""
        if self._thread is not None:
            self._jobs.put(None)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()
            job = None  # noqa: F841 - drop the job (and what it holds) before waiting
