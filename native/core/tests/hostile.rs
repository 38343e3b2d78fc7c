//! Hostile input: truncations, mutations, huge lengths, non-canonical encodings. Decoders must
//! return errors (never panic) and every accepted input must re-encode identically.
mod common;

use antshares_core::io::Reader;
use antshares_core::script::{multisig_script, push_int, KeyRef};
use antshares_core::*;
use common::{block_files, hex, Rng};

const CONTRACT_TX: &str = "80000001888da99f8f497fd65c4325786a09511159c279af4e7eb532e9edd628c87cc1ee0000019b7cffdaa674beae0f930ebe6085af9093e5fe56b34a5c220ccdcf6efc336fc50082167010000000a8666b4830229d6a1a9b80f6088059191c122d2b0141409e79e132290c82916a88f1a3db5cf9f3248b780cfece938ab0f0812d0e188f3a489c7d1a23def86bd69d863ae67de753b2c2392e9497eadc8eb9fc43aa52c645232103e2f6a334e05002624cf616f01a62cff2844c34a3b08ca16048c259097e315078ac";

fn small_blocks() -> Vec<(String, Vec<u8>)> {
    block_files()
        .into_iter()
        .filter(|(_, r)| r.len() < 200_000)
        .collect()
}

#[test]
fn every_truncation_of_blocks_fails() {
    for (name, raw) in small_blocks() {
        for cut in 0..raw.len() {
            let r = decode_block(&raw[..cut]);
            assert!(r.is_err(), "{name}: truncation at {cut} decoded");
        }
    }
}

#[test]
fn every_truncation_of_transactions_fails() {
    let (_, raw) = &small_blocks()[0];
    let ib = decode_block_indexed(raw).unwrap();
    for span in ib.spans.iter().take(20) {
        let tx = &raw[span.full()];
        for cut in 0..tx.len() {
            assert!(decode_transaction(&tx[..cut]).is_err());
        }
        assert!(decode_transaction(tx).is_ok());
    }
}

#[test]
fn random_mutations_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let blocks = small_blocks();
    let mut ok = 0;
    for round in 0..6000 {
        let (_, raw) = &blocks[round % blocks.len()];
        let mut m = raw.clone();
        let edits = 1 + rng.below(4);
        for _ in 0..edits {
            let i = rng.below(m.len());
            match rng.below(4) {
                0 => m[i] = rng.next() as u8,
                1 => m[i] ^= 1 << rng.below(8),
                2 => m[i] = [0x00, 0x01, 0xfd, 0xfe, 0xff, 0x21, 0x40][rng.below(7)],
                _ => {
                    let cut = rng.below(m.len());
                    m.truncate(cut.max(1));
                    break;
                }
            }
        }
        if let Ok(ib) = decode_block_indexed(&m) {
            assert_eq!(
                ib.block.to_bytes(),
                m,
                "accepted mutation does not re-encode"
            );
            ok += 1;
        }
        // Also feed the same bytes to the other entry points.
        let _ = decode_transaction(&m[m.len().min(200)..]);
        let _ = decode_headers_payload(&m);
        let _ = classify_verification(&m[..m.len().min(600)]);
    }
    eprintln!("{ok} mutated blocks still decoded");
}

#[test]
fn random_mutations_of_transactions() {
    let mut rng = Rng(42);
    let raw = hex(CONTRACT_TX);
    for _ in 0..20000 {
        let mut m = raw.clone();
        let i = rng.below(m.len());
        m[i] = rng.next() as u8;
        if rng.below(3) == 0 {
            let j = rng.below(m.len());
            m.insert(j, rng.next() as u8);
        }
        if let Ok(tx) = decode_transaction(&m) {
            assert_eq!(tx.to_bytes(), m);
            tx.validate().unwrap();
        }
    }
}

#[test]
fn huge_declared_lengths_rejected_before_allocating() {
    // ContractTransaction with 2^32-1 attributes / inputs / outputs.
    for prefix in [
        "8000feffffffff",
        "800000feffffffff",
        "80000000feffffffff",
        "8000ff0000000000000001",
    ] {
        let e = decode_transaction(&hex(prefix)).unwrap_err();
        assert!(
            e.reason.contains("exceeds") || e.reason.contains("non-minimal"),
            "{e}"
        );
    }
    // Block with 65535 declared transactions but no bytes.
    let (_, raw) = &small_blocks()[0];
    let ib = decode_block_indexed(raw).unwrap();
    let hdr_end = ib.spans[0].start - 1;
    let mut b = raw[..hdr_end].to_vec();
    b.extend_from_slice(&hex("fdffff"));
    let e = decode_block(&b).unwrap_err();
    assert_eq!(e.field, "transactions");
    assert!(e.reason.contains("needs at least"), "{e}");
    // Witness script longer than the cap.
    let e = decode_transaction(&hex("800000000001fe01000100")).unwrap_err();
    assert_eq!(e.field, "witnesses[0].invocation");
    assert!(e.reason.contains("exceeds the maximum"), "{e}");
    // Headers payload with 2001 headers.
    let e = decode_headers_payload(&hex("fdd107")).unwrap_err();
    assert!(e.reason.contains("exceeds"), "{e}");
}

