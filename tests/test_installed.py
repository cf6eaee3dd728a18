"""datafeed.installed: entry points and versions read without importlib.metadata (issue 20).

The scan must find exactly what importlib.metadata finds, or step aside (None) so the
registry asks importlib.metadata; the TUI's start-up then never imports it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from importlib.metadata import entry_points
from importlib.metadata import version as metadata_version
from pathlib import Path

import pytest

from datafeed.installed import scan, version
from tests.conftest import ROOT


def _pairs(eps: object) -> list[tuple[str, str]]:
    return sorted((e.name, e.value) for e in eps)  # type: ignore[attr-defined]


def test_the_scan_finds_what_importlib_metadata_finds() -> None:
    """Same entry points for triffin's group and for a big common one, on this sys.path."""
    for group in ("triffin.providers", "console_scripts", "pytest11"):
        found = scan(group)
        assert found is not None
        assert _pairs(found) == _pairs(entry_points(group=group)), group
    assert len(scan("triffin.providers") or []) >= 11


def test_versions_match_importlib_metadata() -> None:
    for dist in ("triffin", "textual", "rich", "httpx"):
        assert version(dist) == metadata_version(dist), dist
    assert version("no-such-distribution-here") is None


def _dist(site: Path, folder: str, table: str) -> None:
    info = site / folder
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: x\nVersion: 1\n")
    (info / "entry_points.txt").write_text(table)


def test_first_distribution_of_a_name_on_the_path_wins(tmp_path: Path) -> None:
    """Two copies of one distribution: only the first directory's entry points count."""
    first, second = tmp_path / "a", tmp_path / "b"
    _dist(first, "toy_pkg-2.0.dist-info", "[triffin.providers]\ntoy = new_toy:Toy\n")
    _dist(second, "Toy.Pkg-1.0.dist-info", "[triffin.providers]\ntoy = old_toy:Toy\n[other]\nx = y:z\n")
    found = scan("triffin.providers", [str(first), str(second), str(tmp_path / "missing")])
    assert _pairs(found) == [("toy", "new_toy:Toy")]
    assert version("toy-pkg", [str(first), str(second)]) == "2.0"
    assert _pairs(scan("other", [str(second)])) == [("x", "y:z")]


def test_a_zip_on_the_path_hands_over_to_importlib_metadata(tmp_path: Path) -> None:
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("toy-1.0.dist-info/entry_points.txt", "[triffin.providers]\ntoy = t:T\n")
    assert scan("triffin.providers", [str(archive)]) is None


def test_loading_an_entry_point_follows_module_and_attributes() -> None:
    (ep,) = [e for e in scan("triffin.providers") or [] if e.name == "fred"]
    from datafeed.providers.fred import FredProvider

    assert ep.load() is FredProvider


