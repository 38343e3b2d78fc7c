"""Building the next block for bookkeepers whose keys this process holds (SPEC §4, §5, §7).

`BlockBuilder.build` takes candidate transactions in mempool order and returns a block the ledger
will accept: the engine's `propose` says which candidates are valid together, the MinerTransaction
outputs (the ANC lottery mint, then the byte fees), R, the header nonce and NextConsensus; the
builder adds the beacon evidence, the header and the block witness.

Beacon (SPEC §7.7, §7.1): each held bookkeeper deals for the block it builds — a Feldman dealing of
f+1 commitments whose first commits to its secret — and the next block reveals those secrets. The
secrets are kept by a `BeaconSecrets` store, which persists a dealing *before* the block that
fixes it is built: a node that crashes after publishing a block can always reveal its secrets.
The multi-bookkeeper protocol (shares sent to the others) is the consensus issue's; the
block-building and validation path here is the one it will use.
"""

import json
import os
import secrets as _secrets
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from antshares_native._native import beacon_commitment, beacon_deal

from antshares.core import Block, Header, Transaction, TxOutput, TxType, UInt160, UInt256, Witness
from antshares.core.address import consensus_threshold, multisig_script, script_keys
from antshares.core.hashing import merkle_root
from antshares.crypto import public_key_from_secret, sign
from antshares.ledger.chainstate import ChainState

__all__ = [
    "BeaconSecrets",
    "BlockBuilder",
    "BuiltBlock",
    "FileBeaconSecrets",
    "MemoryBeaconSecrets",
]

MINER_NONCE = 0xFFFF
"""The `dealer` argument under which the secret source gives the MinerTransaction nonce."""

SecretSource = Callable[[int, int, int], bytes]
"""(height, dealer index, coefficient index) → 32 bytes: where a dealing's randomness comes from."""


def _random_source(height: int, dealer: int, coefficient: int) -> bytes:
    return _secrets.token_bytes(32)


def _valid_scalar(source: SecretSource, height: int, dealer: int, coefficient: int) -> bytes:
    value = source(height, dealer, coefficient)
    for attempt in range(1, 64):
        try:
            beacon_commitment(value)
            return value
        except ValueError:  # zero or ≥ the group order: astronomically rare, draw again
            value = source(height, dealer, coefficient + 1000 * attempt)
    raise ValueError("the secret source gives no valid P-256 scalar")


class BeaconSecrets(Protocol):
    """Where a bookkeeper keeps the secrets of its dealings until the next block reveals them."""

    def put(self, height: int, secrets: Mapping[int, bytes]) -> None:
        """Keep the secrets of the dealings fixed in block `height` (dealer index → secret)."""

    def get(self, height: int) -> dict[int, bytes]:
        """The secrets kept for block `height` (empty if none)."""


@dataclass
class MemoryBeaconSecrets:
    """In memory: for generators and tests, where a crash loses the whole run anyway."""

    by_height: dict[int, dict[int, bytes]] = field(default_factory=dict)

    def put(self, height: int, secrets: Mapping[int, bytes]) -> None:
        self.by_height = {h: s for h, s in self.by_height.items() if h >= height - 2}
        self.by_height[height] = dict(secrets)

    def get(self, height: int) -> dict[int, bytes]:
        return dict(self.by_height.get(height, {}))


