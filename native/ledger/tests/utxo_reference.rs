//! Property tests: `UtxoCache` in front of a `HashMap` store against a deliberately simple
//! reference (a cache-less `HashMap` UTXO set applying the same blocks), over seeded random
//! blocks with aborts, double spends within and across blocks, duplicate outputs, flushes at
//! random points and memory budgets tiny enough to force eviction.
use std::collections::{HashMap, HashSet};

use antshares_core::{UInt160, UInt256};
use antshares_ledger::{Coin, Lookup, OutPoint, UtxoCache, UtxoError};

mod common;
use common::Rng;

fn txid(n: u64) -> UInt256 {
    let mut b = [0u8; 32];
    b[..8].copy_from_slice(&n.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    b[24..].copy_from_slice(&n.to_be_bytes());
    UInt256(b)
}

fn coin(rng: &mut Rng, height: u32) -> Coin {
    Coin {
        asset_id: UInt256([rng.below(3) as u8; 32]),
        value: 1 + (rng.next() >> 2) as i64 % 1_000_000_000,
        script_hash: UInt160([rng.below(7) as u8; 20]),
        height,
    }
}

type Store = HashMap<[u8; 34], [u8; 64]>;
/// A transaction's inputs and outputs.
type Tx = (Vec<OutPoint>, Vec<(OutPoint, Coin)>);

/// The reference applies a transaction to a block view (`spent`, `created`) over the set.
struct Reference {
    set: HashMap<OutPoint, Coin>,
}

impl Reference {
    fn unspent(
        &self,
        created: &HashMap<OutPoint, Coin>,
        spent: &HashSet<OutPoint>,
        o: &OutPoint,
    ) -> bool {
        !spent.contains(o) && (created.contains_key(o) || self.set.contains_key(o))
    }

    /// The first error, as the cache reports it, of spending `inputs` in order.
    fn check_spends(
        &self,
        created: &HashMap<OutPoint, Coin>,
        spent: &HashSet<OutPoint>,
        inputs: &[OutPoint],
    ) -> Result<Vec<Coin>, UtxoError> {
        let mut now = spent.clone();
        let mut coins = Vec::new();
        for o in inputs {
            // Only successful spends are in `now`: a second one is a double spend.
            if now.contains(o) {
                return Err(UtxoError::AlreadySpent(*o));
            }
            match created.get(o).or_else(|| self.set.get(o)) {
                Some(c) => coins.push(*c),
                None => return Err(UtxoError::Missing(*o)),
            }
            now.insert(*o);
        }
        Ok(coins)
    }
}

/// The store under the cache: `peek`, then the store.
fn view(cache: &UtxoCache, store: &Store, o: &OutPoint) -> Option<Coin> {
    match cache.peek(o) {
        Lookup::Unspent(c) => Some(c),
        Lookup::Spent => None,
        Lookup::Unknown => store.get(&o.encode()).map(|v| Coin::decode(v).unwrap()),
    }
}

fn fetch(cache: &mut UtxoCache, store: &Store, ops: &[OutPoint]) {
    let miss = cache.missing(ops);
    let answers: Vec<_> = miss
        .iter()
        .map(|o| (*o, store.get(&o.encode()).map(|v| Coin::decode(v).unwrap())))
        .collect();
    cache.load(answers);
    assert!(cache.missing(ops).is_empty());
}

fn flush(cache: &mut UtxoCache, store: &mut Store, reference: &Reference, ctx: &str) {
    let ops = cache.flush().unwrap();
    assert_eq!(cache.flush().unwrap(), ops, "{ctx}: flush is repeatable");
    assert_eq!(cache.begin_block(), Err(UtxoError::FlushPending), "{ctx}");
    let keys: Vec<_> = ops.iter().map(|(o, _)| o.encode()).collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "{ctx}: store-key order"
    );
    for (o, c) in ops {
        match c {
            Some(c) => {
                store.insert(o.encode(), c.encode());
            }
            // A FRESH coin spent before the flush is never deleted: every delete hits.
            None => assert!(
                store.remove(&o.encode()).is_some(),
                "{ctx}: wasted delete {o}"
            ),
        }
    }
    cache.flush_done().unwrap();
    assert_eq!(cache.flush_done(), Err(UtxoError::NoFlush), "{ctx}");
    assert_eq!(cache.stats().dirty, 0, "{ctx}");
    assert!(
        cache.memory_usage() <= cache.memory_budget(),
        "{ctx}: within budget"
    );
    let expected: Store = reference
        .set
        .iter()
        .map(|(o, c)| (o.encode(), c.encode()))
        .collect();
    assert!(*store == expected, "{ctx}: store == reference after flush");
}

