//! Decoding and hashing a block on every core: one SHA-256 per transaction gives both the digest
//! its witnesses sign and (hashed again) its txid; the Merkle root's wide levels are split over
//! the pool, and a large block is hashed in 1024-transaction subtrees while still being decoded.
use antshares_core::block::{decode_block_view_with, BlockView};
use antshares_core::hash::{hash256_pair, sha256_of_digest};
use antshares_core::merkle::{merkle_level_in_place, merkle_root, merkle_root_in_place};
use antshares_core::transaction::TxView;
use antshares_core::{sha256, UInt256};
use rayon::prelude::*;
use std::sync::Mutex;

/// Below this many transactions a block's hashes are computed on the calling thread.
const PARALLEL_TXS: usize = 512;
/// Transactions per rayon task when hashing in parallel.
const TX_CHUNK: usize = 256;
/// Merkle levels with at least this many parents are computed in parallel.
const PARALLEL_PARENTS: usize = 1024;
/// Merkle parents per rayon task.
const PARENT_CHUNK: usize = 512;
/// Blocks at least this large are decoded and hashed as a pipeline (a block of more than
/// `SUBTREE` transactions is at least this large).
pub(crate) const PIPELINE_BYTES: usize = 64 * 1024;

/// (SHA-256, txid) of each transaction: the unsigned bytes are hashed once for both.
pub(crate) fn hash_transactions(raw: &[u8], txs: &[TxView<'_>]) -> (Vec<[u8; 32]>, Vec<UInt256>) {
    let hash = |t: &TxView<'_>| {
        let d = sha256(&raw[t.span.unsigned()]);
        (d, UInt256(sha256_of_digest(&d)))
    };
    if txs.len() < PARALLEL_TXS || rayon::current_num_threads() <= 1 {
        txs.iter().map(hash).unzip()
    } else {
        txs.par_iter().with_min_len(TX_CHUNK).map(hash).unzip()
    }
}

/// Merkle root of `txids`, the wide levels spread over the rayon pool (same result as
/// [`antshares_core::merkle::merkle_root`]).
pub fn merkle_root_parallel(txids: &[UInt256]) -> UInt256 {
    let parents = txids.len().div_ceil(2);
    if parents < PARALLEL_PARENTS || rayon::current_num_threads() <= 1 {
        return merkle_root(txids);
    }
    fn level<T: Sync>(nodes: &[T], get: impl Fn(&T) -> &[u8; 32] + Sync) -> Vec<[u8; 32]> {
        let n = nodes.len();
        (0..n.div_ceil(2))
            .into_par_iter()
            .with_min_len(PARENT_CHUNK)
            .map(|i| {
                let l = get(&nodes[2 * i]);
                let r = nodes.get(2 * i + 1).map_or(l, &get);
                hash256_pair(l, r)
            })
            .collect()
    }
    let mut nodes = level(txids, |t| &t.0);
    while nodes.len().div_ceil(2) >= PARALLEL_PARENTS {
        nodes = level(&nodes, |n| n);
    }
    merkle_root_in_place(&mut nodes)
}

/// Transactions per pipelined chunk: a complete Merkle subtree (2^SUBTREE_LEVELS leaves).
const SUBTREE_LEVELS: u32 = 10;
const SUBTREE: usize = 1 << SUBTREE_LEVELS;

/// One pipelined chunk's results: digests, txids and its level-`SUBTREE_LEVELS` Merkle node.
pub(crate) type ChunkHashes = (Vec<[u8; 32]>, Vec<UInt256>, [u8; 32]);

/// Hashes one chunk of transactions and reduces its txids by exactly `SUBTREE_LEVELS` Merkle
/// levels. A complete chunk gives its subtree root; the last, partial chunk gives the node the
/// whole tree has there (its odd nodes are paired with themselves at every level, as in the full
/// tree, because every complete chunk has an even count at each of those levels).
fn hash_chunk(raw: &[u8], spans: &[std::ops::Range<usize>]) -> ChunkHashes {
    let (digests, txids): (Vec<[u8; 32]>, Vec<UInt256>) = spans
        .iter()
        .map(|r| {
            let d = sha256(&raw[r.clone()]);
            (d, UInt256(sha256_of_digest(&d)))
        })
        .unzip();
    let mut level: Vec<[u8; 32]> = txids.iter().map(|t| t.0).collect();
    let mut n = level.len();
    for _ in 0..SUBTREE_LEVELS {
        n = merkle_level_in_place(&mut level, n);
    }
    (digests, txids, level[0])
}

/// Decodes a block and, for a large one, hashes and Merkle-reduces its transactions on the other
/// cores while the rest is still being decoded.
pub(crate) fn decode_pipelined(
    raw: &[u8],
) -> (
    antshares_core::error::Result<BlockView<'_>>,
    Vec<ChunkHashes>,
) {
    let done: Mutex<Vec<(usize, ChunkHashes)>> = Mutex::new(Vec::new());
    let decoded = rayon::scope(|s| {
        let done = &done;
        let mut spans = Vec::new();
        decode_block_view_with(raw, |i, n, tx| {
            if n <= SUBTREE {
                return;
            }
            spans.push(tx.span.unsigned());
            if spans.len() == SUBTREE || i + 1 == n {
                let chunk = std::mem::replace(&mut spans, Vec::with_capacity(SUBTREE));
                s.spawn(move |_| {
                    let hashes = hash_chunk(raw, &chunk);
                    done.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((i / SUBTREE, hashes));
                });
            }
        })
    });
    let mut chunks = done.into_inner().unwrap_or_else(|e| e.into_inner());
    chunks.sort_unstable_by_key(|(k, _)| *k);
    (decoded, chunks.into_iter().map(|(_, c)| c).collect())
}
