"""Signing in turn: a signing request file that each party signs with what its wallet holds,
then `finish` (the signed transaction) and `relay` (hand it to a node).

    request = SigningRequest.from_draft(draft, profile.magic)   # the party that built it
    request.sign(seller_wallet)
    request.save(Path("transfer.request.json"))
    # each other party, with their own wallet:
    request = SigningRequest.load(path, magic=profile.magic)
    request.sign(buyer_wallet); request.save()
    # when every witness is complete:
    tx = request.finish()
    relay(tx, DevnetRelay(profile, data_dir))                   # or MempoolRelay(solo)

The file (JSON, `docs/wallet-cli.md`) holds the unsigned transaction (hex) and its txid, the
network magic, the outputs its inputs spend (as the builder saw them), and per required signer
its script hash, its verification script once known, and the signatures collected so far.
Loading checks everything that can be checked offline: the transaction decodes and carries no
witnesses, the txid matches it, each script hashes to its signer, each signature is by a key of
its signer's script and verifies over the transaction's unsigned bytes — so bytes changed after
someone signed (an output redirected, an amount raised) are caught as tampering — and the
stated inputs are exactly the transaction's. `check_against(ledger)` also checks the stated
spent outputs and the signer list against a node's data dir.

Files are replaced atomically (temporary file, fsync, rename, fsync of the folder) and `save`
refuses to overwrite a file that changed on disk since it was read (two parties signing one
copy at once: the second must load again).

`relay`: a `Relay` is where signed transactions go: `RpcRelay` sends them to a running node's
JSON-RPC; `MempoolRelay` queues into an in-process `SoloBookkeeper`, `DevnetRelay` acts as the solo
bookkeeper of a devnet data dir for one block (when no node is running on it).
"""

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from antshares.chain.profiles import Profile
from antshares.core import CoinReference, DecodeError, Transaction, TxOutput, UInt160, UInt256
from antshares.core.address import key_curve, script_hash
from antshares.crypto import verify_batch
from antshares.fileio import FileLimitError, read_capped, strict_json, write_atomic
from antshares.wallet.accounts import Account
from antshares.wallet.drafting import (
    Draft,
    IncompleteError,
    le_order,
    required_signers,
    signer_label,
)
from antshares.wallet.keys import AccountError, KeyPair, LockedError, SigningError, WalletError
from antshares.wallet.ledger_view import LedgerView
from antshares.wallet.nep6 import Wallet

__all__ = [
    "FORMAT",
    "DevnetRelay",
    "MempoolRelay",
    "NetworkMismatchError",
    "Relay",
    "RelayError",
    "RelayResult",
    "RequestError",
    "RequestSigner",
    "RpcRelay",
    "SigningRequest",
    "TamperedRequestError",
    "relay",
    "sign_draft",
]

FORMAT = "antshares-signing-request"
VERSION = 1
MAX_REQUEST_BYTES = 8 << 20  # a 1 MB transaction in hex plus 1024 signers' signatures
MAX_NOTES = 16


class RequestError(WalletError):
    """A signing request that cannot be read or used."""


class TamperedRequestError(RequestError):
    """A collected signature does not verify over the request's transaction, or the request
    contradicts itself: it was changed after someone signed."""


class NetworkMismatchError(RequestError):
    """The request is for another network."""


class RelayError(WalletError):
    """The transaction could not be handed to a node, or the node refused it."""


