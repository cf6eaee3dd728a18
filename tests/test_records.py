"""datafeed.records.record: a frozen dataclass without generated code, held to a real one.

Each behaviour is checked on two classes of the same body, one made by
``@dataclass(frozen=True)``, one by ``@record``: what callers of the data layer's and the
TUI's types rely on (construction, defaults, equality, hashing, repr, immutability,
``dataclasses.fields``/``replace``/``asdict``, pattern matching, pickling).
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import sys
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest

from datafeed.records import record


def _body() -> dict[str, Any]:
    def __post_init__(self: Any) -> None:
        if self.kind not in ("a", "b"):
            raise ValueError(f"kind must be a or b, got {self.kind!r}")
        object.__setattr__(self, "tags", tuple(self.tags))

    return {
        "__annotations__": {
            "name": "str",
            "value": "float | None",
            "kind": "str",
            "tags": "tuple[str, ...]",
            "extra": "dict[str, Any]",
            "secret": "str | None",
            "note": "str",
        },
        "__doc__": "A sample type.",
        "kind": "a",
        "tags": (),
        "extra": field(default_factory=dict),
        "secret": field(default=None, repr=False),
        "note": field(default="", compare=False),
        "__post_init__": __post_init__,
        "double": lambda self: None if self.value is None else 2 * self.value,
    }


def _pair() -> tuple[Any, Any]:
    plain = dataclass(frozen=True)(type("Sample", (), _body()))
    fast = record(type("Sample", (), _body()))
    return plain, fast


PAIR = _pair()
IDS = ("dataclass", "record")


@pytest.mark.parametrize("cls", PAIR, ids=IDS)
def test_construction_defaults_and_post_init(cls: Any) -> None:
    a = cls("x", 1.5)
    assert (a.name, a.value, a.kind, a.tags, a.extra, a.secret, a.note) == ("x", 1.5, "a", (), {}, None, "")
    b = cls("x", 1.5, "b", ["t"], secret="k", note="n")
    assert b.tags == ("t",) and b.kind == "b" and b.secret == "k"
    assert cls("x", None).extra is not cls("x", None).extra  # a fresh default per instance
    assert a.double() == 3.0
    with pytest.raises(ValueError, match="kind must be a or b"):
        cls("x", 1.0, "c")


def test_both_refuse_the_same_bad_calls_with_the_same_messages() -> None:
    plain, fast = PAIR
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((), {}),
        (("x",), {}),
        (("x", 1.0), {"nope": 1}),
        (("x", 1.0), {"name": "y"}),
        ((), {"value": 1.0}),
    ]
    for args, kwargs in calls:
        with pytest.raises(TypeError) as want:
            plain(*args, **kwargs)
        with pytest.raises(TypeError) as got:
            fast(*args, **kwargs)
        assert str(got.value) == str(want.value), (args, kwargs)
    with pytest.raises(TypeError, match="positional arguments but 9 were given"):
        fast("x", 1.0, "a", (), {}, None, "", "too many")


def _hash(obj: object) -> object:
    try:
        return hash(obj)
    except TypeError as exc:  # a dict field: unhashable on both
        return str(exc)


def test_equality_hash_and_repr_match_a_dataclass() -> None:
    plain, fast = PAIR
    for args, kwargs in [(("x", 1.5), {}), (("y", None, "b", ("t",)), {"secret": "k", "note": "n"})]:
        p, f = plain(*args, **kwargs), fast(*args, **kwargs)
        assert repr(f) == repr(p)
        assert "secret" not in repr(f)  # repr=False hides it, as on the settings' api_key
        assert _hash(f) == _hash(p)
    assert fast("x", 1.0) == fast("x", 1.0, note="other")  # compare=False is left out
    assert fast("x", 1.0) != fast("x", 2.0)
    assert fast("x", 1.0) != plain("x", 1.0)  # another class is never equal
    assert fast("x", 1.0).__eq__(object()) is NotImplemented
    hashable = record(
        type("Key", (), {"__annotations__": {"a": "int", "b": "str"}, "b": field(default="", compare=False)})
    )
    assert len({hashable(1), hashable(1, "n"), hashable(2)}) == 2
    assert hash(hashable(1, "x")) == hash(dataclass(frozen=True)(type("Key", (), {"__annotations__": {"a": "int"}}))(1))


@pytest.mark.parametrize("cls", PAIR, ids=IDS)
def test_frozen(cls: Any) -> None:
    a = cls("x", 1.0)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'name'"):
        a.name = "y"
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'name'"):
        del a.name
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.other = 1


@pytest.mark.parametrize("cls", PAIR, ids=IDS)
def test_the_dataclasses_module_sees_a_dataclass(cls: Any) -> None:
    a = cls("x", 1.0, tags=["t"], extra={"k": 1})
    assert dataclasses.is_dataclass(cls) and dataclasses.is_dataclass(a)
    assert [f.name for f in dataclasses.fields(cls)] == ["name", "value", "kind", "tags", "extra", "secret", "note"]
    assert [str(f.type) for f in dataclasses.fields(a)][:2] == ["str", "float | None"]
    assert dataclasses.asdict(a) == {
        "name": "x",
        "value": 1.0,
        "kind": "a",
        "tags": ("t",),
        "extra": {"k": 1},
        "secret": None,
        "note": "",
    }
    if hasattr(cls, "__replace__"):  # copy.replace's hook: on a dataclass from Python 3.13, on a record always
        assert a.__replace__(value=3.0).value == 3.0
    b = dataclasses.replace(a, value=2.0, tags=["u"])
    assert (b.value, b.tags, b.name) == (2.0, ("u",), "x")  # __post_init__ ran again
    with pytest.raises(ValueError):
        dataclasses.replace(a, kind="zzz")
    match a:
        case cls(name, value):
            assert (name, value) == ("x", 1.0)
        case _:
            pytest.fail("no positional match")


def test_a_record_comparing_no_field_is_equal_to_its_kind_and_hashable() -> None:
    plain = dataclass(frozen=True)(
        type("Note", (), {"__annotations__": {"a": "int"}, "a": field(default=0, compare=False)})
    )
    fast = record(type("Note", (), {"__annotations__": {"a": "int"}, "a": field(default=0, compare=False)}))
    assert (fast(1) == fast(2)) is (plain(1) == plain(2)) is True
    assert hash(fast(1)) == hash(fast(2)) == hash(plain(1))


def test_pickle_and_copy_round_trip() -> None:
    module = sys.modules[__name__]
    module.PickledSample = record(type("PickledSample", (), _body()))  # type: ignore[attr-defined]
    module.PickledSample.__module__ = __name__  # type: ignore[attr-defined]
    a = module.PickledSample("x", 1.0, tags=["t"])  # type: ignore[attr-defined]
    assert pickle.loads(pickle.dumps(a)) == a
    assert copy.deepcopy(a) == a and copy.copy(a) == a


def test_what_records_do_not_support_is_refused() -> None:
    with pytest.raises(TypeError, match="ClassVar"):

        @record
        class WithClassVar:
            a: ClassVar[int] = 1

    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        @record
        class Order:
            a: int = 1
            b: int

    with pytest.raises(ValueError, match="mutable default"):

        @record
        class Mutable:
            a: list[int] = []  # noqa: RUF012 - the mistake under test

    with pytest.raises(TypeError, match="defines __repr__"):

        @record
        class OwnRepr:
            a: int

            def __repr__(self) -> str:
                return "mine"

    with pytest.raises(TypeError, match="init=False and kw_only"):

        @record
        class NotInInit:
            a: int
            b: int = field(default=0, init=False)

    with pytest.raises(TypeError, match="init=False and kw_only"):

        @record
        class KeywordOnly:
            a: int = field(default=0, kw_only=True)

    @dataclass(frozen=True)
    class Base:
        a: int

    with pytest.raises(TypeError, match="cannot inherit"):

        @record
        class Child(Base):
            b: int


def test_records_share_their_methods_code_instead_of_compiling_it() -> None:
    """Why records exist: ``@dataclass`` writes and compiles six methods per class (~0.6 ms on
    Python 3.11); every record's methods run the same code objects, compiled once with
    datafeed/records.py."""
    one = record(type("One", (), {"__annotations__": {"a": "int"}}))
    two = record(type("Two", (), {"__annotations__": {"b": "str", "c": "int"}, "c": 0}))
    for name in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
        code = getattr(one, name).__code__
        assert code is getattr(two, name).__code__, name
        assert code.co_filename.endswith("records.py"), (name, code.co_filename)
    plain = dataclass(frozen=True)(type("Plain", (), {"__annotations__": {"a": "int"}}))
    assert not plain.__init__.__code__.co_filename.endswith("records.py")  # generated: "<string>"
