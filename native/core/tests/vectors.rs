//! Every codec-relevant vector of shared/vectors/vectors.json.
mod common;

use antshares_core::io::{write_var_int, Reader};
use antshares_core::script::{multisig_script, single_sig_script, KeyRef};
use antshares_core::*;
use common::{hex, shared_dir, to_hex, vectors};
use serde_json::Value;

fn s(v: &Value) -> &str {
    v.as_str().expect("string")
}

fn display256(b: &[u8]) -> String {
    UInt256::from_slice(b).unwrap().to_display()
}

fn check_tx_fields(tx: &Transaction, ex: &Value, what: &str) {
    if let Some(t) = ex.get("type") {
        assert_eq!(
            format!("0x{:02x}", tx.tx_type() as u8),
            s(t),
            "{what}: type"
        );
    }
    if let Some(v) = ex.get("version") {
        assert_eq!(
            u64::from(tx.version),
            v.as_u64().unwrap(),
            "{what}: version"
        );
    }
    if let Some(n) = ex.get("inputs") {
        assert_eq!(
            tx.inputs.len() as u64,
            n.as_u64().unwrap(),
            "{what}: inputs"
        );
    }
    if let Some(attrs) = ex.get("attributes") {
        let attrs = attrs.as_array().unwrap();
        assert_eq!(tx.attributes.len(), attrs.len(), "{what}: attributes");
        for (a, e) in tx.attributes.iter().zip(attrs) {
            assert_eq!(format!("0x{:02x}", a.usage), s(&e[0]), "{what}: attr usage");
            assert_eq!(to_hex(&a.data), s(&e[1]), "{what}: attr data");
        }
    }
    if let Some(outs) = ex.get("outputs") {
        let outs = outs.as_array().unwrap();
        assert_eq!(tx.outputs.len(), outs.len(), "{what}: outputs");
        for (o, e) in tx.outputs.iter().zip(outs) {
            assert_eq!(o.asset_id.to_display(), s(&e[0]), "{what}: output asset");
            assert_eq!(o.value, e[1].as_i64().unwrap(), "{what}: output value");
            assert_eq!(
                address_from_script_hash(&o.script_hash, 0x17),
                s(&e[2]),
                "{what}: address"
            );
        }
    }
    let Some(x) = ex.get("exclusive") else { return };
    match &tx.exclusive {
        Exclusive::Miner { nonce, .. } => {
            assert_eq!(u64::from(*nonce), x["nonce"].as_u64().unwrap())
        }
        Exclusive::Claim { claims } => {
            assert_eq!(claims.len() as u64, x["claims"].as_u64().unwrap())
        }
        Exclusive::Enrollment { public_key } => {
            assert_eq!(to_hex(public_key.as_bytes()), s(&x["pubkey"]))
        }
        Exclusive::Register(r) => {
            assert_eq!(u64::from(r.asset_type), x["assettype"].as_u64().unwrap());
            assert_eq!(r.name, s(&x["name"]));
            assert_eq!(r.amount, x["amount"].as_i64().unwrap());
            assert_eq!(u64::from(r.precision), x["precision"].as_u64().unwrap());
            assert_eq!(to_hex(r.owner.as_bytes()), s(&x["owner"]));
            assert_eq!(to_hex(&r.admin.0), s(&x["admin"]));
        }
        Exclusive::State { descriptors } => {
            assert_eq!(descriptors.len() as u64, x["descriptors"].as_u64().unwrap())
        }
        Exclusive::Publish(p) => {
            let pre = s(&x["script"]).trim_end_matches("...");
            assert!(to_hex(&p.script).starts_with(pre), "{what}: script");
            assert_eq!(to_hex(&p.parameter_list), s(&x["params"]));
            assert_eq!(u64::from(p.return_type), x["rettype"].as_u64().unwrap());
            assert_eq!(to_hex(p.name.as_bytes()), s(&x["name"]));
            assert_eq!(to_hex(p.code_version.as_bytes()), s(&x["codever"]));
            assert_eq!(to_hex(p.author.as_bytes()), s(&x["author"]));
            assert_eq!(to_hex(p.email.as_bytes()), s(&x["email"]));
            assert_eq!(to_hex(p.description.as_bytes()), s(&x["desc"]));
            assert_eq!(p.need_storage, None);
        }
        Exclusive::Invocation { script, gas } => {
            let pre = s(&x["script"]).trim_end_matches("...");
            assert!(to_hex(script).starts_with(pre), "{what}: script");
            assert_eq!(gas.is_some(), tx.version >= 1);
            if let Some(g) = x.get("gas") {
                assert_eq!(*gas, Some(g.as_i64().unwrap()));
            }
        }
        _ => {}
    }
}

