"""Print the fault → behaviour seen → recovery time table (markdown) for the closing note.

Runs every fault of :mod:`tests.reliability.harness` once against a fresh loopback
:class:`FaultServer`, through the real feed, and describes what happened::

    python -m tests.reliability.fault_table

Recovery time is the simulated time from the failed pass until every series is ``fresh``
again without anyone pressing ``r``: the job's backoff (15 s × jitter on a first failure,
or ``Retry-After`` when the server says longer) plus the real duration of the recovery
fetch. Data faults never fail the fetch, so they have nothing to recover from.
"""

from __future__ import annotations

import asyncio

from tests.reliability.faultserver import MODES, FaultServer
from tests.reliability.harness import DATA_FAULTS, FAILURES, Outcome, drive


def _row(o: Outcome) -> str:
    if o.failed:
        status = "/".join(sorted(set(o.statuses.values())))
        seen = (
            f"no exception; fetch failed in {o.fail_pass_wall_s:.2f} s; last values kept, **{status}**, "
            f"age kept; reason `{(o.reason or '').split(' fetching')[0][:60]}`; "
            f"backoff {o.backoff_s:.0f} s, silent meanwhile"
        )
        rec = f"{o.recovery_s:.1f} s (by itself)" if o.recovered else "**did not recover**"
    else:
        status = "/".join(sorted(set(o.statuses.values())))
        what = f"{o.rejected} row(s) rejected + counted" if o.rejected else "dropped/de-duplicated + sorted"
        seen = f"no exception; fetch ok, {what}; status **{status}**; newest ust10y {o.values_after.get('ust10y')}"
        rec = "n/a (no failure)"
    return f"| {o.fault} — {MODES[o.fault]} | {seen} | {rec} |"


async def main() -> None:
    print("| fault | behaviour seen | recovery time |")
    print("|---|---|---|")
    for fault in (*FAILURES, *DATA_FAULTS):
        with FaultServer(hang_limit=10.0, retry_after="120") as srv:
            kwargs = {"max_body": 1 << 20} if fault.startswith("huge") else {}
            out = await drive(srv, fault, **kwargs)
        print(_row(out), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