fn run(seed: u64, blocks: u32, budget: usize) -> UtxoCache {
    let mut rng = Rng(seed);
    let mut cache = UtxoCache::new(budget);
    let mut store = Store::new();
    let mut reference = Reference {
        set: HashMap::new(),
    };
    let mut next_tx = 1u64;
    let mut history: Vec<OutPoint> = Vec::new();
    // Genesis: a few coins already in the store.
    for i in 0..40u16 {
        let (o, c) = (OutPoint::new(txid(0), i), coin(&mut rng, 0));
        store.insert(o.encode(), c.encode());
        reference.set.insert(o, c);
        history.push(o);
    }
    for height in 1..=blocks {
        let ctx = format!("seed {seed} budget {budget} height {height}");
        let live: Vec<OutPoint> = reference.set.keys().copied().collect();
        let load_outputs = rng.below(2) == 0;
        let mut txs: Vec<Tx> = Vec::new();
        let mut block_outs: Vec<OutPoint> = Vec::new();
        let mut block_ins: Vec<OutPoint> = Vec::new();
        for _ in 0..1 + rng.below(6) {
            let mut ins = Vec::new();
            for _ in 0..rng.below(4) {
                let r = rng.below(100);
                let o = match r {
                    0..=69 => rng.pick(&live),
                    70..=79 => rng.pick(&block_outs),
                    80..=84 => rng.pick(&block_ins),
                    85..=91 => rng.pick(&history),
                    _ => Some(OutPoint::new(txid(u64::MAX - rng.below(50) as u64), 0)),
                };
                ins.extend(o);
            }
            block_ins.extend(&ins);
            let id = match rng.below(50) {
                0 if load_outputs => live.first().map_or(txid(next_tx), |o| o.txid),
                1 if load_outputs => rng.pick(&history).map_or(txid(next_tx), |o| o.txid),
                _ => txid(next_tx),
            };
            next_tx += 1;
            let outs: Vec<_> = (0..1 + rng.below(3) as u16)
                .map(|i| (OutPoint::new(id, i), coin(&mut rng, height)))
                .collect();
            block_outs.extend(outs.iter().map(|(o, _)| *o));
            history.extend(outs.iter().map(|(o, _)| *o));
            txs.push((ins, outs));
        }
        // One read transaction for the whole block.
        let mut wanted = block_ins.clone();
        if load_outputs {
            wanted.extend(&block_outs);
        }
        fetch(&mut cache, &store, &wanted);

        cache.begin_block().unwrap();
        assert_eq!(cache.begin_block(), Err(UtxoError::BlockOpen), "{ctx}");
        assert_eq!(cache.flush(), Err(UtxoError::BlockOpen), "{ctx}");
        let mut created: HashMap<OutPoint, Coin> = HashMap::new();
        let mut spent: HashSet<OutPoint> = HashSet::new();
        let mut ok = true;
        for (ins, outs) in &txs {
            let want = reference.check_spends(&created, &spent, ins);
            let got = cache.spend_many(ins);
            assert_eq!(got, want, "{ctx}: spend_many {ins:?}");
            if got.is_err() {
                // The overlay is unchanged: skip the transaction, or reject the block.
                if rng.below(2) == 0 {
                    continue;
                }
                ok = false;
                break;
            }
            spent.extend(ins.iter().copied());
            let dup = outs
                .iter()
                .find(|(o, _)| reference.unspent(&created, &spent, o))
                .map(|(o, _)| UtxoError::Exists(*o));
            let got = cache.add_many(outs);
            assert_eq!(got.err(), dup, "{ctx}: add_many");
            if dup.is_some() {
                ok = false;
                break;
            }
            for (o, c) in outs {
                spent.remove(o);
                created.insert(*o, *c);
            }
        }
        if ok && rng.below(10) != 0 {
            cache.commit_block().unwrap();
            for o in &spent {
                created.remove(o);
                reference.set.remove(o);
            }
            reference.set.extend(created);
        } else {
            cache.abort_block().unwrap();
        }
        assert_eq!(cache.commit_block(), Err(UtxoError::NoBlock), "{ctx}");
        for o in block_ins.iter().chain(&block_outs) {
            let want = reference.set.get(o).copied();
            assert_eq!(view(&cache, &store, o), want, "{ctx}: view of {o}");
        }
        for _ in 0..20 {
            if let Some(o) = rng.pick(&history) {
                let want = reference.set.get(&o).copied();
                assert_eq!(view(&cache, &store, &o), want, "{ctx}: view of {o}");
            }
        }
        if rng.below(5) == 0 {
            flush(&mut cache, &mut store, &reference, &ctx);
        }
        if history.len() > 4000 {
            history.drain(..2000);
        }
    }
    flush(
        &mut cache,
        &mut store,
        &reference,
        &format!("seed {seed} end"),
    );
    cache
}

#[test]
fn matches_reference_with_large_budget() {
    for seed in 0..20 {
        let cache = run(seed, 300, 1 << 30);
        assert_eq!(cache.stats().evictions, 0);
    }
}

#[test]
fn matches_reference_with_tiny_budgets() {
    for (seed, budget) in (100..130).zip([0, 1, 500, 3_000, 20_000].into_iter().cycle()) {
        let cache = run(seed, 300, budget);
        assert!(cache.stats().evictions > 0, "seed {seed}: no eviction");
    }
}

