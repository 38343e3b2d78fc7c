//! Project Wycheproof ECDSA P1363 vectors (P-256 and secp256k1, SHA-256): every "valid" case
//! verifies, every "invalid" case is rejected, "acceptable" cases are counted. Nothing skipped.
use antshares_crypto::{sha256, verify, verify_batch, verify_prehashed, Curve, VerifyItem};
use wycheproof::ecdsa::{TestName, TestSet};
use wycheproof::TestResult;

fn compress(uncompressed: &[u8]) -> Vec<u8> {
    assert_eq!(uncompressed.len(), 65, "wycheproof key is uncompressed");
    assert_eq!(uncompressed[0], 4);
    let mut k = Vec::with_capacity(33);
    k.push(2 | (uncompressed[64] & 1));
    k.extend_from_slice(&uncompressed[1..33]);
    k
}

fn run(name: TestName, curve: Curve) {
    let set = TestSet::load(name).expect("load wycheproof set");
    let (mut valid, mut invalid, mut acceptable, mut acceptable_ok) = (0, 0, 0, 0);
    let mut owned = Vec::new();
    for group in &set.test_groups {
        let key = compress(&group.key.key);
        for t in &group.tests {
            let ok = verify(curve, &key, &t.msg, &t.sig);
            let digest = sha256(&t.msg);
            assert_eq!(
                ok,
                verify_prehashed(curve, &key, &digest, &t.sig),
                "tc {} prehashed differs",
                t.tc_id
            );
            match t.result {
                TestResult::Valid => {
                    assert!(ok, "tc {} ({}) valid but rejected", t.tc_id, t.comment);
                    valid += 1;
                }
                TestResult::Invalid => {
                    assert!(!ok, "tc {} ({}) invalid but accepted", t.tc_id, t.comment);
                    invalid += 1;
                }
                TestResult::Acceptable => {
                    acceptable += 1;
                    acceptable_ok += ok as usize;
                }
            }
            owned.push((key.clone(), t.msg.to_vec(), t.sig.to_vec(), ok));
        }
    }
    // The batch path gives the same answers as the single path.
    let items: Vec<VerifyItem<'_>> = owned
        .iter()
        .map(|(k, m, s, _)| VerifyItem::new(curve, k, m, s))
        .collect();
    let batch = verify_batch(&items);
    for (i, (_, _, _, ok)) in owned.iter().enumerate() {
        assert_eq!(batch[i], *ok, "batch differs at {i}");
    }
    println!(
        "{name:?}: {} tests: {valid} valid verified, {invalid} invalid rejected, \
         {acceptable} acceptable ({acceptable_ok} accepted)",
        owned.len()
    );
    assert_eq!(valid + invalid + acceptable, set.number_of_tests);
    assert!(valid > 0 && invalid > 0);
}

#[test]
fn wycheproof_p256_sha256_p1363() {
    run(TestName::EcdsaSecp256r1Sha256P1363, Curve::Secp256r1);
}

#[test]
fn wycheproof_secp256k1_sha256_p1363() {
    run(TestName::EcdsaSecp256k1Sha256P1363, Curve::Secp256k1);
}
