//! The ANS holder index: an order-statistics tree over holders keyed by script hash.
//!
//! The lottery (SPEC §5) lines up the holders in ascending UInt160 order (the 20 bytes read as
//! a little-endian number) and picks the first whose cumulative whole-share balance exceeds
//! `n`. A scan is O(holders); this index answers it in O(log holders), and takes balance
//! changes in O(log holders) too, so it stays fast with millions of holders.
//!
//! # Design
//! A treap (a binary search tree on the keys that is also a max-heap on random priorities)
//! whose nodes carry the sum of the balances of their subtree. Holders come and go at any key,
//! so the key set is dynamic: an implicit array with a Fenwick tree would need rebuilding on
//! every new key. The treap's expected depth is about `2 ln n` (≈ 28 for 10^6 holders) whatever
//! the keys, and its code is short: insertion and removal are a split and a merge.
//!
//! - Priorities come from a hash of the key under a per-index random seed (SipHash with
//!   `RandomState`), so nobody can grind script hashes into a degenerate (list-shaped) tree.
//!   The shape therefore differs between processes, but every answer (balances, order, winners,
//!   iteration) is a function of the holder set alone: nothing observable depends on the seed.
//! - Nodes live in one `Vec` (u32 links, 64-byte nodes: one cache line each) with a free list,
//!   so updates allocate nothing once the index has grown.
//! - Subtree sums are `u128`, so no number of `u64` balances can overflow them.
//! - Holders with a zero balance are not stored: setting a balance to 0 removes the holder.
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;

use antshares_core::UInt160;

use crate::Error;

const NIL: u32 = u32::MAX;

/// A key as a pair of integers whose derived order is the UInt160 order: `hi` = bytes 16..20
/// and `lo` = bytes 0..16, both little-endian.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    hi: u32,
    lo: u128,
}

impl Key {
    #[inline]
    fn of(k: &UInt160) -> Key {
        let b = &k.0;
        let mut lo = [0u8; 16];
        lo.copy_from_slice(&b[..16]);
        Key {
            hi: u32::from_le_bytes([b[16], b[17], b[18], b[19]]),
            lo: u128::from_le_bytes(lo),
        }
    }

    #[inline]
    fn to_uint(self) -> UInt160 {
        let mut b = [0u8; 20];
        b[..16].copy_from_slice(&self.lo.to_le_bytes());
        b[16..].copy_from_slice(&self.hi.to_le_bytes());
        UInt160(b)
    }
}

#[derive(Clone)]
struct Node {
    key_lo: u128,
    /// The balances of this node's subtree, itself included.
    sum: u128,
    balance: u64,
    key_hi: u32,
    prio: u32,
    left: u32,
    right: u32,
}

impl Node {
    #[inline]
    fn key(&self) -> Key {
        Key {
            hi: self.key_hi,
            lo: self.key_lo,
        }
    }
}

/// The ANS holders with a non-zero whole-share balance, in UInt160 order, with O(log n)
/// updates, balance look-ups, prefix sums and lottery draws.
#[derive(Clone)]
pub struct HolderIndex {
    nodes: Vec<Node>,
    free: Vec<u32>,
    root: u32,
    len: usize,
    seed: RandomState,
}

impl Default for HolderIndex {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for HolderIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HolderIndex")
            .field("len", &self.len)
            .field("total", &self.total())
            .finish()
    }
}

/// Two indexes are equal when they hold the same holders with the same balances.
impl PartialEq for HolderIndex {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for HolderIndex {}

impl HolderIndex {
    /// An empty index.
    pub fn new() -> Self {
        HolderIndex {
            nodes: Vec::new(),
            free: Vec::new(),
            root: NIL,
            len: 0,
            seed: RandomState::new(),
        }
    }

    /// An empty index with room for `n` holders.
    pub fn with_capacity(n: usize) -> Self {
        let mut h = Self::new();
        h.nodes.reserve(n);
        h
    }

