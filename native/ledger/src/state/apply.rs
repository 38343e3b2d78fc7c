//! Applying a block (and the genesis), and proposing one: the block-level rules of SPEC §4–§7.
// A rejected block is rare and its error carries where it happened; boxing it buys nothing.
#![allow(clippy::result_large_err)]
use std::collections::HashSet;
use std::fmt;

use antshares_core::{
    BeaconData, Exclusive, IndexedBlock, RevealedSecret, Transaction, TxOutput, TxType, UInt160,
    UInt256,
};

use super::overlay::{Overlay, View};
use super::params::{single_sig_hash, violation};
use super::records::{encode_keys, encode_split, AssetState};
use super::tx::{check_tx, commit_tx, ScriptInfo};
use super::{Ledger, Table, Tip};
use crate::beacon::{check_dealings, check_reveal, header_nonce};
use crate::election::{elect_admitted, next_consensus, Ballot};
use crate::lottery::lottery_number;
use crate::mint::mint_amount;
use crate::rule::Violation;
use crate::utxo::{Coin, OutPoint};

/// A rejected block: where, and which rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockError {
    pub height: u32,
    pub block_hash: Option<UInt256>,
    /// Position of the offending transaction, when one is to blame.
    pub tx_index: Option<usize>,
    pub txid: Option<UInt256>,
    pub violation: Violation,
}

impl fmt::Display for BlockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "block {}", self.height)?;
        if let (Some(i), Some(id)) = (self.tx_index, self.txid) {
            write!(f, ", transaction {i} ({})", id.to_display())?;
        }
        write!(f, ": {}", self.violation)
    }
}

impl std::error::Error for BlockError {}

/// What the next block must contain, from the state and a list of candidate transactions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub height: u32,
    pub prev_hash: UInt256,
    /// Positions of the candidates that are valid in order (the others are skipped).
    pub included: Vec<usize>,
    pub rejected: Vec<(usize, Violation)>,
    /// The MinerTransaction's outputs: the lottery mint, then the byte fees.
    pub miner_outputs: Vec<TxOutput>,
    /// R of this block and the header nonce it implies.
    pub random: [u8; 32],
    pub nonce: u64,
    pub next_consensus: UInt160,
    /// Bookkeepers of this block (they sign it) and of the next.
    pub bookkeepers: Vec<[u8; 33]>,
    pub next_bookkeepers: Vec<[u8; 33]>,
}

/// The bookkeepers after the overlay's changes, and their NextConsensus.
fn election(view: &View<'_>) -> Result<(Vec<[u8; 33]>, UInt160), Violation> {
    let ledger = view.ledger;
    if !view.overlay.election_dirty && !ledger.bookkeepers.is_empty() {
        let nc = next_consensus(&ledger.bookkeepers)
            .map_err(|e| violation("election", e.to_string()))?;
        return Ok((ledger.bookkeepers.clone(), nc));
    }
    let (ballots, active) = view.election_inputs();
    let ballots: Vec<Ballot<'_, [u8; 33]>> = ballots
        .iter()
        .map(|b| Ballot::new(b.weight, &b.candidates))
        .collect();
    let elected = elect_admitted(&ballots, &active, &ledger.params.standby_keys)
        .map_err(|e| violation("election", e.to_string()))?;
    let keys: Vec<[u8; 33]> = elected
        .iter()
        .map(|k| {
            <[u8; 33]>::try_from(k.as_slice())
                .map_err(|_| violation("election", "a bookkeeper key is not a P-256 key"))
        })
        .collect::<Result<_, _>>()?;
    let nc = next_consensus(&keys).map_err(|e| violation("election", e.to_string()))?;
    Ok((keys, nc))
}

/// Witness scripts remembered (hash, standard or not) before the cache starts over.
const SCRIPT_CACHE_ENTRIES: usize = 1 << 16;

/// A block body that passed: its changes, the next bookkeepers, NextConsensus, ANC minted.
type BodyOutcome = (Overlay, Vec<[u8; 33]>, UInt160, u64);

fn at(height: u32, hash: Option<UInt256>, v: Violation) -> BlockError {
    BlockError {
        height,
        block_hash: hash,
        tx_index: None,
        txid: None,
        violation: v,
    }
}

