"""Decoding the saved view (issue 20, the first frame): one pass for a file as written, the
field-by-field checks for anything else, and the same view either way.

``viewcache.decode`` reads a file :func:`~tui.viewcache.encode` wrote without calling the
sanitiser once per string; a file with anything unusual in it (a control, an escape, a run
of spaces, a wrong type, a missing or extra field) goes through the checked path, which
cleans or refuses it. These tests damage a realistic view at random and compare the two.
"""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from datafeed.sanitize import clean_line
from tui import viewcache
from widgets.data import RegimeView, ScoreCell, ScoreRow, SignalView, TableRow

KEY = "k"


def _view(kind: str = "live") -> viewcache.SavedView:
    """A view shaped like a real one: several rows with non-ASCII text, groups, cells."""
    rows = tuple(
        TableRow(
            f"row{i}",
            f"€STR {i} – Δ",
            None if i == 3 else 4.1 + i,
            3,
            change=None if i == 2 else -1.5 * i,
            change_unit="bp",
            spark=(1.0, float("nan"), 2.5, 3),
            date="2026-11-18",
            age="0d",
            source=f"fred:DGS{i}",
            status=("fresh", "stale", "error", "missing")[i % 4],
            late=i == 1,
            intraday=i == 4,
            group="Treasuries" if i < 3 else "Spreads",
            change_decimals=None if i % 2 else 1,
            unit="%",
            change_horizon="1D",
            change_1w=0.5,
            change_1m=None,
            change_ytd=-2,
            source_label="FRED",
        )
        for i in range(6)
    )
    signals = tuple(
        SignalView(
            f"s{i}", f"Signal {i}", "+51 bp", ("eroding", "neutral", "intact", "n/a")[i % 4], "why…", "2026-11-18"
        )
        for i in range(4)
    )
    regime = RegimeView("MIXED", 1, 3, na=1, late=2, as_of="2026-11-18", groups=(("price", 1, 2), ("demand", 0, 1)))
    scores = tuple(
        ScoreRow(
            f"e{i}",
            f"Episode {i}",
            "2008-09-12",
            "2008-12-31",
            ("haven", "mixed", "broken", "n/a")[i % 4],
            (ScoreCell("ust10y", -140.0, "bp", "pass"), ScoreCell("usd", None, "%", "n/a")),
            live=i == 2,
        )
        for i in range(3)
    )
    return viewcache.SavedView(
        kind, dt.datetime(2026, 11, 18, 22, tzinfo=dt.UTC), rows, signals, ("us",) * 4, regime, scores
    )


def _reference(data: bytes, kind: str) -> viewcache.SavedView | None:
    """The field-by-field decoding alone (every string through ``clean_line``)."""
    try:
        doc = json.loads(data)
    except ValueError:
        return None
    if not viewcache._header_ok(doc, KEY, kind):
        return None
    return viewcache._decode_checked(doc, kind)


def _strings(view: viewcache.SavedView) -> list[str]:
    out: list[str] = []
    for item in (*view.rows, *view.signals, *view.scores, *(c for s in view.scores for c in s.cells), view.regime):
        if item is None:
            continue
        for name in type(item).__dataclass_fields__:
            value = getattr(item, name)
            if isinstance(value, str):
                out.append(value)
    if view.regime is not None:
        out += [group[0] for group in view.regime.groups]
    return out