    /// Builds the index in O(n) from holders in strictly ascending UInt160 order, each with a
    /// non-zero balance (as a sorted table scan yields them).
    pub fn from_sorted<I>(items: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = (UInt160, u64)>,
    {
        let items = items.into_iter();
        let mut h = Self::with_capacity(items.size_hint().0);
        let mut prev: Option<Key> = None;
        // The right spine of the Cartesian tree built so far (priorities non-increasing).
        let mut spine: Vec<u32> = Vec::new();
        for (index, (key, balance)) in items.enumerate() {
            let k = Key::of(&key);
            if prev.is_some_and(|p| p >= k) {
                return Err(Error::NotAscending { index, key });
            }
            if balance == 0 {
                return Err(Error::ZeroBalance { index, key });
            }
            prev = Some(k);
            let n = h.alloc(k, balance);
            let prio = h.nodes[n as usize].prio;
            let mut last = NIL;
            while let Some(&top) = spine.last() {
                if h.nodes[top as usize].prio >= prio {
                    break;
                }
                last = top;
                spine.pop();
            }
            h.nodes[n as usize].left = last;
            if let Some(&top) = spine.last() {
                h.nodes[top as usize].right = n;
            }
            spine.push(n);
        }
        h.root = spine.first().copied().unwrap_or(NIL);
        h.len = h.nodes.len();
        h.recompute_sums(h.root);
        Ok(h)
    }

    /// The number of holders (all with a non-zero balance).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The sum of all balances.
    pub fn total(&self) -> u128 {
        self.sum(self.root)
    }

    /// Removes every holder.
    pub fn clear(&mut self) {
        self.nodes.clear();
        self.free.clear();
        self.root = NIL;
        self.len = 0;
    }

    /// The balance of `key` (0 when it holds nothing).
    pub fn balance(&self, key: &UInt160) -> u64 {
        let t = self.find(Key::of(key));
        if t == NIL {
            0
        } else {
            self.nodes[t as usize].balance
        }
    }

    pub fn contains(&self, key: &UInt160) -> bool {
        self.find(Key::of(key)) != NIL
    }

    /// Sets the balance of `key`, inserting or (at 0) removing the holder; returns the
    /// previous balance.
    pub fn set_balance(&mut self, key: &UInt160, balance: u64) -> u64 {
        let k = Key::of(key);
        let t = self.find(k);
        if t == NIL {
            if balance != 0 {
                self.insert_new(k, balance);
            }
            return 0;
        }
        let old = self.nodes[t as usize].balance;
        if balance == 0 {
            self.remove_existing(k, old);
        } else if balance != old {
            let delta = i128::from(balance) - i128::from(old);
            self.add_along_path(k, delta);
            self.nodes[t as usize].balance = balance;
        }
        old
    }

    /// Adds `delta` to the balance of `key`; returns the new balance.
    pub fn add(&mut self, key: &UInt160, delta: u64) -> Result<u64, Error> {
        self.adjust(key, i128::from(delta))
    }

    /// Subtracts `delta` from the balance of `key` (removing it at 0); returns the new balance.
    pub fn subtract(&mut self, key: &UInt160, delta: u64) -> Result<u64, Error> {
        self.adjust(key, -i128::from(delta))
    }

    /// Adds a signed `delta` to the balance of `key`; returns the new balance. The balance
    /// must stay within `0..=u64::MAX`; on error nothing changes.
    pub fn adjust(&mut self, key: &UInt160, delta: i128) -> Result<u64, Error> {
        let balance = self.balance(key);
        let new = Self::checked_balance(key, balance, delta)?;
        if new != balance {
            self.set_balance(key, new);
        }
        Ok(new)
    }

    /// Applies many signed deltas at once (e.g. a block's ANS movements), atomically: the
    /// deltas of a key are summed, every resulting balance is checked first, and on an error
    /// nothing changes. The error names the first failing key in order of first appearance.
    pub fn apply(&mut self, deltas: &[(UInt160, i128)]) -> Result<(), Error> {
        let mut position: HashMap<UInt160, usize> = HashMap::with_capacity(deltas.len());
        let mut net: Vec<(UInt160, i128)> = Vec::with_capacity(deltas.len());
        for &(key, delta) in deltas {
            let i = *position.entry(key).or_insert_with(|| {
                net.push((key, 0));
                net.len() - 1
            });
            net[i].1 = net[i].1.checked_add(delta).ok_or(Error::BalanceOverflow {
                key,
                balance: self.balance(&key),
                delta,
            })?;
        }
        let mut updates: Vec<(UInt160, u64)> = Vec::with_capacity(net.len());
        for (key, delta) in net {
            let balance = self.balance(&key);
            updates.push((key, Self::checked_balance(&key, balance, delta)?));
        }
        for (key, balance) in updates {
            self.set_balance(&key, balance);
        }
        Ok(())
    }

    /// The lottery draw: the first holder in ascending key order whose cumulative balance
    /// exceeds `n`, i.e. the holder `k` with `prefix_sum(k) ≤ n < prefix_sum(k) + balance(k)`.
    /// Needs `n < total()`.
    pub fn winner(&self, n: u64) -> Result<UInt160, Error> {
        if self.root == NIL {
            return Err(Error::NoHolders);
        }
        let total = self.total();
        let mut n = u128::from(n);
        if n >= total {
            return Err(Error::DrawOutOfRange { n: n as u64, total });
        }
        let mut t = self.root;
        loop {
            let node = &self.nodes[t as usize];
            let left = self.sum(node.left);
            if n < left {
                t = node.left;
                continue;
            }
            n -= left;
            let own = u128::from(node.balance);
            if n < own {
                return Ok(node.key().to_uint());
            }
            n -= own;
            // n < sum(t) − left − own = sum(right), so the right child exists.
            t = node.right;
        }
    }

    /// The sum of the balances of the holders strictly before `key` (which need not be held).
    pub fn prefix_sum(&self, key: &UInt160) -> u128 {
        let k = Key::of(key);
        let mut acc = 0u128;
        let mut t = self.root;
        while t != NIL {
            let node = &self.nodes[t as usize];
            if node.key() < k {
                acc += self.sum(node.left) + u128::from(node.balance);
                t = node.right;
            } else {
                t = node.left;
            }
        }
        acc
    }

    /// The holders and balances in ascending UInt160 order.
    pub fn iter(&self) -> Iter<'_> {
        let mut it = Iter {
            index: self,
            stack: Vec::new(),
            remaining: self.len,
        };
        it.push_left_spine(self.root);
        it
    }

