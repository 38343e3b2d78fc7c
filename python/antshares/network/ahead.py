"""What the node holds ahead of its tip: the checked header chain, and orphan blocks.

Both are bounded: the header chain by count (hashes only, ~100 bytes each with the maps), the orphan
pool by count and bytes (oldest evicted first).
"""

from collections import OrderedDict
from typing import Generic, TypeVar

__all__ = ["HeaderChain", "OrphanPool"]

S = TypeVar("S")


class HeaderChain:
    """Hashes of headers at consecutive heights after `base` (the local tip), each header checked
    against the one before it by the caller before `append`: it links (prev_hash, index) and its
    block witness hashes to that header's NextConsensus and verifies. So each header's
    NextConsensus is kept with its hash: the next header is checked against the best one's."""

    def __init__(
        self,
        capacity: int,
        base_height: int,
        base_hash: bytes,
        base_next_consensus: bytes | None = None,
    ) -> None:
        self.capacity = capacity
        self.base_height = base_height
        self.base_hash = base_hash
        self.base_next_consensus = base_next_consensus
        """The local tip's NextConsensus; None until the caller has read it."""
        self._by_height: dict[int, tuple[bytes, bytes]] = {}  # height → (hash, NextConsensus)
        self._by_hash: dict[bytes, int] = {}

    def __len__(self) -> int:
        return len(self._by_height)

    @property
    def full(self) -> bool:
        return len(self._by_height) >= self.capacity

    @property
    def tip_height(self) -> int:
        return self.base_height + len(self._by_height)

    @property
    def tip_hash(self) -> bytes:
        entry = self._by_height.get(self.tip_height)
        return self.base_hash if entry is None else entry[0]

    @property
    def tip_next_consensus(self) -> bytes | None:
        """What the next header's witness must hash to (None: the base's is not known yet)."""
        entry = self._by_height.get(self.tip_height)
        return self.base_next_consensus if entry is None else entry[1]

    def hash_at(self, height: int) -> bytes | None:
        if height == self.base_height:
            return self.base_hash
        entry = self._by_height.get(height)
        return None if entry is None else entry[0]

    def height_of(self, block_hash: bytes) -> int | None:
        if block_hash == self.base_hash:
            return self.base_height
        return self._by_hash.get(block_hash)

    def append(self, block_hash: bytes, next_consensus: bytes) -> None:
        if self.full:
            raise OverflowError("the header chain is full")
        height = self.tip_height + 1
        self._by_height[height] = (block_hash, next_consensus)
        self._by_hash[block_hash] = height

    def rebase(self, height: int, block_hash: bytes) -> bool:
        """The local chain is now at (height, block_hash): drop the headers it has reached; when it
        holds another block at a height we had (it left this header chain), start over from it
        (False: its NextConsensus is then unknown until the caller sets `base_next_consensus`)."""
        if height == self.base_height and block_hash == self.base_hash:
            return True
        kept = self.base_height < height <= self.tip_height and (
            self._by_height[height][0] == block_hash
        )
        if kept:
            self.base_next_consensus = self._by_height[height][1]
            for h in range(self.base_height + 1, height + 1):
                del self._by_hash[self._by_height.pop(h)[0]]
        else:
            self._by_height.clear()
            self._by_hash.clear()
            self.base_next_consensus = None
        self.base_height = height
        self.base_hash = block_hash
        return kept

    def truncate(self, from_height: int) -> None:
        """Forget the headers at `from_height` and above (an invalid block there)."""
        for h in range(max(from_height, self.base_height + 1), self.tip_height + 1):
            del self._by_hash[self._by_height.pop(h)[0]]


class OrphanPool(Generic[S]):
    """Blocks whose parent is unknown, by hash, with where they came from; oldest evicted first."""

    def __init__(self, max_count: int, max_bytes: int) -> None:
        self.max_count = max_count
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[bytes, tuple[bytes, bytes, S]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, block_hash: object) -> bool:
        return block_hash in self._items

    def add(self, block_hash: bytes, prev_hash: bytes, raw: bytes, source: S) -> bool:
        if block_hash in self._items or len(raw) > self.max_bytes:
            return False
        self._items[block_hash] = (prev_hash, raw, source)
        self.bytes += len(raw)
        while len(self._items) > self.max_count or self.bytes > self.max_bytes:
            _, (_, old, _) = self._items.popitem(last=False)
            self.bytes -= len(old)
        return True

    def take_children(self, parent_hash: bytes) -> list[tuple[bytes, bytes, S]]:
        """Remove and return (hash, raw, source) of the orphans whose parent is `parent_hash`.
        A linear scan: the pool is small (tens of blocks)."""
        found = [h for h, (prev, _, _) in self._items.items() if prev == parent_hash]
        out = []
        for h in found:
            _, raw, source = self._items.pop(h)
            self.bytes -= len(raw)
            out.append((h, raw, source))
        return out