fn op(n: u64, i: u16) -> OutPoint {
    OutPoint::new(txid(n), i)
}

fn c(v: i64) -> Coin {
    Coin {
        asset_id: UInt256([1; 32]),
        value: v,
        script_hash: UInt160([2; 20]),
        height: 7,
    }
}

#[test]
fn encoding() {
    let o = OutPoint::new(txid(9), 0x0102);
    let k = o.encode();
    assert_eq!(&k[..32], &txid(9).0);
    assert_eq!(&k[32..], &[1, 2], "index big-endian");
    assert_eq!(OutPoint::decode(&k), Ok(o));
    assert_eq!(
        OutPoint::decode(&k[1..]),
        Err(UtxoError::BadOutPoint { len: 33 })
    );
    let v = c(5).encode();
    assert_eq!(v.len(), 64);
    assert_eq!(Coin::decode(&v), Ok(c(5)));
    assert_eq!(Coin::decode(&[0; 65]), Err(UtxoError::BadCoin { len: 65 }));
    assert_eq!(
        Coin::decode(&c(-3).encode()),
        Err(UtxoError::NonPositiveValue { value: -3 })
    );
    assert_eq!(
        Coin::decode(&[0; 64]),
        Err(UtxoError::NonPositiveValue { value: 0 })
    );
    assert_eq!(format!("{o}"), format!("{}:258", txid(9)));
}

#[test]
fn call_order_and_errors() {
    let mut cache = UtxoCache::new(1 << 20);
    assert_eq!(cache.spend(&op(1, 0)), Err(UtxoError::NoBlock));
    assert_eq!(cache.add(op(1, 0), c(1)), Err(UtxoError::NoBlock));
    assert_eq!(cache.abort_block(), Err(UtxoError::NoBlock));
    assert_eq!(cache.flush_done(), Err(UtxoError::NoFlush));
    cache.load([(op(1, 0), Some(c(1))), (op(2, 0), None)]);
    cache.begin_block().unwrap();
    assert_eq!(cache.spend(&op(3, 0)), Err(UtxoError::NotLoaded(op(3, 0))));
    assert_eq!(cache.spend(&op(2, 0)), Err(UtxoError::Missing(op(2, 0))));
    assert_eq!(cache.add(op(1, 0), c(2)), Err(UtxoError::Exists(op(1, 0))));
    assert_eq!(
        cache.add(op(4, 0), c(0)),
        Err(UtxoError::NonPositiveValue { value: 0 })
    );
    // A failing batch leaves the overlay as it was.
    let e = cache.spend_many(&[op(1, 0), op(1, 0)]);
    assert_eq!(e, Err(UtxoError::AlreadySpent(op(1, 0))));
    assert_eq!(cache.peek(&op(1, 0)), Lookup::Unspent(c(1)));
    let e = cache.add_many(&[(op(5, 0), c(1)), (op(1, 0), c(1))]);
    assert_eq!(e, Err(UtxoError::Exists(op(1, 0))));
    assert_eq!(cache.peek(&op(5, 0)), Lookup::Unknown);
    assert_eq!(cache.spend_many(&[op(1, 0)]), Ok(vec![c(1)]));
    assert_eq!(
        cache.spend(&op(1, 0)),
        Err(UtxoError::AlreadySpent(op(1, 0)))
    );
    cache.abort_block().unwrap();
    assert_eq!(cache.peek(&op(1, 0)), Lookup::Unspent(c(1)));
    assert_eq!(cache.flush().unwrap(), vec![]);
    cache.flush_done().unwrap();
}

#[test]
fn fresh_coins_spent_before_a_flush_never_reach_the_store() {
    let mut cache = UtxoCache::new(1 << 20);
    cache.load([(op(1, 0), Some(c(1)))]);
    cache.begin_block().unwrap();
    cache
        .add_many(&[(op(2, 0), c(2)), (op(2, 1), c(3))])
        .unwrap();
    cache.commit_block().unwrap();
    cache.begin_block().unwrap();
    assert_eq!(
        cache.spend_many(&[op(2, 0), op(1, 0)]),
        Ok(vec![c(2), c(1)])
    );
    cache.commit_block().unwrap();
    assert_eq!(cache.stats().dirty, 2);
    // Only the store coin is deleted and the surviving new coin written.
    assert_eq!(
        cache.flush().unwrap(),
        vec![(op(1, 0), None), (op(2, 1), Some(c(3)))]
    );
    cache.flush_done().unwrap();
    assert_eq!(cache.peek(&op(2, 0)), Lookup::Unknown);
    assert_eq!(cache.peek(&op(1, 0)), Lookup::Spent);
    assert_eq!(
        cache.missing(&[op(1, 0), op(2, 0), op(2, 0)]),
        vec![op(2, 0)]
    );
    let s = cache.stats();
    assert_eq!((s.hits, s.misses, s.dirty), (1, 1, 0));
}
