"""Issue 20: the provider registry is read in front of the first frame, so provider modules
are light to import: their classes and cheap constants, nothing their parsers need.

The registry's contract (entry points → Provider classes, validation, plug-in warnings) is
unchanged and tested in test_provider_registry.py; these tests hold the weight down: in a
fresh interpreter, ``registry()`` loads no csv, no observation records, no demand-side
parser, compiles no regular expression in a provider module and builds no dataclass or time
zone there. The parsers still load and compile what they need on first use (tests/providers).
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys

import pytest

from datafeed import catalog
from datafeed.lazy_re import LazyPattern
from datafeed.providers import ExtraKey, Target, boj, yahoo
from tests.conftest import ROOT

_PROBE = """
import dataclasses, json, re, sys, zoneinfo
compiled_by = []
original = re._compile

def spy(pattern, flags):
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").split(".")[0] == "re":
        frame = frame.f_back
    compiled_by.append(frame.f_globals.get("__name__", "?") if frame is not None else "?")
    return original(pattern, flags)

re._compile = spy
from datafeed.providers import registry
classes = registry()
heavy = ("csv", "datafeed.models", "datafeed.demand", "datafeed.demand.fiscaldata", "datafeed.providers._parsed")
made = []
for cls in classes.values():
    module = sys.modules[cls.__module__]
    for name, value in vars(module).items():
        if isinstance(value, (re.Pattern, zoneinfo.ZoneInfo)) or (
            isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__
        ):
            made.append(f"{module.__name__}.{name}")
print(json.dumps({
    "sources": sorted(classes),
    "loaded": [m for m in heavy if m in sys.modules],
    "compiled_by": sorted({m for m in compiled_by if m.startswith("datafeed.providers.")}),
    "made": made,
}))
"""


def test_reading_the_registry_imports_and_compiles_nothing_parsers_need() -> None:
    """Fresh interpreter: ``registry()`` gives every built-in; csv, datafeed.models, the
    demand-side parsers and the parsers' records are not imported; no provider module
    compiled a regex (``re._compile`` watched from the start) or holds a compiled pattern,
    a time zone or a dataclass of its own."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=ROOT, check=False, timeout=60
    )
    assert out.returncode == 0, out.stderr[-2000:]
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert {"boj", "bundesbank", "ecb", "fred", "mof", "treasury", "yahoo"} <= set(found["sources"])
    assert found["loaded"] == [], f"imported by registry(): {found['loaded']}"
    assert found["compiled_by"] == [], f"regexes compiled at import by: {found['compiled_by']}"
    assert found["made"] == [], f"built at import: {found['made']}"


def test_moved_names_still_answer_from_their_provider_module() -> None:
    """``boj.BojPage``, ``boj.TOKYO`` and ``yahoo.IntradayPoint`` are made on first use and
    are what the parsers return; an unknown name is still an AttributeError."""
    page = boj.parse_data_code(b'{"STATUS": 200, "MESSAGEID": "M181030I", "MESSAGE": "no data"}')
    assert type(page) is boj.BojPage and page.series == {} and page.next_position is None
    assert str(boj.TOKYO) == "Asia/Tokyo" and boj.TOKYO is boj.TOKYO
    bar = {"chart": {"result": [{"meta": {}, "timestamp": [1700000000], "indicators": {"quote": [{"close": [4.5]}]}}]}}
    (point,) = yahoo.parse_chart(bar, "^TNX")
    assert type(point) is yahoo.IntradayPoint and point.value == 4.5
    try:
        boj.NO_SUCH_NAME  # noqa: B018
    except AttributeError as exc:
        assert "NO_SUCH_NAME" in str(exc)
    else:
        raise AssertionError("an unknown attribute was answered")


def test_a_lazy_pattern_answers_as_the_compiled_one() -> None:
    """match/search/fullmatch before and after the first compile, flags kept."""
    pattern = LazyPattern(r"(\d+)\s*(yr|y)", re.IGNORECASE)
    assert not pattern.is_compiled
    first = pattern.search("tenor 10 YR")
    assert pattern.is_compiled and first is not None and first.groups() == ("10", "YR")
    compiled = re.compile(r"(\d+)\s*(yr|y)", re.IGNORECASE)
    for text in ("10y", " 10y", "10 Yr!", "x", ""):
        for name in ("match", "search", "fullmatch"):
            got, want = getattr(pattern, name)(text), getattr(compiled, name)(text)
            assert (got and got.group(0)) == (want and want.group(0)), (name, text)
    fresh = LazyPattern(r"^\d$")
    assert fresh.fullmatch("7") is not None and fresh.is_compiled
    assert LazyPattern("a").match("b") is None


def test_extra_keys_and_targets_are_read_only_values() -> None:
    """ExtraKey and Target are no dataclasses any more (creating them cost ~1.2 ms in front of
    the first frame) but keep what the dataclasses gave: field equality and hash, the repr,
    positional and keyword construction, ``match`` by position, no assignment."""
    ref = catalog.get("ust10y").sources[0]
    key = ExtraKey("page_size", int, 10, "rows per page", choices=(10, 100))
    assert key == ExtraKey("page_size", int, 10, "rows per page", (10, 100))
    assert hash(key) == hash(ExtraKey("page_size", int, 10, "rows per page", (10, 100)))
    assert key != ExtraKey("page_size", int, 11, "rows per page", (10, 100)) and key != ("page_size",)
    assert ExtraKey("x", str, "", "d").choices == ()
    assert (
        repr(key)
        == "ExtraKey(name='page_size', kind=<class 'int'>, default=10, doc='rows per page', choices=(10, 100))"
    )
    target = Target("ust10y", ref)
    assert target == Target(instrument="ust10y", ref=ref) and len({target, Target("ust10y", ref)}) == 1
    assert repr(target) == f"Target(instrument='ust10y', ref={ref!r})"
    match target:
        case Target(instrument, source):
            assert (instrument, source) == ("ust10y", ref)
    for obj in (key, target):
        with pytest.raises(dataclasses.FrozenInstanceError):
            obj.name = "other"  # type: ignore[misc,union-attr]
        with pytest.raises(AttributeError):
            del obj.doc  # type: ignore[union-attr]
