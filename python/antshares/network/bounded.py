"""Bounded containers: every set or map a peer can make us fill has a capacity (SPEC §10)."""

from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import Generic, TypeVar

__all__ = ["ExpiringMap", "LruSet"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LruSet(Generic[K]):
    """A set that forgets its least recently added or touched member when full."""

    __slots__ = ("_capacity", "_items")

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._items: OrderedDict[K, None] = OrderedDict()

    def add(self, key: K) -> bool:
        """Add (or refresh) `key`; True when it was not a member."""
        items = self._items
        if key in items:
            items.move_to_end(key)
            return False
        items[key] = None
        if len(items) > self._capacity:
            items.popitem(last=False)
        return True

    def discard(self, key: K) -> None:
        self._items.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)


class ExpiringMap(Generic[K, V]):
    """key → (deadline, value), bounded; entries past their deadline are dropped by `expire`.

    Entries are kept in insertion order; with one timeout for all of them that is deadline order,
    so `expire` stops at the first live entry."""

    __slots__ = ("_capacity", "_items")

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def put(self, key: K, value: V, deadline: float) -> None:
        items = self._items
        items.pop(key, None)
        items[key] = (deadline, value)
        if len(items) > self._capacity:
            items.popitem(last=False)

    def get(self, key: K) -> V | None:
        entry = self._items.get(key)
        return None if entry is None else entry[1]

    def pop(self, key: K) -> V | None:
        entry = self._items.pop(key, None)
        return None if entry is None else entry[1]

    def expire(self, now: float) -> list[tuple[K, V]]:
        """Remove and return the entries whose deadline has passed."""
        gone: list[tuple[K, V]] = []
        items = self._items
        while items:
            key, (deadline, value) = next(iter(items.items()))
            if deadline > now:
                break
            del items[key]
            gone.append((key, value))
        return gone

    def items(self) -> list[tuple[K, V]]:
        return [(k, v) for k, (_, v) in self._items.items()]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)