impl Ledger {
    /// R of the next block: from the secrets it reveals, or the seed after the genesis.
    fn block_random(&self, secrets: &[RevealedSecret]) -> Result<[u8; 32], Violation> {
        if self.pending_dealings.is_empty() {
            if !secrets.is_empty() {
                return Err(violation(
                    "beacon-reveal-extra",
                    "no dealing was fixed in the previous block",
                ));
            }
            return self.seed_random.ok_or_else(|| {
                violation("beacon-reveal-missing", "no random value for this block")
            });
        }
        check_reveal(&self.pending_dealings, secrets)
    }

    /// The MinerTransaction's outputs: mint to the lottery winner, byte fees to the bookkeepers.
    fn miner_outputs(
        &self,
        random: &[u8; 32],
        byte_fees: i64,
    ) -> Result<(Vec<TxOutput>, u64), Violation> {
        let anc = self.native.anc;
        let mut outputs = Vec::new();
        let mint =
            mint_amount(self.minted, self.burned).map_err(|e| violation("mint", e.to_string()))?;
        let n = lottery_number(random);
        // SPEC §5 leaves n ≥ total held open (ANS not fully issued): no winner, no mint.
        let mut minted = 0;
        if mint > 0 && u128::from(n) < self.holders.total() {
            let winner = self
                .holders
                .winner(n)
                .map_err(|e| violation("mint", e.to_string()))?;
            outputs.push(TxOutput {
                asset_id: anc,
                value: mint as i64,
                script_hash: winner,
            });
            minted = mint;
        }
        let n_keepers = self.bookkeepers.len() as i64;
        if byte_fees > 0 && n_keepers > 0 {
            let share = byte_fees / n_keepers;
            let rest = byte_fees % n_keepers;
            for (i, key) in self.bookkeepers.iter().enumerate() {
                let value = share + if i == 0 { rest } else { 0 };
                if value > 0 {
                    outputs.push(TxOutput {
                        asset_id: anc,
                        value,
                        script_hash: single_sig_hash(key),
                    });
                }
            }
        }
        Ok((outputs, minted))
    }

    /// Hash and kind of each witness script of `tx`, from a bounded cache: accounts sign
    /// again and again, and hashing their scripts (SHA-256 + RIPEMD-160) is the costly part.
    pub(super) fn script_infos(&mut self, tx: &Transaction) -> Vec<ScriptInfo> {
        if self.scripts.len() > SCRIPT_CACHE_ENTRIES {
            self.scripts.clear();
        }
        tx.witnesses
            .iter()
            .map(|w| {
                *self
                    .scripts
                    .entry(w.verification.clone())
                    .or_insert_with(|| ScriptInfo::of(&w.verification))
            })
            .collect()
    }

    /// Applies the genesis block, trusted as built from the network profile: its Register and
    /// Issue transactions create ANS and ANC and the first holders.
    pub fn apply_genesis(&mut self, raw: &[u8], block: &IndexedBlock) -> Result<(), BlockError> {
        let fail = |v| at(0, Some(block.hash), v);
        if self.tip.is_some() || block.block.header.index != 0 {
            return Err(fail(violation(
                "genesis",
                "the genesis goes first, once, at height 0",
            )));
        }
        self.utxos
            .begin_block()
            .map_err(|e| fail(violation("internal", e.to_string())))?;
        let mut overlay = Overlay::default();
        for (i, tx) in block.block.transactions.iter().enumerate() {
            let txid = block.txids[i];
            match &tx.exclusive {
                Exclusive::Register(r) => {
                    match r.asset_type {
                        super::records::ASSET_ANS => self.native.ans = txid,
                        super::records::ASSET_ANC => self.native.anc = txid,
                        _ => {}
                    }
                    overlay.assets.insert(
                        txid,
                        AssetState {
                            register: r.clone(),
                            issued: 0,
                        },
                    );
                }
                Exclusive::Issue => {
                    for (j, out) in tx.outputs.iter().enumerate() {
                        let asset = overlay.assets.get_mut(&out.asset_id).ok_or_else(|| {
                            fail(violation("genesis", "issue of an unregistered asset"))
                        })?;
                        asset.issued += out.value;
                        let coin = Coin {
                            asset_id: out.asset_id,
                            value: out.value,
                            script_hash: out.script_hash,
                            height: 0,
                        };
                        self.utxos
                            .add(OutPoint::new(txid, j as u16), coin)
                            .map_err(|e| fail(violation("internal", e.to_string())))?;
                        if out.asset_id == self.native.ans {
                            *overlay.holder_deltas.entry(out.script_hash).or_default() +=
                                i128::from(out.value / 100_000_000);
                        }
                    }
                }
                _ => {}
            }
        }
        overlay.election_dirty = true;
        let (keepers, nc) = election(&View {
            ledger: self,
            overlay: &overlay,
        })
        .map_err(fail)?;
        if nc != block.block.header.next_consensus {
            self.utxos.abort_block().ok();
            return Err(fail(violation(
                "block-next-consensus",
                format!(
                    "the genesis NextConsensus {} is not the standby bookkeepers' {}",
                    block.block.header.next_consensus.to_display(),
                    nc.to_display()
                ),
            )));
        }
        self.genesis_hash = Some(block.hash);
        self.seed_random = Some(crate::lottery::first_random(&block.hash.0));
        self.commit(raw, block, overlay, keepers, 0, None, None)
            .map_err(fail)
    }

