"""Frozen records: dataclasses defined without generating code (issue 20).

Why: ``@dataclass(frozen=True)`` writes the source of six methods (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``) and compiles each
one: ~0.6 ms per class on Python 3.11. The ten types read in front of the TUI's first frame
(the catalog's, the settings', the config, the saved view, the health and Monitor options)
cost ~6.6 ms of it, a tenth of what separates the dashboard from a bare Textual app.

:func:`record` builds the same class without compiling anything: the methods are shared
functions that read the class's field table, and the fields are real
:class:`dataclasses.Field` objects, so ``dataclasses.fields``, ``replace``, ``asdict`` and
``is_dataclass`` work as on any frozen dataclass, and type checkers see one
(:func:`typing.dataclass_transform`). What it supports is what these types use: fields with
a default or ``field(default=..., default_factory=..., repr=..., compare=...)``,
``__post_init__``, methods and properties; no inheritance between records, no
``ClassVar``/``InitVar``/``KW_ONLY`` fields, no ``field(init=False)`` or ``kw_only`` (each
refused with ``TypeError``). Building an
instance goes through a generic ``__init__`` (~1.5× a generated one, microseconds).
tests/test_records.py holds every behaviour to a real frozen dataclass of the same body.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

_T = TypeVar("_T")

_MISSING: Any = dataclasses.MISSING
_FIELD_KIND: Any = dataclasses._FIELD  # type: ignore[attr-defined]  # what fields() keeps
_NOT_FIELDS = ("ClassVar", "InitVar", "KW_ONLY", "typing.ClassVar", "dataclasses.InitVar", "dataclasses.KW_ONLY")


def _fields_of(cls: type) -> dict[str, dataclasses.Field[Any]]:
    """The class's fields in declaration order, as dataclasses would make them."""
    if any(dataclasses.is_dataclass(base) for base in cls.__mro__[1:]):
        raise TypeError(f"record {cls.__qualname__}: a record cannot inherit from a dataclass or record")
    out: dict[str, dataclasses.Field[Any]] = {}
    seen_default = False
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", repr(annotation))
        if text.startswith(_NOT_FIELDS):
            raise TypeError(f"record {cls.__qualname__}.{name}: {text} fields are not supported")
        value = cls.__dict__.get(name, _MISSING)
        f: Any = value if isinstance(value, dataclasses.Field) else dataclasses.field(default=value)
        if not f.init or getattr(f, "kw_only", _MISSING) not in (_MISSING, False):
            raise TypeError(f"record {cls.__qualname__}.{name}: init=False and kw_only fields are not supported")
        if f.default is not _MISSING and f.default_factory is not _MISSING:
            raise ValueError(f"record {cls.__qualname__}.{name}: cannot specify both default and default_factory")
        if f.default.__class__.__hash__ is None and f.default is not _MISSING:
            raise ValueError(
                f"record {cls.__qualname__}.{name}: mutable default {type(f.default)}; use default_factory"
            )
        has_default = f.default is not _MISSING or f.default_factory is not _MISSING
        if not has_default and seen_default:
            raise TypeError(f"record {cls.__qualname__}: non-default argument {name!r} follows default argument")
        seen_default = seen_default or has_default
        f.name, f.type = name, annotation
        f._field_type = _FIELD_KIND
        out[name] = f
        if isinstance(value, dataclasses.Field):
            if f.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
    return out


def _listed(missing: list[str]) -> str:
    """Python's own wording: ``2 required positional arguments: 'a' and 'b'``."""
    quoted = [repr(m) for m in missing]
    if len(quoted) == 1:
        return f"1 required positional argument: {quoted[0]}"
    names = f"{quoted[0]} and {quoted[1]}" if len(quoted) == 2 else ", ".join(quoted[:-1]) + f", and {quoted[-1]}"
    return f"{len(quoted)} required positional arguments: {names}"


def _make_init(cls: type, fields: dict[str, dataclasses.Field[Any]]) -> Callable[..., None]:
    names = tuple(fields)
    count = len(names)
    qualname = cls.__qualname__
    defaults: list[tuple[str, Any, Any]] = [(n, f.default, f.default_factory) for n, f in fields.items()]
    setter = object.__setattr__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807 - the dunder itself
        given = len(args)
        if given > count:
            raise TypeError(f"{qualname}.__init__() takes {count + 1} positional arguments but {given + 1} were given")
        for name, value in zip(names, args, strict=False):
            setter(self, name, value)
        used = 0
        for name, default, factory in defaults[given:]:
            if name in kwargs:
                value = kwargs[name]
                used += 1
            elif default is not _MISSING:
                value = default
            elif factory is not _MISSING:
                value = factory()
            else:
                missing = [n for n, d, fa in defaults[given:] if n not in kwargs and d is _MISSING and fa is _MISSING]
                raise TypeError(f"{qualname}.__init__() missing {_listed(missing)}")
            setter(self, name, value)
        if used != len(kwargs):
            for name in kwargs:
                if name in names[:given]:
                    raise TypeError(f"{qualname}.__init__() got multiple values for argument {name!r}")
                if name not in fields:
                    raise TypeError(f"{qualname}.__init__() got an unexpected keyword argument {name!r}")
        post = getattr(self, "__post_init__", None)
        if post is not None:
            post()

    return __init__


def _key_of(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of ``names``' values of an instance (what equality and the hash compare)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        only = names[0]
        return lambda obj: (getattr(obj, only),)
    return lambda obj: ()


def _replace(self: Any, /, **changes: Any) -> Any:
    """``copy.replace`` (Python 3.13+), as on a dataclass: ``dataclasses.replace``."""
    return dataclasses.replace(self, **changes)


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[_T]) -> type[_T]:
    """Make ``cls`` a frozen dataclass without generating code (see the module docstring)."""
    fields = _fields_of(cls)
    compared = [n for n, f in fields.items() if f.compare]
    hashed = [n for n, f in fields.items() if (f.compare if f.hash is None else f.hash)]
    shown = [n for n, f in fields.items() if f.repr]
    key, hash_key = _key_of(compared), _key_of(hashed)
    qualname = cls.__qualname__

    def __eq__(self: Any, other: object) -> bool:  # noqa: N807
        if other.__class__ is self.__class__:
            return bool(key(self) == key(other))
        return NotImplemented

    def __hash__(self: Any) -> int:  # noqa: N807
        return hash(hash_key(self))

    def __repr__(self: Any) -> str:  # noqa: N807
        return f"{qualname}(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in shown) + ")"

    methods: dict[str, Any] = {
        "__replace__": _replace,
        "__init__": _make_init(cls, fields),
        "__repr__": __repr__,
        "__eq__": __eq__,
        "__hash__": __hash__,
        "__setattr__": _frozen_setattr,
        "__delattr__": _frozen_delattr,
    }
    for name, method in methods.items():
        if name in cls.__dict__:
            raise TypeError(f"record {qualname} defines {name}; records generate it")
        if method not in _SHARED:  # this class's own closure: name it after the class
            method.__qualname__ = f"{qualname}.{name}"
        setattr(cls, name, method)
    cls.__dataclass_fields__ = fields  # type: ignore[attr-defined]
    setattr(cls, "__match_args__", tuple(fields))  # noqa: B010 - mypy refuses the plain assignment
    return cls


_SHARED = (_replace, _frozen_setattr, _frozen_delattr)
"""The methods every record shares as they are (their names stay their own)."""
