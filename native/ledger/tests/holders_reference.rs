//! Property tests: `HolderIndex` against a deliberately simple reference (a sorted `Vec` with
//! linear scans), over seeded random sequences of inserts, updates, removals and draws.
use antshares_core::UInt160;
use antshares_ledger::{Error, HolderIndex};

mod common;
use common::Rng;

/// The reference: holders sorted by UInt160 order (`Ord` of the core type), no zero balances.
#[derive(Default)]
struct Reference(Vec<(UInt160, u64)>);

impl Reference {
    fn position(&self, k: &UInt160) -> Result<usize, usize> {
        self.0.binary_search_by(|(x, _)| x.cmp(k))
    }

    fn balance(&self, k: &UInt160) -> u64 {
        self.position(k).map_or(0, |i| self.0[i].1)
    }

    fn set(&mut self, k: UInt160, b: u64) {
        match (self.position(&k), b) {
            (Ok(i), 0) => {
                self.0.remove(i);
            }
            (Ok(i), _) => self.0[i].1 = b,
            (Err(_), 0) => {}
            (Err(i), _) => self.0.insert(i, (k, b)),
        }
    }

    fn total(&self) -> u128 {
        self.0.iter().map(|&(_, b)| u128::from(b)).sum()
    }

    /// The linear scan the SPEC describes.
    fn winner(&self, n: u64) -> Option<UInt160> {
        let mut cumulative = 0u128;
        for &(k, b) in &self.0 {
            cumulative += u128::from(b);
            if cumulative > u128::from(n) {
                return Some(k);
            }
        }
        None
    }

    fn prefix_sum(&self, k: &UInt160) -> u128 {
        self.0
            .iter()
            .filter(|(x, _)| x < k)
            .map(|&(_, b)| u128::from(b))
            .sum()
    }
}

/// A key from a pool of `pool` distinct keys; the bytes vary at both ends so that the
/// little-endian order (last byte first) matters.
fn key(rng: &mut Rng, pool: u64) -> UInt160 {
    let i = rng.below(pool);
    let mut b = [0u8; 20];
    let h = i.wrapping_mul(0x2545_f491_4f6c_dd1d);
    b[..8].copy_from_slice(&h.to_le_bytes());
    b[12..20].copy_from_slice(&(h.rotate_left(17) & 0x0000_ffff_0000_00ff).to_le_bytes());
    UInt160(b)
}

fn balance(rng: &mut Rng) -> u64 {
    match rng.below(4) {
        0 => 1 + rng.below(3),
        1 => 1 + rng.below(1000),
        2 => 1 + rng.below(100_000_000),
        _ => 1 + rng.below(u64::MAX / 2),
    }
}

fn check_same(h: &HolderIndex, r: &Reference, ctx: &str) {
    assert_eq!(h.len(), r.0.len(), "{ctx}: len");
    assert_eq!(h.total(), r.total(), "{ctx}: total");
    assert!(h.iter().eq(r.0.iter().copied()), "{ctx}: in-order contents");
    h.validate().unwrap_or_else(|e| panic!("{ctx}: {e}"));
}

fn draw_checks(h: &HolderIndex, r: &Reference, rng: &mut Rng, ctx: &str) {
    let total = r.total();
    if total == 0 {
        assert_eq!(h.winner(0), Err(Error::NoHolders), "{ctx}");
        return;
    }
    let max_n = u64::try_from(total - 1).unwrap_or(u64::MAX);
    // Random numbers, and the edges of a few holders' intervals.
    let mut ns = vec![0, max_n, rng.next() % (max_n.saturating_add(1).max(1))];
    for _ in 0..3 {
        let (k, b) = r.0[rng.below(r.0.len() as u64) as usize];
        let start = r.prefix_sum(&k);
        assert_eq!(h.prefix_sum(&k), start, "{ctx}: prefix_sum");
        for n in [start, start + u128::from(b) - 1] {
            if let Ok(n) = u64::try_from(n) {
                ns.push(n);
            }
        }
    }
    for n in ns {
        assert_eq!(h.winner(n).ok(), r.winner(n), "{ctx}: winner({n})");
    }
    if let Ok(n) = u64::try_from(total) {
        assert_eq!(
            h.winner(n),
            Err(Error::DrawOutOfRange { n, total }),
            "{ctx}: out of range"
        );
    }
}

