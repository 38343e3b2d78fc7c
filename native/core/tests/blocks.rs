//! Every real block in shared/vectors/blocks/: decode, re-encode byte-identically, recompute the
//! Merkle root, check spans and witnesses.
mod common;

use antshares_core::*;
use common::block_files;

#[test]
fn real_blocks_roundtrip() {
    for (name, raw) in block_files() {
        let ib = decode_block_indexed(&raw).unwrap_or_else(|e| panic!("{name}: {e}"));
        let b = &ib.block;
        assert_eq!(b.to_bytes(), raw, "{name}: re-encode");
        assert_eq!(
            ib.compute_merkle_root(),
            b.header.merkle_root,
            "{name}: merkle"
        );
        assert_eq!(ib.hash, b.header.hash());
        let expect_index: u32 = name
            .trim_start_matches("mainnet-")
            .trim_end_matches(".hex")
            .parse()
            .unwrap();
        assert_eq!(b.header.index, expect_index, "{name}: index");
        assert_eq!(b.transactions[0].tx_type(), TxType::Miner);
        // Spans tile the transaction area exactly; per-tx txid and re-encoding agree.
        let mut pos = ib.spans[0].start;
        for (i, (tx, span)) in b.transactions.iter().zip(&ib.spans).enumerate() {
            assert_eq!(span.start, pos, "{name}: tx {i} start");
            assert_eq!(&raw[span.full()], tx.to_bytes().as_slice());
            assert_eq!(&raw[span.unsigned()], tx.unsigned_bytes().as_slice());
            assert_eq!(ib.txids[i], tx.hash());
            pos = span.end;
        }
        assert_eq!(pos, raw.len());
        // The block witness is a standard multisig with m signatures.
        match classify_verification(&b.header.witness.verification) {
            ScriptClass::Multi { m, keys } => {
                let sigs = parse_invocation(&b.header.witness.invocation).unwrap();
                assert_eq!(sigs.len(), m, "{name}");
                assert!(keys.len() >= m);
            }
            other => panic!("{name}: block witness {other:?}"),
        }
        assert_eq!(b.header.witness.script_hash(), {
            // The witness hashes to a 20-byte script hash; check it round-trips as an address.
            let h = b.header.witness.script_hash();
            let a = address_from_script_hash(&h, 0x17);
            decode_address(&a).unwrap().1
        });
        // Every witness: invocation is a list of signatures or the verification is nonstandard.
        let mut std_witnesses = 0;
        for tx in &b.transactions {
            for w in &tx.witnesses {
                match classify_verification(&w.verification) {
                    ScriptClass::Single(_) => {
                        assert_eq!(parse_invocation(&w.invocation).map(|v| v.len()), Some(1));
                        std_witnesses += 1;
                    }
                    ScriptClass::Multi { m, .. } => {
                        assert_eq!(parse_invocation(&w.invocation).map(|v| v.len()), Some(m));
                        std_witnesses += 1;
                    }
                    ScriptClass::NonStandard => {}
                }
            }
        }
        eprintln!(
            "{name}: {} txs, {std_witnesses} standard witnesses",
            b.transactions.len()
        );
        // Headers payload with this header.
        let payload = encode_headers_payload(std::slice::from_ref(&b.header));
        assert_eq!(
            decode_headers_payload(&payload).unwrap(),
            vec![b.header.clone()]
        );
    }
}

#[test]
fn big_block_decode_is_fast() {
    let (name, raw) = block_files()
        .into_iter()
        .max_by_key(|(_, r)| r.len())
        .unwrap();
    let t = std::time::Instant::now();
    let n = 20;
    for _ in 0..n {
        let ib = decode_block_indexed(&raw).unwrap();
        std::hint::black_box(ib);
    }
    let per = t.elapsed() / n;
    eprintln!("{name} ({} bytes): decode_block_indexed {per:?}", raw.len());
    // Generous bound (debug builds, slow CI); release is a few ms.
    assert!(per.as_millis() < 500, "{per:?}");
}