@dataclass
class RequestSigner:
    """A required signer: its script hash, its verification script once known, and the
    signatures collected so far (public key → 64-byte signature)."""

    script_hash: UInt160
    script: bytes | None = None
    signatures: dict[bytes, bytes] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The address when the script is known, else the script hash."""
        return signer_label(self.script_hash, self.script)

    @property
    def needed(self) -> int:
        """Signatures its witness needs; 0 while its script is unknown."""
        return 0 if self.script is None else Account.watch_only(script=self.script).m

    @property
    def complete(self) -> bool:
        return self.script is not None and len(self.signatures) >= self.needed > 0


class SigningRequest:
    """An unsigned transaction being signed by several parties (module doc)."""

    def __init__(
        self,
        tx: Transaction,
        magic: int,
        signers: Sequence[RequestSigner],
        spent: dict[CoinReference, TxOutput],
        kind: str = "transaction",
        notes: Sequence[str] = (),
    ) -> None:
        self.tx = tx
        self.magic = magic
        self.signers = list(signers)
        self.spent = dict(spent)
        self.kind = kind
        self.notes = list(notes)
        self.path: Path | None = None
        self._disk_digest: bytes | None = None
        self._validate()

    @classmethod
    def from_draft(cls, draft: Draft, magic: int) -> "SigningRequest":
        signers = [RequestSigner(s.script_hash, s.script) for s in draft.signers]
        return cls(draft.tx, magic, signers, dict(draft.spent), draft.kind, draft.notes)

    @property
    def txid(self) -> UInt256:
        return self.tx.hash

    @property
    def message(self) -> bytes:
        """What every signer signs: the transaction's unsigned bytes."""
        return self.tx.unsigned_bytes()

    # Checks.

    def _validate(self) -> None:
        if self.tx.witnesses:
            raise RequestError("the request's transaction already carries witnesses")
        hashes = [s.script_hash for s in self.signers]
        if not hashes:
            raise RequestError("the request names no signer")
        if [le_order(h) for h in hashes] != sorted({le_order(h) for h in hashes}):
            raise TamperedRequestError("the signers are not unique and in script-hash order")
        if [*self.spent] != list(self.tx.inputs) or len(self.spent) != len(self.tx.inputs):
            raise TamperedRequestError("the stated inputs are not the transaction's inputs")
        owners = {out.script_hash for out in self.spent.values()}
        if not owners <= set(hashes):
            raise TamperedRequestError("an owner of a spent output is missing from the signers")
        checks: list[tuple[RequestSigner, bytes, bytes]] = []
        for signer in self.signers:
            if signer.script is not None:
                if script_hash(signer.script) != signer.script_hash:
                    raise TamperedRequestError(f"{signer.label}: the script is not its own")
                account = Account.watch_only(script=signer.script)
                if account.m == 0:
                    raise RequestError(f"{signer.label}: not a signature or multisig script")
                keys = set(account.public_keys)
            elif signer.signatures:
                raise TamperedRequestError(f"{signer.label}: signatures without a script")
            else:
                keys = set()
            for key, signature in signer.signatures.items():
                if key not in keys or len(signature) != 64:
                    raise TamperedRequestError(
                        f"{signer.label}: a signature by {key.hex()}, not a key of its script"
                    )
                checks.append((signer, key, signature))
        message = self.message
        results = verify_batch((key_curve(k), k[-33:], message, s) for _, k, s in checks)
        for (signer, key, _), ok in zip(checks, results, strict=True):
            if not ok:
                raise TamperedRequestError(
                    f"the signature by {key.hex()} for {signer.label} does not verify: the"
                    " transaction was changed after it was signed"
                )

    def check_against(self, ledger: LedgerView) -> None:
        """The stated spent outputs are unspent on the ledger, and the signers are exactly those
        the ledger will require (RequestError otherwise)."""
        for ref, stated in self.spent.items():
            coin = ledger.coin(ref)
            if coin is None:
                raise RequestError(
                    f"input {ref.prev_hash}:{ref.prev_index} is spent or unknown on this ledger"
                )
            if coin.output != stated:
                raise TamperedRequestError(
                    f"input {ref.prev_hash}:{ref.prev_index} is not the output the request states"
                )
        extra = []
        exclusive = self.tx.exclusive
        if "owner" in exclusive and len(exclusive["owner"]) == 33:  # Register
            extra.append(Account.single(exclusive["owner"]).script_hash)
        if "public_key" in exclusive:  # Enrollment
            extra.append(Account.single(exclusive["public_key"]).script_hash)
        expected = required_signers(self.tx, self.spent, ledger.asset, extra)
        if expected != [s.script_hash for s in self.signers]:
            raise TamperedRequestError("the signers are not those the ledger requires")

    # Signing.

    def sign(self, wallet: Wallet, extra_keys: Iterable[KeyPair] = ()) -> int:
        """Add the signatures `wallet` can make (its decrypted keys, plus `extra_keys` such as a
        recovery key typed in) for every signer it has an account for; returns how many are new.
        LockedError, adding nothing, when a witness still lacks signatures that keys this wallet
        holds but has not decrypted could give."""
        extra = list(extra_keys)
        message = self.message
        updates: list[tuple[RequestSigner, bytes | None, dict[bytes, bytes]]] = []
        locked_roles: set[str] = set()
        for signer in self.signers:
            try:
                entry = wallet.account(signer.script_hash)
            except AccountError:
                continue
            script = entry.account.verification_script
            if script is None or entry.account.m == 0:
                continue  # a watch-only account known by address: someone else signs
            made = dict(wallet.sign(entry, message, extra))
            merged = {**signer.signatures, **made}
            decrypted = {k.public_key for k in wallet.keys_for(entry)}
            decrypted.update(k.public_key for k in extra)
            locked = [k for k in entry.held_keys() if k not in decrypted and k not in merged]
            if len(merged) < entry.account.m and locked:
                locked_roles.update(entry.account.role_of(k).value for k in locked)
            new = {k: s for k, s in made.items() if signer.signatures.get(k) != s}
            updates.append((signer, script, new))
        if locked_roles:
            roles = " and ".join(sorted(locked_roles))
            raise LockedError(f"give the {roles} password to sign")
        added = 0
        for signer, script, new in updates:
            if signer.script is None:
                signer.script = script
            for key, signature in new.items():
                if key not in signer.signatures:
                    added += 1
                signer.signatures[key] = signature
        return added

    def add_signature(
        self, public_key: bytes, signature: bytes, script: bytes | None = None
    ) -> None:
        """A signature made elsewhere (a company's co-signing service, a hardware key) for the
        signer whose script holds `public_key` (`script` names that signer while its script is
        not known yet). SigningError, nothing changed, when it does not verify."""
        if script is not None:
            wanted = script_hash(script)
            target = next((s for s in self.signers if s.script_hash == wanted), None)
            if target is None:
                raise RequestError("that script is not a signer of this transaction")
        else:
            target = next(
                (
                    s
                    for s in self.signers
                    if s.script is not None
                    and public_key in Account.watch_only(script=s.script).public_keys
                ),
                None,
            )
            if target is None:
                raise RequestError("no signer with a known script holds that key")
            script = target.script
        assert script is not None
        if public_key not in Account.watch_only(script=script).public_keys:
            raise SigningError(f"key {public_key.hex()} is not a key of {target.label}")
        check = (key_curve(public_key), public_key[-33:], self.message, signature)
        if len(signature) != 64 or not verify_batch([check])[0]:
            raise SigningError(f"the signature by {public_key.hex()} does not verify")
        target.script = script
        target.signatures[public_key] = signature

    def missing(self) -> list[tuple[UInt160, int, int]]:
        """(script hash, signatures held, signatures needed — 0 when its script is unknown)
        of every signer whose witness is not complete yet."""
        return [
            (s.script_hash, len(s.signatures), s.needed) for s in self.signers if not s.complete
        ]

    @property
    def complete(self) -> bool:
        return all(s.complete for s in self.signers)

    def finish(self) -> Transaction:
        """The signed transaction: one witness per signer in order. IncompleteError naming
        who has not signed enough."""
        missing = [(s.label, len(s.signatures), s.needed) for s in self.signers if not s.complete]
        if missing:
            raise IncompleteError(missing)
        message = self.message
        witnesses = []
        for signer in self.signers:
            assert signer.script is not None
            account = Account.watch_only(script=signer.script)
            witnesses.append(account.witness(message, signer.signatures.items()))
        tx = self.tx
        return Transaction(
            tx.type, tx.version, tx.exclusive, tx.attributes, tx.inputs, tx.outputs, witnesses
        )

    # The file.

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "network_magic": self.magic,
            "kind": self.kind,
            "txid": str(self.txid),
            "transaction": self.tx.to_bytes().hex(),
            "inputs": [
                {
                    "txid": str(ref.prev_hash),
                    "index": ref.prev_index,
                    "asset": str(out.asset_id),
                    "value": out.value,
                    "script_hash": str(out.script_hash),
                }
                for ref, out in self.spent.items()
            ],
            "signers": [
                {
                    "script_hash": str(s.script_hash),
                    "signer": s.label,
                    "verification_script": None if s.script is None else s.script.hex(),
                    "signatures": [
                        {"public_key": k.hex(), "signature": v.hex()}
                        for k, v in sorted(s.signatures.items())
                    ],
                }
                for s in self.signers
            ],
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, doc: Any, magic: int | None = None) -> "SigningRequest":
        """A request from its JSON document; `magic`, when given, must be the request's."""
        try:
            return cls._parse(doc, magic)
        except RequestError:
            raise
        except (KeyError, TypeError, ValueError, DecodeError) as exc:
            raise RequestError(f"not a valid signing request ({exc})") from None

    @classmethod
    def _parse(cls, doc: Any, magic: int | None) -> "SigningRequest":
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise RequestError("not an AntShares signing request")
        if doc.get("version") != VERSION:
            raise RequestError(f"unsupported signing request version {doc.get('version')!r}")
        stated_magic = _int(doc["network_magic"])
        if magic is not None and stated_magic != magic:
            raise NetworkMismatchError(
                f"the request is for network magic 0x{stated_magic:08x}, this network is"
                f" 0x{magic:08x}"
            )
        tx = Transaction.from_bytes(bytes.fromhex(_str(doc["transaction"])))
        if str(tx.hash) != doc["txid"]:
            raise TamperedRequestError("the txid is not the transaction's: it was changed")
        spent: dict[CoinReference, TxOutput] = {}
        for item in _list(doc["inputs"]):
            ref = CoinReference(UInt256.from_display(_str(item["txid"])), _int(item["index"]))
            if ref in spent:
                raise RequestError("an input is listed twice")
            spent[ref] = TxOutput(
                UInt256.from_display(_str(item["asset"])),
                _int(item["value"]),
                UInt160.from_display(_str(item["script_hash"])),
            )
        signers = []
        for item in _list(doc["signers"]):
            script_hex = item["verification_script"]
            signatures: dict[bytes, bytes] = {}
            for sig in _list(item["signatures"]):
                key = bytes.fromhex(_str(sig["public_key"]))
                if key in signatures:
                    raise RequestError("a key signs twice for one signer")
                signatures[key] = bytes.fromhex(_str(sig["signature"]))
            signers.append(
                RequestSigner(
                    UInt160.from_display(_str(item["script_hash"])),
                    None if script_hex is None else bytes.fromhex(_str(script_hex)),
                    signatures,
                )
            )
        # Shown to every signer: plain text only (no terminal control characters).
        notes = [_text(n, 256) for n in _list(doc.get("notes", []))][:MAX_NOTES]
        kind = _text(doc.get("kind", "transaction"), 32)
        return cls(tx, stated_magic, signers, spent, kind, notes)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, magic: int | None = None) -> "SigningRequest":
        """Read and check a request file (module doc); `magic` is the network's."""
        target = Path(path)
        raw = _read_capped(target)
        try:
            doc = strict_json(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise RequestError(f"{target}: not a complete JSON signing request ({exc})") from None
        try:
            request = cls.from_json(doc, magic)
        except RequestError as exc:
            raise type(exc)(f"{target}: {exc}") from None
        request.path = target
        request._disk_digest = hashlib.sha256(raw).digest()
        return request

    def save(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write the request atomically (to `path`, else where it was loaded from). Refuses to
        replace a file that changed on disk since this request was read or written."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise RequestError("no file to save the request to")
        known = self._disk_digest is not None and target == self.path and target.exists()
        if known and hashlib.sha256(_read_capped(target)).digest() != self._disk_digest:
            raise RequestError(
                f"{target}: changed on disk since it was read (another party signed?):"
                " load it again and sign that"
            )
        data = (json.dumps(self.to_json(), indent=2) + "\n").encode("utf-8")
        _atomic_write(target, data)
        self.path = target
        self._disk_digest = hashlib.sha256(data).digest()
        return target


def sign_draft(wallet: Wallet, draft: Draft, extra_keys: Iterable[KeyPair] = ()) -> Transaction:
    """Sign a draft with this wallet alone. IncompleteError naming the signers whose witnesses
    it cannot complete (they need a signing request); LockedError when a password is missing."""
    request = SigningRequest.from_draft(draft, 0)
    request.sign(wallet, extra_keys)
    return request.finish()


# Relaying.


@dataclass(frozen=True)
class RelayResult:
    txid: UInt256
    height: int | None  # the block that includes it, when known
    message: str


class Relay(Protocol):
    """Where signed transactions go: a node's RPC, or a local devnet."""

    def submit(self, tx: Transaction) -> RelayResult: ...


def relay(tx: Transaction, target: Relay) -> RelayResult:
    """Hand a signed transaction to a node. RelayError when it cannot be, or is refused."""
    if not tx.witnesses:
        raise RelayError("the transaction is not signed")
    return target.submit(tx)


class MempoolRelay:
    """Queue into an in-process solo bookkeeper's mempool (`antshares.devnet.solo`); its next
    block includes the transaction, or drops it with the rule it breaks."""

    def __init__(self, solo: Any) -> None:
        self.solo = solo

    def submit(self, tx: Transaction) -> RelayResult:
        from antshares.devnet.solo import MempoolFullError

        try:
            queued = self.solo.submit(tx)
        except MempoolFullError as exc:
            raise RelayError(str(exc)) from None
        state = "queued" if queued else "already queued"
        return RelayResult(tx.hash, None, f"{state} for the next block")


class DevnetRelay:
    """Act as the solo bookkeeper of a devnet data dir for one block holding the transaction
    (its keys from `bookkeeper-keys.json`, its beacon secrets from `beacon-secrets.json`, as
    `antshares devnet run` keeps them). Refused while a node runs on the data dir: send to
    its RPC instead (`RpcRelay`)."""

    def __init__(self, profile: Profile, data_dir: str | os.PathLike[str]) -> None:
        self.profile = profile
        self.data_dir = Path(data_dir)

    def submit(self, tx: Transaction) -> RelayResult:
        from antshares.devnet.init import load_bookkeeper_keys
        from antshares.devnet.solo import SoloBookkeeper
        from antshares.ledger.builder import BlockBuilder, FileBeaconSecrets
        from antshares.ledger.chainstate import ChainState, RuleError
        from antshares.storage.env import StoreError, StoreLockedError

        try:
            secrets = load_bookkeeper_keys(self.data_dir)
        except ValueError as exc:
            raise RelayError(f"not a devnet this wallet can submit to: {exc}") from None
        try:
            state = ChainState.open(self.profile, self.data_dir)
        except StoreLockedError:
            raise RelayError(
                f"a node is running on {self.data_dir}: submit through its RPC instead"
                " (--rpc http://127.0.0.1:PORT)"
            ) from None
        except (StoreError, RuleError, OSError) as exc:
            raise RelayError(str(exc)) from None
        try:
            beacon = FileBeaconSecrets(self.data_dir / "beacon-secrets.json")
            builder = BlockBuilder(state, secrets, beacon)
            solo = SoloBookkeeper(state, builder, self.profile.block_time_seconds)
            solo.submit(tx)
            try:
                built = solo.step(wait=False)
            except (RuleError, RuntimeError, ValueError) as exc:
                raise RelayError(f"the devnet could not make a block: {exc}") from None
            for txid, rule, detail in solo.dropped:
                if txid == tx.hash.to_bytes():
                    raise RelayError(f"the ledger refused the transaction: {rule}: {detail}")
            height = built.block.index
            return RelayResult(tx.hash, height, f"included in block {height}")
        finally:
            state.close()


class RpcRelay:
    """Send to a running node with `sendrawtransaction` (its JSON-RPC, `antshares node`); the
    node relays it to its peers and a bookkeeper includes it in a block."""

    def __init__(self, url: str) -> None:
        self.url = url

    def submit(self, tx: Transaction) -> RelayResult:
        from antshares.rpc.client import RpcClient, RpcError, RpcUnavailable

        try:
            RpcClient(self.url).call("sendrawtransaction", tx.to_bytes().hex())
        except RpcUnavailable as exc:
            raise RelayError(f"the node did not answer: {exc}") from None
        except RpcError as exc:
            raise RelayError(f"the node refused the transaction: {exc.message}") from None
        return RelayResult(tx.hash, None, f"accepted by the node at {self.url}")


# Files.


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{value!r} is not an integer")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string")
    return value


def _text(value: Any, limit: int) -> str:
    text = _str(value)
    if len(text) > limit or not text.isprintable():
        raise ValueError(f"{text[:40]!r}: not printable text of at most {limit} characters")
    return text


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{value!r} is not a list")
    return value


def _read_capped(path: Path) -> bytes:
    try:
        return read_capped(path, MAX_REQUEST_BYTES)
    except FileLimitError as exc:
        raise RequestError(f"{path}: {exc}") from None
    except OSError as exc:
        raise RequestError(f"{path}: cannot read ({exc.strerror})") from None


def _atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """fileio.write_atomic, its failures as RequestError."""
    try:
        write_atomic(path, data, mode)
    except OSError as exc:
        raise RequestError(f"{path}: cannot write ({exc.strerror})") from None
