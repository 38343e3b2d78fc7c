"""Identity certificates (python/antshares/identity): CA → request → issue → verify, every way a
chain can fail (expired, invalid, missing), and the status of a transaction's signers and of an
asset's owner, looked up in a certificate store."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ObjectIdentifier

from antshares.core import CoinReference, Transaction, TxOutput, TxType, UInt256, Witness
from antshares.core.address import multisig_script, single_sig_script, tagged_key
from antshares.crypto import Curve, public_key_from_secret, sign
from antshares.identity import (
    CertificateAuthority,
    CertificateStore,
    CertStatus,
    IdentityError,
    build_request,
    certificate_pem,
    create_intermediate_ca,
    create_root_ca,
    issue_certificate,
    key_script_hash,
    load_certificate,
    load_private_key,
    load_roots,
    private_key_from_secret,
    private_key_pem,
    request_key,
    request_pem,
    script_key_of,
    subject_name,
    verify_chain,
)

NOW = datetime.now(UTC)
ALICE_SECRET = bytes(range(1, 33))
BOB_SECRET = bytes(range(33, 65))
ASSET = UInt256(b"\x42" * 32)
PRIVATE_EXTENSION = x509.UnrecognizedExtension(ObjectIdentifier("1.3.6.1.4.1.99999.1"), b"\x05\x00")


def key_of(secret: bytes, curve: Curve = Curve.SECP256R1) -> bytes:
    return tagged_key(public_key_from_secret(secret, curve), curve)


@pytest.fixture(scope="module")
def root() -> CertificateAuthority:
    return create_root_ca(subject_name("Test Root CA", country="CN"))


@pytest.fixture(scope="module")
def issuing(root: CertificateAuthority) -> CertificateAuthority:
    return create_intermediate_ca(root, subject_name("Test Issuing CA", organization="Test"))


def certify(
    ca: CertificateAuthority, secret: bytes, name: str = "Alice", **validity: datetime
) -> x509.Certificate:
    return issue_certificate(ca, build_request(secret, subject_name(name)), **validity)


def custom_cert(
    subject: str,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    signer: ec.EllipticCurvePrivateKey,
    *,
    ca: bool | None = False,
    usage: x509.KeyUsage | None = None,
    extra: x509.ExtensionType | None = None,
    not_before: datetime = NOW - timedelta(days=1),
    not_after: datetime = NOW + timedelta(days=30),
) -> x509.Certificate:
    """A certificate built by hand, for the shapes a correct CA would never issue."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject_name(subject))
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca, None), critical=True)
    if usage is not None:
        builder = builder.add_extension(usage, critical=True)
    if extra is not None:
        builder = builder.add_extension(extra, critical=True)
    return builder.sign(signer, hashes.SHA256())


def usage(**flags: bool) -> x509.KeyUsage:
    names = [
        "digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
        "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only",
    ]  # fmt: skip
    return x509.KeyUsage(**{n: flags.get(n, False) for n in names})


# --- keys and requests ---------------------------------------------------------------------------


@pytest.mark.parametrize("curve", [Curve.SECP256R1, Curve.SECP256K1])
def test_cryptography_key_is_the_chain_key(curve: Curve) -> None:
    private = private_key_from_secret(ALICE_SECRET, curve)
    assert script_key_of(private.public_key()) == key_of(ALICE_SECRET, curve)


@pytest.mark.parametrize("curve", [Curve.SECP256R1, Curve.SECP256K1])
def test_request_names_and_is_signed_by_the_account_key(curve: Curve) -> None:
    request = build_request(ALICE_SECRET, subject_name("Alice", email="alice@example.cn"), curve)
    assert request.is_signature_valid
    assert request_key(request) == key_of(ALICE_SECRET, curve)
    alt = request.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert alt.get_values_for_type(x509.RFC822Name) == ["alice@example.cn"]


def test_sm2_and_bad_secrets_are_clear_errors() -> None:
    with pytest.raises(IdentityError, match="sm2"):
        build_request(ALICE_SECRET, subject_name("Alice"), Curve.SM2)
    with pytest.raises(IdentityError, match="32 bytes"):
        private_key_from_secret(b"\x01" * 31)
    with pytest.raises(IdentityError, match="not a valid"):
        private_key_from_secret(b"\x00" * 32)
    with pytest.raises(IdentityError, match="country"):
        subject_name("Alice", country="China")
    with pytest.raises(IdentityError, match="empty"):
        subject_name("  ")