    /// A copy of the holders and balances in ascending UInt160 order (for state digests).
    pub fn snapshot(&self) -> Vec<(UInt160, u64)> {
        self.iter().collect()
    }

    /// Checks every structural invariant (search order, heap order, subtree sums, count,
    /// no zero balance); for tests. O(n).
    pub fn validate(&self) -> Result<(), String> {
        let mut count = 0usize;
        self.validate_node(self.root, None, None, u32::MAX, &mut count)?;
        if count != self.len {
            return Err(format!("len {} but {count} nodes reachable", self.len));
        }
        if self.nodes.len() != self.len + self.free.len() {
            return Err("arena size mismatch".into());
        }
        Ok(())
    }

    // ---- internals ----

    fn validate_node(
        &self,
        t: u32,
        low: Option<Key>,
        high: Option<Key>,
        max_prio: u32,
        count: &mut usize,
    ) -> Result<u128, String> {
        if t == NIL {
            return Ok(0);
        }
        let n = &self.nodes[t as usize];
        let k = n.key();
        if low.is_some_and(|l| k <= l) || high.is_some_and(|h| k >= h) {
            return Err(format!("node {t}: key out of order"));
        }
        if n.prio > max_prio {
            return Err(format!("node {t}: heap order broken"));
        }
        if n.balance == 0 {
            return Err(format!("node {t}: zero balance"));
        }
        *count += 1;
        let l = self.validate_node(n.left, low, Some(k), n.prio, count)?;
        let r = self.validate_node(n.right, Some(k), high, n.prio, count)?;
        let s = l + r + u128::from(n.balance);
        if s != n.sum {
            return Err(format!("node {t}: sum {} != {s}", n.sum));
        }
        Ok(s)
    }

    fn checked_balance(key: &UInt160, balance: u64, delta: i128) -> Result<u64, Error> {
        match i128::from(balance).checked_add(delta) {
            Some(v) if v < 0 => Err(Error::InsufficientBalance {
                key: *key,
                balance,
                delta,
            }),
            Some(v) => u64::try_from(v).map_err(|_| Error::BalanceOverflow {
                key: *key,
                balance,
                delta,
            }),
            // Only a positive delta can overflow i128 from a non-negative balance.
            None => Err(Error::BalanceOverflow {
                key: *key,
                balance,
                delta,
            }),
        }
    }

    #[inline]
    fn sum(&self, t: u32) -> u128 {
        if t == NIL {
            0
        } else {
            self.nodes[t as usize].sum
        }
    }

    #[inline]
    fn update(&mut self, t: u32) {
        let n = &self.nodes[t as usize];
        let s = self.sum(n.left) + self.sum(n.right) + u128::from(n.balance);
        self.nodes[t as usize].sum = s;
    }

    fn find(&self, k: Key) -> u32 {
        let mut t = self.root;
        while t != NIL {
            let n = &self.nodes[t as usize];
            let nk = n.key();
            if k == nk {
                return t;
            }
            t = if k < nk { n.left } else { n.right };
        }
        NIL
    }

    fn priority(&self, k: Key) -> u32 {
        self.seed.hash_one((k.hi, k.lo)) as u32
    }

