"""Helper process for ``test_shared_cache.py``: one of several triffin writers on one cache folder.

Every writer loads the cache like the app does, waits for a common start time, then in
each round adds one date of its own to every instrument in :data:`IDS` and saves, printing
``saved K`` (flushed) once :meth:`DiskCache.save` has returned: from then on the value of
day ``K`` is promised to be on disk. Writers also share a common history (the same values
for the first :data:`SHARED` days), as panes fetching the same series do.

Dates are disjoint between writers (writer ``w`` of ``n`` owns days ``SHARED + r*n + w``),
so a file written by one writer without the others' dates loses their values: exactly the
"last writer wins" failure of two panes sharing a folder.

    python -m tests.desk.cache_writer CACHE_DIR WRITER WRITERS ROUNDS GO_FILE

It prints ``ready`` once loaded and starts writing when ``GO_FILE`` exists, so all writers
start together however long their imports took.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

IDS = ("ust10y", "vix", "spx", "ig_oas")
BASE = dt.date(2000, 1, 3)
SHARED = 400
LEVEL = {"ust10y": 4.0, "vix": 20.0, "spx": 1000.0, "ig_oas": 1.0}


def value(inst: str, k: int) -> float:
    return round(LEVEL[inst] * (1.0 + (k % 97) / 1000.0), 6)


def day(k: int) -> dt.date:
    """The ``k``-th business day from :data:`BASE` (a Monday): UST, VIX and S&P 500 closes are
    never dated at weekends (the store refuses them)."""
    return BASE + dt.timedelta(days=7 * (k // 5) + k % 5)


def own_days(writer: int, writers: int, rounds: int) -> list[int]:
    return [SHARED + r * writers + writer for r in range(rounds)]


def main() -> None:
    from datafeed.cache import DiskCache
    from datafeed.models import Observation
    from datafeed.store import SeriesStore

    root, writer, writers, rounds, go = (
        Path(sys.argv[1]),
        int(sys.argv[2]),
        int(sys.argv[3]),
        int(sys.argv[4]),
        Path(sys.argv[5]),
    )
    store = SeriesStore(today=lambda: dt.date(2100, 1, 1))
    cache = DiskCache(root)
    cache.load_into(store)
    store.apply([Observation(i, day(k), value(i, k), "fred:X") for i in IDS for k in range(SHARED)])
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.001)
    for k in own_days(writer, writers, rounds):
        store.apply([Observation(i, day(k), value(i, k), "fred:X") for i in IDS])
        cache.save(store)
        print(f"saved {k} {time.monotonic():.6f}", flush=True)
    print(f"merges {getattr(cache, 'merges', -1)} skipped_locked {getattr(cache, 'skipped_locked', -1)}", flush=True)


if __name__ == "__main__":
    main()