#[test]
fn non_minimal_var_ints_rejected() {
    for h in [
        "fd0100",
        "fdfc00",
        "feffff0000",
        "fe00000000",
        "ffffffffff00000000",
    ] {
        let b = hex(h);
        assert!(Reader::new(&b).var_int("x").is_err(), "{h}");
    }
    assert_eq!(Reader::new(&hex("fdfd00")).var_int("x").unwrap(), 0xfd);
    assert_eq!(
        Reader::new(&hex("fe00000100")).var_int("x").unwrap(),
        0x10000
    );
    assert!(Reader::new(&hex("ff00000000ffffffff")).var_int("x").is_ok());
    // Attribute count written as fd0000.
    let e = decode_transaction(&hex("8000fd0000000000")).unwrap_err();
    assert!(e.reason.contains("non-minimal"), "{e}");
    assert_eq!((e.field.as_str(), e.offset), ("attributes", 2));
}

#[test]
fn uncompressed_keys_and_bad_prefixes_rejected() {
    let mut enroll = hex("2000");
    enroll.push(0x04);
    enroll.extend_from_slice(&[7u8; 64]);
    enroll.extend_from_slice(&hex("00000000"));
    let e = decode_transaction(&enroll).unwrap_err();
    assert!(e.reason.contains("uncompressed"), "{e}");
    assert_eq!(e.field, "public_key");
    let mut enroll = hex("2000");
    enroll.push(0x05);
    enroll.extend_from_slice(&[7u8; 32]);
    enroll.extend_from_slice(&hex("00000000"));
    assert!(decode_transaction(&enroll).is_err());
    // Compressed is fine.
    let mut enroll = hex("200002");
    enroll.extend_from_slice(&[7u8; 32]);
    enroll.extend_from_slice(&hex("00000000"));
    assert!(decode_transaction(&enroll).is_ok());
    assert!(KeyRef::from_bytes(&[4u8; 65]).is_err());
    assert!(KeyRef::from_bytes(&[4u8; 33]).is_err());
    assert!(KeyRef::from_bytes(&[3u8; 34]).is_err());
}

#[test]
fn trailing_bytes_rejected() {
    let mut tx = hex(CONTRACT_TX);
    assert!(decode_transaction(&tx).is_ok());
    tx.push(0);
    let e = decode_transaction(&tx).unwrap_err();
    assert!(e.reason.contains("trailing"), "{e}");
    let (_, raw) = &small_blocks()[0];
    let mut b = raw.clone();
    b.push(0);
    assert!(decode_block(&b).unwrap_err().reason.contains("trailing"));
}

#[test]
fn invalid_attributes_and_fields() {
    // Unknown usage 0x10, 0x80 (1.x CertUrl).
    for u in ["10", "80", "a0", "31"] {
        let e = decode_transaction(&hex(&format!("800001{u}0000000000"))).unwrap_err();
        assert_eq!(e.field, "attributes[0].usage", "{e}");
        assert_eq!(e.offset, 3);
    }
    // 17 attributes.
    let e = decode_transaction(&hex("800011")).unwrap_err();
    assert!(e.reason.contains("exceeds"), "{e}");
    // Remark with var-bytes then valid.
    assert!(decode_transaction(&hex("800001f0023131000000")).is_ok());
    // DescriptionUrl uses a 1-byte length (253 bytes, no fd prefix).
    let mut t = hex("80000181fd");
    t.extend_from_slice(&[b'x'; 253]);
    t.extend_from_slice(&hex("000000"));
    let tx = decode_transaction(&t).unwrap();
    assert_eq!(tx.to_bytes(), t);
    // Output value 0 and negative.
    let mut out = hex("8000000001");
    out.extend_from_slice(&[0x9b; 32]);
    let mut zero = out.clone();
    zero.extend_from_slice(&0i64.to_le_bytes());
    zero.extend_from_slice(&[1u8; 20]);
    zero.push(0);
    let e = decode_transaction(&zero).unwrap_err();
    assert_eq!((e.field.as_str(), e.offset), ("outputs[0].value", 37));
    let mut neg = out.clone();
    neg.extend_from_slice(&(-5i64).to_le_bytes());
    neg.extend_from_slice(&[1u8; 20]);
    neg.push(0);
    assert!(decode_transaction(&neg).is_err());
    // Unknown type, unsupported version.
    assert_eq!(decode_transaction(&hex("0300")).unwrap_err().field, "type");
    assert_eq!(
        decode_transaction(&hex("8001000000")).unwrap_err().field,
        "version"
    );
    // Invalid UTF-8 in a Register name.
    let mut reg = hex("40006002ff");
    reg.extend_from_slice(&[0u8; 8]);
    let e = decode_transaction(&reg).unwrap_err();
    assert_eq!(e.field, "name");
    assert!(e.reason.contains("UTF-8"));
    // Bool other than 0/1 in Publish v1 need_storage.
    let e = decode_transaction(&hex("d100000000000"[..12].as_ref())).unwrap_err();
    assert_eq!(e.field, "script"); // empty invocation script
    let e = decode_transaction(&hex("d00101510000020000000000000000")).unwrap_err();
    assert_eq!(e.field, "need_storage", "{e}");
    // Voting: duplicates and empty.
    let mut v = hex("240002");
    v.extend_from_slice(&[5u8; 64]);
    v.extend_from_slice(&hex("000000"));
    assert!(decode_transaction(&v)
        .unwrap_err()
        .reason
        .contains("duplicate"));
    assert!(decode_transaction(&hex("240000000000")).is_err());
}

#[test]
fn header_separator_and_payload_tx_count() {
    let (_, raw) = &small_blocks()[0];
    let mut b = raw.clone();
    b[104] = 2;
    let e = decode_block(&b).unwrap_err();
    assert_eq!((e.field.as_str(), e.offset), ("witness_count", 104));
    let ib = decode_block_indexed(raw).unwrap();
    let mut p = encode_headers_payload(std::slice::from_ref(&ib.block.header));
    *p.last_mut().unwrap() = 1;
    let e = decode_headers_payload(&p).unwrap_err();
    assert_eq!(e.field, "headers[0].tx_count");
}

#[test]
fn error_paths_name_nested_fields() {
    let (_, raw) = &small_blocks()[0];
    let ib = decode_block_indexed(raw).unwrap();
    // Find a transaction with an output and zero its value.
    let (i, tx) = ib
        .block
        .transactions
        .iter()
        .enumerate()
        .find(|(_, t)| !t.outputs.is_empty())
        .unwrap();
    let span = ib.spans[i];
    let out_start = span.unsigned_end - tx.outputs.len() * 60;
    let mut b = raw.clone();
    b[out_start + 32..out_start + 40].copy_from_slice(&0i64.to_le_bytes());
    let e = decode_block(&b).unwrap_err();
    assert_eq!(e.field, format!("transactions[{i}].outputs[0].value"));
    assert_eq!(e.offset, out_start + 32);
    assert_eq!(
        e.to_string(),
        format!(
            "transactions[{i}].outputs[0].value at offset {}: output value 0 must be positive",
            out_start + 32
        )
    );
}

