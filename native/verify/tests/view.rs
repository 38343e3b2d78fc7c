//! The borrowed block decoder the verifier uses must accept, reject and report exactly like the
//! owned decoder, and the verifier's txids / Merkle root must match the owned path.
use std::path::PathBuf;

use antshares_core::block::decode_block_view;
use antshares_core::merkle::merkle_root;
use antshares_core::{decode_block_indexed, Exclusive};
use antshares_verify::verify_block;

fn blocks() -> Vec<(String, Vec<u8>)> {
    let shared = match std::env::var_os("ANTSHARES_SHARED") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    let mut out = Vec::new();
    let dir = std::fs::read_dir(shared.join("vectors/blocks"))
        .expect("the real blocks under $ANTSHARES_SHARED/vectors/blocks");
    for entry in dir.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "hex") {
            let text = std::fs::read_to_string(&path).expect("read block");
            let raw = antshares_core::uint::parse_hex(text.trim()).expect("hex");
            out.push((path.display().to_string(), raw));
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no real blocks found");
    out
}

/// Same verdict and, on success, the same structure as the owned decoder.
fn assert_same(raw: &[u8], what: &str) {
    let owned = decode_block_indexed(raw);
    let view = decode_block_view(raw);
    match (&owned, &view) {
        (Ok(o), Ok(v)) => {
            assert_eq!(o.block.header, v.header, "{what}: header");
            assert_eq!(o.hash, v.hash, "{what}: hash");
            assert_eq!(
                o.block.transactions.len(),
                v.transactions.len(),
                "{what}: count"
            );
            for (i, ((tx, span), tv)) in o
                .block
                .transactions
                .iter()
                .zip(&o.spans)
                .zip(&v.transactions)
                .enumerate()
            {
                assert_eq!(tx.tx_type(), tv.tx_type, "{what}: tx {i} type");
                assert_eq!(tx.version, tv.version, "{what}: tx {i} version");
                assert_eq!(*span, tv.span, "{what}: tx {i} span");
                let ws: Vec<_> = tx.witnesses.iter().map(|w| w.as_ref()).collect();
                assert_eq!(ws, tv.witnesses, "{what}: tx {i} witnesses");
                match &tx.exclusive {
                    Exclusive::Agency(a) => assert_eq!(Some(a), tv.agency.as_deref()),
                    _ => assert!(tv.agency.is_none()),
                }
            }
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{what}: error"),
        _ => panic!(
            "{what}: owned {:?} vs view {:?}",
            owned.as_ref().err(),
            view.as_ref().err()
        ),
    }
}

#[test]
fn view_matches_owned_decoder_on_real_blocks() {
    for (name, raw) in blocks() {
        assert_same(&raw, &name);
        let indexed = decode_block_indexed(&raw).expect("real block decodes");
        let report = verify_block(&raw, None);
        assert_eq!(report.txids, indexed.txids, "{name}: txids");
        assert_eq!(
            report.merkle_root,
            Some(merkle_root(&indexed.txids)),
            "{name}: root"
        );
        assert!(report.merkle_ok, "{name}: merkle");
        assert_eq!(report.hash, Some(indexed.hash), "{name}: hash");
        let types: Vec<u8> = indexed
            .block
            .transactions
            .iter()
            .map(|t| t.tx_type() as u8)
            .collect();
        assert_eq!(report.tx_types, types, "{name}: types");
        assert!(report.ok(), "{name}: {:?}", report.error);
    }
}

#[test]
fn view_matches_owned_decoder_on_damaged_blocks() {
    for (name, raw) in blocks() {
        if raw.len() > 200_000 {
            continue; // the large block adds time, not coverage
        }
        let step = (raw.len() / 400).max(1);
        for cut in (0..raw.len()).step_by(step) {
            assert_same(&raw[..cut], &format!("{name} cut at {cut}"));
        }
        let mut m = raw.clone();
        for at in (0..raw.len()).step_by(step / 2 + 1) {
            for flip in [0x01u8, 0x80, 0xff] {
                m[at] ^= flip;
                assert_same(&m, &format!("{name} byte {at} ^ {flip:#x}"));
                m[at] ^= flip;
            }
        }
        let mut longer = raw.clone();
        longer.push(0);
        assert_same(&longer, &format!("{name} + trailing byte"));
    }
}