    fn alloc(&mut self, k: Key, balance: u64) -> u32 {
        let node = Node {
            key_lo: k.lo,
            sum: u128::from(balance),
            balance,
            key_hi: k.hi,
            prio: self.priority(k),
            left: NIL,
            right: NIL,
        };
        if let Some(i) = self.free.pop() {
            self.nodes[i as usize] = node;
            i
        } else {
            let i = u32::try_from(self.nodes.len())
                .ok()
                .filter(|&i| i != NIL)
                .expect("HolderIndex holds at most 2^32 − 1 holders");
            self.nodes.push(node);
            i
        }
    }

    /// Adds `delta` to the subtree sums on the path from the root to `k` (which is held).
    fn add_along_path(&mut self, k: Key, delta: i128) {
        let mut t = self.root;
        while t != NIL {
            let n = &mut self.nodes[t as usize];
            n.sum = n.sum.wrapping_add_signed(delta);
            let nk = n.key();
            if k == nk {
                return;
            }
            t = if k < nk { n.left } else { n.right };
        }
    }

    /// Links `child` where the descent stopped: under `parent` on the given side, or as root.
    #[inline]
    fn attach(&mut self, parent: u32, left_side: bool, child: u32) {
        if parent == NIL {
            self.root = child;
        } else if left_side {
            self.nodes[parent as usize].left = child;
        } else {
            self.nodes[parent as usize].right = child;
        }
    }

    fn insert_new(&mut self, k: Key, balance: u64) {
        let n = self.alloc(k, balance);
        let prio = self.nodes[n as usize].prio;
        let add = u128::from(balance);
        let (mut parent, mut left_side, mut t) = (NIL, false, self.root);
        // Descend past the nodes that stay above the new one; each gains its balance.
        while t != NIL && self.nodes[t as usize].prio >= prio {
            let node = &mut self.nodes[t as usize];
            node.sum += add;
            parent = t;
            left_side = k < node.key();
            t = if left_side { node.left } else { node.right };
        }
        let (l, r) = self.split(t, k);
        let node = &mut self.nodes[n as usize];
        node.left = l;
        node.right = r;
        self.update(n);
        self.attach(parent, left_side, n);
        self.len += 1;
    }

    fn remove_existing(&mut self, k: Key, balance: u64) {
        let sub = u128::from(balance);
        let (mut parent, mut left_side, mut t) = (NIL, false, self.root);
        loop {
            let node = &mut self.nodes[t as usize];
            let nk = node.key();
            if nk == k {
                break;
            }
            node.sum -= sub;
            parent = t;
            left_side = k < nk;
            t = if left_side { node.left } else { node.right };
        }
        let (l, r) = (self.nodes[t as usize].left, self.nodes[t as usize].right);
        let merged = self.merge(l, r);
        self.attach(parent, left_side, merged);
        self.free.push(t);
        self.len -= 1;
    }

    /// Splits subtree `t` (which does not hold `k`) into the keys below and above `k`.
    /// Recursion depth is the subtree's depth: O(log n) expected.
    fn split(&mut self, t: u32, k: Key) -> (u32, u32) {
        if t == NIL {
            return (NIL, NIL);
        }
        if self.nodes[t as usize].key() < k {
            let (l, r) = self.split(self.nodes[t as usize].right, k);
            self.nodes[t as usize].right = l;
            self.update(t);
            (t, r)
        } else {
            let (l, r) = self.split(self.nodes[t as usize].left, k);
            self.nodes[t as usize].left = r;
            self.update(t);
            (l, t)
        }
    }

    /// Joins two subtrees, every key of `a` below every key of `b`.
    fn merge(&mut self, a: u32, b: u32) -> u32 {
        if a == NIL {
            return b;
        }
        if b == NIL {
            return a;
        }
        if self.nodes[a as usize].prio >= self.nodes[b as usize].prio {
            let m = self.merge(self.nodes[a as usize].right, b);
            self.nodes[a as usize].right = m;
            self.update(a);
            a
        } else {
            let m = self.merge(a, self.nodes[b as usize].left);
            self.nodes[b as usize].left = m;
            self.update(b);
            b
        }
    }

    fn recompute_sums(&mut self, t: u32) -> u128 {
        if t == NIL {
            return 0;
        }
        let (l, r) = (self.nodes[t as usize].left, self.nodes[t as usize].right);
        let s = self.recompute_sums(l) + self.recompute_sums(r);
        let node = &mut self.nodes[t as usize];
        node.sum = s + u128::from(node.balance);
        node.sum
    }
}

/// In-order iterator over `(key, balance)`.
pub struct Iter<'a> {
    index: &'a HolderIndex,
    stack: Vec<u32>,
    remaining: usize,
}

