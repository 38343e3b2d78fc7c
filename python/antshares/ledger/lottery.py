"""ANC generation and the lottery (SPEC §5), exact and reproducible from chain data alone.

Every block h ≥ 1 mints `floor(undistributed × 24297257 / 10^14)` satoshi of ANC, where
`undistributed = 10^16 − (minted so far − burned so far)`, and pays it to one ANS holder drawn by
lottery: n = R mod 10^8 (R the block's 32-byte random value read as a little-endian integer;
for block 1 the dSHA256 of the genesis hash), and the winner is the first holder, in ascending
UInt160 order, whose cumulative whole-share balance exceeds n.

The arithmetic and the holder index are native (Rust, `antshares-ledger`): the index is an
order-statistics tree, so updates and draws cost O(log holders) — a few µs with 10^6 holders.
"""

from antshares_native import _native
from antshares_native._native import HolderIndex

from antshares.core import UInt160

__all__ = [
    "LOTTERY_MODULUS",
    "MINT_RATE_DENOMINATOR",
    "MINT_RATE_NUMERATOR",
    "TOTAL_ANC_SATOSHI",
    "HolderIndex",
    "draw_winner",
    "first_random",
    "lottery_number",
    "mint_amount",
]

TOTAL_ANC_SATOSHI = 10**16
"""The whole ANC supply in satoshi (100,000,000 ANC × 10^8)."""
MINT_RATE_NUMERATOR = 24_297_257
MINT_RATE_DENOMINATOR = 10**14
"""Each block mints NUMERATOR / DENOMINATOR of the undistributed pool (rounded down)."""
LOTTERY_MODULUS = 10**8
"""Lottery numbers are R mod 10^8: one per whole ANS share."""


def mint_amount(minted: int, burned: int) -> int:
    """The ANC (satoshi) the next block mints, given the totals of all earlier blocks.

    Exact integers: `floor((10^16 − (minted − burned)) × 24297257 / 10^14)`; block 1 mints
    2,429,725,700. Burned service fees return to the pool and raise later mints.
    Raises ValueError for impossible totals (burned > minted, or minted − burned > 10^16) and
    for values outside 0..2^64−1; TypeError for a non-int.
    """
    return _native.mint_amount(minted, burned)


def lottery_number(r: bytes) -> int:
    """R mod 10^8, with the 32-byte random value `r` read as an unsigned little-endian integer.

    ValueError unless `r` has 32 bytes.
    """
    return _native.lottery_number(r)


def first_random(genesis_hash: bytes) -> bytes:
    """The random value of block 1: dSHA256 of the genesis block hash.

    `genesis_hash` is the hash's 32 bytes in internal order (the reverse of its display hex).
    """
    return _native.first_random(genesis_hash)


def draw_winner(holders: HolderIndex, r: bytes) -> UInt160:
    """The holder that wins the block whose random value is `r`: holders.winner(R mod 10^8).

    `holders` must hold the balances at the end of the previous block. ValueError when the index
    is empty or its total is not above the lottery number (fewer than 10^8 shares in holders'
    hands can leave some numbers without a winner).
    """
    return holders.winner(lottery_number(r))