    /// Applies the next block. `signature_error` is the batch verifier's finding for it (`None`
    /// when its signatures verified, or were not checked in trusted mode); `merkle_verified`
    /// says the verifier found its Merkle root right.
    pub fn apply_block(
        &mut self,
        raw: &[u8],
        block: &IndexedBlock,
        signature_error: Option<&str>,
        merkle_verified: bool,
    ) -> Result<(), BlockError> {
        let header = &block.block.header;
        let height = header.index;
        let fail = |v| at(height, Some(block.hash), v);
        let tip = self
            .tip
            .clone()
            .ok_or_else(|| fail(violation("genesis", "no genesis applied")))?;
        if height != tip.height.wrapping_add(1) {
            return Err(fail(violation(
                "block-height",
                format!("expected height {}, got {height}", tip.height + 1),
            )));
        }
        if header.prev_hash != tip.hash {
            return Err(fail(violation(
                "block-prev-hash",
                format!(
                    "previous hash {} is not the tip {}",
                    header.prev_hash.to_display(),
                    tip.hash.to_display()
                ),
            )));
        }
        if header.version != 0 {
            return Err(fail(violation(
                "block-version",
                format!("version {}", header.version),
            )));
        }
        if header.timestamp <= tip.timestamp {
            return Err(fail(violation(
                "block-timestamp",
                format!(
                    "timestamp {} not after the previous block's {}",
                    header.timestamp, tip.timestamp
                ),
            )));
        }
        if header.witness.script_hash() != tip.next_consensus {
            return Err(fail(violation(
                "block-witness-signer",
                "the block is not signed by the bookkeepers the previous block named",
            )));
        }
        // The batch verifier already compared the root of these same txids when it ran.
        if !merkle_verified && block.compute_merkle_root() != header.merkle_root {
            return Err(fail(violation(
                "block-merkle",
                "the Merkle root does not match the transactions",
            )));
        }
        if let Some(e) = signature_error {
            let mut err = fail(violation("witness-signature", e));
            // The verifier names the place as `transactions[i]...`.
            if let Some(i) = e
                .strip_prefix("transactions[")
                .and_then(|s| s.split(']').next())
                .and_then(|s| s.parse::<usize>().ok())
            {
                err.tx_index = Some(i);
                err.txid = block.txids.get(i).copied();
            }
            return Err(err);
        }
        let txs = &block.block.transactions;
        let (miner, beacon) = miner_of(txs).map_err(fail)?;
        check_miner_size(block.spans[0].full().len(), beacon).map_err(|v| BlockError {
            height,
            block_hash: Some(block.hash),
            tx_index: Some(0),
            txid: Some(block.txids[0]),
            violation: v,
        })?;
        let random = self.block_random(&beacon.secrets).map_err(fail)?;
        check_dealings(&beacon.dealings, self.bookkeepers.len()).map_err(fail)?;
        if header.consensus_data != header_nonce(&random) {
            return Err(fail(violation(
                "block-nonce",
                "the header nonce is not the low 64 bits of the block's random value",
            )));
        }

        self.utxos
            .begin_block()
            .map_err(|e| fail(violation("internal", e.to_string())))?;
        let result = self.apply_body(block, &random, miner);
        match result {
            Ok((overlay, keepers, nc, minted)) => {
                if nc != header.next_consensus {
                    self.utxos.abort_block().ok();
                    return Err(fail(violation(
                        "block-next-consensus",
                        format!(
                            "NextConsensus {} differs from the election's {}",
                            header.next_consensus.to_display(),
                            nc.to_display()
                        ),
                    )));
                }
                let beacon_record = (random, block.spans[0].full());
                self.commit(
                    raw,
                    block,
                    overlay,
                    keepers,
                    minted,
                    Some(beacon_record),
                    Some(beacon.dealings.clone()),
                )
                .map_err(fail)
            }
            Err(e) => {
                self.utxos.abort_block().ok();
                Err(e)
            }
        }
    }

