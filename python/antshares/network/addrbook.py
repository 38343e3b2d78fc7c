"""Where to connect (a bounded address book with back-off) and whom to refuse (scores, bans).

Addresses are (host, port) with the host as `ipaddress` prints it. Seeds are pinned: they are never
evicted. A failed or dropped outbound connection backs its address off exponentially (with jitter,
so that many nodes restarted together do not retry in step); a completed handshake resets it.

Misbehaviour is scored per IP (not per connection, so reconnecting does not wipe a score); at the
ban score the IP is banned for `ban_seconds` and refused at once while the ban lasts.
"""

import ipaddress
import random
from collections import OrderedDict
from dataclasses import dataclass

__all__ = ["AddressBook", "AddressEntry", "BanList", "normalize_host"]

Address = tuple[str, int]


def normalize_host(host: str) -> str | None:
    """The canonical text of an IP address (IPv4-mapped IPv6 → IPv4), None when not one we
    would connect to (not an IP, unspecified, multicast)."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified or ip.is_multicast:
        return None
    return str(ip)


@dataclass
class AddressEntry:
    host: str
    port: int
    seed: bool = False
    failures: int = 0
    next_try: float = 0.0
    """Loop time before which we do not dial it again."""
    last_seen: float = 0.0


class AddressBook:
    """Known peer addresses, at most `capacity` (seeds come on top and are never evicted)."""

    def __init__(
        self,
        capacity: int,
        backoff_base: float,
        backoff_max: float,
        rng: random.Random | None = None,
    ) -> None:
        self.capacity = capacity
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._rng = rng or random.Random()
        self._entries: dict[Address, AddressEntry] = {}
        self._learned = 0
        # Addresses that turned out to be this node (the version nonce was ours): never dialled.
        self._self: set[Address] = set()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, address: object) -> bool:
        return address in self._entries

    def add_seed(self, host: str, port: int) -> None:
        # A seed may be a name (resolved when dialled), so it is not normalized.
        self._entries[(host, port)] = AddressEntry(host, port, seed=True)

    def add(self, host: str, port: int, now: float) -> bool:
        """Learn an address (from addr or a peer's version); False when refused or known."""
        canonical = normalize_host(host)
        if canonical is None or not 0 < port <= 0xFFFF:
            return False
        key = (canonical, port)
        entry = self._entries.get(key)
        if entry is not None:
            entry.last_seen = now
            return False
        if key in self._self:
            return False
        if self._learned >= self.capacity and not self._evict_one():
            return False
        self._entries[key] = AddressEntry(canonical, port, last_seen=now)
        self._learned += 1
        return True

    def _evict_one(self) -> bool:
        """Drop the learned address that failed most (then the one seen longest ago)."""
        learned = [e for e in self._entries.values() if not e.seed]
        if not learned:
            return False
        worst = max(learned, key=lambda e: (e.failures, -e.last_seen))
        del self._entries[(worst.host, worst.port)]
        self._learned -= 1
        return True

    def mark_self(self, address: Address) -> None:
        self._self.add(address)
        entry = self._entries.pop(address, None)
        if entry is not None and not entry.seed:
            self._learned -= 1

    def backoff(self, failures: int) -> float:
        """Seconds to wait after `failures` consecutive failures: base·2^(n-1), capped, ±25 %."""
        delay = min(self.backoff_max, self.backoff_base * 2.0 ** min(failures - 1, 32))
        return delay * self._rng.uniform(0.75, 1.25)

    def failed(self, address: Address, now: float) -> float:
        """A dial failed or an outbound connection ended: back it off; the delay chosen."""
        entry = self._entries.get(address)
        if entry is None:
            return 0.0
        entry.failures += 1
        delay = self.backoff(entry.failures)
        entry.next_try = now + delay
        return delay

    def succeeded(self, address: Address, now: float) -> None:
        entry = self._entries.get(address)
        if entry is not None:
            entry.failures = 0
            entry.next_try = now
            entry.last_seen = now

    def due(self, now: float, exclude: set[Address]) -> list[AddressEntry]:
        """Addresses to dial now, seeds and the least-failed first."""
        ready = [
            e
            for key, e in self._entries.items()
            if e.next_try <= now and key not in exclude and key not in self._self
        ]
        ready.sort(key=lambda e: (not e.seed, e.failures, e.next_try))
        return ready

    def next_due(self, exclude: set[Address]) -> float | None:
        """The earliest `next_try` of an address not in `exclude`."""
        times = [e.next_try for k, e in self._entries.items() if k not in exclude]
        return min(times) if times else None

    def entries(self) -> list[AddressEntry]:
        return list(self._entries.values())

    def sample(self, count: int) -> list[AddressEntry]:
        """Up to `count` addresses that have not been failing (for an addr reply)."""
        good = [e for e in self._entries.values() if e.failures == 0]
        return self._rng.sample(good, min(count, len(good)))


@dataclass
class Ban:
    until: float
    port: int
    reason: str


class BanList:
    """Misbehaviour scores and bans by IP; both maps are bounded."""

    def __init__(self, ban_score: int, ban_seconds: float, capacity: int = 10_000) -> None:
        self.ban_score = ban_score
        self.ban_seconds = ban_seconds
        # Insertion-ordered: when full, the IP scored longest ago is forgotten.
        self._scores: OrderedDict[str, int] = OrderedDict()
        self._bans: dict[str, Ban] = {}
        self._capacity = capacity
        self.total_bans = 0

    def score(self, host: str, points: int, port: int, reason: str, now: float) -> bool:
        """Add `points` to the IP's score; True when that bans it (now)."""
        if self.is_banned(host, now):
            return False
        total = self._scores.pop(host, 0) + points
        if total < self.ban_score:
            self._scores[host] = total
            if len(self._scores) > self._capacity:
                self._scores.popitem(last=False)
            return False
        self.ban(host, port, reason, now)
        return True

    def ban(self, host: str, port: int, reason: str, now: float) -> None:
        if len(self._bans) >= self._capacity:
            self.expire(now)
            if len(self._bans) >= self._capacity:  # keep the newest bans
                oldest = min(self._bans, key=lambda h: self._bans[h].until)
                del self._bans[oldest]
        self._bans[host] = Ban(now + self.ban_seconds, port, reason)
        self.total_bans += 1

    def score_of(self, host: str) -> int:
        return self._scores.get(host, 0)

    def is_banned(self, host: str, now: float) -> bool:
        ban = self._bans.get(host)
        if ban is None:
            return False
        if ban.until <= now:
            del self._bans[host]
            return False
        return True

    def expire(self, now: float) -> None:
        for host in [h for h, b in self._bans.items() if b.until <= now]:
            del self._bans[host]

    def banned(self, now: float) -> list[tuple[str, int]]:
        self.expire(now)
        return [(host, ban.port) for host, ban in self._bans.items()]
