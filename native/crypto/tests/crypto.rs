//! Round trips, high-S acceptance, tampering, batch = single, key ordering, SM2 known answer,
//! garbage inputs.
use std::cmp::Ordering;

use antshares_crypto::{
    compare_keys, decompress_key, key_cache_stats, public_key_from_secret, sha256, sign, sort_keys,
    split_key, try_compare_keys, validate_key, verify, verify_batch, verify_prehashed, Curve,
    Error, VerifyItem,
};

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Curve orders n (big-endian).
fn order(curve: Curve) -> [u8; 32] {
    let h = match curve {
        Curve::Secp256r1 => "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
        Curve::Secp256k1 => "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        Curve::Sm2 => "fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123",
    };
    unhex(h).try_into().unwrap()
}

/// a - b for 256-bit big-endian numbers (a >= b).
fn sub(a: &[u8; 32], b: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = a[i] as i16 - b[i] as i16 - borrow;
        borrow = 0;
        if d < 0 {
            d += 256;
            borrow = 1;
        }
        out[i] = d as u8;
    }
    assert_eq!(borrow, 0);
    out
}

fn is_high(curve: Curve, s: &[u8]) -> bool {
    // s > n/2  <=>  s > n - s
    let n = order(curve);
    s > &sub(&n, s)[..]
}

fn secret(i: u8) -> [u8; 32] {
    let mut s = sha256(&[b's', i]);
    s[0] &= 0x7f; // below every order
    s
}

#[test]
fn sign_verify_round_trip_all_curves() {
    for curve in Curve::ALL {
        for i in 0..20u8 {
            let sk = secret(i);
            let pk = public_key_from_secret(curve, &sk).unwrap();
            assert!(pk[0] == 2 || pk[0] == 3);
            let msg = vec![i; i as usize * 7];
            let sig = sign(curve, &sk, &msg).unwrap();
            assert!(verify(curve, &pk, &msg, &sig), "{curve} {i}");
            if curve != Curve::Sm2 {
                assert!(
                    !is_high(curve, &sig[32..]),
                    "{curve} signing must give low-S"
                );
                assert!(verify_prehashed(curve, &pk, &sha256(&msg), &sig));
            } else {
                // SM2 has no SHA-256 prehash form.
                assert!(!verify_prehashed(curve, &pk, &sha256(&msg), &sig));
            }
            // Deterministic signing.
            assert_eq!(sig, sign(curve, &sk, &msg).unwrap());
            // Wrong curve for the same bytes.
            for other in Curve::ALL {
                if other != curve {
                    assert!(!verify(other, &pk, &msg, &sig));
                }
            }
        }
    }
}

#[test]
fn high_s_accepted_for_ecdsa_curves() {
    for curve in [Curve::Secp256r1, Curve::Secp256k1] {
        for i in 0..10u8 {
            let sk = secret(100 + i);
            let pk = public_key_from_secret(curve, &sk).unwrap();
            let msg = format!("high-s {i}").into_bytes();
            let sig = sign(curve, &sk, &msg).unwrap();
            let mut high = sig;
            high[32..].copy_from_slice(&sub(&order(curve), &sig[32..]));
            assert!(is_high(curve, &high[32..]));
            assert!(
                verify(curve, &pk, &msg, &high),
                "{curve}: high-S must verify"
            );
            assert!(verify_prehashed(curve, &pk, &sha256(&msg), &high));
            let items = [VerifyItem::new(curve, &pk, &msg, &high)];
            assert_eq!(verify_batch(&items), vec![true]);
        }
    }
}

#[test]
fn out_of_range_scalars_rejected() {
    for curve in Curve::ALL {
        let sk = secret(7);
        let pk = public_key_from_secret(curve, &sk).unwrap();
        let msg = b"range";
        let sig = sign(curve, &sk, msg).unwrap();
        let n = order(curve);
        let zero = [0u8; 32];
        let mut n_plus_r = [0u8; 32];
        // r + n overflows 256 bits only if r > 2^256 - n: use n itself and all-ones instead.
        n_plus_r.copy_from_slice(&[0xff; 32]);
        for bad in [zero, n, n_plus_r] {
            let mut s1 = sig;
            s1[..32].copy_from_slice(&bad);
            assert!(!verify(curve, &pk, msg, &s1), "{curve} bad r");
            let mut s2 = sig;
            s2[32..].copy_from_slice(&bad);
            assert!(!verify(curve, &pk, msg, &s2), "{curve} bad s");
        }
        assert!(!verify(curve, &pk, msg, &[0u8; 64]));
    }
}

