//! MinerTransaction version 1: the beacon evidence of SPEC §7.7 on the wire — round trips, every
//! cap, bad point prefixes, truncations, and the version rules.
mod common;

use antshares_core::limits::{MAX_BEACON_COMMITMENTS, MAX_BEACON_DEALINGS, MAX_BEACON_SECRETS};
use antshares_core::*;
use common::Rng;

fn point(rng: &mut Rng) -> [u8; 33] {
    let mut p = [0u8; 33];
    p[0] = 2 + (rng.next() & 1) as u8;
    for b in &mut p[1..] {
        *b = rng.next() as u8;
    }
    p
}

fn beacon(rng: &mut Rng, dealings: usize, commitments: usize, secrets: usize) -> BeaconData {
    BeaconData {
        dealings: (0..dealings)
            .map(|i| Dealing {
                dealer: i as u16,
                commitments: (0..commitments).map(|_| point(rng)).collect(),
            })
            .collect(),
        secrets: (0..secrets)
            .map(|i| {
                let mut secret = [0u8; 32];
                for b in &mut secret {
                    *b = rng.next() as u8;
                }
                RevealedSecret {
                    dealer: (i * 3) as u16,
                    secret,
                }
            })
            .collect(),
    }
}

fn miner(version: u8, beacon: Option<BeaconData>) -> Transaction {
    Transaction {
        version,
        exclusive: Exclusive::Miner {
            nonce: 0x2a7a_1fd1,
            beacon,
        },
        attributes: vec![],
        inputs: vec![],
        outputs: vec![],
        witnesses: vec![],
    }
}

/// The wire bytes of a version-1 Miner with this exclusive data after the nonce, and empty
/// attributes/inputs/outputs/witnesses.
fn miner_v1_bytes(beacon_wire: &[u8]) -> Vec<u8> {
    let mut b = vec![0x00, 0x01, 0xd1, 0x1f, 0x7a, 0x2a];
    b.extend_from_slice(beacon_wire);
    b.extend_from_slice(&[0, 0, 0, 0]);
    b
}

fn var_int(v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    io::write_var_int(&mut out, v);
    out
}

#[test]
fn version_1_round_trips() {
    let mut rng = Rng(7);
    for (d, c, s) in [(0, 1, 0), (1, 1, 1), (4, 2, 3), (7, 3, 7), (300, 101, 2)] {
        let tx = miner(1, Some(beacon(&mut rng, d, c, s)));
        assert_eq!(tx.validate(), Ok(()));
        let bytes = tx.to_bytes();
        let back = decode_transaction(&bytes).unwrap();
        assert_eq!(back, tx);
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(back.hash(), tx.hash());
    }
}

#[test]
fn version_1_wire_layout() {
    let p = [0x03; 33];
    let tx = miner(
        1,
        Some(BeaconData {
            dealings: vec![Dealing {
                dealer: 0x0102,
                commitments: vec![p],
            }],
            secrets: vec![RevealedSecret {
                dealer: 0x0304,
                secret: [0xab; 32],
            }],
        }),
    );
    let mut want = vec![0x01, 0x02, 0x01, 0x01];
    want.extend_from_slice(&p);
    want.extend_from_slice(&[0x01, 0x04, 0x03]);
    want.extend_from_slice(&[0xab; 32]);
    assert_eq!(tx.to_bytes(), miner_v1_bytes(&want));
}

#[test]
fn version_0_stays_nonce_only() {
    let tx = miner(0, None);
    assert_eq!(
        tx.to_bytes(),
        vec![0, 0, 0xd1, 0x1f, 0x7a, 0x2a, 0, 0, 0, 0]
    );
    assert_eq!(decode_transaction(&tx.to_bytes()).unwrap(), tx);
}

#[test]
fn beacon_presence_must_match_the_version() {
    assert!(miner(0, Some(BeaconData::default()))
        .validate()
        .unwrap_err()
        .contains("beacon data must be given iff version >= 1"));
    assert!(miner(1, None)
        .validate()
        .unwrap_err()
        .contains("beacon data must be given iff version >= 1"));
    assert!(miner(2, Some(BeaconData::default()))
        .validate()
        .unwrap_err()
        .contains("version 2 is not supported"));
    let mut v2 = miner(1, Some(BeaconData::default())).to_bytes();
    v2[1] = 2;
    let e = decode_transaction(&v2).unwrap_err();
    assert_eq!(e.field, "version");
}

/// A decode error at `field` whose reason contains `reason`.
fn rejects(wire: &[u8], field: &str, reason: &str) {
    let e = decode_transaction(&miner_v1_bytes(wire)).unwrap_err();
    assert_eq!(e.field, field, "{e}");
    assert!(e.reason.contains(reason), "{e}");
}

#[test]
fn dealing_count_cap() {
    // One over the cap, with enough bytes behind it that only the cap can refuse it.
    let mut wire = var_int(MAX_BEACON_DEALINGS as u64 + 1);
    wire.extend(vec![0x02; 40 * (MAX_BEACON_DEALINGS + 1)]);
    rejects(&wire, "dealings", "exceeds the maximum 1024");
    // At the cap it decodes.
    let mut rng = Rng(1);
    let tx = miner(1, Some(beacon(&mut rng, MAX_BEACON_DEALINGS, 1, 0)));
    assert_eq!(decode_transaction(&tx.to_bytes()).unwrap(), tx);
}

