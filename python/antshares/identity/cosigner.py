"""The company's compliance co-signer for a Share asset (whitepaper §1.6, §1.3.3; SPEC §4).

Every transaction that moves a Share needs the asset Admin's signature besides the seller's and
the buyer's. The company signs only after checking, in this order (the first failure is the
refusal's `policy`):

    transfer     a Contract transaction that moves this asset, every input resolved
    certificate  every receiver's keys hold a Good certificate from an accepted CA
    holder_list  every receiver is on the holder list, when one is configured
    annual_cap   each seller's transfers within the window stay ≤ cap × their holding

A receiver is an account whose holding grows; all its keys must be certified (a multisig's
co-owners are holders too). Its keys come from its verification script (a witness of the
transaction, or passed in) or, for a single-key account, from the certificate store.

    cosigner = ComplianceCosigner(policy, store, Path("share-log.json"), admin_secret)
    signature = cosigner.cosign(tx, spent_outputs, holdings)   # or raises Refusal
    # the admin's witness: Witness(b"\\x40" + signature, admin_script), sorted with the others

Approval and counting happen under an exclusive lock on `<log>.lock`, so two co-signer processes
sharing a log cannot both spend the same allowance.
"""

import fcntl
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from antshares.core import CoinReference, Transaction, TxOutput, UInt160, UInt256
from antshares.core.address import address_from_script_hash, script_keys, tagged_key
from antshares.crypto import Curve, public_key_from_secret, sign

from .errors import IdentityError
from .policy import Policy, Refusal, SharePolicy
from .status import CertStatus
from .store import CertificateStore
from .transfer import ShareTransfer, share_transfer
from .transfer_log import TransferLog

__all__ = ["Approval", "ComplianceCosigner"]


@dataclass(frozen=True, slots=True)
class Approval:
    """A transfer that passed every policy: what each seller has used of their allowance."""

    transfer: ShareTransfer
    used: dict[UInt160, int]  # per seller: transferred in the window, this transfer included
    allowed: dict[UInt160, int]  # per seller: the most the cap lets them transfer in the window


def _address(account: UInt160) -> str:
    return address_from_script_hash(account)