def _cleanings(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """From now on, every text ``viewcache`` cleans (the list fills as it is called)."""
    calls: list[object] = []

    def counting(text: object, limit: int | None = 500) -> str:
        calls.append(text)
        return clean_line(text, limit)

    monkeypatch.setattr(viewcache, "clean_line", counting)
    return calls


def test_a_view_as_written_is_read_without_cleaning_each_string(monkeypatch: pytest.MonkeyPatch) -> None:
    """The file :func:`encode` wrote: not one ``clean_line`` call (the old decoding made
    one per string: ~1,300 for the demo's view), and the same view as the checked path."""
    data = viewcache.encode(_view(), KEY)
    calls = _cleanings(monkeypatch)
    fast = viewcache.decode(data, KEY, "live")
    assert fast is not None
    assert calls == []
    reference = _reference(data, "live")
    assert len(calls) > 50, "the checked path cleans every string"
    assert repr(fast) == repr(reference)
    assert fast.rows[0].spark[1] != fast.rows[0].spark[1]  # NaN kept


def test_a_long_explanation_is_written_as_it_reads_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """A live view holds explanations longer than the saved cap ("n/a: no auction results held
    for ..." names seven series): written cut as the reading side cuts it, the file still reads
    in one pass (one such string sent the whole live view through the checks), same view."""
    import dataclasses

    long = "n/a: no auction results held for " + ", ".join(f"auction_high_minus_median_{t}y" for t in range(20))
    view = _view()
    view = dataclasses.replace(
        view, signals=(dataclasses.replace(view.signals[0], explanation=long), *view.signals[1:])
    )
    data = viewcache.encode(view, KEY)
    calls = _cleanings(monkeypatch)
    fast = viewcache.decode(data, KEY, "live")
    assert fast is not None and calls == []
    assert fast.signals[0].explanation == clean_line(long, 200) != long
    assert repr(fast) == repr(_reference(data, "live"))


def test_one_unusual_string_sends_the_whole_file_through_the_checks() -> None:
    """A name with a run of spaces (or an escape) is cleaned as before, in the same view."""
    for raw, shown in ((b"Signal  1", "Signal 1"), (b"Signal\\u001b]0;x\\u0007 1", "Signal 1")):
        data = viewcache.encode(_view(), KEY).replace(b"Signal 1", raw)
        back = viewcache.decode(data, KEY, "live")
        assert back is not None and back.signals[1].name == shown


_ODD_STRINGS = (
    "",
    " ",
    "a  b",
    " lead",
    "trail ",
    "tab\there",
    "line\nbreak",
    "\x1b[2J",
    "x\x1b]52;c;aGk=\x07y",
    "\x9b31m",
    "bidi\u202eevil",
    "\ud800",
    "[bold red]markup[/]",
    "x" * 250,
    "ok",
    "€ – …",
    "del\x7f",
)


_LOOK_ALIKES: dict[type, tuple[object, ...]] = {
    int: (True, False, 1.0, "1", None),
    float: (True, 1, "1.5", None),
    str: (1, None, True, ["x"]),
    bool: (0, 1, None, "true"),
    type(None): (0, False, "", []),
    list: ("x", None, {}, [[]]),
    dict: ([], None, "x"),
}
_HEADER = ("format", "version", "kind", "key", "synthetic")


def _damage(rng: random.Random, doc: object) -> None:
    """Change one thing in the decoded JSON: a value, a key, the order of keys."""
    dicts: list[dict[str, object]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            dicts.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    target = rng.choice([d for d in dicts if d])
    # not the header fields: their checks are shared by both paths
    key = rng.choice([k for k in target if target is not doc or k not in _HEADER])
    action = rng.random()
    if action < 0.3:  # a look-alike of the value there (a bool for an int, text for a number)
        target[key] = rng.choice(_LOOK_ALIKES.get(type(target[key]), (None,)))
    elif action < 0.6:
        target[key] = rng.choice(
            (*_ODD_STRINGS, None, True, False, 0, 1, -3, 2.5, float("nan"), [], [1, 2], ["a", 1, 2], {}, {"a": 1})
        )
    elif action < 0.7:
        del target[key]
    elif action < 0.8:
        target["extra"] = 1
    elif action < 0.9:
        value = target.pop(key)
        target[key] = value  # moved to the end
    elif isinstance(target.get(key), list) and target[key]:
        lst = target[key]
        assert isinstance(lst, list)
        index = rng.randrange(len(lst))
        if isinstance(lst[index], list) and lst[index] and rng.random() < 0.7:  # inside a regime group
            lst, index = lst[index], rng.randrange(len(lst[index]))
        old = lst[index]
        lst[index] = rng.choice((*_ODD_STRINGS, None, 7, 1.5, [], {}, *_LOOK_ALIKES.get(type(old), ())))
    else:
        target[key] = rng.choice(_ODD_STRINGS)


@pytest.mark.parametrize("kind", ["live", "demo"])
def test_fast_and_checked_decoding_agree_on_random_damage(kind: str) -> None:
    """Over 1,500 damaged files (one to three changes each): the same view, or the same
    refusal, as the field-by-field checks; and nothing unsafe in any view read."""
    rng = random.Random(20)
    original = json.loads(viewcache.encode(_view(kind), KEY))
    outcomes = {"view": 0, "none": 0}
    for _ in range(1500):
        doc = json.loads(json.dumps(original))
        for _ in range(rng.randint(1, 3)):
            _damage(rng, doc)
        data = json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
        fast = viewcache.decode(data, KEY, kind)
        assert repr(fast) == repr(_reference(data, kind)), data
        if fast is None:
            outcomes["none"] += 1
            continue
        outcomes["view"] += 1
        for text in _strings(fast):
            assert clean_line(text, 200) == text, text
    assert min(outcomes.values()) > 200, outcomes  # both outcomes well exercised


def test_as_of_keeps_rows_whose_marks_did_not_move() -> None:
    """A demo view on its own day: the same row objects (no rebuilt rows); live: fresh
    rows are rebuilt as stale, the others kept."""
    demo = _view("demo")
    same_day = viewcache.as_of(demo, dt.date(2026, 11, 18))
    assert all(a is b for a, b in zip(same_day.rows, demo.rows, strict=True))
    live = _view("live")
    later = viewcache.as_of(live, dt.date(2026, 11, 18))
    kept = [a is b for a, b in zip(later.rows, live.rows, strict=True)]
    assert kept == [row.status != "fresh" for row in live.rows]
    assert [r.status for r in later.rows] == ["stale" if r.status == "fresh" else r.status for r in live.rows]


@pytest.mark.parametrize(
    "group",
    [["price", True, 2], ["price", 1, 2.0], ["price", 1], ["price\x1b[2J", 1, 2], [" price", 1, 2], [1, 1, 2], "price"],
)
def test_a_damaged_regime_group_reads_as_the_checks_read_it(group: object) -> None:
    """The regime's groups (lists inside a list) are checked element by element in both paths."""
    doc = json.loads(viewcache.encode(_view(), KEY))
    doc["regime"]["groups"][1] = group
    data = json.dumps(doc).encode()
    fast = viewcache.decode(data, KEY, "live")
    assert repr(fast) == repr(_reference(data, "live"))
    if fast is not None:
        assert fast.regime is not None and all(clean_line(g[0], 200) == g[0] for g in fast.regime.groups)


@pytest.mark.parametrize("unusual", [False, True])
def test_rows_the_caller_skips_are_left_out_unread(unusual: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A live first frame takes the instruments' rows from the cache summary: the view's
    copies of them are not built (either decoding path), the rest is the same view."""
    data = viewcache.encode(_view("live"), KEY)
    if unusual:  # a run of spaces: the field-by-field path
        data = data.replace(b"Signal 1", b"Signal  1")
    whole = viewcache.decode(data, KEY, "live")
    assert whole is not None
    built: list[str] = []
    real_init = TableRow.__init__

    def counting(self: TableRow, *args: object, **kwargs: object) -> None:
        built.append(str(args[0] if args else kwargs["id"]))
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(TableRow, "__init__", counting)
    part = viewcache.decode(data, KEY, "live", skip_rows={"row1", "row4", "not-there"})
    assert part is not None
    assert part.rows == tuple(r for r in whole.rows if r.id not in ("row1", "row4"))
    assert (part.signals, part.regime, part.scores, part.markets) == (
        whole.signals,
        whole.regime,
        whole.scores,
        whole.markets,
    )
    assert "row1" not in built and "row4" not in built and "row0" in built
