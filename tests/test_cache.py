"""Disk cache: round trip, atomic writes, corrupt files quarantined, demo never written."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from datafeed.cache import DiskCache, atomic_write, decode, encode
from datafeed.models import Observation, Status
from datafeed.store import SeriesStore

TODAY = dt.date(2026, 11, 26)


def filled() -> SeriesStore:
    store = SeriesStore(today=lambda: TODAY)
    store.apply(
        [Observation("ust10y", dt.date(2026, 11, d), 4.0 + d / 100, "fred:DGS10") for d in range(2, 20)]
        + [Observation("ust10y", dt.date(2026, 11, 20), 4.3, "treasury:10 Yr")]
        + [Observation("vix", dt.date(2026, 11, 20), 17.5, "fred:VIXCLS")]
    )
    store.mark_success("ust10y", "treasury:10 Yr")
    return store


def test_round_trip_keeps_values_sources_and_last_success(tmp_path: Path) -> None:
    store = filled()
    cache = DiskCache(tmp_path / "c")
    assert sorted(cache.save(store)) == ["ust10y", "vix"]
    assert cache.save(store) == []  # nothing changed since
    fresh = SeriesStore(today=lambda: TODAY)
    loaded = DiskCache(tmp_path / "c").load_into(fresh)
    assert sorted(loaded) == ["ust10y", "vix"]
    assert fresh.official("ust10y").equals(store.official("ust10y"))
    assert list(fresh.sources("ust10y")) == list(store.sources("ust10y"))
    assert fresh.state["ust10y"].status is Status.STALE  # kept data, not yet refreshed
    assert fresh.state["ust10y"].last_success is not None
    assert not any(p.name.endswith(".tmp") for p in (tmp_path / "c").iterdir())


def test_file_names_are_instrument_ids_only(tmp_path: Path) -> None:
    DiskCache(tmp_path).save(filled())
    assert sorted(p.name for p in tmp_path.iterdir()) == [".locks", "_summary.json", "ust10y.json", "vix.json"]
    # The lock files (datafeed.cache.file_lock) are named after the files they guard.
    locks = sorted(p.name for p in (tmp_path / ".locks").iterdir())
    assert locks == ["_summary.json.lock", "ust10y.json.lock", "vix.json.lock"]


@pytest.mark.parametrize("cut", [0, 1, 10, 100, -5])
def test_truncated_file_is_quarantined_not_a_crash(tmp_path: Path, cut: int) -> None:
    store = filled()
    DiskCache(tmp_path).save(store)
    data = (tmp_path / "ust10y.json").read_bytes()
    (tmp_path / "ust10y.json").write_bytes(data[:cut])
    fresh = SeriesStore(today=lambda: TODAY)
    cache = DiskCache(tmp_path)
    loaded = cache.load_into(fresh)
    assert loaded == ["vix"]
    assert not fresh.has_data("ust10y")
    assert (tmp_path / "ust10y.json.corrupt").exists()
    assert len(cache.warnings) == 1 and "ust10y.json" in cache.warnings[0]
    # Reported once: the next start does not see it again.
    again = DiskCache(tmp_path)
    again.load_into(SeriesStore(today=lambda: TODAY))
    assert again.warnings == []


@pytest.mark.parametrize(
    "body",
    [
        b'{"format":"other"}',
        b"[1,2,3]",
        b'{"format":"triffin-cache","version":1,"instrument":"ust10y","days":[1,2],"values":[1.0],"sources":[[0,"x"]]}',
        b'{"format":"triffin-cache","version":1,"instrument":"ust10y","days":[2,1],"values":[1.0,2.0],"sources":[[0,"x"]]}',
        b'{"format":"triffin-cache","version":1,"instrument":"vix","days":[1],"values":[1.0],"sources":[[0,"x"]]}',
        b"\xff\xfe\x00garbage",
    ],
)
def test_malformed_documents_are_rejected(tmp_path: Path, body: bytes) -> None:
    (tmp_path / "ust10y.json").write_bytes(body)
    cache = DiskCache(tmp_path)
    assert cache.load_into(SeriesStore()) == []
    assert cache.warnings and (tmp_path / "ust10y.json.corrupt").exists()


def test_decode_inverts_encode() -> None:
    store = filled()
    values, sources, _ = decode(encode(store, "ust10y"), "ust10y")
    assert values.equals(store.official("ust10y"))
    assert sources.iloc[-1] == "treasury:10 Yr" and sources.iloc[0] == "fred:DGS10"


def test_demo_data_is_never_written(tmp_path: Path) -> None:
    store = SeriesStore(today=lambda: TODAY)
    store.apply([Observation("ust10y", dt.date(2026, 11, 20), 4.0, "demo:ust10y")])
    assert DiskCache(tmp_path / "c").save(store) == []
    assert not (tmp_path / "c").exists()


def test_atomic_write_failure_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.json"
    atomic_write(path, b"old")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_summary_holds_the_tail_and_reads_without_pandas(tmp_path: Path) -> None:
    import subprocess
    import sys

    store = filled()
    DiskCache(tmp_path).save(store)
    code = (
        "import sys; from datafeed.summary import read_summary; "
        f"s = read_summary({str(tmp_path)!r}); "
        "e = s['ust10y']; print(len(s), e.dates[-1], e.values[-1], e.source, e.last_success is not None); "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "2 2026-11-20 4.3 treasury:10 Yr True"
    assert out[1] == "False"


def test_broken_summary_reads_as_empty(tmp_path: Path) -> None:
    from datafeed.summary import read_summary

    (tmp_path / "_summary.json").write_bytes(
        b'{"format":"triffin-summary","version":1,"instruments":{"x":{"days":[1],"values":[]}}}'
    )
    assert read_summary(tmp_path) == {}
    (tmp_path / "_summary.json").write_bytes(b"\x00garbage")
    assert read_summary(tmp_path) == {}
    assert read_summary(tmp_path / "missing") == {}