def _now(at: datetime | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


class ComplianceCosigner:
    """Reviews Share transfers against a `SharePolicy`; co-signs with the admin key if they pass."""

    def __init__(
        self,
        policy: SharePolicy,
        store: CertificateStore,
        log_path: Path,
        admin_secret: bytes,
        curve: Curve = Curve.SECP256R1,
    ) -> None:
        self.policy = policy
        self.store = store
        self.log_path = Path(log_path)
        self._secret = admin_secret
        self._curve = curve
        # The admin's key as scripts carry it (ValueError for a secret that is no key).
        self.admin_key = tagged_key(public_key_from_secret(admin_secret, curve), curve)

    # --- the checks ----------------------------------------------------------------------------

    def _receiver_keys(self, transfer: ShareTransfer, receiver: UInt160) -> list[bytes]:
        script = transfer.scripts.get(receiver)
        if script is not None:
            keys = script_keys(script)
            if not keys:
                raise Refusal(
                    Policy.CERTIFICATE,
                    f"receiver {_address(receiver)}: a non-standard script has no keys to certify",
                    receiver,
                )
            return keys
        key = self.store.key_for_script_hash(receiver)
        if key is None:
            raise Refusal(
                Policy.CERTIFICATE,
                f"receiver {_address(receiver)}: no certificate (and no script naming its keys)",
                receiver,
            )
        return [key]

    def _check_certificates(self, transfer: ShareTransfer, at: datetime) -> None:
        for receiver in transfer.received:
            for key in self._receiver_keys(transfer, receiver):
                report = self.store.status(key, self.policy.roots, at=at)
                if report.status is not CertStatus.GOOD:
                    raise Refusal(
                        Policy.CERTIFICATE,
                        f"receiver {_address(receiver)} key {key.hex()}: {report.status.value}"
                        f" ({report.reason})",
                        receiver,
                    )

    def _check_holders(self, transfer: ShareTransfer) -> None:
        holders = self.policy.holders
        if holders is None:
            return
        for receiver in transfer.received:
            if receiver not in holders:
                raise Refusal(
                    Policy.HOLDER_LIST,
                    f"receiver {_address(receiver)} is not on the holder list",
                    receiver,
                )

    def _check_cap(
        self,
        transfer: ShareTransfer,
        holdings: Mapping[UInt160, int],
        log: TransferLog,
        at: datetime,
    ) -> tuple[dict[UInt160, int], dict[UInt160, int]]:
        cap = self.policy.annual_cap
        since = at - self.policy.window
        used: dict[UInt160, int] = {}
        allowed: dict[UInt160, int] = {}
        for seller, amount in transfer.sold.items():
            held = holdings.get(seller)
            if held is None:
                raise Refusal(
                    Policy.ANNUAL_CAP,
                    f"seller {_address(seller)}: holding unknown, the cap cannot be checked",
                    seller,
                )
            if held < transfer.spent.get(seller, 0):
                raise Refusal(
                    Policy.TRANSFER,
                    f"seller {_address(seller)}: holding {held} is less than the inputs spend",
                    seller,
                )
            before = log.total(seller, since, exclude=transfer.txid)
            used[seller] = before + amount
            if cap is None:
                continue
            # The holding the cap applies to: what they hold now plus what they already gave
            # away this window, so selling in small steps cannot shrink the base.
            base = held + before
            allowed[seller] = base * cap.numerator // cap.denominator
            if used[seller] * cap.denominator > base * cap.numerator:
                raise Refusal(
                    Policy.ANNUAL_CAP,
                    f"seller {_address(seller)}: {used[seller]} transferred within"
                    f" {self.policy.window.days} days would exceed {cap} of {base}"
                    f" (at most {allowed[seller]}; {before} already used)",
                    seller,
                )
        return used, allowed

    def _review(
        self,
        transfer: ShareTransfer,
        holdings: Mapping[UInt160, int],
        log: TransferLog,
        at: datetime,
    ) -> Approval:
        self._check_certificates(transfer, at)
        self._check_holders(transfer)
        used, allowed = self._check_cap(transfer, holdings, log, at)
        return Approval(transfer, used, allowed)

    # --- the public face ---------------------------------------------------------------------

    def transfer_of(
        self,
        tx: Transaction,
        spent_outputs: Mapping[CoinReference, TxOutput],
        scripts: Iterable[bytes] = (),
    ) -> ShareTransfer:
        """The transfer `tx` makes of this policy's asset (Refusal(TRANSFER) if none)."""
        return share_transfer(tx, self.policy.asset_id, spent_outputs, scripts)

    def review(
        self,
        tx: Transaction,
        spent_outputs: Mapping[CoinReference, TxOutput],
        holdings: Mapping[UInt160, int],
        *,
        scripts: Iterable[bytes] = (),
        at: datetime | None = None,
    ) -> Approval:
        """Check every policy without signing or counting anything; raises Refusal.

        `spent_outputs`: the output each input of `tx` spends; `holdings`: each seller's holding
        of the asset before this transfer (raw Fixed8); `scripts`: receivers' verification
        scripts not in the witnesses; `at`: the time to judge at (default now).
        """
        when = _now(at)
        transfer = self.transfer_of(tx, spent_outputs, scripts)
        return self._review(
            transfer, holdings, TransferLog.load(self.log_path, transfer.asset_id), when
        )

    def cosign(
        self,
        tx: Transaction,
        spent_outputs: Mapping[CoinReference, TxOutput],
        holdings: Mapping[UInt160, int],
        *,
        scripts: Iterable[bytes] = (),
        at: datetime | None = None,
    ) -> bytes:
        """The admin's 64-byte signature over the unsigned bytes of `tx`, after `review` passes
        and the transfer is counted in the log (written before the signature is returned)."""
        when = _now(at)
        transfer = self.transfer_of(tx, spent_outputs, scripts)
        with self._locked():
            log = TransferLog.load(self.log_path, transfer.asset_id)
            self._review(transfer, holdings, log, when)
            log.record(transfer.txid, transfer.sold, when)
            log.save(keep_since=when - self.policy.window)
        return sign(self._secret, tx.unsigned_bytes(), self._curve)

    def release(self, txid: UInt256, *, at: datetime | None = None) -> bool:
        """Stop counting a co-signed transaction that will never confirm; True if it counted."""
        with self._locked():
            log = TransferLog.load(self.log_path, self.policy.asset_id)
            released = log.release(txid)
            if released:
                log.save(keep_since=_now(at) - self.policy.window)
        return released

    @contextmanager
    def _locked(self) -> Iterator[None]:
        lock_path = self.log_path.with_name(self.log_path.name + ".lock")
        try:
            handle = open(lock_path, "a")  # noqa: SIM115 - held for the block below
        except OSError as exc:
            raise IdentityError(f"{lock_path}: cannot open the log's lock ({exc})") from None
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield
