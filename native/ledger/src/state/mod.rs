//! The ledger state machine (SPEC §4–§7): applies blocks under every rule to an in-memory state
//! that mirrors the node's store, and says what to write.
//!
//! No I/O. The caller (the Python layer, over LMDB) loads the state tables once with the
//! `load_*` methods, then per batch of blocks:
//! 1. [`prepare`] decodes the blocks and checks all their signatures in one parallel batch —
//!    it needs no state, so the next batch is prepared while this one is applied;
//!    [`Prepared::needs`] lists what they spend; [`Ledger::missing_outpoints`] keeps the UTXOs
//!    the cache lacks; the caller reads those and the input-less txids (whose uniqueness the
//!    transaction index must confirm) in one snapshot and feeds [`Ledger::supply`];
//! 2. [`apply_prepared`] applies the blocks in order ([`Ledger::apply_block`]) — the
//!    signature verdicts come from step 1, so nothing is checked twice; a block that breaks a
//!    rule changes nothing and names the height, transaction and rule;
//! 3. [`Ledger::take_writes`] gives every table write of the blocks applied since the last call
//!    (UTXO flush included); the caller commits them in one transaction, then calls
//!    [`Ledger::writes_committed`]. If that commit fails, the caller discards this `Ledger` and
//!    loads a fresh one from the store.
//!
//! Loose transactions (a mempool's) go through the same rules one by one, against the tip and
//! changing nothing: [`prepare_transactions`], then [`Ledger::check_transactions`]; a block
//! carrying transactions whose witnesses were verified that way skips them in its signature
//! batch ([`prepare_reusing`]).
//!
//! Block-local changes live in an overlay (`overlay::Overlay`) merged into the state only when
//! the whole block passed; a transaction's checks read only, and its effects are applied after
//! all of them passed, so a block builder can skip a failing transaction cleanly.
mod apply;
mod batch;
mod checks;
mod overlay;
mod params;
mod records;
mod tx;
mod writes;

use crate::fast_hash::{FastMap as HashMap, FastSet as HashSet};

use antshares_core::{BeaconData, Dealing, UInt160, UInt256};

use crate::agency::CarriedSplit;
use crate::holders::HolderIndex;
use crate::rule::Violation;
use crate::utxo::{Coin, OutPoint, UtxoCache};

pub use apply::{inputless_txids, spent_outpoints, BlockError, Proposal};
pub use batch::{apply_prepared, chain_tip_of, prepare, prepare_reusing, BatchOutcome, Prepared};
pub use checks::{prepare_transactions, PreparedTxs, TxCheck};
pub use params::{single_sig_hash, ChainParams, NativeAssets, ServiceFees};
pub use records::{
    decode_ballot, decode_enrollment, decode_keys, decode_split, encode_enrollment, encode_keys,
    encode_split, AssetState, BallotState,
};
pub use writes::{Table, Write, WriteSet};

/// The chain tip the next block must extend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tip {
    pub height: u32,
    pub hash: UInt256,
    pub timestamp: u32,
    pub next_consensus: UInt160,
}

/// The whole ledger state except the UTXOs the cache has not loaded.
pub struct Ledger {
    params: ChainParams,
    native: NativeAssets,
    utxos: UtxoCache,
    assets: HashMap<UInt256, AssetState>,
    holders: HolderIndex,
    enrollments: HashMap<UInt256, [u8; 33]>,
    ballots: HashMap<UInt256, BallotState>,
    splits: HashMap<UInt256, CarriedSplit>,
    minted: u64,
    burned: u64,
    /// Bookkeepers of the next block (elected from the state after the tip).
    bookkeepers: Vec<[u8; 33]>,
    tip: Option<Tip>,
    /// Dealings fixed in the tip block: the next block reveals their secrets.
    pending_dealings: Vec<Dealing>,
    /// R of the next block when no dealing is pending (block 1: dSHA256 of the genesis hash).
    seed_random: Option<[u8; 32]>,
    genesis_hash: Option<UInt256>,
    /// Witness scripts seen lately, with their hash and kind (see `script_infos`).
    scripts: HashMap<Vec<u8>, tx::ScriptInfo>,
    /// Input-less txids the transaction index already holds (fed by `supply`).
    known_txids: HashSet<UInt256>,
    /// Input-less txids confirmed absent from the index.
    checked_txids: HashSet<UInt256>,
    // What changed since the last take_writes.
    writes: WriteSet,
    dirty_assets: HashSet<UInt256>,
    dirty_holders: HashSet<UInt160>,
    dirty_ballots: HashSet<UInt256>,
    dirty_enrollments: HashSet<UInt256>,
    dirty_totals: bool,
}

