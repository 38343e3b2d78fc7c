//! [`UtxoCache`]: the UTXO set as a layered view — block overlay → cache → store — in the
//! manner of Bitcoin Core's `CCoinsViewCache`, built for batches.
//!
//! # The protocol with the store
//! The cache does no I/O. Per block (or per batch of blocks) the caller:
//! 1. asks [`UtxoCache::missing`] which of the block's outpoints the cache knows nothing about,
//!    fetches those in **one** store read transaction and hands every answer back with
//!    [`UtxoCache::load`] — absent ones too, cached as *known absent*;
//! 2. applies the block: [`UtxoCache::begin_block`], [`UtxoCache::spend_many`] /
//!    [`UtxoCache::add_many`] per transaction, then [`UtxoCache::commit_block`] (merges the
//!    overlay into the cache) or [`UtxoCache::abort_block`] (drops it: a rejected block changes
//!    nothing);
//! 3. from time to time (say when [`UtxoCache::memory_usage`] passes the budget) writes
//!    [`UtxoCache::flush`] — every dirty entry, as a put or a delete, in store-key order — in one
//!    write transaction, and after it commits calls [`UtxoCache::flush_done`], which marks the
//!    entries clean and evicts clean entries until the memory use is within the budget.
//!
//! # Entries and flags
//! A cache entry is a coin (unspent) or nothing (spent or absent), with two flags:
//! - DIRTY: differs from the store; the next flush writes it (a coin) or deletes it (nothing);
//! - FRESH: the store does not hold this outpoint, so a FRESH coin that is spent before a
//!   flush is simply dropped: it is neither written nor deleted. New outputs are FRESH unless
//!   the cache knows the store may hold the outpoint (a spend of it not yet flushed). An
//!   outpoint the cache knows nothing about is assumed absent from the store: duplicate
//!   transactions are ruled out by the transaction index, or by loading the outputs' outpoints
//!   first (a loaded coin makes `add` fail with [`UtxoError::Exists`]).
//!
//! Nothing is ever evicted between flushes, so what a caller loaded stays until it is used;
//! dirty entries are only dropped by a flush. Eviction is a clock (second chance) sweep over
//! the slots, at most two turns per `flush_done`.
//!
//! # Memory
//! [`UtxoCache::memory_usage`] counts, per live entry, its slot and its share of the hash index
//! (at hashbrown's 7/8 load), plus the open block's overlay and the flush queue: an estimate
//! from counts, not from the allocator. Freed slots are reused, not returned.
use crate::fast_hash::{FastMap as HashMap, FastSet as HashSet};
use std::mem::size_of;

use super::{Coin, Lookup, OutPoint, UtxoError, UtxoStats};

const LIVE: u8 = 1;
const DIRTY: u8 = 2;
const FRESH: u8 = 4;
/// The clock's second-chance bit.
const REFERENCED: u8 = 8;
/// The slot's index is in the flush queue. It belongs to the slot, not to the entry: a slot
/// freed and reused before the flush keeps it, so it is never queued twice.
const QUEUED: u8 = 16;

struct Slot {
    key: OutPoint,
    coin: Option<Coin>,
    flags: u8,
}

const ENTRY_BYTES: usize = size_of::<Slot>() + (size_of::<(OutPoint, usize)>() + 1) * 8 / 7;
const OVERLAY_BYTES: usize = (size_of::<(OutPoint, Option<Coin>)>() + 1) * 8 / 7;

/// The UTXO set's in-memory view in front of the store; see the module documentation.
pub struct UtxoCache {
    budget: usize,
    slots: Vec<Slot>,
    free: Vec<usize>,
    index: HashMap<OutPoint, usize>,
    /// The clock hand: the next slot the eviction sweep looks at.
    hand: usize,
    /// The flush queue: every slot whose entry is DIRTY (and some freed since).
    queue: Vec<usize>,
    dirty: usize,
    /// The open block's changes: `Some(coin)` created, `None` spent.
    overlay: HashMap<OutPoint, Option<Coin>>,
    in_block: bool,
    flush_pending: bool,
    hits: u64,
    misses: u64,
    evictions: u64,
}

impl UtxoCache {
    /// An empty cache that `flush_done` trims to `memory_budget` bytes.
    pub fn new(memory_budget: usize) -> Self {
        UtxoCache {
            budget: memory_budget,
            slots: Vec::new(),
            free: Vec::new(),
            index: HashMap::default(),
            hand: 0,
            queue: Vec::new(),
            dirty: 0,
            overlay: HashMap::default(),
            in_block: false,
            flush_pending: false,
            hits: 0,
            misses: 0,
            evictions: 0,
        }
    }

    pub fn memory_budget(&self) -> usize {
        self.budget
    }

    /// Cache entries (coins, spent entries awaiting a flush, known-absent outpoints); the open
    /// block's overlay is not counted.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Estimated bytes in use (see the module documentation).
    pub fn memory_usage(&self) -> usize {
        self.index.len() * ENTRY_BYTES
            + self.overlay.len() * OVERLAY_BYTES
            + self.queue.len() * size_of::<usize>()
    }