#[test]
fn bit_flips_fail() {
    for curve in Curve::ALL {
        let sk = secret(42);
        let pk = public_key_from_secret(curve, &sk).unwrap();
        let msg = b"AntShares bit flip test message".to_vec();
        let sig = sign(curve, &sk, &msg).unwrap();
        assert!(verify(curve, &pk, &msg, &sig));
        for bit in 0..msg.len() * 8 {
            let mut m = msg.clone();
            m[bit / 8] ^= 1 << (bit % 8);
            assert!(!verify(curve, &pk, &m, &sig), "{curve} msg bit {bit}");
        }
        for bit in 0..512 {
            let mut s = sig;
            s[bit / 8] ^= 1 << (bit % 8);
            assert!(!verify(curve, &pk, &msg, &s), "{curve} sig bit {bit}");
        }
        for bit in 0..264 {
            let mut k = pk;
            k[bit / 8] ^= 1 << (bit % 8);
            assert!(!verify(curve, &k, &msg, &sig), "{curve} key bit {bit}");
        }
        // Truncated / extended signature.
        assert!(!verify(curve, &pk, &msg, &sig[..63]));
        let mut long = sig.to_vec();
        long.push(0);
        assert!(!verify(curve, &pk, &msg, &long));
    }
}

#[test]
fn garbage_never_panics() {
    let long = vec![0xabu8; 1000];
    let inputs: [&[u8]; 8] = [
        &[],
        &[2],
        &[4; 33],
        &[2; 32],
        &[2; 34],
        &[3; 65],
        &long,
        &[0; 33],
    ];
    for curve in Curve::ALL {
        for k in inputs {
            for s in inputs {
                assert!(!verify(curve, k, b"m", s));
                assert!(!verify_prehashed(curve, k, &[0; 32], s));
            }
            let _ = validate_key(curve, k);
            let _ = decompress_key(curve, k);
            let _ = compare_keys(k, &[2; 33]);
            let _ = try_compare_keys(k, k);
            let _ = split_key(k);
        }
        assert_eq!(
            public_key_from_secret(curve, &[0; 32]),
            Err(Error::InvalidSecret)
        );
        assert_eq!(
            public_key_from_secret(curve, &[0xff; 32]),
            Err(Error::InvalidSecret)
        );
        assert_eq!(
            public_key_from_secret(curve, &[1; 31]),
            Err(Error::InvalidSecret)
        );
        assert_eq!(sign(curve, &[0; 32], b"x"), Err(Error::InvalidSecret));
        assert_eq!(sign(curve, &order(curve), b"x"), Err(Error::InvalidSecret));
        let mut n_minus_1 = order(curve);
        n_minus_1[31] -= 1;
        if curve == Curve::Sm2 {
            // GB/T 32918: d in [1, n-2].
            assert_eq!(
                public_key_from_secret(curve, &n_minus_1),
                Err(Error::InvalidSecret)
            );
            assert_eq!(sign(curve, &n_minus_1, b"x"), Err(Error::InvalidSecret));
            n_minus_1[31] -= 1;
        }
        let pk = public_key_from_secret(curve, &n_minus_1).unwrap();
        assert!(verify(
            curve,
            &pk,
            b"x",
            &sign(curve, &n_minus_1, b"x").unwrap()
        ));
        // A 33-byte key whose X is not on the curve: x = 5 is not on P-256 / secp256k1 / SM2?
        // Search for an invalid X by trying small values.
        let mut found = false;
        for x in 1u8..50 {
            let mut k = [0u8; 33];
            k[0] = 2;
            k[32] = x;
            if validate_key(curve, &k).is_err() {
                assert_eq!(validate_key(curve, &k), Err(Error::InvalidPoint));
                found = true;
                break;
            }
        }
        assert!(found);
    }
    assert_eq!(
        validate_key(Curve::Secp256r1, &[4; 33]),
        Err(Error::InvalidKeyPrefix(4))
    );
    assert_eq!(
        validate_key(Curve::Secp256r1, &[2; 34]),
        Err(Error::InvalidKeyLength(34))
    );
    assert_eq!("sm3".parse::<Curve>(), Err(Error::UnknownCurve));
    assert_eq!("SM2".parse::<Curve>(), Ok(Curve::Sm2));
    assert_eq!(Curve::default(), Curve::Secp256r1);
}