def test_the_config_loads_without_importlib_metadata() -> None:
    """The registry and the version are read in front of the first frame: no importlib.metadata."""
    code = (
        "import sys\n"
        "from tui.config import load_config\n"
        "load_config(None)\n"
        "import datafeed\n"
        "assert datafeed.__version__\n"
        "print('importlib.metadata' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def _listing_spy(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[str]:
    """Record every listing of ``folder`` by the scan."""
    import datafeed.installed as installed

    listed: list[str] = []
    real = installed.os.listdir

    def listdir(path: str) -> list[str]:
        if Path(path) == folder:
            listed.append(path)
        return real(path)

    monkeypatch.setattr(installed.os, "listdir", listdir)
    return listed


def test_an_unchanged_directory_is_listed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry's scan and ``__version__`` read the same directories: an old directory
    is listed once, and again as soon as its modification time moves (a package added)."""
    site = tmp_path / "site"
    _dist(site, "toy_pkg-2.0.dist-info", "[triffin.providers]\ntoy = toy:Toy\n")
    an_hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(site, ns=(an_hour_ago, an_hour_ago))
    listed = _listing_spy(monkeypatch, site)
    assert _pairs(scan("triffin.providers", [str(site)])) == [("toy", "toy:Toy")]
    assert version("toy-pkg", [str(site)]) == "2.0"
    assert _pairs(scan("triffin.providers", [str(site)])) == [("toy", "toy:Toy")]
    assert len(listed) == 1
    _dist(site, "other-1.0.dist-info", "[triffin.providers]\nother = other:Other\n")
    os.utime(site, ns=(an_hour_ago + 10**9, an_hour_ago + 10**9))
    assert _pairs(scan("triffin.providers", [str(site)])) == [("other", "other:Other"), ("toy", "toy:Toy")]
    assert len(listed) == 2


def test_a_directory_changed_within_the_last_tick_is_always_listed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory changed just now may change again within the same modification-time tick
    (coarse on some file systems) without its time moving: it is never taken from the kept
    listing, so a package added then is still found."""
    site = tmp_path / "site"
    _dist(site, "toy_pkg-2.0.dist-info", "[triffin.providers]\ntoy = toy:Toy\n")
    mtime = site.stat().st_mtime_ns
    assert _pairs(scan("triffin.providers", [str(site)])) == [("toy", "toy:Toy")]
    _dist(site, "other-1.0.dist-info", "[triffin.providers]\nother = other:Other\n")
    os.utime(site, ns=(mtime, mtime))  # the tick did not move
    assert _pairs(scan("triffin.providers", [str(site)])) == [("other", "other:Other"), ("toy", "toy:Toy")]


def test_distributions_without_entry_points_and_odd_folders(tmp_path: Path) -> None:
    """A distribution without entry_points.txt shadows a later copy that has one (the first
    of a name wins, as importlib.metadata does); an ``.egg-info`` file and a file naming
    other groups only give nothing; names normalise as PEP 503 says."""
    first, second = tmp_path / "a", tmp_path / "b"
    (first / "Toy__Pkg-3.0.dist-info").mkdir(parents=True)
    (first / "flat.egg-info").parent.mkdir(parents=True, exist_ok=True)
    (first / "flat.egg-info").write_text("Metadata-Version: 1.0\n")
    _dist(first, "noise-1.0.dist-info", "[console_scripts]\nnoise = noise:main\n")
    _dist(second, "toy.pkg-1.0.dist-info", "[triffin.providers]\ntoy = old_toy:Toy\n")
    assert scan("triffin.providers", [str(first), str(second)]) == []
    assert version("TOY-pkg", [str(first), str(second)]) == "3.0"
    assert _pairs(scan("console_scripts", [str(first), str(second)])) == [("noise", "noise:main")]


def test_an_entry_point_is_a_read_only_value() -> None:
    """Equal and hashed by (name, value), shown as such, and never changed in place."""
    from datafeed.installed import EntryPoint

    a, b = EntryPoint("toy", "toy:Toy"), EntryPoint("toy", "toy:Toy")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != EntryPoint("toy", "toy:Other") and a != ("toy", "toy:Toy")
    assert repr(a) == "EntryPoint(name='toy', value='toy:Toy')"
    with pytest.raises(AttributeError):
        a.name = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del a.value


def test_the_working_directory_is_kept_under_its_own_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``""`` on sys.path (``python -m tui``) is the working directory: after a move the scan
    reads the new one, even when both directories carry the same modification time."""
    first, second = tmp_path / "a", tmp_path / "b"
    _dist(first, "one-1.0.dist-info", "[triffin.providers]\none = one:One\n")
    _dist(second, "two-1.0.dist-info", "[triffin.providers]\ntwo = two:Two\n")
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for folder in (first, second):
        os.utime(folder, ns=(an_hour_ago, an_hour_ago))
    monkeypatch.chdir(first)
    assert _pairs(scan("triffin.providers", [""])) == [("one", "one:One")]
    monkeypatch.chdir(second)
    assert _pairs(scan("triffin.providers", [""])) == [("two", "two:Two")]
    assert version("two", [""]) == "1.0" and version("one", [""]) is None