#[test]
fn scripts_and_pushes() {
    let mut v = Vec::new();
    for (k, want) in [
        (1, "51"),
        (16, "60"),
        (17, "0111"),
        (127, "017f"),
        (128, "028000"),
        (255, "02ff00"),
        (256, "020001"),
        (1024, "020004"),
        (0, "00"),
        (-1, "4f"),
    ] {
        v.clear();
        push_int(&mut v, k);
        assert_eq!(common::to_hex(&v), want, "{k}");
    }
    let k1 = KeyRef::from_bytes(&hex(
        "02028a99826edc0c97d18e22b6932373d908d323aa7f92656a77ec26e8861699ef",
    ))
    .unwrap();
    let mut tagged = vec![1u8];
    tagged.extend_from_slice(&k1.point);
    let k2 = KeyRef::from_bytes(&tagged).unwrap();
    assert_eq!(k2.curve, Curve::Secp256k1);
    let s = script::single_sig_script(&k2);
    assert_eq!(s.len(), 36);
    assert_eq!((s[0], s[1], s[35]), (0x22, 1, 0xac));
    assert_eq!(classify_verification(&s), ScriptClass::Single(k2));
    let ms = multisig_script(1, &[k1, k2]).unwrap();
    assert_eq!(
        classify_verification(&ms),
        ScriptClass::Multi {
            m: 1,
            keys: vec![k1, k2]
        }
    );
    assert_eq!(script::address_version_for_keys(&[k2]), 0x05);
    assert_eq!(script::address_version_for_keys(&[k1, k2]), 0x17);
    // Non-canonical variants are nonstandard.
    let mut bad = ms.clone();
    bad[0] = 0x52; // m = 2 > n = ... n is 2 so this is 2-of-2: still standard
    assert!(matches!(
        classify_verification(&bad),
        ScriptClass::Multi { m: 2, .. }
    ));
    bad[0] = 0x53; // m = 3 > n
    assert_eq!(classify_verification(&bad), ScriptClass::NonStandard);
    let mut bad = vec![0x01, 0x01]; // m pushed as data 01 instead of 51
    bad.extend_from_slice(&ms[1..]);
    assert_eq!(classify_verification(&bad), ScriptClass::NonStandard);
    let mut bad = ms.clone();
    let l = bad.len();
    bad[l - 2] = 0x53; // n mismatch
    assert_eq!(classify_verification(&bad), ScriptClass::NonStandard);
    let mut bad = ms.clone();
    bad.push(0xac);
    assert_eq!(classify_verification(&bad), ScriptClass::NonStandard);
    assert_eq!(classify_verification(&[]), ScriptClass::NonStandard);
    assert_eq!(classify_verification(&[0x51]), ScriptClass::NonStandard);
    assert_eq!(
        classify_verification(&[0x51, 0xae]),
        ScriptClass::NonStandard
    );
    assert!(multisig_script(0, &[k1]).is_err());
    assert!(multisig_script(2, &[k1]).is_err());
    assert!(multisig_script(1, &[]).is_err());
    // Invocation parsing.
    assert_eq!(parse_invocation(&[]), Some(vec![]));
    let mut inv = vec![0x40];
    inv.extend_from_slice(&[9u8; 64]);
    assert_eq!(parse_invocation(&inv), Some(vec![[9u8; 64]]));
    inv.push(0);
    assert_eq!(parse_invocation(&inv), None);
    inv[0] = 0x41;
    assert_eq!(parse_invocation(&inv[..65]), None);
    // 17-of-17 round trip through the classifier (pushes 01 11).
    let keys: Vec<KeyRef> = (0..17u8)
        .map(|i| {
            let mut p = [i; 33];
            p[0] = 2;
            KeyRef {
                curve: Curve::P256,
                point: p,
            }
        })
        .collect();
    let ms = multisig_script(17, &keys).unwrap();
    assert_eq!(&ms[..2], &[1, 17]);
    assert_eq!(
        classify_verification(&ms),
        ScriptClass::Multi { m: 17, keys }
    );
}

#[test]
fn base58_address_wif_errors() {
    use antshares_core::base58;
    assert_eq!(base58::encode(&[]), "");
    assert_eq!(base58::encode(&[0, 0, 1]), "112");
    assert_eq!(base58::decode("112").unwrap(), vec![0, 0, 1]);
    assert!(base58::decode("0OIl").is_err());
    assert!(base58::check_decode("1").is_err());
    let a = "ALq7AWrhAueN6mJNqk6FHJjnsEoPRytLdW";
    let (v, h) = decode_address(a).unwrap();
    assert_eq!(v, 0x17);
    assert_eq!(address_from_script_hash(&h, 0x05).chars().next(), Some('3'));
    assert_eq!(address_from_script_hash(&h, 0x3f).chars().next(), Some('S'));
    assert_eq!(
        decode_address(&address_from_script_hash(&h, 0x3f)).unwrap(),
        (0x3f, h)
    );
    let mut bad = a.to_string();
    bad.replace_range(5..6, "B");
    assert!(matches!(decode_address(&bad), Err(AddressError::Base58(_))));
    assert!(matches!(
        decode_address(&address_from_script_hash(&h, 0x42)),
        Err(AddressError::UnknownVersion(0x42))
    ));
    assert!(matches!(
        decode_address(&base58::check_encode(&[0x17; 5])),
        Err(AddressError::BadLength { .. })
    ));
    assert!(decode_address(&"1".repeat(1000)).is_err());
    let wif = wif_encode(&[7u8; 32]);
    assert_eq!(wif_decode(&wif).unwrap(), [7u8; 32]);
    let mut raw = vec![0x80];
    raw.extend_from_slice(&[7u8; 32]);
    assert!(matches!(
        wif_decode(&base58::check_encode(&raw)),
        Err(AddressError::BadLength { .. })
    ));
    raw.push(0x02);
    assert!(matches!(
        wif_decode(&base58::check_encode(&raw)),
        Err(AddressError::BadWifSuffix(2))
    ));
    assert!(UInt256::from_display("0x12").is_err());
    assert!(UInt160::from_display("zz").is_err());
}