#[test]
fn commitment_count_caps() {
    let mut wire = vec![0x01, 0x00, 0x00];
    wire.extend(var_int(MAX_BEACON_COMMITMENTS as u64 + 1));
    wire.extend(vec![0x02; 33 * (MAX_BEACON_COMMITMENTS + 1) + 1]);
    rejects(&wire, "dealings[0].commitments", "exceeds the maximum 342");

    let mut wire = vec![0x01, 0x05, 0x00, 0x00];
    wire.extend_from_slice(&[0x02; 40]);
    rejects(&wire, "dealings[0].commitments", "at least one commitment");

    let mut rng = Rng(2);
    let tx = miner(1, Some(beacon(&mut rng, 1, MAX_BEACON_COMMITMENTS, 1)));
    assert_eq!(decode_transaction(&tx.to_bytes()).unwrap(), tx);
}

#[test]
fn secret_count_cap() {
    let mut wire = vec![0x00];
    wire.extend(var_int(MAX_BEACON_SECRETS as u64 + 1));
    wire.extend(vec![0x11; 34 * (MAX_BEACON_SECRETS + 1)]);
    rejects(&wire, "secrets", "exceeds the maximum 1024");
    let mut rng = Rng(3);
    let tx = miner(1, Some(beacon(&mut rng, 0, 1, MAX_BEACON_SECRETS)));
    assert_eq!(decode_transaction(&tx.to_bytes()).unwrap(), tx);
}

#[test]
fn counts_larger_than_the_bytes_left_are_refused_before_allocating() {
    rejects(&var_int(1000), "dealings", "needs at least 36000 bytes");
    let mut wire = vec![0x00];
    wire.extend(var_int(1000));
    rejects(&wire, "secrets", "needs at least 34000 bytes");
}

#[test]
fn bad_point_prefixes_are_rejected() {
    let mut rng = Rng(4);
    let good = miner(1, Some(beacon(&mut rng, 2, 3, 0)));
    let bytes = good.to_bytes();
    // Commitment k of dealing d starts at 6 + 1 + d·(2+1+99) + 2 + 1 + 33k.
    for (d, k) in [(0usize, 0usize), (0, 2), (1, 1)] {
        let at = 6 + 1 + d * 102 + 3 + 33 * k;
        assert!(matches!(bytes[at], 0x02 | 0x03));
        for prefix in [0x00, 0x01, 0x04, 0x06, 0x07, 0xff] {
            let mut m = bytes.clone();
            m[at] = prefix;
            let e = decode_transaction(&m).unwrap_err();
            assert_eq!(e.field, format!("dealings[{d}].commitments[{k}]"));
            assert_eq!(e.offset, at);
            assert!(e.reason.contains("0x02 or 0x03"), "{e}");
        }
    }
}

#[test]
fn non_minimal_counts_are_rejected() {
    rejects(&[0xfd, 0x00, 0x00, 0x00], "dealings", "non-minimal");
}

#[test]
fn every_truncation_fails() {
    let mut rng = Rng(5);
    let bytes = miner(1, Some(beacon(&mut rng, 3, 2, 2))).to_bytes();
    for cut in 0..bytes.len() {
        assert!(decode_transaction(&bytes[..cut]).is_err(), "cut {cut}");
    }
    let mut extra = bytes.clone();
    extra.push(0);
    assert!(decode_transaction(&extra).is_err());
}

#[test]
fn random_mutations_never_panic_and_re_encode() {
    let mut rng = Rng(6);
    let base = miner(1, Some(beacon(&mut rng, 3, 2, 3))).to_bytes();
    let mut accepted = 0;
    for _ in 0..5000 {
        let mut m = base.clone();
        for _ in 0..1 + rng.below(3) {
            let i = rng.below(m.len());
            m[i] = [rng.next() as u8, 0x00, 0x01, 0xfd, 0xff, 0x04][rng.below(6)];
        }
        if let Ok(tx) = decode_transaction(&m) {
            assert_eq!(tx.to_bytes(), m);
            accepted += 1;
        }
    }
    assert!(accepted > 0);
}

#[test]
fn miner_in_a_block_round_trips() {
    let mut rng = Rng(8);
    let tx = miner(1, Some(beacon(&mut rng, 4, 2, 4)));
    let header = Header {
        version: 0,
        prev_hash: UInt256([1; 32]),
        merkle_root: merkle_root(&[tx.hash()]),
        timestamp: 1,
        index: 2,
        consensus_data: 3,
        next_consensus: UInt160([4; 20]),
        witness: Witness::default(),
    };
    let block = Block {
        header,
        transactions: vec![tx],
    };
    let bytes = block.to_bytes();
    assert_eq!(decode_block(&bytes).unwrap(), block);
}

#[test]
fn validate_names_each_structural_fault() {
    let mut rng = Rng(9);
    let fault = |b: BeaconData| miner(1, Some(b)).validate().unwrap_err();
    let mut b = beacon(&mut rng, 2, 2, 0);
    b.dealings[1].commitments.clear();
    assert!(fault(b).contains("dealings[1]: a dealing needs at least one commitment"));
    let b = beacon(&mut rng, 1, MAX_BEACON_COMMITMENTS + 1, 0);
    assert!(fault(b).contains("343 commitments exceed the maximum 342"));
    let mut b = beacon(&mut rng, 2, 3, 0);
    b.dealings[1].commitments[2][0] = 0x04;
    assert!(fault(b).contains("dealings[1].commitments[2]: commitment point prefix"));
    let b = beacon(&mut rng, MAX_BEACON_DEALINGS + 1, 1, 0);
    assert!(fault(b).contains("1025 dealings exceed the maximum 1024"));
    let b = beacon(&mut rng, 0, 1, MAX_BEACON_SECRETS + 1);
    assert!(fault(b).contains("1025 secrets exceed the maximum 1024"));
}