impl Ledger {
    /// An empty ledger for a network; apply its genesis next, or load a store's state.
    pub fn new(params: ChainParams, utxo_cache_bytes: usize) -> Self {
        Ledger {
            params,
            native: NativeAssets::default(),
            utxos: UtxoCache::new(utxo_cache_bytes),
            assets: HashMap::default(),
            holders: HolderIndex::new(),
            enrollments: HashMap::default(),
            ballots: HashMap::default(),
            splits: HashMap::default(),
            minted: 0,
            burned: 0,
            bookkeepers: Vec::new(),
            tip: None,
            pending_dealings: Vec::new(),
            seed_random: None,
            genesis_hash: None,
            scripts: HashMap::default(),
            known_txids: HashSet::default(),
            checked_txids: HashSet::default(),
            writes: WriteSet::default(),
            dirty_assets: HashSet::default(),
            dirty_holders: HashSet::default(),
            dirty_ballots: HashSet::default(),
            dirty_enrollments: HashSet::default(),
            dirty_totals: false,
        }
    }

    pub fn params(&self) -> &ChainParams {
        &self.params
    }

    pub fn tip(&self) -> Option<&Tip> {
        self.tip.as_ref()
    }

    pub fn native_assets(&self) -> NativeAssets {
        self.native
    }

    /// Bookkeepers of the next block, in election order.
    pub fn bookkeepers(&self) -> &[[u8; 33]] {
        &self.bookkeepers
    }

    pub fn totals(&self) -> (u64, u64) {
        (self.minted, self.burned)
    }

    pub fn holders(&self) -> &HolderIndex {
        &self.holders
    }

    pub fn asset(&self, id: &UInt256) -> Option<&AssetState> {
        self.assets.get(id)
    }

    pub fn enrollment_count(&self) -> usize {
        self.enrollments.len()
    }

    pub fn ballot_count(&self) -> usize {
        self.ballots.len()
    }

    pub fn utxo_cache(&self) -> &UtxoCache {
        &self.utxos
    }

    // Loading a store's state (the caller reads each table whole, once, at start-up).

    pub fn load_asset(&mut self, id: UInt256, value: &[u8]) -> Result<(), String> {
        let asset = AssetState::decode(value)?;
        match asset.register.asset_type {
            records::ASSET_ANS => self.native.ans = id,
            records::ASSET_ANC => self.native.anc = id,
            _ => {}
        }
        self.assets.insert(id, asset);
        Ok(())
    }

    /// Holders in ascending UInt160 order (the store's cursor order), whole shares each.
    pub fn load_holders(&mut self, holders: Vec<(UInt160, u64)>) -> Result<(), String> {
        self.holders = HolderIndex::from_sorted(holders).map_err(|e| e.to_string())?;
        Ok(())
    }

    pub fn load_enrollment(&mut self, txid: UInt256, value: &[u8]) -> Result<(), String> {
        self.enrollments.insert(txid, decode_enrollment(value)?);
        Ok(())
    }

    pub fn load_ballot(&mut self, txid: UInt256, value: &[u8]) -> Result<(), String> {
        self.ballots.insert(txid, decode_ballot(value)?);
        Ok(())
    }

    pub fn load_split(&mut self, txid: UInt256, value: &[u8]) -> Result<(), String> {
        self.splits.insert(txid, decode_split(value)?);
        Ok(())
    }

    pub fn load_totals(&mut self, minted: u64, burned: u64) -> Result<(), String> {
        crate::mint::mint_amount(minted, burned).map_err(|e| e.to_string())?;
        self.minted = minted;
        self.burned = burned;
        Ok(())
    }

