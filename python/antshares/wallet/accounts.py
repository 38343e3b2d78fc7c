"""Accounts: a verification script, its keys in script order and what each key is for.

Kinds (SPEC §3, §9):
- single key: `21 <key> AC` (`22 <tagged key> AC` for secp256k1 and SM2);
- m-of-n multisig, 1–16 keys, curves may mix;
- query/payment: the 2-of-2 of two keys; the smaller one (SPEC key order) is the payment key, the
  larger the query key;
- recoverable: the 2-of-3 of the payment key, the query key (paired by the same rule) and an offline
  recovery key, so query + recovery can move the funds when the payment key is lost;
- watch-only: a script or an address, no keys held (a standard script still lists its keys, so a
  witness can be assembled from signatures made elsewhere).

An account holds public data only. `sign` signs with whichever of the account's keys the caller
passes; `witness` turns signatures into the invocation script: exactly m `40 ‖ r‖s` pushes in the
order their keys appear in the verification script (format-1x §4, CHECKMULTISIG walks keys once).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from antshares_native._native import classify_script

from antshares.core import UInt160, Witness
from antshares.core.address import (
    address_from_script_hash,
    decode_address,
    key_curve,
    multisig_script,
    script_address,
    script_hash,
    script_keys,
    single_sig_script,
)
from antshares.crypto import sort_keys, verify_batch
from antshares.wallet.keys import AccountError, KeyPair, SigningError

__all__ = ["MAX_ACCOUNT_KEYS", "Account", "AccountKind", "KeyRole"]

MAX_ACCOUNT_KEYS = 16  # SPEC §9; the protocol itself allows 1024
SIGNATURE_PUSH = b"\x40"  # PUSHBYTES64


class AccountKind(StrEnum):
    SINGLE = "single"
    MULTISIG = "multisig"
    QUERY_PAYMENT = "query_payment"
    RECOVERABLE = "recoverable"
    WATCH_ONLY = "watch_only"


class KeyRole(StrEnum):
    """What a key is for. Every key of single, multisig and watch-only accounts pays."""

    PAYMENT = "payment"
    QUERY = "query"
    RECOVERY = "recovery"


def _check_keys(keys: Iterable[bytes]) -> None:
    """Each key must be a valid 33-byte P-256 point or a 34-byte tagged secp256k1/SM2 point."""
    try:
        for key in keys:
            key_curve(key)
            sort_keys([key])  # decodes the point: rejects keys off the curve
    except ValueError as exc:
        raise AccountError(f"invalid public key: {exc}") from None


@dataclass(frozen=True)
class Account:
    """A standard account. Build it with the class methods, not the constructor."""

    kind: AccountKind
    verification_script: bytes | None  # None only for a watch-only account known by address
    script_hash: UInt160
    address: str
    m: int  # signatures a witness needs; 0 when the script is unknown or non-standard
    public_keys: tuple[bytes, ...]  # in script order
    roles: tuple[KeyRole, ...]  # the role of each key in `public_keys`

    @classmethod
    def _of_script(
        cls, kind: AccountKind, script: bytes, m: int, roles: dict[bytes, KeyRole] | None = None
    ) -> "Account":
        keys = tuple(script_keys(script))
        role_of = roles or {}
        return cls(
            kind=kind,
            verification_script=script,
            script_hash=script_hash(script),
            address=script_address(script),
            m=m,
            public_keys=keys,
            roles=tuple(role_of.get(k, KeyRole.PAYMENT) for k in keys),
        )

    @classmethod
    def single(cls, public_key: bytes) -> "Account":
        _check_keys([public_key])
        return cls._of_script(AccountKind.SINGLE, single_sig_script(public_key), 1)

    @classmethod
    def multisig(cls, m: int, public_keys: Iterable[bytes]) -> "Account":
        """m-of-n over 1–16 keys in any order (the script sorts them); curves may mix."""
        keys = list(public_keys)
        if not 1 <= m <= len(keys) <= MAX_ACCOUNT_KEYS:
            raise AccountError(
                f"a multisig account needs 1 <= m <= n <= {MAX_ACCOUNT_KEYS}, "
                f"got m={m}, n={len(keys)}"
            )
        if len(set(keys)) != len(keys):
            raise AccountError("a key appears twice in the multisig")
        _check_keys(keys)
        return cls._of_script(AccountKind.MULTISIG, multisig_script(m, keys), m)

    @classmethod
    def query_payment(cls, key_a: bytes, key_b: bytes) -> "Account":
        """The 2-of-2 of two keys in any order: the smaller pays, the larger queries (SPEC §9)."""
        payment, query = cls._pair(key_a, key_b)
        roles = {payment: KeyRole.PAYMENT, query: KeyRole.QUERY}
        script = multisig_script(2, [payment, query])
        return cls._of_script(AccountKind.QUERY_PAYMENT, script, 2, roles)

    @classmethod
    def recoverable(cls, key_a: bytes, key_b: bytes, recovery_key: bytes) -> "Account":
        """The 2-of-3 of a query/payment pair (roles as in `query_payment`) and a recovery key."""
        payment, query = cls._pair(key_a, key_b)
        _check_keys([recovery_key])
        if recovery_key in (payment, query):
            raise AccountError("the recovery key must differ from the payment and query keys")
        roles = {payment: KeyRole.PAYMENT, query: KeyRole.QUERY, recovery_key: KeyRole.RECOVERY}
        script = multisig_script(2, [payment, query, recovery_key])
        return cls._of_script(AccountKind.RECOVERABLE, script, 2, roles)

    @staticmethod
    def _pair(key_a: bytes, key_b: bytes) -> tuple[bytes, bytes]:
        """(payment, query): the smaller key in multisig order pays."""
        if key_a == key_b:
            raise AccountError("the payment and query keys must differ")
        _check_keys([key_a, key_b])
        payment, query = sort_keys([key_a, key_b])
        return payment, query

    @classmethod
    def watch_only(cls, *, script: bytes | None = None, address: str | None = None) -> "Account":
        """Watch a script (any script; a standard one also lists its keys) or a bare address."""
        if script is not None:
            account = cls._of_script(AccountKind.WATCH_ONLY, script, cls._threshold(script))
            if address is not None and address != account.address:
                raise AccountError("the address is not the address of the script")
            return account
        if address is None:
            raise AccountError("a watch-only account needs a script or an address")
        try:
            version, h = decode_address(address)
        except ValueError as exc:
            raise AccountError(str(exc)) from None
        canonical = address_from_script_hash(h, version)
        return cls(AccountKind.WATCH_ONLY, None, h, canonical, 0, (), ())

    @staticmethod
    def _threshold(script: bytes) -> int:
        """m of a standard script, 0 for anything else."""
        kind = classify_script(script)
        if kind[0] == "single":
            return 1
        if kind[0] == "multisig":
            return kind[1]
        return 0

    @property
    def curves(self) -> tuple[str, ...]:
        """The curve of each key in `public_keys`."""
        return tuple(key_curve(k).value for k in self.public_keys)

    def key_with_role(self, role: KeyRole) -> bytes | None:
        """The one key of `role` in a query/payment or recoverable account; None otherwise."""
        if self.kind not in (AccountKind.QUERY_PAYMENT, AccountKind.RECOVERABLE):
            return None
        pairs = zip(self.public_keys, self.roles, strict=True)
        return next((key for key, r in pairs if r == role), None)

    @property
    def payment_key(self) -> bytes | None:
        return self.key_with_role(KeyRole.PAYMENT)

    @property
    def query_key(self) -> bytes | None:
        return self.key_with_role(KeyRole.QUERY)

    @property
    def recovery_key(self) -> bytes | None:
        return self.key_with_role(KeyRole.RECOVERY)

    def role_of(self, public_key: bytes) -> KeyRole:
        try:
            return self.roles[self.public_keys.index(public_key)]
        except ValueError:
            raise AccountError(f"key {public_key.hex()} is not a key of {self.address}") from None

    def sign(self, message: bytes, keys_available: Iterable[KeyPair]) -> list[tuple[bytes, bytes]]:
        """(public key, signature) by up to m of the given keys that belong to this account, in
        script order; keys of other accounts are ignored. May be fewer than m (partial signing)."""
        by_key = {k.public_key: k for k in keys_available}
        mine = [by_key[k] for k in self.public_keys if k in by_key][: self.m]
        return [(k.public_key, k.sign(message)) for k in mine]

    def witness(self, message: bytes, signatures: Iterable[tuple[bytes, bytes]]) -> Witness:
        """The witness from signatures gathered from any parties: each is checked, then the first
        m in key order are pushed. `SigningError` when fewer than m valid ones are given."""
        if self.verification_script is None or self.m == 0:
            raise SigningError(f"{self.address}: no standard script to build a witness for")
        by_key: dict[bytes, bytes] = {}
        for key, signature in signatures:
            if key not in self.public_keys:
                raise SigningError(f"key {key.hex()} is not a key of {self.address}")
            if len(signature) != 64:
                raise SigningError(f"a signature is 64 bytes, got {len(signature)}")
            by_key[key] = signature
        checks = [(key_curve(k), k[-33:], message, s) for k, s in by_key.items()]
        for (key, _), ok in zip(by_key.items(), verify_batch(checks), strict=True):
            if not ok:
                raise SigningError(f"the signature by {key.hex()} does not verify")
        chosen = [by_key[k] for k in self.public_keys if k in by_key][: self.m]
        if len(chosen) < self.m:
            raise SigningError(f"{self.address} needs {self.m} signatures, got {len(chosen)}")
        invocation = b"".join(SIGNATURE_PUSH + s for s in chosen)
        return Witness(invocation, self.verification_script)
