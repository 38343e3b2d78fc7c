//! A batch of blocks, the import path: decode and verify every block at once (signatures in one
//! parallel batch, no state needed), then apply them in order.
//!
//! Three phases so the caller can release the GIL around the heavy ones: [`prepare`] (decode,
//! verify), [`Prepared::needs`] → store reads → [`Ledger::supply`], then [`apply_prepared`].
use antshares_core::{decode_block_indexed, Header, IndexedBlock, UInt256};
use antshares_verify::{verify_chain_reusing, BlockReport, ChainTip, VerifiedSet};
use rayon::prelude::*;

use super::apply::{inputless_txids, spent_outpoints, BlockError};
use super::Ledger;
use crate::rule::Violation;
use crate::utxo::OutPoint;

/// Decoded (and, unless trusted, signature-checked) blocks of a batch. Owns its bytes, so the
/// next batch can be prepared on another thread while this one is applied.
pub struct Prepared {
    raws: Vec<Vec<u8>>,
    blocks: Vec<IndexedBlock>,
    /// The verifier's finding per decoded block (`None`: trusted, not checked).
    reports: Vec<Option<BlockReport>>,
    /// The first block that did not decode, which ends the batch.
    decode_error: Option<BlockError>,
}

/// What a batch did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub applied: usize,
    pub transactions: usize,
    pub signatures: usize,
    /// Signatures not checked because their transaction was in the verified set.
    pub reused: usize,
    pub error: Option<BlockError>,
}

/// The verifier's view of a block the next batch follows.
pub fn chain_tip_of(header: &Header) -> ChainTip {
    ChainTip {
        hash: header.hash(),
        height: header.index,
        next_consensus: header.next_consensus,
    }
}

/// Decodes every block (stopping at the first that does not decode) and, with
/// `verify_signatures`, checks every witness of all of them in one parallel batch, chained from
/// `previous` (the block before the batch). Needs no state: the next batch can be prepared
/// while this one is applied.
pub fn prepare(
    raws: Vec<Vec<u8>>,
    previous: Option<ChainTip>,
    verify_signatures: bool,
) -> Prepared {
    prepare_reusing(raws, previous, verify_signatures, None)
}

/// [`prepare`], except that the witnesses of transactions whose wtxid (SHA-256 of their complete
/// bytes) is in `verified` count as verified: checked already, when they were admitted alone.
pub fn prepare_reusing(
    raws: Vec<Vec<u8>>,
    previous: Option<ChainTip>,
    verify_signatures: bool,
    verified: Option<&VerifiedSet>,
) -> Prepared {
    // The engine's owned decode (in parallel over blocks) runs beside the verifier, whose
    // rounds leave a core idle between their signature batches.
    let (decoded, mut reports) = rayon::join(
        || {
            raws.par_iter()
                .map(|raw| decode_block_indexed(raw))
                .collect::<Vec<_>>()
        },
        || {
            if verify_signatures && !raws.is_empty() {
                let slices: Vec<&[u8]> = raws.iter().map(Vec::as_slice).collect();
                verify_chain_reusing(&slices, previous, verified)
                    .into_iter()
                    .map(Some)
                    .collect()
            } else {
                vec![None; raws.len()]
            }
        },
    );
    let mut blocks = Vec::with_capacity(raws.len());
    let mut decode_error = None;
    let first_height = previous.map_or(0, |t| t.height.wrapping_add(1));
    for (i, (raw, decoded)) in raws.iter().zip(decoded).enumerate() {
        match decoded {
            Ok(b) => blocks.push(b),
            Err(e) => {
                let header =
                    Header::from_bytes(&raw[..raw.len().min(antshares_core::HEADER_UNSIGNED_LEN)])
                        .ok();
                let height = header
                    .as_ref()
                    .map_or(first_height.wrapping_add(i as u32), |h| h.index);
                decode_error = Some(BlockError {
                    height,
                    block_hash: None,
                    tx_index: None,
                    txid: None,
                    violation: Violation::new("block-decode", e.to_string()),
                });
                break;
            }
        }
    }
    // The batch ends at the first block that does not decode; the verifier's findings for the
    // blocks before it do not depend on the blocks after it.
    let mut raws = raws;
    raws.truncate(blocks.len());
    reports.truncate(blocks.len());
    Prepared {
        raws,
        blocks,
        reports,
        decode_error,
    }
}

impl Prepared {
    /// The outpoints the blocks spend and the input-less txids whose novelty the store must
    /// confirm (the caller passes the outpoints through `Ledger::missing_outpoints`).
    pub fn needs(&self) -> (Vec<OutPoint>, Vec<UInt256>) {
        let mut spent = Vec::new();
        let mut txids = Vec::new();
        for b in &self.blocks {
            spent.extend(spent_outpoints(&b.block.transactions));
            txids.extend(inputless_txids(&b.block.transactions, &b.txids));
        }
        (spent, txids)
    }

    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

/// Applies the prepared blocks in order, stopping at the first that breaks a rule (the blocks
/// before it stay applied; it changes nothing).
pub fn apply_prepared(ledger: &mut Ledger, prepared: Prepared) -> BatchOutcome {
    let mut outcome = BatchOutcome::default();
    for ((raw, block), report) in prepared
        .raws
        .iter()
        .zip(&prepared.blocks)
        .zip(&prepared.reports)
    {
        // Structural findings of the verifier (Merkle, linkage) are re-checked by the rules
        // with precise names; only its signature verdict is taken as is.
        let sig_error = report.as_ref().and_then(signature_error);
        let merkle_verified = report.as_ref().is_some_and(|r| r.merkle_ok);
        if let Err(e) = ledger.apply_block(raw, block, sig_error.as_deref(), merkle_verified) {
            outcome.error = Some(e);
            return outcome;
        }
        outcome.applied += 1;
        outcome.transactions += block.block.transactions.len();
        outcome.signatures += report.as_ref().map_or(0, |r| r.signatures_valid);
        outcome.reused += report.as_ref().map_or(0, |r| r.signatures_reused);
    }
    outcome.error = prepared.decode_error;
    outcome
}

/// The verifier's error when it is about a witness (signatures, witness form), else `None`.
fn signature_error(report: &BlockReport) -> Option<String> {
    let e = report.error.as_ref()?;
    // The verifier reports one error per block, the first it found; the rules check these
    // structural ones themselves, before signatures.
    let structural = e.starts_with("decode")
        || e.starts_with("merkle")
        || e.starts_with("follows")
        || (e.starts_with("block ") && e.contains("does not follow"))
        || e.contains("is not the expected NextConsensus");
    if structural {
        return None;
    }
    Some(e.clone())
}
