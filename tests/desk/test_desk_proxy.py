"""A desk of panes behind the shipped nginx cache: upstream load that does not grow with panes.

The shipped ``deploy/nginx`` configuration is rendered against the loopback market (every
origin on 127.0.0.1) and nginx runs as an ordinary process with its own prefix. Then N = 1
and 10 ``triffin snapshot --format json`` processes start at the same moment, each with
an empty cache of its own (N new panes), and the market counts what reaches it:

- with the proxy, 10 panes cost the upstream at most 1.2 times what one pane costs, and the
  upstream sees exactly the request lines a pane sends without a proxy (byte for byte);
- without it, the count grows with N (5 panes make five times the requests of one);
- upstream down: panes started during the outage get the last good values from the
  cache's stale copies, and once it is back the next panes get the new data.

Skips (with the reason) where nginx is not installed; ``.ci/run`` installs Debian's.
"""

from __future__ import annotations

import resource
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.desk.harness import NginxCache, ca_file, direct_config, find_nginx, loopback_config, run_panes
from tests.loopback_market import LoopbackMarket

NGINX = find_nginx()
pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (.ci/run installs Debian's nginx package)"),
    pytest.mark.skipif(ca_file() is None, reason="no CA bundle for proxy_ssl_trusted_certificate"),
]


PROXY_PANES = (1, 10)
"""Through the cache, one pane and a burst of ten started together. Ten identical cold
requests arriving at once is what ``proxy_cache_lock`` collapses; thirty only multiplies the
CPU (~2 s per pane; with N = 30 the test took 72 s in a serial suite run, with N = 10 41 s
alone at a load average of 4 and 32 s in a serial suite run, 2026-12-07). The 30-pane figure of
docs/desk.md is measured by ``python -m tests.desk.burst``, not by the suite."""

DIRECT_PANES = (1, 5)
"""Without the proxy the count is the panes times one pane's; five show it (CPU is the test's
cost: ~2 s per pane, and CI has two cores)."""


@pytest.fixture(scope="module")
def market() -> Any:
    m = LoopbackMarket(validators=True)
    base = m.start()
    yield m, base
    m.stop()


def _values(doc: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {i: (s["date"], s["value"]) for i, s in doc["series"].items()}


def _unserved(s: dict[str, Any]) -> bool:
    """A series the loopback market has nothing for: ``missing`` (only sources it does not
    speak, switched off), or an error saying the answer held no values (the long historical
    series that ended decades before the market's 1998 start)."""
    return s["status"] == "missing" or (
        s["status"] == "error" and s["value"] is None and "the answer has no values" in (s["error"] or "")
    )


def _statuses(docs: list[dict[str, Any]]) -> Counter[str]:
    """Statuses of every series of every pane the loopback market serves."""
    return Counter(s["status"] for doc in docs for s in doc["series"].values() if not _unserved(s))


def _served(doc: dict[str, Any]) -> int:
    return sum(not _unserved(s) for s in doc["series"].values())


def _check_panes(docs: list[dict[str, Any]], reference: dict[str, tuple[Any, Any]]) -> int:
    """Every pane shows the reference values, fresh; returns how many series were not.

    The one allowance: a series whose request timed out in the pane itself (dozens of
    processes starting at once on two shared cores can starve one for seconds), at most 2 %
    of them. Any other error, or a fresh value that differs, fails.
    """
    starved = 0
    for doc in docs:
        for inst, s in doc["series"].items():
            if _unserved(s) and reference[inst] == (None, None):
                continue  # nothing the loopback market serves, in every pane alike
            if s["status"] == "fresh":
                assert (s["date"], s["value"]) == reference[inst], (inst, s, reference[inst])
            else:
                assert "timed out" in (s["error"] or ""), (inst, s)
                starved += 1
    assert starved <= 0.02 * len(docs) * len(reference), f"{starved} series starved"
    return starved


def test_ten_panes_cost_the_upstream_what_one_pane_costs(market: Any, tmp_path: Path) -> None:
    m, base = market
    port = int(base.rsplit(":", 1)[1])
    started = time.monotonic()
    proxy_config = loopback_config(tmp_path / "proxy.toml", base)
    counts: dict[tuple[str, int], int] = {}
    lines: dict[tuple[str, int], Counter[str]] = {}
    reference: dict[str, tuple[Any, Any]] | None = None
    timings: list[str] = []
    for n in PROXY_PANES:
        m.reset_counts()
        with NginxCache(NGINX, port) as cache:  # type: ignore[arg-type]
            t = time.monotonic()
            docs = run_panes(n, tmp_path / f"proxy{n}", proxy_config, cache.url)
            timings.append(f"proxy N={n}: {time.monotonic() - t:.1f} s")
            statuses = cache.cache_statuses()
        counts["proxy", n] = m.total_hits()
        lines["proxy", n] = Counter(line for line, _ in m.requests)
        if reference is None:
            reference = _values(docs[0])
            assert _served(docs[0]) >= 25, "every instrument of the eight loopback sources has a value"
        starved = _check_panes(docs, reference)
        timings[-1] += f" ({starved} starved)" if starved else ""
        assert statuses["HIT"] >= (n - 1) * counts["proxy", n] * 0.9, statuses
    direct = direct_config(tmp_path / "direct.toml", base)
    for n in DIRECT_PANES:
        m.reset_counts()
        t = time.monotonic()
        docs = run_panes(n, tmp_path / f"direct{n}", direct, None)
        timings.append(f"direct N={n}: {time.monotonic() - t:.1f} s")
        counts["direct", n] = m.total_hits()
        lines["direct", n] = Counter(line for line, _ in m.requests)
        _check_panes(docs, reference)  # the proxy served what the sources serve
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        "\nupstream requests by panes: "
        + ", ".join(f"{mode} N={n}: {c}" for (mode, n), c in counts.items())
        + f"\n{'; '.join(timings)}; total {time.monotonic() - started:.1f} s wall, "
        + f"{children.ru_utime + children.ru_stime:.0f} s CPU in child processes so far"
    )
    one = counts["proxy", 1]
    # a cold pane asks every source for its history (FRED: a request per frequency; Yahoo: one
    # spark request for every quote)
    assert one > 25
    assert counts["proxy", 10] <= 1.2 * one
    assert counts["direct", 5] >= 4.5 * counts["direct", 1], "without the proxy every pane asks for everything"
    # Through nginx the upstream sees exactly what a pane sends a source directly.
    assert lines["proxy", 1] == lines["direct", 1]