#[test]
fn uint_ordering_is_little_endian() {
    let mut a = [0u8; 20];
    let mut b = [0u8; 20];
    a[0] = 0xff; // low byte
    b[19] = 0x01; // high byte
    assert!(UInt160(a) < UInt160(b));
    assert!(UInt160(a).0 > UInt160(b).0);
}

#[test]
fn agency_round_trip_and_signed_form() {
    use antshares_core::exclusive::order_signed_bytes;
    let order = Order {
        amount: -100_0000,
        price: 5_0000,
        client: UInt160([3; 20]),
        inputs: vec![CoinReference {
            prev_hash: UInt256([4; 32]),
            prev_index: 7,
        }],
        witnesses: vec![Witness {
            invocation: vec![0x40; 65],
            verification: vec![0x51],
        }],
    };
    let data = AgencyData {
        asset_id: UInt256([1; 32]),
        value_asset_id: UInt256([2; 32]),
        agent: UInt160([9; 20]),
        orders: vec![order.clone()],
        split_order: Some(SplitOrder {
            amount: 10_000,
            price: 20_000,
            client: UInt160([5; 20]),
        }),
    };
    let tx = Transaction {
        version: 0,
        exclusive: Exclusive::Agency(data.clone()),
        attributes: vec![],
        inputs: vec![],
        outputs: vec![TxOutput {
            asset_id: UInt256([1; 32]),
            value: 1,
            script_hash: UInt160([8; 20]),
        }],
        witnesses: vec![],
    };
    tx.validate().unwrap();
    let b = tx.to_bytes();
    assert_eq!(b[0], 0xb0);
    assert_eq!(decode_transaction(&b).unwrap(), tx);
    let signed = order_signed_bytes(&data.asset_id, &data.value_asset_id, &data.agent, &order);
    assert_eq!(signed.len(), 32 + 32 + 20 + 8 + 8 + 20 + 1 + 34);
    assert_eq!(data.order_signed_bytes(&order), signed);
    // value_asset_id == asset_id rejected; split flag 2 rejected.
    let mut same = data.clone();
    same.value_asset_id = same.asset_id;
    let bad = Transaction {
        exclusive: Exclusive::Agency(same),
        ..tx.clone()
    };
    assert!(bad.validate().unwrap_err().contains("value_asset_id"));
    let mut nosplit = data.clone();
    nosplit.split_order = None;
    let t2 = Transaction {
        exclusive: Exclusive::Agency(nosplit),
        ..tx.clone()
    };
    let mut bytes = t2.to_bytes();
    let flag_pos = bytes.len() - 65; // flag, attrs 0, inputs 0, outputs 1+60, witnesses 0
    assert_eq!(bytes[flag_pos], 0);
    bytes[flag_pos] = 2;
    assert_eq!(decode_transaction(&bytes).unwrap_err().field, "split_order");
    // Order amount 0 / price 0.
    let mut zero = data.clone();
    zero.orders[0].amount = 0;
    let bad = Transaction {
        exclusive: Exclusive::Agency(zero),
        ..tx.clone()
    };
    assert!(bad.validate().unwrap_err().contains("orders[0].amount"));
}

#[test]
fn builders_validate() {
    let tx = Transaction {
        version: 1,
        exclusive: Exclusive::Invocation {
            script: vec![0x51],
            gas: Some(0),
        },
        attributes: vec![TxAttribute {
            usage: 0x20,
            data: vec![1; 20],
        }],
        inputs: vec![],
        outputs: vec![],
        witnesses: vec![],
    };
    tx.validate().unwrap();
    let bad = Transaction {
        version: 0,
        ..tx.clone()
    };
    assert!(bad.validate().is_err());
    let bad = Transaction {
        attributes: vec![TxAttribute {
            usage: 0x20,
            data: vec![1; 21],
        }],
        ..tx.clone()
    };
    assert!(bad.validate().unwrap_err().contains("attributes[0]"));
    let bad = Transaction {
        attributes: vec![TxAttribute {
            usage: 0x81,
            data: vec![1; 256],
        }],
        ..tx.clone()
    };
    assert!(bad.validate().is_err());
    let bad = Transaction {
        version: 2,
        ..tx.clone()
    };
    assert!(bad.validate().is_err());
}