fn run(seed: u64, ops: usize, pool: u64) {
    let mut rng = Rng(seed);
    let mut h = HolderIndex::new();
    let mut r = Reference::default();
    for step in 0..ops {
        let ctx = format!("seed {seed} step {step}");
        let k = key(&mut rng, pool);
        match rng.below(10) {
            // set (sometimes to 0: removal)
            0..=2 => {
                let b = if rng.below(4) == 0 {
                    0
                } else {
                    balance(&mut rng)
                };
                let old = h.set_balance(&k, b);
                assert_eq!(old, r.balance(&k), "{ctx}: previous balance");
                r.set(k, b);
            }
            // add
            3 | 4 => {
                let d = balance(&mut rng);
                let old = r.balance(&k);
                match old.checked_add(d) {
                    Some(new) => {
                        assert_eq!(h.add(&k, d), Ok(new), "{ctx}: add");
                        r.set(k, new);
                    }
                    None => assert!(h.add(&k, d).is_err(), "{ctx}: add overflow"),
                }
            }
            // subtract: often the whole balance (removal), sometimes too much
            5 | 6 => {
                let old = r.balance(&k);
                let d = match rng.below(3) {
                    0 => old,
                    1 if old > 0 => 1 + rng.below(old),
                    _ => old + 1 + rng.below(5),
                };
                if d <= old {
                    assert_eq!(h.subtract(&k, d), Ok(old - d), "{ctx}: subtract");
                    r.set(k, old - d);
                } else {
                    assert!(
                        matches!(h.subtract(&k, d), Err(Error::InsufficientBalance { .. })),
                        "{ctx}: subtract too much"
                    );
                }
            }
            // a block's worth of signed deltas, applied atomically
            7 => {
                let mut deltas = Vec::new();
                let mut net: Vec<(UInt160, i128)> = Vec::new();
                for _ in 0..1 + rng.below(6) {
                    let k = key(&mut rng, pool);
                    let old = i128::from(r.balance(&k));
                    let d = if rng.below(2) == 0 {
                        i128::from(rng.below(1000))
                    } else {
                        -(old.min(1000) - i128::from(rng.below(3)))
                    };
                    deltas.push((k, d));
                    match net.iter_mut().find(|(x, _)| *x == k) {
                        Some(e) => e.1 += d,
                        None => net.push((k, d)),
                    }
                }
                let ok = net.iter().all(|(k, d)| {
                    let v = i128::from(r.balance(k)) + d;
                    (0..=i128::from(u64::MAX)).contains(&v)
                });
                let result = h.apply(&deltas);
                assert_eq!(result.is_ok(), ok, "{ctx}: apply {deltas:?}");
                if ok {
                    for (k, d) in net {
                        let v = i128::from(r.balance(&k)) + d;
                        r.set(k, u64::try_from(v).unwrap());
                    }
                }
            }
            // look-ups
            _ => {
                assert_eq!(h.balance(&k), r.balance(&k), "{ctx}: balance");
                assert_eq!(h.contains(&k), r.balance(&k) > 0, "{ctx}: contains");
                assert_eq!(h.prefix_sum(&k), r.prefix_sum(&k), "{ctx}: prefix_sum");
            }
        }
        if step % 97 == 0 {
            check_same(&h, &r, &ctx);
        }
        if step % 13 == 0 {
            draw_checks(&h, &r, &mut rng, &ctx);
        }
    }
    check_same(&h, &r, &format!("seed {seed} end"));
    draw_checks(&h, &r, &mut rng, &format!("seed {seed} end"));
    // Bulk construction from the sorted contents gives an equal index.
    let rebuilt = HolderIndex::from_sorted(r.0.iter().copied()).unwrap();
    check_same(&rebuilt, &r, &format!("seed {seed} rebuilt"));
    assert_eq!(rebuilt, h);
    // Emptying it through removals leaves a valid empty index.
    for (k, _) in h.snapshot() {
        h.set_balance(&k, 0);
    }
    assert!(h.is_empty());
    assert_eq!(h.total(), 0);
    h.validate().unwrap();
}

#[test]
fn small_key_pool_many_collisions() {
    // 16 keys: constant inserts and removals of the same holders.
    for seed in 0..40 {
        run(seed, 2_000, 16);
    }
}

#[test]
fn medium_key_pool() {
    for seed in 100..120 {
        run(seed, 5_000, 500);
    }
}

#[test]
fn large_key_pool() {
    for seed in 1_000..1_004 {
        run(seed, 20_000, 1 << 40);
    }
}

#[test]
fn whole_share_lottery_with_ans_supply() {
    // 100,000,000 ANS split among holders; every draw n = R mod 10^8 lands on a holder.
    let mut rng = Rng(7);
    let mut h = HolderIndex::new();
    let mut r = Reference::default();
    let mut left = 100_000_000u64;
    while left > 0 {
        let k = key(&mut rng, 1 << 40);
        if r.balance(&k) > 0 {
            continue;
        }
        let b = (1 + rng.below(5_000_000)).min(left);
        h.set_balance(&k, b);
        r.set(k, b);
        left -= b;
    }
    assert_eq!(h.total(), 100_000_000);
    for _ in 0..2_000 {
        let n = rng.below(100_000_000);
        assert_eq!(h.winner(n).ok(), r.winner(n));
    }
}