    /// The transactions and the MinerTransaction of a block whose header passed.
    fn apply_body(
        &mut self,
        block: &IndexedBlock,
        random: &[u8; 32],
        miner: &Transaction,
    ) -> Result<BodyOutcome, BlockError> {
        let height = block.block.header.index;
        let mut overlay = Overlay::default();
        for (i, tx) in block.block.transactions.iter().enumerate().skip(1) {
            let txid = block.txids[i];
            let size = block.spans[i].full().len();
            let tx_fail = |v| BlockError {
                height,
                block_hash: Some(block.hash),
                tx_index: Some(i),
                txid: Some(txid),
                violation: v,
            };
            let scripts = self.script_infos(tx);
            let effect = check_tx(
                &View {
                    ledger: self,
                    overlay: &overlay,
                },
                tx,
                txid,
                size,
                height,
                &scripts,
            )
            .map_err(tx_fail)?;
            commit_tx(self, &mut overlay, effect).map_err(tx_fail)?;
        }
        let miner_fail = |v| BlockError {
            height,
            block_hash: Some(block.hash),
            tx_index: Some(0),
            txid: Some(block.txids[0]),
            violation: v,
        };
        let (expected, minted) = self
            .miner_outputs(random, overlay.byte_fees)
            .map_err(miner_fail)?;
        if miner.outputs != expected {
            return Err(miner_fail(violation("miner-outputs", format!(
                "the MinerTransaction must pay exactly the lottery mint and the byte fees ({} outputs expected, {} given)",
                expected.len(), miner.outputs.len()
            ))));
        }
        let miner_txid = block.txids[0];
        if self.known_txids.contains(&miner_txid) {
            return Err(miner_fail(violation(
                "tx-duplicate",
                "the MinerTransaction is already in the chain",
            )));
        }
        let created: Vec<(OutPoint, Coin)> = miner
            .outputs
            .iter()
            .enumerate()
            .map(|(j, o)| {
                (
                    OutPoint::new(miner_txid, j as u16),
                    Coin {
                        asset_id: o.asset_id,
                        value: o.value,
                        script_hash: o.script_hash,
                        height,
                    },
                )
            })
            .collect();
        self.utxos
            .add_many(&created)
            .map_err(|e| miner_fail(violation("internal", e.to_string())))?;
        let (keepers, nc) = election(&View {
            ledger: self,
            overlay: &overlay,
        })
        .map_err(|v| at(height, Some(block.hash), v))?;
        Ok((overlay, keepers, nc, minted))
    }