    /// The tip, the bookkeepers of the next block, the tip block's beacon (its Miner data),
    /// and the genesis hash.
    pub fn load_tip(
        &mut self,
        tip: Tip,
        bookkeepers: Vec<[u8; 33]>,
        tip_beacon: Option<BeaconData>,
        genesis_hash: UInt256,
    ) -> Result<(), String> {
        if bookkeepers.is_empty() {
            return Err("no bookkeepers recorded for the next block".into());
        }
        if tip.height == 0 {
            self.seed_random = Some(crate::lottery::first_random(&genesis_hash.0));
            self.pending_dealings.clear();
        } else {
            let beacon = tip_beacon.ok_or("the tip block has no beacon record")?;
            self.pending_dealings = beacon.dealings;
            self.seed_random = None;
        }
        self.tip = Some(tip);
        self.bookkeepers = bookkeepers;
        self.genesis_hash = Some(genesis_hash);
        Ok(())
    }

    // The batch protocol.

    /// UTXOs these input lists spend that the cache does not know, each once.
    pub fn missing_outpoints(&mut self, inputs: &[OutPoint]) -> Vec<OutPoint> {
        self.utxos.missing(inputs)
    }

    /// The store's answers for `missing_outpoints` and for input-less txids.
    pub fn supply(&mut self, coins: Vec<(OutPoint, Option<Coin>)>, txids: Vec<(UInt256, bool)>) {
        self.utxos.load(coins);
        for (id, known) in txids {
            if known {
                self.known_txids.insert(id);
            } else {
                self.checked_txids.insert(id);
            }
        }
    }

    /// Every write since the last call, the state tables as they now stand and the UTXO
    /// flush included. Commit them in one transaction, then call `writes_committed`.
    pub fn take_writes(&mut self) -> Result<WriteSet, Violation> {
        let mut w = std::mem::take(&mut self.writes);
        for id in std::mem::take(&mut self.dirty_assets) {
            if let Some(a) = self.assets.get(&id) {
                w.put(Table::Assets, id.0.to_vec(), a.encode());
            }
        }
        for key in std::mem::take(&mut self.dirty_holders) {
            let mut k = key.0;
            k.reverse();
            match self.holders.balance(&key) {
                0 => w.delete(Table::Holders, k.to_vec()),
                b => w.put(Table::Holders, k.to_vec(), b.to_be_bytes().to_vec()),
            }
        }
        for id in std::mem::take(&mut self.dirty_ballots) {
            match self.ballots.get(&id) {
                Some(b) => w.put(Table::Ballots, id.0.to_vec(), b.encode()),
                None => w.delete(Table::Ballots, id.0.to_vec()),
            }
        }
        for id in std::mem::take(&mut self.dirty_enrollments) {
            match self.enrollments.get(&id) {
                Some(k) => w.put(Table::Enrollments, id.0.to_vec(), encode_enrollment(&id, k)),
                None => w.delete(Table::Enrollments, id.0.to_vec()),
            }
        }
        if std::mem::take(&mut self.dirty_totals) {
            w.put(
                Table::Totals,
                b"anc_minted".to_vec(),
                self.minted.to_be_bytes().to_vec(),
            );
            w.put(
                Table::Totals,
                b"anc_burned".to_vec(),
                self.burned.to_be_bytes().to_vec(),
            );
        }
        let flushed = self
            .utxos
            .flush()
            .map_err(|e| Violation::new("utxo-cache", e.to_string()))?;
        for (op, coin) in flushed {
            match coin {
                Some(c) => w.put(Table::Utxos, op.encode().to_vec(), c.encode().to_vec()),
                None => w.delete(Table::Utxos, op.encode().to_vec()),
            }
        }
        Ok(w)
    }

    /// The writes of `take_writes` are durable: the cache may evict what they made clean.
    pub fn writes_committed(&mut self) -> Result<(), Violation> {
        self.known_txids.clear();
        self.checked_txids.clear();
        self.utxos
            .flush_done()
            .map_err(|e| Violation::new("utxo-cache", e.to_string()))
    }
}
