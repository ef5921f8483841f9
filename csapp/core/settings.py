"""The learner's settings, typed, in the ``Setting`` table (one JSON value per key).

A setting is declared once as a ``Key`` with its default and how to check a stored value; a
value that no longer fits (a hand-edited database, an older version) falls back to the
default instead of breaking a screen. Any module may declare its own keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from csapp.core.models import Setting

T = TypeVar("T")


@dataclass(frozen=True)
class Key(Generic[T]):
    """A typed setting: ``decode`` turns the stored JSON into T (raising on bad data)."""

    name: str
    default: T
    decode: Callable[[Any], T] = lambda v: v
    encode: Callable[[T], Any] = lambda v: v


def int_key(name: str, default: int, low: int, high: int) -> Key[int]:
    """An integer that must lie in [low, high]."""

    def decode(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(value)
        number = int(value)
        if not low <= number <= high:
            raise ValueError(value)
        return number

    return Key(name, default, decode, int)


def date_key(name: str) -> Key[date | None]:
    """A calendar date stored as ``YYYY-MM-DD``; None when unset."""

    def decode(value: Any) -> date | None:
        return None if value in (None, "") else date.fromisoformat(str(value))

    def encode(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return Key(name, None, decode, encode)


def get(engine: Engine, key: Key[T]) -> T:
    """The stored value of ``key``, or its default when unset or unreadable."""
    table = Setting.__table__
    with engine.connect() as conn:  # Core, not the ORM: this is read on every answer
        value = conn.execute(select(table.c.value).where(table.c.key == key.name)).scalar()
    if value is None:
        return key.default
    try:
        return key.decode(value)
    except (TypeError, ValueError):
        return key.default


def put(engine: Engine, key: Key[T], value: T) -> T:
    """Store ``value`` (checked by ``key.decode`` first, so a bad value raises ValueError)."""
    encoded = key.encode(value) if value is not None else None
    if encoded is not None:
        key.decode(encoded)
    with Session(engine) as s, s.begin():
        row = s.get(Setting, key.name)
        if row is None:
            s.add(Setting(key=key.name, value=encoded))
        else:
            row.value = encoded
    return value


def reset(engine: Engine, key: Key[Any]) -> None:
    """Forget the stored value, so the default applies again."""
    with Session(engine) as s, s.begin():
        row = s.get(Setting, key.name)
        if row is not None:
            s.delete(row)