    pub fn stats(&self) -> UtxoStats {
        UtxoStats {
            hits: self.hits,
            misses: self.misses,
            evictions: self.evictions,
            entries: self.index.len(),
            dirty: self.dirty,
        }
    }

    pub fn is_block_open(&self) -> bool {
        self.in_block
    }

    /// What the view (open block, then cache) says about `op`; changes nothing.
    pub fn peek(&self, op: &OutPoint) -> Lookup {
        if let Some(v) = self.overlay.get(op) {
            return v.map_or(Lookup::Spent, Lookup::Unspent);
        }
        match self.index.get(op) {
            Some(&i) => self.slots[i].coin.map_or(Lookup::Spent, Lookup::Unspent),
            None => Lookup::Unknown,
        }
    }

    /// The outpoints the view knows nothing about, each once, in first-seen order: the caller
    /// fetches them from the store and hands the answers to [`UtxoCache::load`].
    pub fn missing(&mut self, outpoints: &[OutPoint]) -> Vec<OutPoint> {
        let mut out = Vec::new();
        let mut seen = HashSet::default();
        for op in outpoints {
            if self.overlay.contains_key(op) {
                self.hits += 1;
            } else if let Some(&i) = self.index.get(op) {
                self.slots[i].flags |= REFERENCED;
                self.hits += 1;
            } else if seen.insert(*op) {
                self.misses += 1;
                out.push(*op);
            }
        }
        out
    }

    /// Store answers, `None` for an absent outpoint. An outpoint the cache already knows is
    /// skipped: the cache is newer than the store.
    pub fn load<I>(&mut self, items: I)
    where
        I: IntoIterator<Item = (OutPoint, Option<Coin>)>,
    {
        for (op, coin) in items {
            if !self.index.contains_key(&op) {
                self.insert(op, coin, LIVE);
            }
        }
    }

    /// Opens a block overlay.
    pub fn begin_block(&mut self) -> Result<(), UtxoError> {
        if self.in_block {
            return Err(UtxoError::BlockOpen);
        }
        if self.flush_pending {
            return Err(UtxoError::FlushPending);
        }
        self.in_block = true;
        Ok(())
    }

    /// Spends `op` in the open block and returns its coin.
    pub fn spend(&mut self, op: &OutPoint) -> Result<Coin, UtxoError> {
        if !self.in_block {
            return Err(UtxoError::NoBlock);
        }
        match self.overlay.get(op).copied() {
            // Created earlier in this block.
            Some(Some(coin)) => {
                self.overlay.insert(*op, None);
                return Ok(coin);
            }
            Some(None) => return Err(UtxoError::AlreadySpent(*op)),
            None => {}
        }
        let &i = self.index.get(op).ok_or(UtxoError::NotLoaded(*op))?;
        let s = &mut self.slots[i];
        let coin = s.coin.ok_or(UtxoError::Missing(*op))?;
        s.flags |= REFERENCED;
        self.overlay.insert(*op, None);
        Ok(coin)
    }

    /// Spends every outpoint in order, or none: on an error the overlay is as before.
    pub fn spend_many(&mut self, ops: &[OutPoint]) -> Result<Vec<Coin>, UtxoError> {
        let mut undo = Vec::with_capacity(ops.len());
        let mut coins = Vec::with_capacity(ops.len());
        for op in ops {
            let before = self.overlay.get(op).copied();
            match self.spend(op) {
                Ok(c) => {
                    undo.push((*op, before));
                    coins.push(c);
                }
                Err(e) => {
                    self.undo(undo);
                    return Err(e);
                }
            }
        }
        Ok(coins)
    }

    /// Creates `op` in the open block; [`UtxoError::Exists`] if it is an unspent output.
    pub fn add(&mut self, op: OutPoint, coin: Coin) -> Result<(), UtxoError> {
        if !self.in_block {
            return Err(UtxoError::NoBlock);
        }
        coin.check()?;
        let exists = match self.overlay.get(&op) {
            Some(v) => v.is_some(),
            None => self
                .index
                .get(&op)
                .is_some_and(|&i| self.slots[i].coin.is_some()),
        };
        if exists {
            return Err(UtxoError::Exists(op));
        }
        self.overlay.insert(op, Some(coin));
        Ok(())
    }

    /// Adds every output in order, or none: on an error the overlay is as before.
    pub fn add_many(&mut self, items: &[(OutPoint, Coin)]) -> Result<(), UtxoError> {
        let mut undo = Vec::with_capacity(items.len());
        for &(op, coin) in items {
            let before = self.overlay.get(&op).copied();
            if let Err(e) = self.add(op, coin) {
                self.undo(undo);
                return Err(e);
            }
            undo.push((op, before));
        }
        Ok(())
    }

    fn undo(&mut self, undo: Vec<(OutPoint, Option<Option<Coin>>)>) {
        for (op, before) in undo.into_iter().rev() {
            match before {
                Some(v) => {
                    self.overlay.insert(op, v);
                }
                None => {
                    self.overlay.remove(&op);
                }
            }
        }
    }

