"""Helper process for ``test_cache_kill.py``: writes the cache in a loop until killed.

It loads the cache first, like the app, and continues from there. Generation ``n`` holds
``n`` observations of each instrument in :data:`IDS`, value of day
``k`` = :func:`value` ``(inst, k)``, so any file can be checked for being exactly one
complete generation. Just before each :meth:`DiskCache.save` the process prints
``begin n``, and after it returns ``saved n`` (both flushed): ``saved n`` promises that
everything up to that generation is on disk, and a kill after ``begin n`` without its
``saved n`` landed inside the save.

    python -m tests.reliability.cache_writer CACHE_DIR START_GENERATION
    python -m tests.reliability.cache_writer --zygote

``--zygote`` pays the imports (pandas, the store, the cache: ~0.5-2 s a process, most of a
kill round) once: it reads ``CACHE_DIR START_GENERATION`` lines on stdin and forks one writer
per line, a process of its own that starts exactly like the plain command (it loads the
cache, then writes in the loop) and shares the zygote's stdout. Before the writer starts
the zygote prints ``pid N`` (the process to kill); once the writer is dead it prints
``exit C`` on a line of its own (``C`` as :attr:`subprocess.Popen.returncode`: ``-9`` after
``kill -9``). Run it with ``OPENBLAS_NUM_THREADS=1`` (numpy's BLAS otherwise starts a
thread at import): then the zygote has no thread but its main one when it forks.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

IDS = ("ust10y", "vix", "spx", "ig_oas")
BASE = dt.date(2000, 1, 3)
LEVEL = {"ust10y": 4.0, "vix": 20.0, "spx": 1000.0, "ig_oas": 1.0}


def value(inst: str, k: int) -> float:
    return round(LEVEL[inst] * (1.0 + (k % 97) / 1000.0), 6)


def day(k: int) -> dt.date:
    """The ``k``-th business day from :data:`BASE` (a Monday): UST, VIX and S&P 500 closes are
    never dated at weekends (the store refuses them)."""
    return BASE + dt.timedelta(days=7 * (k // 5) + k % 5)


def index_of(date: dt.date) -> int:
    """The ``k`` of :func:`day` ``(k)``."""
    weeks, rest = divmod((date - BASE).days, 7)
    return 5 * weeks + rest


def main() -> None:
    if sys.argv[1:] == ["--zygote"]:
        zygote()
    else:
        write(Path(sys.argv[1]), int(sys.argv[2]))


def write(root: Path, start: int) -> None:
    """Load the cache under ``root``, then grow and save it until killed."""
    from datafeed.cache import DiskCache
    from datafeed.models import Observation
    from datafeed.store import SeriesStore

    store = SeriesStore(today=lambda: dt.date(2100, 1, 1))
    cache = DiskCache(root)
    cache.load_into(store)  # like the app: start from what the last run left
    n = max([start, *(len(store.official(i)) for i in IDS)])
    store.apply([Observation(i, day(k), value(i, k), "fred:X") for i in IDS for k in range(n)])
    while True:
        # Grow by a burst of rows so files get big enough for kills to land mid-write.
        burst = 50
        store.apply([Observation(i, day(k), value(i, k), "fred:X") for i in IDS for k in range(n, n + burst)])
        n += burst
        print(f"begin {n}", flush=True)
        cache.save(store)
        print(f"saved {n}", flush=True)


def zygote() -> None:
    """Fork a :func:`write` process per stdin line; see the module docstring."""
    import os

    import datafeed.cache  # noqa: F401  (the imports every writer would pay)
    import datafeed.models  # noqa: F401
    import datafeed.store  # noqa: F401

    for line in sys.stdin:
        root, start = line.split()
        go_read, go_write = os.pipe()
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # the writer: wait until its pid is out, so no line of its comes first
            os.close(go_write)
            os.read(go_read, 1)
            os.close(go_read)
            try:
                write(Path(root), int(start))
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                os._exit(1)  # never back into the zygote's loop
        os.close(go_read)
        print(f"pid {pid}", flush=True)
        os.write(go_write, b"g")
        os.close(go_write)
        _, status = os.waitpid(pid, 0)
        print(f"\nexit {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    main()