def test_tampered_request_is_refused(root: CertificateAuthority) -> None:
    der = build_request(ALICE_SECRET, subject_name("Alice")).public_bytes(
        serialization.Encoding.DER
    )
    forged = x509.load_der_x509_csr(der.replace(b"Alice", b"Mallo"))
    with pytest.raises(IdentityError, match="tampered"):
        request_key(forged)
    with pytest.raises(IdentityError, match="tampered"):
        issue_certificate(root, forged)


# --- the CA and a Good chain ---------------------------------------------------------------------


def test_issued_certificate_binds_the_key_and_name(issuing: CertificateAuthority) -> None:
    certificate = certify(issuing, ALICE_SECRET)
    assert script_key_of(certificate.public_key()) == key_of(ALICE_SECRET)
    assert certificate.subject == subject_name("Alice")
    assert certificate.issuer == issuing.certificate.subject
    constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert not constraints.ca
    key_usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert key_usage.digital_signature and key_usage.content_commitment


def test_good_through_an_intermediate(
    root: CertificateAuthority, issuing: CertificateAuthority
) -> None:
    leaf = certify(issuing, ALICE_SECRET)
    report = verify_chain(leaf, [issuing.certificate], [root.certificate])
    assert report.status is CertStatus.GOOD, report.reason
    assert report.ok and report.key == key_of(ALICE_SECRET)
    assert report.chain == (leaf, issuing.certificate, root.certificate)
    assert report.subject == "CN=Alice"
    assert report.to_json()["chain"] == [
        "CN=Alice",
        "CN=Test Issuing CA,O=Test",
        "CN=Test Root CA,C=CN",
    ]


def test_good_from_the_root_and_for_secp256k1(root: CertificateAuthority) -> None:
    request = build_request(BOB_SECRET, subject_name("Bob"), Curve.SECP256K1)
    leaf = issue_certificate(root, request)
    report = verify_chain(leaf, [], [root.certificate], key=key_of(BOB_SECRET, Curve.SECP256K1))
    assert report.status is CertStatus.GOOD, report.reason


def test_ca_key_must_match_its_certificate(root: CertificateAuthority) -> None:
    with pytest.raises(IdentityError, match="does not belong"):
        CertificateAuthority(root.certificate, ec.generate_private_key(ec.SECP256R1()))
    leaf = certify(root, ALICE_SECRET)
    with pytest.raises(IdentityError, match="not a CA"):
        CertificateAuthority(leaf, private_key_from_secret(ALICE_SECRET))


# --- Expired ------------------------------------------------------------------------------------


def test_expired_leaf(root: CertificateAuthority, issuing: CertificateAuthority) -> None:
    leaf = certify(
        issuing,
        ALICE_SECRET,
        not_before=NOW - timedelta(days=400),
        not_after=NOW - timedelta(days=35),
    )
    report = verify_chain(leaf, [issuing.certificate], [root.certificate])
    assert report.status is CertStatus.EXPIRED
    assert "CN=Alice: expired" in report.reason


def test_expired_intermediate_expires_its_leaves(root: CertificateAuthority) -> None:
    old = create_intermediate_ca(
        root,
        subject_name("Old Issuing CA"),
        not_before=NOW - timedelta(days=800),
        not_after=NOW - timedelta(days=1),
    )
    leaf = certify(
        old, ALICE_SECRET, not_before=NOW - timedelta(days=700), not_after=NOW + timedelta(days=30)
    )
    report = verify_chain(leaf, [old.certificate], [root.certificate])
    assert report.status is CertStatus.EXPIRED
    assert "Old Issuing CA" in report.reason


def test_validity_is_judged_at_the_time_asked(
    root: CertificateAuthority, issuing: CertificateAuthority
) -> None:
    leaf = certify(issuing, ALICE_SECRET)
    later = verify_chain(
        leaf, [issuing.certificate], [root.certificate], at=NOW + timedelta(days=400)
    )
    assert later.status is CertStatus.EXPIRED
    earlier = verify_chain(
        leaf, [issuing.certificate], [root.certificate], at=NOW - timedelta(days=1)
    )
    assert earlier.status is CertStatus.INVALID and "not valid before" in earlier.reason


# --- Invalid ------------------------------------------------------------------------------------