/// raw → decode → re-encode identical; unsigned bytes and txid match.
fn check_raw_tx(input: &Value, ex: &Value, what: &str) {
    let mut raw = hex(s(&input["raw_hex"]));
    if what.starts_with("genesis: MinerTransaction") {
        // Given as unsigned bytes only (no witness array): append an empty one.
        raw.push(0);
    }
    let tx = decode_transaction(&raw).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(tx.to_bytes(), raw, "{what}: re-encode");
    let (_, span) = decode_transaction_prefix(&raw).unwrap();
    assert_eq!(span.end, raw.len());
    if let Some(u) = input.get("unsigned_hex") {
        assert_eq!(to_hex(&raw[span.unsigned()]), s(u), "{what}: unsigned span");
        assert_eq!(to_hex(&tx.unsigned_bytes()), s(u), "{what}: unsigned bytes");
    }
    assert_eq!(tx.hash().to_display(), s(&ex["txid"]), "{what}: txid");
    assert_eq!(display256(&hash256(&raw[span.unsigned()])), s(&ex["txid"]));
    tx.validate()
        .unwrap_or_else(|e| panic!("{what}: validate: {e}"));
    check_tx_fields(&tx, ex, what);
    // Strict decode rejects a trailing byte.
    let mut longer = raw.clone();
    longer.push(0);
    assert!(decode_transaction(&longer).is_err());
}

fn check_raw_block(raw: &[u8], ex: &Value, what: &str) {
    let ib = decode_block_indexed(raw).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(ib.block.to_bytes(), raw, "{what}: re-encode");
    assert_eq!(ib.hash.to_display(), s(&ex["hash"]), "{what}: hash");
    assert_eq!(ib.block.hash(), ib.hash);
    if let Some(i) = ex.get("index") {
        assert_eq!(u64::from(ib.block.header.index), i.as_u64().unwrap());
    }
    if let Some(t) = ex.get("timestamp") {
        assert_eq!(u64::from(ib.block.header.timestamp), t.as_u64().unwrap());
    }
    if let Some(m) = ex.get("merkle_root") {
        assert_eq!(
            ib.block.header.merkle_root.to_display(),
            s(m),
            "{what}: merkle"
        );
    }
    assert_eq!(
        ib.compute_merkle_root(),
        ib.block.header.merkle_root,
        "{what}: merkle recomputed"
    );
    assert_eq!(ib.block.compute_merkle_root(), ib.block.header.merkle_root);
    if let Some(c) = ex.get("consensus_data") {
        assert_eq!(format!("{:016x}", ib.block.header.consensus_data), s(c));
    }
    if let Some(a) = ex.get("next_consensus") {
        assert_eq!(
            address_from_script_hash(&ib.block.header.next_consensus, 0x17),
            s(a)
        );
    }
    if let Some(n) = ex.get("tx_count") {
        assert_eq!(ib.block.transactions.len() as u64, n.as_u64().unwrap());
    }
    if let Some(Value::Array(ids)) = ex.get("txids") {
        let got: Vec<String> = ib.txids.iter().map(|h| h.to_display()).collect();
        let want: Vec<&str> = ids.iter().map(s).collect();
        assert_eq!(got, want, "{what}: txids");
    }
    if let Some(Value::Array(types)) = ex.get("tx_types") {
        let got: Vec<String> = ib
            .block
            .transactions
            .iter()
            .map(|t| format!("0x{:02x}", t.tx_type() as u8))
            .collect();
        let want: Vec<&str> = types.iter().map(s).collect();
        assert_eq!(got, want);
    }
    assert_eq!(decode_block(raw).unwrap(), ib.block);
}

