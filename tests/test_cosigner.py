"""The compliance co-signer for Share assets (python/antshares/identity/cosigner.py): each policy's
refusal by name, the approval path ending in a signature that completes a three-party transfer,
and the annual cap accumulating across transfers in its atomically written log."""

import json
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from cryptography import x509

from antshares.core import CoinReference, Transaction, TxOutput, TxType, UInt160, UInt256, Witness
from antshares.core.address import multisig_script, script_hash, single_sig_script
from antshares.crypto import public_key_from_secret, sign, verify
from antshares.identity import (
    DEFAULT_ANNUAL_CAP,
    CertificateAuthority,
    CertificateStore,
    ComplianceCosigner,
    IdentityError,
    Policy,
    Refusal,
    SharePolicy,
    TransferLog,
    build_request,
    create_root_ca,
    issue_certificate,
    key_script_hash,
    subject_name,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SHARE = UInt256(b"\x90" * 32)
CURRENCY = UInt256(b"\x08" * 32)
UNIT = 10**8  # one share (precision 0) in raw Fixed8


def secret(n: int) -> bytes:
    return bytes([n]) * 32


ADMIN, SELLER, BUYER, STRANGER, PARTNER = (secret(n) for n in (1, 2, 3, 4, 5))


def key(s: bytes) -> bytes:
    return public_key_from_secret(s)


def account(s: bytes) -> UInt160:
    return key_script_hash(key(s))


@pytest.fixture(scope="module")
def ca() -> CertificateAuthority:
    return create_root_ca(
        subject_name("Licensed CA", country="CN"), not_before=NOW - timedelta(days=30)
    )


def certify(ca: CertificateAuthority, s: bytes, **validity: datetime) -> x509.Certificate:
    validity.setdefault("not_before", NOW - timedelta(days=1))
    validity.setdefault("not_after", NOW + timedelta(days=800))
    return issue_certificate(ca, build_request(s, subject_name(f"holder {s[0]}")), **validity)


@pytest.fixture
def store(ca: CertificateAuthority) -> CertificateStore:
    # The seller and the buyer are certified; the stranger is not.
    return CertificateStore([certify(ca, SELLER), certify(ca, BUYER)])


def make_cosigner(
    tmp_path: Path,
    ca: CertificateAuthority,
    store: CertificateStore,
    holders: frozenset[UInt160] | None = None,
    annual_cap: Fraction | None = DEFAULT_ANNUAL_CAP,
) -> ComplianceCosigner:
    rules = SharePolicy(SHARE, (ca.certificate,), holders, annual_cap)
    return ComplianceCosigner(rules, store, tmp_path / "share-log.json", ADMIN)


class Lot:
    """A seller's Share output and what a transfer of part of it looks like."""

    def __init__(self, owner: bytes, shares: int, index: int = 0) -> None:
        self.ref = CoinReference(UInt256(bytes([0x10 + index]) * 32), 0)
        self.output = TxOutput(SHARE, shares * UNIT, account(owner))

    def spent(self) -> dict[CoinReference, TxOutput]:
        return {self.ref: self.output}


def transfer(
    lot: Lot, sold: int, to: UInt160, extra_outputs: list[TxOutput] | None = None
) -> Transaction:
    """Sell `sold` shares of `lot` to `to`, the change back to the seller (like the workload)."""
    outputs = [TxOutput(SHARE, sold * UNIT, to), *(extra_outputs or [])]
    change = lot.output.value - sold * UNIT
    if change:
        outputs.append(TxOutput(SHARE, change, lot.output.script_hash))
    return Transaction(TxType.CONTRACT, 0, {}, [], [lot.ref], outputs, [])


def holdings(shares: int, who: bytes = SELLER) -> dict[UInt160, int]:
    return {account(who): shares * UNIT}


def refusal(excinfo: pytest.ExceptionInfo[Refusal]) -> Policy:
    return excinfo.value.policy


# --- approval ------------------------------------------------------------------------------------


def test_approved_transfer_completes_the_three_party_signature(
    tmp_path: Path, ca: CertificateAuthority, store: CertificateStore
) -> None:
    cosigner = make_cosigner(tmp_path, ca, store, holders=frozenset({account(BUYER)}))
    lot = Lot(SELLER, 100)
    tx = transfer(lot, 25, account(BUYER))
    approval = cosigner.review(tx, lot.spent(), holdings(100), at=NOW)
    assert approval.transfer.sold == {account(SELLER): 25 * UNIT}
    assert approval.transfer.received == {account(BUYER): 25 * UNIT}
    assert approval.allowed == {account(SELLER): 25 * UNIT}

    signature = cosigner.cosign(tx, lot.spent(), holdings(100), at=NOW)
    message = tx.unsigned_bytes()
    assert verify(key(ADMIN), message, signature)
    assert cosigner.admin_key == key(ADMIN)
    # Seller, buyer and company each sign; witnesses sorted by script hash (SPEC §4).
    witnesses = sorted(
        (
            Witness(b"\x40" + sig, single_sig_script(k))
            for k, sig in (
                (key(SELLER), sign(SELLER, message)),
                (key(BUYER), sign(BUYER, message)),
                (cosigner.admin_key, signature),
            )
        ),
        key=lambda w: w.script_hash,
    )
    signed = Transaction(tx.type, 0, {}, [], tx.inputs, tx.outputs, witnesses)
    assert signed.hash == tx.hash
    assert all(verify(w.verification[1:34], message, w.invocation[1:]) for w in signed.witnesses)
    log = json.loads((tmp_path / "share-log.json").read_text())
    assert log["asset_id"] == str(SHARE)
    assert log["transfers"] == [
        {
            "txid": str(tx.hash),
            "seller": str(account(SELLER)),
            "amount": 25 * UNIT,
            "time": NOW.isoformat(),
        }
    ]


def test_review_counts_nothing(
    tmp_path: Path, ca: CertificateAuthority, store: CertificateStore
) -> None:
    cosigner = make_cosigner(tmp_path, ca, store)
    lot = Lot(SELLER, 100)
    for _ in range(3):
        cosigner.review(transfer(lot, 25, account(BUYER)), lot.spent(), holdings(100), at=NOW)
    assert not (tmp_path / "share-log.json").exists()


def test_payment_in_a_currency_is_not_a_share_receipt(
    tmp_path: Path, ca: CertificateAuthority, store: CertificateStore
) -> None:
    # The buyer pays in a Currency atomically; the seller receives money, not shares.
    cosigner = make_cosigner(tmp_path, ca, store, holders=frozenset({account(BUYER)}))
    lot = Lot(SELLER, 100)
    payment_ref = CoinReference(UInt256(b"\x77" * 32), 3)
    payment = TxOutput(CURRENCY, 500 * UNIT, account(BUYER))
    outputs = [TxOutput(CURRENCY, 500 * UNIT, account(SELLER))]
    tx = transfer(lot, 10, account(BUYER), outputs)
    tx = Transaction(tx.type, 0, {}, [], [lot.ref, payment_ref], tx.outputs, [])
    spent = {**lot.spent(), payment_ref: payment}
    approval = cosigner.review(tx, spent, holdings(100), at=NOW)
    assert approval.transfer.received == {account(BUYER): 10 * UNIT}


# --- each refusal, by its policy name ------------------------------------------------------------


def test_certificate_policy(
    tmp_path: Path, ca: CertificateAuthority, store: CertificateStore
) -> None:
    cosigner = make_cosigner(tmp_path, ca, store)
    lot = Lot(SELLER, 100)
    with pytest.raises(Refusal) as missing:
        cosigner.cosign(transfer(lot, 5, account(STRANGER)), lot.spent(), holdings(100), at=NOW)
    assert refusal(missing) is Policy.CERTIFICATE
    assert missing.value.account == account(STRANGER)
    assert str(missing.value).startswith("certificate: receiver A")

    store.add(
        certify(
            ca, STRANGER, not_after=NOW - timedelta(hours=1), not_before=NOW - timedelta(days=9)
        )
    )
    with pytest.raises(Refusal, match="Expired") as expired:
        cosigner.review(transfer(lot, 5, account(STRANGER)), lot.spent(), holdings(100), at=NOW)
    assert refusal(expired) is Policy.CERTIFICATE

    other_ca = create_root_ca(subject_name("Unaccepted CA"), not_before=NOW - timedelta(days=30))
    store.add(certify(other_ca, PARTNER))
    with pytest.raises(Refusal, match="Invalid") as foreign:
        cosigner.review(transfer(lot, 5, account(PARTNER)), lot.spent(), holdings(100), at=NOW)
    assert refusal(foreign) is Policy.CERTIFICATE
    assert not (tmp_path / "share-log.json").exists()  # refusals count nothing


def test_every_key_of_a_multisig_receiver_must_be_certified(
    tmp_path: Path, ca: CertificateAuthority, store: CertificateStore
) -> None:
    cosigner = make_cosigner(tmp_path, ca, store)
    lot = Lot(SELLER, 100)
    joint = multisig_script(2, [key(BUYER), key(STRANGER)])
    tx = transfer(lot, 5, script_hash(joint))
    with pytest.raises(Refusal) as no_script:  # the hash alone names no keys
        cosigner.review(tx, lot.spent(), holdings(100), at=NOW)
    assert refusal(no_script) is Policy.CERTIFICATE and "no script" in no_script.value.reason
    with pytest.raises(Refusal) as stranger:
        cosigner.review(tx, lot.spent(), holdings(100), scripts=[joint], at=NOW)
    assert refusal(stranger) is Policy.CERTIFICATE and key(STRANGER).hex() in stranger.value.reason
    store.add(certify(ca, STRANGER))
    cosigner.review(tx, lot.spent(), holdings(100), scripts=[joint], at=NOW)


def test_holder_list_policy(
    tmp_path: Path, ca: CertificateAuthority, store: CertificateStore
) -> None:
    store.add(certify(ca, PARTNER))
    cosigner = make_cosigner(tmp_path, ca, store, holders=frozenset({account(BUYER)}))
    lot = Lot(SELLER, 100)
    with pytest.raises(Refusal) as excinfo:
        cosigner.cosign(transfer(lot, 5, account(PARTNER)), lot.spent(), holdings(100), at=NOW)
    assert refusal(excinfo) is Policy.HOLDER_LIST
    assert "not on the holder list" in excinfo.value.reason
    # Certification is checked first: an uncertified outsider fails on its certificate.
    with pytest.raises(Refusal) as first:
        cosigner.review(transfer(lot, 5, account(STRANGER)), lot.spent(), holdings(100), at=NOW)
    assert refusal(first) is Policy.CERTIFICATE


def test_annual_cap_policy(
    tmp_path: Path, ca: CertificateAuthority, store: CertificateStore
) -> None:
    cosigner = make_cosigner(tmp_path, ca, store)
    lot = Lot(SELLER, 100)
    with pytest.raises(Refusal) as excinfo:
        cosigner.cosign(transfer(lot, 26, account(BUYER)), lot.spent(), holdings(100), at=NOW)
    assert refusal(excinfo) is Policy.ANNUAL_CAP
    assert excinfo.value.account == account(SELLER)
    assert f"at most {25 * UNIT}" in excinfo.value.reason
    with pytest.raises(Refusal) as unknown:
        cosigner.review(transfer(lot, 1, account(BUYER)), lot.spent(), {}, at=NOW)
    assert refusal(unknown) is Policy.ANNUAL_CAP and "holding unknown" in unknown.value.reason
    uncapped = make_cosigner(tmp_path, ca, store, annual_cap=None)
    uncapped.cosign(transfer(lot, 100, account(BUYER)), lot.spent(), holdings(100), at=NOW)


def test_annual_cap_accumulates_across_transfers(
    tmp_path: Path, ca: CertificateAuthority, store: CertificateStore
) -> None:
    cosigner = make_cosigner(tmp_path, ca, store)
    held = 100
    for i, (sold, when) in enumerate(((10, NOW), (10, NOW + timedelta(days=40)))):
        lot = Lot(SELLER, held, index=i)
        cosigner.cosign(transfer(lot, sold, account(BUYER)), lot.spent(), holdings(held), at=when)
        held -= sold
    # 20 of the 100 held at the start are used: 5 more is the limit, 6 is refused.
    lot = Lot(SELLER, held, index=2)
    at = NOW + timedelta(days=90)
    with pytest.raises(Refusal) as excinfo:
        cosigner.cosign(transfer(lot, 6, account(BUYER)), lot.spent(), holdings(held), at=at)
    assert (
        refusal(excinfo) is Policy.ANNUAL_CAP
        and f"{20 * UNIT} already used" in excinfo.value.reason
    )
    five = transfer(lot, 5, account(BUYER))
    approval = cosigner.review(five, lot.spent(), holdings(held), at=at)
    assert approval.used == {account(SELLER): 25 * UNIT}
    first = cosigner.cosign(five, lot.spent(), holdings(held), at=at)
    # Signing the same transaction again counts it once.
    assert cosigner.cosign(five, lot.spent(), holdings(held), at=at) is not None
    assert sum(r.amount for r in TransferLog.load(cosigner.log_path, SHARE).records) == 25 * UNIT
    assert verify(key(ADMIN), five.unsigned_bytes(), first)
    held -= 5
    one_more = Lot(SELLER, held, index=3)
    with pytest.raises(Refusal):
        cosigner.cosign(
            transfer(one_more, 1, account(BUYER)), one_more.spent(), holdings(held), at=at
        )
    # A co-signed transfer that never confirms can be released, freeing its allowance.
    assert cosigner.release(five.hash, at=at)
    assert not cosigner.release(five.hash, at=at)
    cosigner.review(
        transfer(one_more, 5, account(BUYER)), one_more.spent(), holdings(held + 5), at=at
    )
    # A year after the first transfer only the second one counts (rolling window): 10 used of
    # 25 % of 85 (the 75 held plus the 10 given away within the window).
    later = NOW + timedelta(days=366)
    approval = cosigner.review(
        transfer(one_more, 11, account(BUYER)), one_more.spent(), holdings(held), at=later
    )
    assert approval.used == {account(SELLER): 21 * UNIT}
    assert approval.allowed == {account(SELLER): 85 * UNIT // 4}
    with pytest.raises(Refusal):
        cosigner.review(
            transfer(one_more, 12, account(BUYER)), one_more.spent(), holdings(held), at=later
        )


def test_the_cap_is_per_seller(
    tmp_path: Path, ca: CertificateAuthority, store: CertificateStore
) -> None:
    cosigner = make_cosigner(tmp_path, ca, store, annual_cap=Fraction(1, 2))
    first, second = Lot(SELLER, 10, index=0), Lot(BUYER, 10, index=1)
    cosigner.cosign(transfer(first, 5, account(BUYER)), first.spent(), holdings(10), at=NOW)
    cosigner.cosign(
        transfer(second, 5, account(SELLER)), second.spent(), holdings(10, BUYER), at=NOW
    )
    with pytest.raises(Refusal):
        cosigner.review(transfer(first, 1, account(BUYER)), first.spent(), holdings(5), at=NOW)


def test_transfer_policy(tmp_path: Path, ca: CertificateAuthority, store: CertificateStore) -> None:
    cosigner = make_cosigner(tmp_path, ca, store)
    lot = Lot(SELLER, 100)
    tx = transfer(lot, 5, account(BUYER))
    cases: list[tuple[Transaction, dict[CoinReference, TxOutput], dict[UInt160, int], str]] = [
        (tx, {}, holdings(100), "not resolved"),
        (tx, lot.spent(), holdings(50), "less than the inputs spend"),
        (
            Transaction(TxType.ISSUE, 0, {}, [], [], [TxOutput(SHARE, UNIT, account(BUYER))], []),
            {},
            holdings(100),
            "type 0x01",
        ),
        (
            Transaction(
                TxType.CONTRACT,
                0,
                {},
                [],
                [lot.ref],
                [TxOutput(CURRENCY, UNIT, account(BUYER))],
                [],
            ),
            {lot.ref: TxOutput(CURRENCY, UNIT, account(SELLER))},
            holdings(100),
            "does not move asset",
        ),
        (
            Transaction(
                TxType.CONTRACT,
                0,
                {},
                [],
                [lot.ref],
                [TxOutput(SHARE, 200 * UNIT, account(BUYER))],
                [],
            ),
            lot.spent(),
            holdings(100),
            "do not equal its inputs",
        ),
    ]
    for bad, spent, held, reason in cases:
        with pytest.raises(Refusal) as excinfo:
            cosigner.cosign(bad, spent, held, at=NOW)
        assert refusal(excinfo) is Policy.TRANSFER, reason
        assert reason in excinfo.value.reason
    assert not cosigner.log_path.exists()


def test_log_file_errors(tmp_path: Path, ca: CertificateAuthority, store: CertificateStore) -> None:
    cosigner = make_cosigner(tmp_path, ca, store)
    lot = Lot(SELLER, 100)
    tx = transfer(lot, 5, account(BUYER))
    cosigner.log_path.write_text("{not json")
    with pytest.raises(IdentityError, match="corrupt co-signer log"):
        cosigner.cosign(tx, lot.spent(), holdings(100), at=NOW)
    assert cosigner.log_path.read_text() == "{not json"  # left as it was
    other = TransferLog(cosigner.log_path, CURRENCY, [])
    other.save(keep_since=NOW)
    with pytest.raises(IdentityError, match="not " + str(SHARE)):
        cosigner.cosign(tx, lot.spent(), holdings(100), at=NOW)
    cosigner.log_path.unlink()
    cosigner.cosign(tx, lot.spent(), holdings(100), at=NOW)
    assert not list(tmp_path.glob(".share-log.json.*.tmp"))  # the atomic write left no temp file


def test_policy_is_validated(ca: CertificateAuthority) -> None:
    with pytest.raises(ValueError, match="accepted CA"):
        SharePolicy(SHARE, ())
    with pytest.raises(ValueError, match="fraction"):
        SharePolicy(SHARE, (ca.certificate,), annual_cap=Fraction(5, 4))