def test_wrong_issuer_signature(root: CertificateAuthority) -> None:
    # An impostor CA with the same name as the root: its certificates name the root as issuer.
    impostor = create_root_ca(root.certificate.subject)
    leaf = certify(impostor, ALICE_SECRET)
    report = verify_chain(leaf, [], [root.certificate])
    assert report.status is CertStatus.INVALID
    assert "does not verify" in report.reason


def test_tampered_certificate(root: CertificateAuthority, issuing: CertificateAuthority) -> None:
    der = certify(issuing, ALICE_SECRET).public_bytes(serialization.Encoding.DER)
    tampered = x509.load_der_x509_certificate(der.replace(b"Alice", b"Mallo"))
    report = verify_chain(tampered, [issuing.certificate], [root.certificate])
    assert report.status is CertStatus.INVALID
    assert "tampered or forged" in report.reason


def test_tampered_root_is_caught(root: CertificateAuthority) -> None:
    der = root.certificate.public_bytes(serialization.Encoding.DER)
    serial = root.certificate.serial_number.to_bytes(20, "big").lstrip(b"\x00")
    assert der.count(serial) == 1
    edited = x509.load_der_x509_certificate(
        der.replace(serial, bytes([serial[0] ^ 1]) + serial[1:])
    )
    leaf = certify(root, ALICE_SECRET)
    report = verify_chain(leaf, [], [edited])
    assert report.status is CertStatus.INVALID
    assert "the root's self-signature does not verify" in report.reason


def test_non_ca_intermediate(root: CertificateAuthority) -> None:
    # Alice's ordinary certificate used as if it were a CA to certify Bob.
    alice = certify(root, ALICE_SECRET)
    bob = custom_cert(
        "Bob",
        alice.subject,
        private_key_from_secret(BOB_SECRET).public_key(),
        private_key_from_secret(ALICE_SECRET),
    )
    report = verify_chain(bob, [alice], [root.certificate])
    assert report.status is CertStatus.INVALID
    assert "CN=Alice: issues certificates but is not a CA" in report.reason


def test_intermediate_without_cert_sign_usage(root: CertificateAuthority) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    middle = custom_cert(
        "Middle", root.certificate.subject, key.public_key(), root.private_key, ca=True,
        usage=usage(digital_signature=True),
    )  # fmt: skip
    leaf = custom_cert(
        "Alice", middle.subject, private_key_from_secret(ALICE_SECRET).public_key(), key
    )
    report = verify_chain(leaf, [middle], [root.certificate])
    assert report.status is CertStatus.INVALID and "key usage" in report.reason


def test_path_length_is_enforced() -> None:
    strict_root = create_root_ca(subject_name("Strict Root"), path_length=0)
    middle = create_intermediate_ca(strict_root, subject_name("Middle"))
    leaf = certify(middle, ALICE_SECRET)
    report = verify_chain(leaf, [middle.certificate], [strict_root.certificate])
    assert report.status is CertStatus.INVALID and "path length 0" in report.reason


def test_untrusted_root(root: CertificateAuthority) -> None:
    other = create_root_ca(subject_name("Other Root"))
    leaf = certify(other, ALICE_SECRET)
    report = verify_chain(leaf, [other.certificate], [root.certificate])
    assert report.status is CertStatus.INVALID
    assert "CN=Other Root: a root that is not among the configured roots" in report.reason
    unknown = verify_chain(leaf, [], [root.certificate])
    assert "neither a configured root nor a known intermediate" in unknown.reason
    assert verify_chain(leaf, [], []).status is CertStatus.INVALID


def test_leaf_shapes_that_are_invalid(root: CertificateAuthority) -> None:
    alice = private_key_from_secret(ALICE_SECRET).public_key()
    issuer = root.certificate.subject
    cases = {
        "cannot certify an account key": custom_cert("A", issuer, alice, root.private_key, ca=True),
        "digital signatures": custom_cert(
            "A", issuer, alice, root.private_key, usage=usage(key_encipherment=True)
        ),
        "unsupported critical extension": custom_cert(
            "A", issuer, alice, root.private_key, extra=PRIVATE_EXTENSION
        ),
    }
    for expected, certificate in cases.items():
        report = verify_chain(certificate, [], [root.certificate])
        assert report.status is CertStatus.INVALID, expected
        assert expected in report.reason