fn sorted_keys(pubkeys: &Value) -> Vec<KeyRef> {
    let mut keys: Vec<Vec<u8>> = pubkeys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| hex(s(k)))
        .collect();
    // By X (the prefix is ignored); the vectors have distinct X coordinates.
    keys.sort_by(|a, b| a[1..].cmp(&b[1..]));
    keys.iter()
        .map(|k| KeyRef::from_bytes(k).unwrap())
        .collect()
}

#[test]
fn all_codec_vectors() {
    let mut handled = 0;
    let mut skipped = Vec::new();
    for v in vectors() {
        let what = s(&v["what"]).to_owned();
        let input = &v["input"];
        let ex = &v["expected"];
        if what.starts_with("NEP-2") || what.starts_with("ECDSA") || what.contains("framing") {
            skipped.push(what);
            continue;
        }
        if what.starts_with("var-int encoding") {
            let n = input.as_u64().unwrap();
            let mut out = Vec::new();
            write_var_int(&mut out, n);
            assert_eq!(to_hex(&out), s(ex), "{what}");
            assert_eq!(Reader::new(&out).var_int("x").unwrap(), n);
        } else if what.starts_with("Fixed8") {
            let raw = input["raw_int64"].as_i64().unwrap();
            assert_eq!(to_hex(&raw.to_le_bytes()), s(ex));
        } else if what.starts_with("UInt256 display order") {
            let b = hex(s(&input["serialized_bytes"]));
            let u = UInt256::from_slice(&b).unwrap();
            assert_eq!(u.to_display(), s(&ex["display"]));
            assert_eq!(UInt256::from_display(s(&ex["display"])).unwrap(), u);
            assert_eq!(format!("0x{}", u).parse::<UInt256>().unwrap(), u);
        } else if input.get("header_unsigned_hex").is_some() {
            let h = hex(s(&input["header_unsigned_hex"]));
            assert_eq!(h.len(), HEADER_UNSIGNED_LEN);
            let d = hash256(&h);
            if let Some(r) = ex.get("dsha256_raw") {
                assert_eq!(to_hex(&d), s(r));
            }
            let want = ex.get("hash").or(ex.get("display")).unwrap();
            assert_eq!(display256(&d), s(want));
            if let Some(m) = ex.get("merkle_root") {
                assert_eq!(display256(&h[36..68]), s(m));
            }
        } else if input.get("with_witness_hex").is_some() {
            let raw = hex(s(&input["with_witness_hex"]));
            let tx = decode_transaction(&raw).unwrap();
            assert_eq!(tx.to_bytes(), raw);
            assert_eq!(to_hex(&tx.unsigned_bytes()), s(&input["unsigned_hex"]));
            assert_eq!(tx.hash().to_display(), s(&ex["txid"]));
        } else if input.get("pubkeys").is_some() && what.contains("-of-") {
            let m = input["m"].as_u64().unwrap() as usize;
            let keys = sorted_keys(&input["pubkeys"]);
            let script = multisig_script(m, &keys).unwrap();
            assert_eq!(to_hex(&script), s(&ex["script"]), "{what}");
            let h = UInt160(hash160(&script));
            if let Some(sh) = ex.get("script_hash_serialized") {
                assert_eq!(to_hex(&h.0), s(sh));
            }
            assert_eq!(address_from_script_hash(&h, 0x17), s(&ex["address"]));
            assert_eq!(decode_address(s(&ex["address"])).unwrap(), (0x17, h));
            match classify_verification(&script) {
                ScriptClass::Multi { m: mm, keys: kk } => {
                    assert_eq!(mm, m);
                    assert_eq!(kk, keys);
                }
                other => panic!("{what}: classified as {other:?}"),
            }
        } else if what.starts_with("genesis MainNet: full block") {
            check_raw_block(&hex(s(&ex["raw_hex"])), ex, &what);
        } else if input.get("unsigned_hex").is_some() && input.get("raw_hex").is_none() {
            // Genesis RegisterTransactions: unsigned bytes + zero witnesses.
            let mut raw = hex(s(&input["unsigned_hex"]));
            raw.push(0);
            let tx = decode_transaction(&raw).unwrap();
            assert_eq!(tx.to_bytes(), raw);
            assert_eq!(tx.hash().to_display(), s(&ex["txid"]));
            let f = &input["fields"];
            let Exclusive::Register(r) = &tx.exclusive else {
                panic!("not a register tx")
            };
            assert_eq!(r.name, s(&f["name"]));
            assert_eq!(r.amount, f["amount_fixed8"].as_i64().unwrap());
            assert_eq!(u64::from(r.precision), f["precision"].as_u64().unwrap());
            assert_eq!(r.owner, EcPoint::Infinity);
            let admin_script = hex(&s(&f["admin_script"])[..2]);
            assert_eq!(r.admin, UInt160(hash160(&admin_script)));
        } else if what.starts_with("2015 prototype") {
            // Not this format: must be rejected (or at least not panic).
            let _ = decode_block(&hex(s(&input["raw_hex"])));
        } else if input.get("raw_hex").is_some() && ex.get("txid").is_some() {
            check_raw_tx(input, ex, &what);
        } else if input.get("raw_hex").is_some() && ex.get("hash").is_some() {
            check_raw_block(&hex(s(&input["raw_hex"])), ex, &what);
        } else if let Some(f) = input.get("raw_hex_file") {
            let name = s(f).rsplit('/').next().unwrap().trim_end_matches(".txt");
            let path = shared_dir().join(format!("vectors/blocks/mainnet-{name}.hex"));
            let text = std::fs::read_to_string(&path).unwrap();
            let raw = hex(&text);
            assert_eq!(raw.len() as u64, input["raw_len_bytes"].as_u64().unwrap());
            check_raw_block(&raw, ex, &what);
        } else if let Some(p) = input.get("payload_hex") {
            let raw = hex(s(p));
            let hs = decode_headers_payload(&raw).unwrap();
            assert_eq!(hs.len() as u64, ex["count"].as_u64().unwrap());
            assert_eq!(hs[0].hash().to_display(), s(&ex["hash"]));
            assert_eq!(u64::from(hs[0].index), ex["index"].as_u64().unwrap());
            assert_eq!(encode_headers_payload(&hs), raw);
            let one = hs[0].to_bytes();
            assert_eq!(Header::from_bytes(&one).unwrap(), hs[0]);
            assert_eq!(one.len() + 2, raw.len());
        } else if what.starts_with("key: private key") {
            let pk = hex(s(&ex["public_key"]));
            let key = KeyRef::from_bytes(&pk).unwrap();
            let script = single_sig_script(&key);
            assert_eq!(to_hex(&script), s(&ex["verification_script"]));
            assert_eq!(classify_verification(&script), ScriptClass::Single(key));
            let h = UInt160(hash160(&script));
            assert_eq!(to_hex(&h.0), s(&ex["script_hash_serialized"]));
            assert_eq!(h.to_display(), s(&ex["script_hash_display"]));
            assert_eq!(address_from_script_hash(&h, 0x17), s(&ex["address"]));
            if let Some(w) = ex["wif"].as_str() {
                let secret: [u8; 32] = hex(s(&input["private_key"])).try_into().unwrap();
                assert_eq!(wif_encode(&secret), w);
                assert_eq!(wif_decode(w).unwrap(), secret);
            }
        } else if let Some(leaves) = input.get("leaves_internal").or(input.get("txids")) {
            let ls: Vec<UInt256> = leaves
                .as_array()
                .unwrap()
                .iter()
                .map(|l| UInt256::from_slice(&hex(s(l))).unwrap())
                .collect();
            let root = merkle_root(&ls);
            let want = ex.get("root_internal").or(ex.get("merkle_root")).unwrap();
            assert_eq!(to_hex(&root.0), s(want), "{what}");
        } else {
            panic!("unhandled vector: {what}");
        }
        handled += 1;
    }
    assert!(handled >= 60, "handled only {handled} vectors");
    assert!(skipped.len() <= 13, "skipped {skipped:?}");
}