    /// Merges the open block into the cache.
    pub fn commit_block(&mut self) -> Result<(), UtxoError> {
        if !self.in_block {
            return Err(UtxoError::NoBlock);
        }
        let mut overlay = std::mem::take(&mut self.overlay);
        for (op, v) in overlay.drain() {
            self.merge(op, v);
        }
        self.overlay = overlay;
        self.in_block = false;
        Ok(())
    }

    /// Drops the open block: the view is as before `begin_block`.
    pub fn abort_block(&mut self) -> Result<(), UtxoError> {
        if !self.in_block {
            return Err(UtxoError::NoBlock);
        }
        self.overlay.clear();
        self.in_block = false;
        Ok(())
    }

    /// The final state `v` of `op` after a block, onto the cache entry.
    fn merge(&mut self, op: OutPoint, v: Option<Coin>) {
        let slot = self.index.get(&op).copied();
        match (v, slot) {
            (Some(coin), None) => {
                let i = self.insert(op, Some(coin), LIVE | FRESH | REFERENCED);
                self.mark_dirty(i);
            }
            (Some(coin), Some(i)) => {
                let s = &mut self.slots[i];
                let fresh = match s.coin {
                    // Spent before and not flushed: the store may still hold the old coin.
                    None => s.flags & DIRTY == 0,
                    // Spent in this block and created again.
                    Some(_) => s.flags & FRESH != 0,
                };
                s.coin = Some(coin);
                s.flags = (s.flags & !FRESH) | REFERENCED | if fresh { FRESH } else { 0 };
                self.mark_dirty(i);
            }
            // Created and spent within the block.
            (None, None) => {}
            (None, Some(i)) => {
                let s = &mut self.slots[i];
                if s.coin.is_none() {
                    return; // created and spent within the block, over a spent entry
                }
                if s.flags & FRESH != 0 {
                    // Never reached the store: forget it (it is DIRTY, hence queued).
                    self.index.remove(&op);
                    s.coin = None;
                    s.flags &= QUEUED;
                    self.free.push(i);
                    self.dirty -= 1;
                } else {
                    s.coin = None;
                    s.flags &= !REFERENCED;
                    self.mark_dirty(i);
                }
            }
        }
    }

    fn insert(&mut self, key: OutPoint, coin: Option<Coin>, flags: u8) -> usize {
        let i = match self.free.pop() {
            Some(i) => {
                let queued = self.slots[i].flags & QUEUED;
                self.slots[i] = Slot {
                    key,
                    coin,
                    flags: flags | queued,
                };
                i
            }
            None => {
                self.slots.push(Slot { key, coin, flags });
                self.slots.len() - 1
            }
        };
        self.index.insert(key, i);
        i
    }

    fn mark_dirty(&mut self, i: usize) {
        let s = &mut self.slots[i];
        if s.flags & DIRTY == 0 {
            s.flags |= DIRTY;
            self.dirty += 1;
        }
        if s.flags & QUEUED == 0 {
            s.flags |= QUEUED;
            self.queue.push(i);
        }
    }

    /// Every dirty entry as (outpoint, coin to write or `None` to delete), in store-key order
    /// (the encoded bytes). Write them in one transaction, then call `flush_done`; until then
    /// `flush` returns the same list and no block may begin.
    pub fn flush(&mut self) -> Result<Vec<(OutPoint, Option<Coin>)>, UtxoError> {
        if self.in_block {
            return Err(UtxoError::BlockOpen);
        }
        let mut out = Vec::with_capacity(self.dirty);
        for &i in &self.queue {
            let s = &self.slots[i];
            if s.flags & (LIVE | DIRTY) == LIVE | DIRTY {
                out.push((s.key, s.coin));
            }
        }
        out.sort_unstable_by_key(|(o, _)| (o.txid.0, o.index));
        self.flush_pending = true;
        Ok(out)
    }

    /// The last flush is in the store: marks its entries clean, then evicts clean entries
    /// until the memory use is within the budget.
    pub fn flush_done(&mut self) -> Result<(), UtxoError> {
        if !self.flush_pending {
            return Err(UtxoError::NoFlush);
        }
        for i in self.queue.drain(..) {
            let s = &mut self.slots[i];
            if s.flags & (LIVE | DIRTY) == LIVE | DIRTY {
                self.dirty -= 1;
            }
            s.flags &= !(QUEUED | DIRTY | FRESH);
        }
        self.flush_pending = false;
        self.evict();
        Ok(())
    }

    /// The clock sweep: clean entries lose their second chance, then their slot; at most two
    /// turns of the clock.
    fn evict(&mut self) {
        let n = self.slots.len();
        let mut steps = 0;
        while n > 0 && steps < 2 * n && self.memory_usage() > self.budget {
            steps += 1;
            let i = self.hand;
            self.hand = (i + 1) % n;
            let s = &mut self.slots[i];
            if s.flags & LIVE == 0 || s.flags & DIRTY != 0 {
                continue;
            }
            if s.flags & REFERENCED != 0 {
                s.flags &= !REFERENCED;
                continue;
            }
            self.index.remove(&s.key);
            s.coin = None;
            s.flags = 0;
            self.free.push(i);
            self.evictions += 1;
        }
    }
}
