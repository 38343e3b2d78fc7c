"""The random beacon (SPEC §7.7): Feldman verifiable secret sharing over P-256.

Each bookkeeper deals a polynomial ``p(x) = a_0 + a_1·x + … + a_f·x^f`` of degree f = ⌊(N−1)/3⌋
whose constant term is its 32-byte secret, publishes the commitments ``a_i·G`` and gives
bookkeeper ``j`` the share ``p(j + 1)``. Any f+1 shares rebuild the secret. Once block h is final
the secrets of the dealings it fixed are revealed; ``R_h = SHA-256(secrets in dealer-index
order)``, block h+1 carries them in its version-1 MinerTransaction, its header Nonce is the low
64 bits of ``R_h`` and its lottery uses ``R_h``.

Scalars (secrets, coefficients, shares) are 32 bytes big-endian, below the P-256 group order;
points are 33-byte compressed (``02``/``03`` + X). The math is native (`antshares-ledger`);
malformed arguments raise ValueError (TypeError for a wrong type).
"""

from collections.abc import Iterable

from antshares_native import _native

__all__ = [
    "commitment",
    "deal",
    "header_nonce",
    "random_value",
    "recover_secret",
    "share",
    "verify_share",
]


def commitment(secret: bytes) -> bytes:
    """``s·G`` compressed: what a revealed secret is checked against (its dealing's first
    commitment). ValueError when ``s`` is zero or not below the group order."""
    return _native.beacon_commitment(secret)


def deal(coefficients: Iterable[bytes]) -> list[bytes]:
    """The Feldman commitments ``a_i·G`` of the polynomial with these coefficients (``a_0`` is
    the secret). 1 to 342 coefficients, each nonzero so that every commitment is encodable."""
    return _native.beacon_deal(coefficients)


def share(coefficients: Iterable[bytes], x: int) -> bytes:
    """The share for the bookkeeper at ``x`` = its index + 1: the polynomial at ``x`` (1..65535)."""
    return _native.beacon_share(coefficients, x)


def verify_share(commitments: Iterable[bytes], x: int, share: bytes) -> bool:
    """Whether ``share`` is the value at ``x`` of the polynomial these commitments commit to
    (``share·G == Σ C_i·x^i``). False for anything that cannot be checked (a point off the curve,
    ``x`` = 0, a share not below the group order)."""
    return _native.beacon_verify_share(commitments, x, share)


def recover_secret(shares: Iterable[tuple[int, bytes]]) -> bytes:
    """The secret (the polynomial at 0) from ``(x, share)`` pairs by Lagrange interpolation.

    Any f+1 correct shares give the secret; fewer or wrong ones give another value, so check the
    result with :func:`commitment`. ValueError for x = 0, a repeated x, or no shares.
    """
    return _native.beacon_recover(shares)


def random_value(secrets: Iterable[bytes]) -> bytes:
    """R: SHA-256 of the 32-byte secrets concatenated, in the order given (dealer-index order)."""
    return _native.beacon_random(secrets)


def header_nonce(r: bytes) -> int:
    """The header Nonce of the block that carries ``r``: its low 64 bits, little-endian."""
    return _native.beacon_header_nonce(r)