def test_certificate_for_another_key(root: CertificateAuthority) -> None:
    leaf = certify(root, ALICE_SECRET)
    report = verify_chain(leaf, [], [root.certificate], key=key_of(BOB_SECRET))
    assert (
        report.status is CertStatus.INVALID and "not " + key_of(BOB_SECRET).hex() in report.reason
    )


def test_invalid_outranks_expired(root: CertificateAuthority) -> None:
    impostor = create_root_ca(root.certificate.subject)
    leaf = certify(
        impostor,
        ALICE_SECRET,
        not_before=NOW - timedelta(days=9),
        not_after=NOW - timedelta(days=1),
    )
    assert verify_chain(leaf, [], [root.certificate]).status is CertStatus.INVALID


# --- the store: Missing, best of several, transaction signers, asset owners ---------------------


def test_missing_key(root: CertificateAuthority) -> None:
    store = CertificateStore([certify(root, ALICE_SECRET)])
    report = store.status(key_of(BOB_SECRET), [root.certificate])
    assert report.status is CertStatus.MISSING and report.chain == ()
    by_hash = store.status_of_script_hash(key_script_hash(key_of(BOB_SECRET)), [root.certificate])
    assert by_hash.status is CertStatus.MISSING


def test_store_finds_key_and_address(
    root: CertificateAuthority, issuing: CertificateAuthority
) -> None:
    store = CertificateStore([certify(issuing, ALICE_SECRET), issuing.certificate])
    alice = key_of(ALICE_SECRET)
    assert store.status(alice, [root.certificate]).status is CertStatus.GOOD
    assert store.key_for_script_hash(key_script_hash(alice)) == alice
    assert store.status_of_script_hash(key_script_hash(alice), [root.certificate]).ok
    # The store's CA certificates are intermediates, never roots: trust comes from outside.
    assert store.status(alice, [create_root_ca(subject_name("X")).certificate]).status is (
        CertStatus.INVALID
    )


def test_best_certificate_speaks_for_a_key(root: CertificateAuthority) -> None:
    expired = certify(
        root, ALICE_SECRET, not_before=NOW - timedelta(days=9), not_after=NOW - timedelta(days=1)
    )
    store = CertificateStore([expired])
    assert store.status(key_of(ALICE_SECRET), [root.certificate]).status is CertStatus.EXPIRED
    store.add(certify(root, ALICE_SECRET))
    assert store.status(key_of(ALICE_SECRET), [root.certificate]).status is CertStatus.GOOD


def test_store_directory(
    tmp_path: Path, root: CertificateAuthority, issuing: CertificateAuthority
) -> None:
    certs = tmp_path / "certs"
    certs.mkdir()
    # A bundle (leaf + its intermediate), a corrupt file, and a file that is not a certificate.
    (certs / "alice.pem").write_bytes(
        certificate_pem(certify(issuing, ALICE_SECRET), issuing.certificate)
    )
    (certs / "broken.pem").write_bytes(
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    )
    (certs / "notes.txt").write_text("ignored")
    store = CertificateStore.load(certs)
    assert len(store.problems) == 1 and "broken.pem: corrupt PEM" in store.problems[0]
    assert store.status(key_of(ALICE_SECRET), [root.certificate]).ok
    saved = store.save(certify(root, BOB_SECRET, "Bob"))
    assert saved.parent == certs and saved.name.startswith(key_of(BOB_SECRET).hex())
    assert CertificateStore.load(certs).status(key_of(BOB_SECRET), [root.certificate]).ok
    with pytest.raises(IdentityError, match="no such certificate directory"):
        CertificateStore.load(tmp_path / "absent")
    with pytest.raises(IdentityError, match="not a directory"):
        CertificateStore.load(certs / "alice.pem")


def test_roots_and_pem_errors(tmp_path: Path, root: CertificateAuthority) -> None:
    (tmp_path / "root.pem").write_bytes(certificate_pem(root.certificate))
    assert load_roots([tmp_path / "root.pem"]) == [root.certificate]
    assert load_roots([tmp_path]) == [root.certificate]
    (tmp_path / "junk.pem").write_text("not a certificate")
    with pytest.raises(IdentityError, match=r"junk\.pem: no PEM certificate"):
        load_roots([tmp_path])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(IdentityError, match="no root certificates"):
        load_roots([empty])
    with pytest.raises(IdentityError, match="no such certificate file"):
        load_certificate(tmp_path / "absent.pem")
    (tmp_path / "two.pem").write_bytes(certificate_pem(root.certificate, root.certificate))
    with pytest.raises(IdentityError, match="expected one certificate, found 2"):
        load_certificate(tmp_path / "two.pem")


