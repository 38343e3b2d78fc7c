//! Time breakdown of block verification: `cargo run --release --example breakdown -- FILE.hex...`
use std::time::Instant;

use antshares_core::block::decode_block_view;
use antshares_core::hash::sha256_of_digest;
use antshares_core::{decode_block_indexed, hash256, merkle_root, sha256, UInt256};
use antshares_crypto::{verify_batch, VerifyItem};
use antshares_verify::{block_signatures, verify_block};

fn time<T>(label: &str, iters: u32, mut f: impl FnMut() -> T) -> f64 {
    for _ in 0..3 {
        std::hint::black_box(f());
    }
    let t = Instant::now();
    for _ in 0..iters {
        std::hint::black_box(f());
    }
    let us = t.elapsed().as_secs_f64() * 1e6 / f64::from(iters);
    println!("  {label:<40} {us:>10.1} µs");
    us
}

fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).expect("read");
        let raw = hex::decode(text.trim()).expect("hex");
        let indexed = decode_block_indexed(&raw).expect("decode");
        let n = indexed.txids.len();
        let iters = if n > 1000 { 200 } else { 2000 };
        println!("{path}: {} bytes, {n} transactions", raw.len());
        time("decode_block_indexed (incl. txids)", iters, || {
            decode_block_indexed(&raw)
        });
        time("decode_block_view (no hashing)", iters, || {
            decode_block_view(&raw)
        });
        time("sha256 + txid of unsigned spans (serial)", iters, || {
            indexed
                .spans
                .iter()
                .map(|s| {
                    let d = sha256(&raw[s.unsigned()]);
                    (d, sha256_of_digest(&d))
                })
                .collect::<Vec<_>>()
        });
        time("txids: hash256 of unsigned spans", iters, || {
            indexed
                .spans
                .iter()
                .map(|s| hash256(&raw[s.unsigned()]))
                .collect::<Vec<_>>()
        });
        time("sha256 of unsigned spans", iters, || {
            indexed
                .spans
                .iter()
                .map(|s| sha256(&raw[s.unsigned()]))
                .collect::<Vec<_>>()
        });
        time("merkle_root", iters, || merkle_root(&indexed.txids));
        time("txids to display hex", iters, || {
            indexed
                .txids
                .iter()
                .map(UInt256::to_display)
                .collect::<Vec<_>>()
        });
        let records = block_signatures(&raw);
        let items: Vec<VerifyItem<'_>> = records
            .iter()
            .map(|r| VerifyItem::new(r.curve, &r.key, &r.message, &r.signature))
            .collect();
        let digests: Vec<[u8; 32]> = records.iter().map(|r| sha256(&r.message)).collect();
        let prehashed: Vec<VerifyItem<'_>> = records
            .iter()
            .zip(&digests)
            .map(|(r, d)| VerifyItem::with_sha256(r.curve, &r.key, &r.message, d, &r.signature))
            .collect();
        println!("  ({} signatures)", records.len());
        time("verify_batch (hashing messages)", iters, || {
            verify_batch(&items)
        });
        time("verify_batch (prehashed)", iters, || {
            verify_batch(&prehashed)
        });
        time("verify_block total", iters, || verify_block(&raw, None));
    }
}
