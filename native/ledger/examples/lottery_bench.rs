//! Lottery index benchmark: builds 10^6 holders (random keys and balances) and reports the cost
//! of a winner() draw and of balance updates.
//!
//!     cargo run --release -p antshares-ledger --example lottery_bench [-- HOLDERS]
use std::hint::black_box;
use std::time::Instant;

use antshares_core::UInt160;
use antshares_ledger::{lottery_number, HolderIndex};

#[path = "../tests/common/mod.rs"]
mod common;
use common::Rng;

fn random_key(rng: &mut Rng) -> UInt160 {
    let mut b = [0u8; 20];
    b[..8].copy_from_slice(&rng.next().to_le_bytes());
    b[8..16].copy_from_slice(&rng.next().to_le_bytes());
    b[16..].copy_from_slice(&(rng.next() as u32).to_le_bytes());
    UInt160(b)
}

fn random32(rng: &mut Rng) -> [u8; 32] {
    let mut r = [0u8; 32];
    for c in r.chunks_mut(8) {
        c.copy_from_slice(&rng.next().to_le_bytes());
    }
    r
}

fn per_op_us(start: Instant, ops: usize) -> f64 {
    start.elapsed().as_secs_f64() * 1e6 / ops as f64
}

fn main() {
    let holders: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("HOLDERS must be a number"))
        .unwrap_or(1_000_000);
    let mut rng = Rng(0x5eed);
    let keys: Vec<UInt160> = (0..holders).map(|_| random_key(&mut rng)).collect();
    // Balances 1..=199 whole shares: ≈ 10^8 in all for 10^6 holders, like the ANS supply.
    let balances: Vec<u64> = (0..holders).map(|_| 1 + rng.next() % 199).collect();

    let start = Instant::now();
    let mut index = HolderIndex::with_capacity(holders);
    for (k, &b) in keys.iter().zip(&balances) {
        index.set_balance(k, b);
    }
    let build_s = start.elapsed().as_secs_f64();
    let total = index.total();
    println!(
        "holders: {} (total {total} shares), random-order inserts: {build_s:.3} s ({:.3} µs each)",
        index.len(),
        build_s * 1e6 / holders as f64
    );

    let mut sorted: Vec<(UInt160, u64)> = index.snapshot();
    let start = Instant::now();
    let bulk = HolderIndex::from_sorted(sorted.drain(..)).expect("sorted");
    println!(
        "from_sorted (bulk O(n) build): {:.3} s",
        start.elapsed().as_secs_f64()
    );
    assert!(bulk == index);
    drop(bulk);

    let start = Instant::now();
    let snap = index.iter().count();
    println!(
        "in-order iteration of {snap} holders: {:.3} s",
        start.elapsed().as_secs_f64()
    );

    let draws = 1_000_000;
    let randoms: Vec<[u8; 32]> = (0..draws).map(|_| random32(&mut rng)).collect();
    let total_u64 = u64::try_from(total).expect("total fits u64");
    let start = Instant::now();
    let mut acc = 0u8;
    for r in &randoms {
        let n = lottery_number(r) % total_u64;
        acc ^= index.winner(n).expect("n < total").0[0];
    }
    black_box(acc);
    println!(
        "winner() draw (lottery_number + descent): {:.3} µs per draw ({draws} draws)",
        per_op_us(start, draws)
    );

    let updates = 1_000_000;
    let picks: Vec<(usize, u64)> = (0..updates)
        .map(|_| ((rng.next() % holders as u64) as usize, rng.next() % 199))
        .collect();
    let start = Instant::now();
    for &(i, d) in &picks {
        index.add(&keys[i], d).expect("add");
    }
    println!(
        "add() to an existing holder: {:.3} µs per update ({updates} updates)",
        per_op_us(start, updates)
    );

    // Remove a holder and insert a new one: the dynamic-key path (split / merge).
    let churn = 500_000;
    let new_keys: Vec<UInt160> = (0..churn).map(|_| random_key(&mut rng)).collect();
    let start = Instant::now();
    for (j, k) in new_keys.iter().enumerate() {
        index.set_balance(&keys[j], 0);
        index.set_balance(k, 1 + (j as u64 % 199));
    }
    println!(
        "remove + insert (holder churn): {:.3} µs per operation ({} operations)",
        per_op_us(start, 2 * churn),
        2 * churn
    );
    assert_eq!(index.len(), holders);
    index.validate().expect("valid after the benchmark");
}