def test_private_key_files(tmp_path: Path, root: CertificateAuthority) -> None:
    locked, plain = tmp_path / "locked.key", tmp_path / "plain.key"
    locked.write_bytes(private_key_pem(root.private_key, b"secret"))
    plain.write_bytes(private_key_pem(root.private_key, None))
    assert (
        load_private_key(locked, b"secret").private_numbers() == root.private_key.private_numbers()
    )
    with pytest.raises(IdentityError, match="needs a password"):
        load_private_key(locked, None)
    with pytest.raises(IdentityError, match="wrong password"):
        load_private_key(locked, b"guess")
    with pytest.raises(IdentityError, match="is not encrypted"):
        load_private_key(plain, b"secret")
    (tmp_path / "junk.key").write_text(
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    )
    with pytest.raises(IdentityError, match="corrupt"):
        load_private_key(tmp_path / "junk.key", None)
    request = tmp_path / "req.pem"
    request.write_bytes(request_pem(build_request(ALICE_SECRET, subject_name("Alice"))))
    with pytest.raises(IdentityError, match="is a directory"):
        load_private_key(tmp_path, None)


def test_status_of_transaction_signers(root: CertificateAuthority) -> None:
    carol_secret = bytes(range(65, 97))
    alice, bob, carol = key_of(ALICE_SECRET), key_of(BOB_SECRET), key_of(carol_secret)
    single = single_sig_script(alice)
    multisig = multisig_script(2, [bob, carol])
    unsigned = Transaction(
        TxType.CONTRACT, 0, {}, [],
        [CoinReference(UInt256(b"\x11" * 32), 0), CoinReference(UInt256(b"\x22" * 32), 1)],
        [TxOutput(ASSET, 5 * 10**8, key_script_hash(bob))], [],
    )  # fmt: skip
    message = unsigned.unsigned_bytes()
    witnesses = sorted(
        [
            Witness(b"\x40" + sign(ALICE_SECRET, message), single),
            Witness(
                b"\x40" + sign(BOB_SECRET, message) + b"\x40" + sign(carol_secret, message),
                multisig,
            ),
        ],
        key=lambda w: w.script_hash,
    )
    tx = Transaction(TxType.CONTRACT, 0, {}, [], unsigned.inputs, unsigned.outputs, witnesses)
    expired = certify(
        root,
        BOB_SECRET,
        "Bob",
        not_before=NOW - timedelta(days=9),
        not_after=NOW - timedelta(days=1),
    )
    store = CertificateStore([certify(root, ALICE_SECRET), expired])
    found = {
        s.key: s
        for s in store.signer_statuses(Transaction.from_bytes(tx.to_bytes()), [root.certificate])
    }
    assert {k: s.report.status for k, s in found.items()} == {
        alice: CertStatus.GOOD,
        bob: CertStatus.EXPIRED,
        carol: CertStatus.MISSING,
    }
    assert found[bob].script_hash == found[carol].script_hash != found[alice].script_hash
    assert found[alice].to_json()["status"] == "Good"


def test_status_of_an_asset_owner(root: CertificateAuthority) -> None:
    def register(owner: bytes) -> Transaction:
        exclusive = {
            "asset_type": 0x90, "name": "Company Shares", "amount": 10**6 * 10**8,
            "precision": 0, "owner": owner, "admin": key_script_hash(key_of(BOB_SECRET)),
        }  # fmt: skip
        return Transaction(TxType.REGISTER, 0, exclusive, [], [], [], [])

    store = CertificateStore([certify(root, ALICE_SECRET, "Alice Co., Ltd.")])
    report = store.owner_status(register(key_of(ALICE_SECRET)), [root.certificate])
    assert report.ok and report.subject == "CN=Alice Co.\\, Ltd."
    assert store.owner_status(register(key_of(BOB_SECRET)), [root.certificate]).status is (
        CertStatus.MISSING
    )
    contract = Transaction(TxType.CONTRACT, 0, {}, [], [], [], [])
    with pytest.raises(IdentityError, match="not a Register"):
        store.owner_status(contract, [root.certificate])