#[test]
fn batch_equals_single_on_mixed_items() {
    type Owned = (Curve, Vec<u8>, Vec<u8>, Vec<u8>);
    let mut owned: Vec<Owned> = Vec::new();
    for i in 0..300u32 {
        let curve = Curve::ALL[(i % 3) as usize];
        let sk = secret((i % 17) as u8);
        let pk = public_key_from_secret(curve, &sk).unwrap().to_vec();
        let msg = format!("batch item {i}").into_bytes();
        let mut sig = sign(curve, &sk, &msg).unwrap().to_vec();
        let mut key = pk.clone();
        let mut m = msg.clone();
        match i % 11 {
            1 => sig[5] ^= 1,
            2 => m.push(0),
            3 => key[10] ^= 0x40,
            4 => sig.truncate(63),
            5 => key = vec![9; 33],
            6 => key.truncate(20),
            7 => sig = vec![0; 64],
            _ => {}
        }
        owned.push((curve, key, m, sig));
    }
    let items: Vec<VerifyItem<'_>> = owned
        .iter()
        .map(|(c, k, m, s)| VerifyItem::new(*c, k, m, s))
        .collect();
    let single: Vec<bool> = owned
        .iter()
        .map(|(c, k, m, s)| verify(*c, k, m, s))
        .collect();
    assert_eq!(verify_batch(&items), single);
    assert!(single.iter().filter(|&&b| b).count() > 100);
    assert!(single.iter().filter(|&&b| !b).count() > 50);
    // Same batch with caller-supplied SHA-256 digests (SM2 ignores them and hashes the message).
    let digests: Vec<[u8; 32]> = owned.iter().map(|(_, _, m, _)| sha256(m)).collect();
    let items2: Vec<VerifyItem<'_>> = owned
        .iter()
        .zip(&digests)
        .map(|((c, k, m, s), d)| VerifyItem::with_sha256(*c, k, m, d, s))
        .collect();
    assert_eq!(verify_batch(&items2), single);
    // Digest-only items for the ECDSA curves.
    let items3: Vec<VerifyItem<'_>> = owned
        .iter()
        .zip(&digests)
        .filter(|((c, ..), _)| *c != Curve::Sm2)
        .map(|((c, k, _, s), d)| VerifyItem::with_sha256(*c, k, &[], d, s))
        .collect();
    let single3: Vec<bool> = owned
        .iter()
        .zip(&single)
        .filter(|((c, ..), _)| *c != Curve::Sm2)
        .map(|(_, ok)| *ok)
        .collect();
    assert_eq!(verify_batch(&items3), single3);
    assert!(verify_batch(&[]).is_empty());
    let st = key_cache_stats();
    assert!(st.hits > 0 && st.size > 0);
}

fn vector_pubkeys() -> (Vec<Vec<u8>>, Vec<u8>) {
    // Vector "genesis MainNet: NextConsensus (5-of-7 ...)" of shared/vectors/vectors.json, read
    // from the file when it is there (fresh clone: shared/ beside the repository).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for p in [
        dir.join("../../../shared/vectors/vectors.json"),
        dir.join("../../shared/vectors/vectors.json"),
    ] {
        if let Ok(text) = std::fs::read_to_string(&p) {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            let e = v
                .as_array()
                .unwrap()
                .iter()
                .find(|e| {
                    e["what"]
                        .as_str()
                        .unwrap_or("")
                        .starts_with("genesis MainNet: NextConsensus")
                })
                .expect("vector present");
            let keys = e["input"]["pubkeys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| unhex(k.as_str().unwrap()))
                .collect();
            return (keys, unhex(e["expected"]["script"].as_str().unwrap()));
        }
    }
    let keys = [
        "03b209fd4f53a7170ea4444e0cb0a6bb6a53c2bd016926989cf85f9b0fba17a70c",
        "02df48f60e8f3e01c48ff40b9b7f1310d7a8b2a193188befe1c2e3df740e895093",
        "03b8d9d5771d8f513aa0869b9cc8d50986403b78c6da36890638c3d46a5adce04a",
        "02ca0e27697b9c248f6f16e085fd0061e26f44da85b58ee835c110caa5ec3ba554",
        "024c7b7fb6c310fccf1ba33b082519d82964ea93868d676662d4a59ad548df0e7d",
        "02aaec38470f6aad0042c6e877cfd8087d2676b0f516fddd362801b9bd3936399e",
        "02486fd15702c4490a26703112a5cc1d0923fd697a33406bd5a1c00e0013b09a70",
    ];
    let script = "552102486fd15702c4490a26703112a5cc1d0923fd697a33406bd5a1c00e0013b09a7021024c7b7fb6c310fccf1ba33b082519d82964ea93868d676662d4a59ad548df0e7d2102aaec38470f6aad0042c6e877cfd8087d2676b0f516fddd362801b9bd3936399e2103b209fd4f53a7170ea4444e0cb0a6bb6a53c2bd016926989cf85f9b0fba17a70c2103b8d9d5771d8f513aa0869b9cc8d50986403b78c6da36890638c3d46a5adce04a2102ca0e27697b9c248f6f16e085fd0061e26f44da85b58ee835c110caa5ec3ba5542102df48f60e8f3e01c48ff40b9b7f1310d7a8b2a193188befe1c2e3df740e89509357ae";
    (keys.iter().map(|k| unhex(k)).collect(), unhex(script))
}