impl Iter<'_> {
    fn push_left_spine(&mut self, mut t: u32) {
        while t != NIL {
            self.stack.push(t);
            t = self.index.nodes[t as usize].left;
        }
    }
}

impl Iterator for Iter<'_> {
    type Item = (UInt160, u64);

    fn next(&mut self) -> Option<Self::Item> {
        let t = self.stack.pop()?;
        let node = &self.index.nodes[t as usize];
        self.push_left_spine(node.right);
        self.remaining -= 1;
        Some((node.key().to_uint(), node.balance))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a HolderIndex {
    type Item = (UInt160, u64);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(last: u8, first: u8) -> UInt160 {
        let mut b = [0u8; 20];
        b[0] = first;
        b[19] = last;
        UInt160(b)
    }

    #[test]
    fn key_order_is_uint160_order() {
        let a = key(1, 0xff);
        let b = key(2, 0x00);
        assert!(a < b);
        assert!(Key::of(&a) < Key::of(&b));
        assert_eq!(Key::of(&a).to_uint(), a);
        let mut h = HolderIndex::new();
        h.set_balance(&b, 5);
        h.set_balance(&a, 3);
        let order: Vec<_> = h.iter().map(|(k, _)| k).collect();
        assert_eq!(order, vec![a, b]);
    }

    #[test]
    fn draws_follow_cumulative_balances() {
        let (a, b, c) = (key(1, 0), key(2, 0), key(3, 0));
        let mut h = HolderIndex::new();
        assert_eq!(h.winner(0), Err(Error::NoHolders));
        h.set_balance(&c, 5);
        h.set_balance(&a, 3);
        h.set_balance(&b, 2);
        assert_eq!(h.total(), 10);
        let winners: Vec<_> = (0..10).map(|n| h.winner(n).unwrap()).collect();
        assert_eq!(winners, vec![a, a, a, b, b, c, c, c, c, c]);
        assert_eq!(
            h.winner(10),
            Err(Error::DrawOutOfRange { n: 10, total: 10 })
        );
        assert_eq!(h.prefix_sum(&b), 3);
        assert_eq!(h.prefix_sum(&key(9, 0)), 10);
        assert_eq!(h.subtract(&b, 2), Ok(0));
        assert!(!h.contains(&b));
        assert_eq!(h.len(), 2);
        assert_eq!(h.winner(3), Ok(c));
        h.validate().unwrap();
    }

    #[test]
    fn errors_change_nothing() {
        let a = key(1, 0);
        let mut h = HolderIndex::new();
        h.set_balance(&a, 3);
        assert!(matches!(
            h.subtract(&a, 4),
            Err(Error::InsufficientBalance { balance: 3, .. })
        ));
        assert!(matches!(
            h.add(&a, u64::MAX),
            Err(Error::BalanceOverflow { .. })
        ));
        assert!(matches!(
            h.adjust(&a, i128::MAX),
            Err(Error::BalanceOverflow { .. })
        ));
        assert!(matches!(
            h.adjust(&a, i128::MIN),
            Err(Error::InsufficientBalance { .. })
        ));
        let b = key(2, 0);
        assert!(h.apply(&[(b, 5), (a, -2), (b, -6)]).is_err());
        assert_eq!(h.snapshot(), vec![(a, 3)]);
        h.apply(&[(b, 5), (a, -3), (b, -1)]).unwrap();
        assert_eq!(h.snapshot(), vec![(b, 4)]);
        h.validate().unwrap();
    }

    #[test]
    fn from_sorted_checks_its_input() {
        let (a, b) = (key(1, 0), key(2, 0));
        assert!(HolderIndex::from_sorted([(a, 1), (b, 2)]).is_ok());
        assert_eq!(
            HolderIndex::from_sorted([(b, 1), (a, 2)]).unwrap_err(),
            Error::NotAscending { index: 1, key: a }
        );
        assert_eq!(
            HolderIndex::from_sorted([(a, 1), (a, 2)]).unwrap_err(),
            Error::NotAscending { index: 1, key: a }
        );
        assert_eq!(
            HolderIndex::from_sorted([(a, 0)]).unwrap_err(),
            Error::ZeroBalance { index: 0, key: a }
        );
        let empty = HolderIndex::from_sorted(std::iter::empty()).unwrap();
        assert!(empty.is_empty());
        assert_eq!(empty.total(), 0);
        empty.validate().unwrap();
    }
}