class FileBeaconSecrets:
    """A JSON file in the data dir, replaced atomically and synced on every put (mode 0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise ValueError(f"{self.path}: unreadable beacon secrets ({exc})") from exc
        if not isinstance(data, dict):
            raise ValueError(f"{self.path}: beacon secrets must be a JSON object")
        return data

    def put(self, height: int, secrets: Mapping[int, bytes]) -> None:
        data = {h: s for h, s in self._read().items() if int(h) >= height - 2}
        data[str(height)] = {str(d): s.hex() for d, s in secrets.items()}
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def get(self, height: int) -> dict[int, bytes]:
        entry = self._read().get(str(height), {})
        return {int(d): bytes.fromhex(s) for d, s in entry.items()}


@dataclass(frozen=True)
class BuiltBlock:
    block: Block
    raw: bytes
    included: list[int]
    """Positions of the candidates the block holds, in order."""
    rejected: list[tuple[int, str, str]]
    """(position, rule, detail) of the candidates left out."""
    random: bytes
    """R of this block (it drove the lottery)."""
    miner_outputs: list[TxOutput]


class BlockBuilder:
    """Builds blocks signed by the bookkeeper keys it holds (all of them on a solo devnet)."""

    def __init__(
        self,
        state: ChainState,
        bookkeeper_secrets: Iterable[bytes],
        beacon: BeaconSecrets,
        secret_source: SecretSource = _random_source,
        key_lookup: Callable[[bytes], bytes | None] | None = None,
    ) -> None:
        self.state = state
        self.keys = {public_key_from_secret(s): s for s in bookkeeper_secrets}
        self.beacon = beacon
        self.secret_source = secret_source
        self.key_lookup = key_lookup
        """Finds the secret of an elected key this builder was not given (devnet tools)."""

    def _secret(self, key: bytes) -> bytes | None:
        secret = self.keys.get(key)
        if secret is None and self.key_lookup is not None:
            secret = self.key_lookup(key)
            if secret is not None:
                self.keys[key] = secret
        return secret

    def _reveal(self, height: int) -> list[tuple[int, bytes]]:
        """The secrets of the dealings fixed in block `height`, from the chain and our store."""
        record = self.state.beacon_at(height) if height > 0 else None
        if record is None:
            return []
        miner = Transaction.from_bytes(record[32:])
        held = self.beacon.get(height)
        revealed = []
        for dealing in miner.exclusive["dealings"]:
            dealer = dealing["dealer"]
            if dealer not in held:
                raise RuntimeError(
                    f"the secret of dealer {dealer} for block {height} is not held here:"
                    " another bookkeeper must reveal it"
                )
            revealed.append((dealer, held[dealer]))
        return revealed

    def _deal(self, height: int, keepers: Sequence[bytes]) -> list[dict[str, Any]]:
        n = len(keepers)
        f = (n - 1) // 3
        dealings, kept = [], {}
        for dealer, key in enumerate(keepers):
            if self._secret(key) is None:
                continue
            coefficients = [
                _valid_scalar(self.secret_source, height, dealer, i) for i in range(f + 1)
            ]
            kept[dealer] = coefficients[0]
            dealings.append({"dealer": dealer, "commitments": beacon_deal(coefficients)})
        if len(dealings) < f + 1:
            raise RuntimeError(
                f"block {height} needs {f + 1} dealings; this node holds {len(dealings)}"
            )
        self.beacon.put(height, kept)  # persisted before the block that fixes them exists
        return dealings

    def build(self, candidates: Sequence[Transaction], timestamp: int) -> BuiltBlock:
        state = self.state
        height = state.height + 1
        revealed = self._reveal(state.height)
        proposal = state.propose([tx.to_bytes() for tx in candidates], revealed)
        keepers: list[bytes] = proposal["bookkeepers"]
        dealings = self._deal(height, keepers)
        outputs = [TxOutput(UInt256(a), v, UInt160(h)) for a, v, h in proposal["miner_outputs"]]
        miner = Transaction(
            TxType.MINER,
            1,
            {
                # From the secret source too, so a seeded generator is reproducible.
                "nonce": int.from_bytes(self.secret_source(height, MINER_NONCE, 0)[:4], "little"),
                "dealings": dealings,
                "secrets": [{"dealer": d, "secret": s} for d, s in revealed],
            },
            [],
            [],
            outputs,
            [],
        )
        txs = [miner] + [candidates[i] for i in proposal["included"]]
        header = Header(
            0,
            UInt256(proposal["prev_hash"]),
            UInt256(merkle_root([tx.hash.to_bytes() for tx in txs])),
            max(timestamp, state.tip_timestamp + 1),
            height,
            proposal["nonce"],
            UInt160(proposal["next_consensus"]),
            Witness(b"", b""),
        )
        header = self._sign(header, keepers)
        block = Block(header, txs)
        return BuiltBlock(
            block,
            block.to_bytes(),
            list(proposal["included"]),
            list(proposal["rejected"]),
            proposal["random"],
            outputs,
        )

    def _sign(self, header: Header, keepers: Sequence[bytes]) -> Header:
        script = multisig_script(consensus_threshold(len(keepers)), keepers)
        message = header.unsigned_bytes()
        needed = consensus_threshold(len(keepers))
        # CHECKMULTISIG takes the signatures in the script's key order.
        held = [s for s in map(self._secret, script_keys(script)) if s is not None]
        signatures = [sign(secret, message) for secret in held[:needed]]
        if len(signatures) < needed:
            raise RuntimeError(
                f"{needed} bookkeeper signatures needed; this node holds {len(signatures)}"
            )
        invocation = b"".join(b"\x40" + s for s in signatures)
        return Header(
            header.version,
            header.prev_hash,
            header.merkle_root,
            header.timestamp,
            header.index,
            header.consensus_data,
            header.next_consensus,
            Witness(invocation, script),
        )

    def produce(
        self,
        candidates: Sequence[Transaction],
        timestamp: int,
        verify: bool = True,
        verified: Collection[bytes] = (),
    ) -> BuiltBlock:
        """Build the next block and apply it. A candidate whose witness fails the signature
        check is left out (reported in `rejected`) and the block built again without it.
        `verified`: wtxids whose witnesses were checked already (see `ChainState.apply_blocks`).
        Positions in the result refer to `candidates`."""
        positions = list(range(len(candidates)))
        failed: list[tuple[int, str, str]] = []
        while True:
            built = self.build([candidates[i] for i in positions], timestamp)
            result = self.state.apply_blocks(
                [built.raw], verify_signatures=verify, verified=verified
            )
            error = result.error
            if error is None:
                return BuiltBlock(
                    built.block,
                    built.raw,
                    [positions[i] for i in built.included],
                    [(positions[i], rule, detail) for i, rule, detail in built.rejected] + failed,
                    built.random,
                    built.miner_outputs,
                )
            if error.tx_index is None or error.tx_index == 0:
                raise error
            # tx_index counts the MinerTransaction: map it back to the candidates.
            culprit = positions.pop(built.included[error.tx_index - 1])
            failed.append((culprit, error.rule, error.detail))
