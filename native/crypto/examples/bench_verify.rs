//! Throughput of single and batch verification per curve.
//! `cargo run --release -p antshares-crypto --example bench_verify [items]`
use std::time::Instant;

use antshares_crypto::{
    public_key_from_secret, sha256, sign, verify, verify_batch, verify_prehashed, Curve, VerifyItem,
};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(4000);
    let keys = 200;
    println!("threads: {}", rayon::current_num_threads());
    for curve in Curve::ALL {
        let secrets: Vec<[u8; 32]> = (0..keys as u32)
            .map(|i| {
                let mut s = sha256(&i.to_le_bytes());
                s[0] &= 0x7f;
                s
            })
            .collect();
        let pks: Vec<[u8; 33]> = secrets
            .iter()
            .map(|s| public_key_from_secret(curve, s).unwrap())
            .collect();
        let msgs: Vec<Vec<u8>> = (0..n)
            .map(|i| sha256(&(i as u64).to_be_bytes()).repeat(7))
            .collect();
        let sigs: Vec<[u8; 64]> = (0..n)
            .map(|i| sign(curve, &secrets[i % keys], &msgs[i]).unwrap())
            .collect();
        let digests: Vec<[u8; 32]> = msgs.iter().map(|m| sha256(m)).collect();
        // warm the key cache
        for i in 0..keys {
            assert!(verify(curve, &pks[i], &msgs[i], &sigs[i]));
        }
        let t = Instant::now();
        for i in 0..n {
            assert!(verify(curve, &pks[i % keys], &msgs[i], &sigs[i]));
        }
        let single = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        let pre = if curve != Curve::Sm2 {
            let t = Instant::now();
            for i in 0..n {
                assert!(verify_prehashed(
                    curve,
                    &pks[i % keys],
                    &digests[i],
                    &sigs[i]
                ));
            }
            format!("{:.2}", t.elapsed().as_secs_f64() * 1e6 / n as f64)
        } else {
            "-".into()
        };
        let items: Vec<VerifyItem<'_>> = (0..n)
            .map(|i| VerifyItem::new(curve, &pks[i % keys], &msgs[i], &sigs[i]))
            .collect();
        let mut best = f64::MAX;
        for _ in 0..3 {
            let t = Instant::now();
            let r = verify_batch(&items);
            best = best.min(t.elapsed().as_secs_f64() * 1e6 / n as f64);
            assert!(r.iter().all(|&b| b));
        }
        println!(
            "{curve:10} single {single:7.2} us/verify, prehashed {pre:>6} us, batch {best:7.2} us/item \
             ({:.0}/s, x{:.2} vs single)",
            1e6 / best,
            single / best
        );
    }
}