    /// Merges a passed block into the state and records its writes.
    #[allow(clippy::too_many_arguments)]
    fn commit(
        &mut self,
        raw: &[u8],
        block: &IndexedBlock,
        overlay: Overlay,
        keepers: Vec<[u8; 33]>,
        minted: u64,
        beacon: Option<([u8; 32], std::ops::Range<usize>)>,
        dealings: Option<Vec<antshares_core::Dealing>>,
    ) -> Result<(), Violation> {
        let header = &block.block.header;
        let height = header.index;
        self.utxos
            .commit_block()
            .map_err(|e| violation("internal", e.to_string()))?;
        for (id, asset) in overlay.assets {
            self.assets.insert(id, asset);
            self.dirty_assets.insert(id);
        }
        for (key, delta) in overlay.holder_deltas {
            if delta != 0 {
                self.holders
                    .adjust(&key, delta)
                    .map_err(|e| violation("internal", e.to_string()))?;
                self.dirty_holders.insert(key);
            }
        }
        for (id, key) in overlay.enrollments_added {
            self.enrollments.insert(id, key);
            self.dirty_enrollments.insert(id);
        }
        for id in overlay.enrollments_removed {
            self.enrollments.remove(&id);
            self.dirty_enrollments.insert(id);
        }
        for (id, b) in overlay.ballots {
            match b {
                Some(b) => self.ballots.insert(id, b),
                None => self.ballots.remove(&id),
            };
            self.dirty_ballots.insert(id);
        }
        for (id, s) in overlay.splits {
            self.writes
                .put(Table::AgencySplits, id.0.to_vec(), encode_split(&s));
            self.splits.insert(id, s);
        }
        for id in overlay.inputless {
            self.checked_txids.remove(&id);
            self.known_txids.insert(id);
        }
        self.known_txids.insert(block.txids[0]);
        self.minted += minted;
        self.burned = self
            .burned
            .checked_add(overlay.burned as u64)
            .ok_or_else(|| violation("mint", "burned total overflows"))?;
        self.dirty_totals = true;

        let hash = block.hash;
        let h = height.to_be_bytes().to_vec();
        self.writes
            .put(Table::Blocks, hash.0.to_vec(), raw.to_vec());
        self.writes
            .put(Table::HeightToHash, h.clone(), hash.0.to_vec());
        self.writes
            .put(Table::HashToHeight, hash.0.to_vec(), h.clone());
        for (i, txid) in block.txids.iter().enumerate() {
            let mut loc = h.clone();
            loc.extend_from_slice(&(i as u32).to_be_bytes());
            self.writes.put(Table::TxIndex, txid.0.to_vec(), loc);
        }
        self.writes.put(
            Table::Bookkeepers,
            (height + 1).to_be_bytes().to_vec(),
            encode_keys(&keepers),
        );
        if let Some((random, span)) = beacon {
            let mut v = random.to_vec();
            v.extend_from_slice(&raw[span]);
            self.writes.put(Table::Beacons, h.clone(), v);
        }
        let mut tip_value = h;
        tip_value.extend_from_slice(&hash.0);
        self.writes.put(Table::Meta, b"tip".to_vec(), tip_value);

        self.bookkeepers = keepers;
        self.pending_dealings = dealings.unwrap_or_default();
        if height > 0 {
            self.seed_random = None;
        }
        self.tip = Some(Tip {
            height,
            hash,
            timestamp: header.timestamp,
            next_consensus: header.next_consensus,
        });
        Ok(())
    }

    /// What the next block would contain with these candidate transactions (in this order) and
    /// these revealed secrets: the valid candidates, the MinerTransaction outputs, R, the
    /// nonce and NextConsensus. Changes nothing.
    pub fn propose(
        &mut self,
        candidates: &[(Transaction, UInt256, usize)],
        secrets: &[RevealedSecret],
    ) -> Result<Proposal, Violation> {
        let tip = self
            .tip
            .clone()
            .ok_or_else(|| violation("genesis", "no genesis applied"))?;
        let height = tip.height + 1;
        let random = self.block_random(secrets)?;
        self.utxos
            .begin_block()
            .map_err(|e| violation("internal", e.to_string()))?;
        let mut overlay = Overlay::default();
        let mut included = Vec::new();
        let mut rejected = Vec::new();
        for (i, (tx, txid, size)) in candidates.iter().enumerate() {
            let scripts = self.script_infos(tx);
            let checked = check_tx(
                &View {
                    ledger: self,
                    overlay: &overlay,
                },
                tx,
                *txid,
                *size,
                height,
                &scripts,
            );
            match checked.and_then(|effect| commit_tx(self, &mut overlay, effect)) {
                Ok(()) => included.push(i),
                Err(v) => rejected.push((i, v)),
            }
        }
        let outcome = self
            .miner_outputs(&random, overlay.byte_fees)
            .and_then(|(outputs, _)| {
                let (next, nc) = election(&View {
                    ledger: self,
                    overlay: &overlay,
                })?;
                Ok((outputs, next, nc))
            });
        self.utxos
            .abort_block()
            .map_err(|e| violation("internal", e.to_string()))?;
        let (miner_outputs, next_bookkeepers, next_consensus) = outcome?;
        Ok(Proposal {
            height,
            prev_hash: tip.hash,
            included,
            rejected,
            miner_outputs,
            random,
            nonce: header_nonce(&random),
            next_consensus,
            bookkeepers: self.bookkeepers.clone(),
            next_bookkeepers,
        })
    }
}