def test_an_upstream_outage_is_bridged_with_stale_copies_and_recovers(market: Any, tmp_path: Path) -> None:
    m, base = market
    port = int(base.rsplit(":", 1)[1])
    config = loopback_config(tmp_path / "proxy.toml", base)
    validity = 1.0  # stands for the shipped 10 min - 1 h, so entries expire within the test
    m.reset_counts()
    with NginxCache(NGINX, port, max_valid=validity) as cache:  # type: ignore[arg-type]
        before = run_panes(1, tmp_path / "before", config, cache.url)
        good = _values(before[0])
        assert m.total_hits() > 25  # every source asked for its history (FRED: a request per frequency)
        time.sleep(validity + 0.5)  # every entry expired: the next asks must go upstream
        logged = len(cache.log())
        m.outage = "close"
        try:
            during = run_panes(2, tmp_path / "during", config, cache.url)
            refused = m.refused
        finally:
            m.outage = None
        outage_log = cache.log()[logged:]
        stale = sum(1 for e in outage_log if e["cache"] in ("STALE", "UPDATING"))
        assert refused > 0, "the cache did try the upstream during the outage"
        assert all(_values(d) == good for d in during), "panes keep the last good values"
        assert _statuses(during) == {"fresh": 2 * _served(before[0])}, _statuses(during)
        assert stale > 0 and all(e["status"] == "200" for e in outage_log), Counter(e["cache"] for e in outage_log)
        # Upstream back, with a new close published: panes get it once the copies refresh.
        m.publish_close()
        m.reset_counts()
        time.sleep(validity + 0.5)
        deadline, rounds, after = time.monotonic() + 60, 0, good
        while after == good and time.monotonic() < deadline:
            rounds += 1
            after = _values(run_panes(1, tmp_path / f"after{rounds}", config, cache.url)[0])
        assert after != good, "panes never saw the data published after the outage"
        assert m.total_hits() > 0 and m.refused == 0
        newer = [i for i in good if after[i] != good[i] and after[i][0] and good[i][0] and after[i][0] > good[i][0]]
        assert newer, "the change is a newer observation date"
    print(f"\noutage: {refused} upstream attempts refused, {stale} stale answers; recovered after {rounds} pane(s)")