#[test]
fn genesis_next_consensus_key_order() {
    let (mut keys, script) = vector_pubkeys();
    assert_eq!(keys.len(), 7);
    sort_keys(&mut keys).unwrap();
    // Expected script: 55 (PUSH5) then 7 × (21 <key>) then 57 (PUSH7) ae (CHECKMULTISIG).
    let mut expected_keys = Vec::new();
    let mut p = 1;
    while script[p] == 0x21 {
        expected_keys.push(script[p + 1..p + 34].to_vec());
        p += 34;
    }
    assert_eq!(keys, expected_keys);
    // 03b209… sorts before 02ca0e…: the prefix is not part of the ordering.
    let b209 = unhex("03b209fd4f53a7170ea4444e0cb0a6bb6a53c2bd016926989cf85f9b0fba17a70c");
    let ca0e = unhex("02ca0e27697b9c248f6f16e085fd0061e26f44da85b58ee835c110caa5ec3ba554");
    assert_eq!(compare_keys(&b209, &ca0e), Ordering::Less);
    assert_eq!(try_compare_keys(&ca0e, &b209), Ok(Ordering::Greater));
}

#[test]
fn equal_x_ordered_by_y_then_tag() {
    for curve in Curve::ALL {
        let pk = public_key_from_secret(curve, &secret(3)).unwrap();
        let mut other = pk;
        other[0] ^= 1; // the negated point: same X, Y' = p - Y
        let y = decompress_key(curve, &pk).unwrap();
        let y2 = decompress_key(curve, &other).unwrap();
        assert_eq!(y[..33][1..], y2[..33][1..]);
        let expect = y[33..].cmp(&y2[33..]);
        let (a, b) = match curve.tag() {
            None => (pk.to_vec(), other.to_vec()),
            Some(t) => ([&[t][..], &pk].concat(), [&[t][..], &other].concat()),
        };
        assert_eq!(compare_keys(&a, &b), expect, "{curve}");
        assert_eq!(compare_keys(&b, &a), expect.reverse());
        assert_eq!(compare_keys(&a, &a), Ordering::Equal);
        // The even Y is the smaller one exactly when it is below p/2: check against the prefix
        // parity consistency (Y parity matches prefix).
        assert_eq!(y[64] & 1, pk[0] & 1);
    }
    // Same point bytes, different curves: ordered by tag (untagged P-256 = 0).
    let pk = public_key_from_secret(Curve::Secp256k1, &secret(9)).unwrap();
    let k1 = [&[1u8][..], &pk].concat();
    let sm2 = [&[2u8][..], &pk].concat();
    if validate_key(Curve::Sm2, &pk).is_ok() {
        assert_eq!(compare_keys(&k1, &sm2), Ordering::Less);
    }
    assert_eq!(split_key(&k1).unwrap().0, Curve::Secp256k1);
    assert_eq!(split_key(&sm2).unwrap().0, Curve::Sm2);
    assert_eq!(split_key(&[3u8; 34]), Err(Error::InvalidKeyTag(3)));
    let mut bad = vec![pk.to_vec(), vec![1, 2, 3]];
    assert!(sort_keys(&mut bad).is_err());
}

/// GM/T 0003.5-2012 (= GB/T 32918.5-2017) Annex A signature example on the recommended curve,
/// user id 1234567812345678, message "message digest".
#[test]
fn sm2_standard_vector() {
    let sk = unhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8");
    let x = unhex("09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020");
    let y = unhex("CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13");
    let sig = unhex(
        "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3\
         B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA",
    );
    let mut pk = vec![2 | (y[31] & 1)];
    pk.extend_from_slice(&x);
    assert_eq!(
        public_key_from_secret(Curve::Sm2, &sk).unwrap().to_vec(),
        pk
    );
    assert_eq!(decompress_key(Curve::Sm2, &pk).unwrap()[33..], y[..]);
    assert!(verify(Curve::Sm2, &pk, b"message digest", &sig));
    assert!(!verify(Curve::Sm2, &pk, b"message digesT", &sig));
    assert!(!verify(Curve::Secp256r1, &pk, b"message digest", &sig));
    // Our own (deterministic-nonce) signature of the same message also verifies.
    let own = sign(Curve::Sm2, &sk, b"message digest").unwrap();
    assert!(verify(Curve::Sm2, &pk, b"message digest", &own));
}