/// The block's MinerTransaction (first, only one, version 1 with beacon data, no inputs).
/// The 1 MB transaction limit (SPEC §4) for a MinerTransaction, not counting its beacon
/// evidence: that grows with the bookkeeper count (≈ 11.5 MB of commitments at N = 1024) and
/// is bounded by the codec's caps instead.
fn check_miner_size(size: usize, beacon: &BeaconData) -> Result<(), Violation> {
    let var_int = |n: usize| {
        if n < 0xfd {
            1
        } else if n <= 0xffff {
            3
        } else {
            5
        }
    };
    let evidence: usize = var_int(beacon.dealings.len())
        + beacon
            .dealings
            .iter()
            .map(|d| 2 + var_int(d.commitments.len()) + 33 * d.commitments.len())
            .sum::<usize>()
        + var_int(beacon.secrets.len())
        + 34 * beacon.secrets.len();
    let rest = size.saturating_sub(evidence);
    if rest > super::tx::MAX_TX_SIZE {
        return Err(violation(
            "tx-size",
            format!(
                "the MinerTransaction is {rest} bytes without its beacon evidence, the limit is {}",
                super::tx::MAX_TX_SIZE
            ),
        ));
    }
    Ok(())
}

fn miner_of(txs: &[Transaction]) -> Result<(&Transaction, &BeaconData), Violation> {
    let miner = txs
        .first()
        .ok_or_else(|| violation("miner-position", "a block needs a MinerTransaction first"))?;
    let Exclusive::Miner { beacon, .. } = &miner.exclusive else {
        return Err(violation(
            "miner-position",
            "the first transaction must be a MinerTransaction",
        ));
    };
    if txs
        .iter()
        .skip(1)
        .any(|t| t.exclusive.tx_type() == TxType::Miner)
    {
        return Err(violation(
            "miner-position",
            "only one MinerTransaction per block",
        ));
    }
    let beacon = beacon.as_ref().ok_or_else(|| {
        violation(
            "miner-version",
            "the MinerTransaction must be version 1 (with beacon evidence)",
        )
    })?;
    if !miner.inputs.is_empty() || !miner.witnesses.is_empty() {
        return Err(violation(
            "miner-inputs",
            "a MinerTransaction has no inputs and no witnesses",
        ));
    }
    Ok((miner, beacon))
}

/// Every outpoint a transaction spends: its own inputs, then each Agency order's.
pub(super) fn spends(tx: &Transaction) -> impl Iterator<Item = OutPoint> + '_ {
    let orders = match &tx.exclusive {
        Exclusive::Agency(d) => d.orders.as_slice(),
        _ => &[],
    };
    tx.inputs
        .iter()
        .chain(orders.iter().flat_map(|o| o.inputs.iter()))
        .map(|i| OutPoint::new(i.prev_hash, i.prev_index))
}

/// Input-less transactions among `txs` (ids in `txids`), each once: their txids must be new to
/// the transaction index.
pub fn inputless_txids(txs: &[Transaction], txids: &[UInt256]) -> Vec<UInt256> {
    let mut seen = HashSet::new();
    txs.iter()
        .zip(txids)
        .filter(|(tx, id)| spends(tx).next().is_none() && seen.insert(**id))
        .map(|(_, id)| *id)
        .collect()
}

/// Every outpoint `txs` spend (own and order inputs).
pub fn spent_outpoints(txs: &[Transaction]) -> Vec<OutPoint> {
    txs.iter().flat_map(spends).collect()
}
