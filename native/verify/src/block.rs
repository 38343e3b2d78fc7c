//! Block-level verification: collects every witness of every block, runs all signature checks in
//! one batch, and reports per block.
use antshares_core::block::{decode_block_view, BlockView};
use antshares_core::io::Reader;
use antshares_core::merkle::merkle_root_in_place;
use antshares_core::transaction::{TxView, WitnessRef};
use antshares_core::{sha256, DecodeError, Header, KeyRef, UInt160, UInt256, HEADER_UNSIGNED_LEN};
use antshares_crypto::Curve;
use rayon::prelude::*;

use crate::digest::{decode_pipelined, hash_transactions, merkle_root_parallel, PIPELINE_BYTES};
use crate::walk::{run_checks, CheckOutcome, Message, ScriptKey, SigCheck};

/// wtxids — SHA-256 of a transaction's complete bytes, witnesses included — whose witnesses were
/// already verified (a mempool's admissions): a block transaction found here is not checked
/// again. Keyed on the full bytes because the txid does not cover the witnesses.
pub type VerifiedSet = std::collections::HashSet<[u8; 32]>;

/// What the verifier found in one block. `error` is the first failure, `None` when valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockReport {
    pub height: Option<u32>,
    pub hash: Option<UInt256>,
    /// Merkle root recomputed from the transactions.
    pub merkle_root: Option<UInt256>,
    pub merkle_ok: bool,
    pub txids: Vec<UInt256>,
    pub tx_types: Vec<u8>,
    pub signatures_checked: usize,
    pub signatures_valid: usize,
    /// Signatures not checked because their transaction's wtxid was in the verified set.
    pub signatures_reused: usize,
    pub nonstandard_witnesses: usize,
    pub error: Option<String>,
    /// The header's NextConsensus (what the next block's witness must hash to).
    pub next_consensus: Option<UInt160>,
    /// Whether the block witness was checked against an expected NextConsensus.
    pub block_witness_bound: bool,
}

impl BlockReport {
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }

    fn fail(&mut self, reason: String) {
        if self.error.is_none() {
            self.error = Some(reason);
        }
    }
}

/// A verified signature with the key it matched (for benchmarks and diagnostics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureRecord {
    pub curve: Curve,
    pub key: [u8; 33],
    pub message: Vec<u8>,
    pub signature: [u8; 64],
}

/// Where a witness sits, for error messages. `tx` is the transaction's position in its block,
/// `None` for a standalone transaction.
#[derive(Debug, Clone)]
pub(crate) enum Place {
    BlockWitness,
    Tx {
        tx: Option<usize>,
        witness: usize,
    },
    Order {
        tx: Option<usize>,
        order: usize,
        witness: usize,
    },
}

/// `transactions[i].` in a block, nothing for a standalone transaction.
fn tx_prefix(tx: Option<usize>) -> String {
    tx.map_or_else(String::new, |t| format!("transactions[{t}]."))
}

impl Place {
    fn describe(&self) -> String {
        match self {
            Place::BlockWitness => "block witness".to_owned(),
            Place::Tx { tx, witness } => format!("{}witnesses[{witness}]", tx_prefix(*tx)),
            Place::Order { tx, order, witness } => {
                format!("{}orders[{order}].witnesses[{witness}]", tx_prefix(*tx))
            }
        }
    }
}

/// One standard witness, decoded: owns its keys and signatures until the batch has run.
pub(crate) struct Pending {
    /// The unit its verdict belongs to: a block, or a standalone transaction.
    pub block: usize,
    place: Place,
    /// Index of the signed message in the batch (local to its unit until numbered).
    pub message: usize,
    m: usize,
    keys: Vec<KeyRef>,
    sigs: Vec<[u8; 64]>,
    script_id: [u8; 20],
}

/// Everything gathered from one block before the signature batch.
struct Gathered<'a> {
    report: BlockReport,
    view: Option<BlockView<'a>>,
    /// SHA-256 of each transaction's unsigned bytes: what its witnesses sign (the txid is the
    /// SHA-256 of this digest).
    digests: Vec<[u8; 32]>,
    /// The transactions' witnesses, gathered on the block's own thread.
    local: LocalGather,
}

/// A message a transaction's witnesses sign: its unsigned bytes, or an Agency order's signed
/// form (built here, hashed here).
pub(crate) enum LocalMessage {
    Tx {
        tx: usize,
        bytes: std::ops::Range<usize>,
    },
    Order {
        bytes: Vec<u8>,
        digest: [u8; 32],
    },
}

/// The transaction-level witnesses of one block, gathered in the parallel phase (script hashes,
/// script classification, signature parsing): `pending[i].message` indexes `messages`, and the
/// failures keep their order. The serial pass numbers the messages globally and applies the
/// failures after the block's own checks, as if it had gathered them itself.
#[derive(Default)]
pub(crate) struct LocalGather {
    pub messages: Vec<LocalMessage>,
    pub pending: Vec<Pending>,
    pub failures: Vec<String>,
    /// Counters gathered for the block's report.
    pub counts: BlockReport,
}

/// The witnesses of a block's transactions, except those of transactions whose wtxid is in
/// `verified` (already checked: counted as reused).
fn gather_transactions(
    block: usize,
    raw: &[u8],
    view: &BlockView<'_>,
    verified: Option<&VerifiedSet>,
) -> LocalGather {
    let mut local = LocalGather::default();
    for (t, tx) in view.transactions.iter().enumerate() {
        if let Some(set) = verified {
            if set.contains(&sha256(&raw[tx.span.full()])) {
                local.counts.signatures_reused += signature_count(tx);
                continue;
            }
        }
        gather_tx(&mut local, block, Some(t), tx);
    }
    local
}

/// Signatures a transaction's witnesses (its orders' included) carry: what skipping it saved.
fn signature_count(tx: &TxView<'_>) -> usize {
    let count = |invocation: &[u8]| {
        let pushes = invocation.chunks_exact(65);
        let plain = pushes.remainder().is_empty() && pushes.clone().all(|c| c[0] == 0x40);
        if plain {
            invocation.len() / 65
        } else {
            0
        }
    };
    let own: usize = tx.witnesses.iter().map(|w| count(w.invocation)).sum();
    let orders: usize = tx.agency.as_ref().map_or(0, |a| {
        a.orders
            .iter()
            .flat_map(|o| &o.witnesses)
            .map(|w| count(&w.invocation))
            .sum()
    });
    own + orders
}

/// Gathers one transaction's witnesses — its own over its unsigned bytes, then each Agency
/// order's over the order's signed form — into `local`, under `unit`. `tx` is its position in a
/// block (`None`: a standalone transaction, and the messages name no position).
pub(crate) fn gather_tx(
    local: &mut LocalGather,
    unit: usize,
    tx: Option<usize>,
    view: &TxView<'_>,
) {
    if !view.witnesses.is_empty() {
        let message = local.messages.len();
        local.messages.push(LocalMessage::Tx {
            tx: tx.unwrap_or(0),
            bytes: view.span.unsigned(),
        });
        let mut last: Option<UInt160> = None;
        for (w, witness) in view.witnesses.iter().enumerate() {
            let h = witness.script_hash();
            if !witness.verification.is_empty() {
                if last.is_some_and(|l| h <= l) {
                    let within = tx.map_or_else(String::new, |t| format!("transactions[{t}]: "));
                    local.failures.push(format!(
                        "{within}witnesses[{w}] is not sorted after witnesses[{}] by script \
                         hash (format-1x §3.1)",
                        w - 1
                    ));
                }
                last = Some(h);
            }
            let place = Place::Tx { tx, witness: w };
            let (counts, pending) = (&mut local.counts, &mut local.pending);
            if let Err(reason) = gather_witness(counts, pending, unit, place, message, *witness, h)
            {
                local.failures.push(reason);
            }
        }
    }
    if let Some(agency) = &view.agency {
        for (o, order) in agency.orders.iter().enumerate() {
            let message = local.messages.len();
            let signed = agency.order_signed_bytes(order);
            let digest = sha256(&signed);
            local.messages.push(LocalMessage::Order {
                bytes: signed,
                digest,
            });
            for (w, witness) in order.witnesses.iter().enumerate() {
                let place = Place::Order {
                    tx,
                    order: o,
                    witness: w,
                };
                let witness = witness.as_ref();
                let h = witness.script_hash();
                let (counts, pending) = (&mut local.counts, &mut local.pending);
                if let Err(reason) =
                    gather_witness(counts, pending, unit, place, message, witness, h)
                {
                    local.failures.push(reason);
                }
            }
        }
    }
}

fn curve_of(key: &KeyRef) -> Curve {
    match key.curve {
        antshares_core::Curve::P256 => Curve::Secp256r1,
        antshares_core::Curve::Secp256k1 => Curve::Secp256k1,
        antshares_core::Curve::Sm2 => Curve::Sm2,
    }
}

fn report_for_undecodable(raw: &[u8], err: &DecodeError) -> BlockReport {
    let mut report = BlockReport::default();
    // Name the block when at least its header is readable.
    if let Ok(header) = Header::decode(&mut Reader::new(raw)) {
        report.height = Some(header.index);
        report.hash = Some(header.hash());
        report.next_consensus = Some(header.next_consensus);
    }
    report.fail(format!("decode: {err}"));
    report
}

/// Verifies one block. `next_consensus` is the previous header's NextConsensus, if known.
pub fn verify_block(raw: &[u8], next_consensus: Option<UInt160>) -> BlockReport {
    verify_blocks(&[raw], &[next_consensus], false)
        .pop()
        .unwrap_or_default()
}

/// The block a chained batch continues from (the last block of the previous batch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainTip {
    pub hash: UInt256,
    pub height: u32,
    pub next_consensus: UInt160,
}

/// Verifies many blocks with every signature in one parallel batch. `expected[i]` is what block
/// i's witness must hash to; with `chained`, block i > 0 must follow block i − 1 (previous hash,
/// height) and its witness must match block i − 1's NextConsensus.
pub fn verify_blocks(
    raws: &[&[u8]],
    expected: &[Option<UInt160>],
    chained: bool,
) -> Vec<BlockReport> {
    verify_with(raws, expected, chained, None, None, |_, _, _| {})
}

/// Verifies consecutive blocks continuing from `previous` (None: the first block starts the
/// segment): every block must follow the one before it, and its witness must match that block's
/// NextConsensus.
pub fn verify_chain(raws: &[&[u8]], previous: Option<ChainTip>) -> Vec<BlockReport> {
    verify_chain_reusing(raws, previous, None)
}

/// [`verify_chain`], except that the witnesses of transactions whose wtxid is in `verified` are
/// taken as verified (counted in `signatures_reused`); everything else is checked as before.
pub fn verify_chain_reusing(
    raws: &[&[u8]],
    previous: Option<ChainTip>,
    verified: Option<&VerifiedSet>,
) -> Vec<BlockReport> {
    let expected = vec![None; raws.len()];
    // An empty set skips nothing: the import path then hashes no transaction twice.
    let verified = verified.filter(|v| !v.is_empty());
    verify_with(raws, &expected, true, previous, verified, |_, _, _| {})
}

/// Every signature of a block that verifies, with the key it matched (benchmarks compare the full
/// verifier with a bare batch of exactly these).
pub fn block_signatures(raw: &[u8]) -> Vec<SignatureRecord> {
    let mut records = Vec::new();
    verify_with(
        &[raw],
        &[None],
        false,
        None,
        None,
        |check, message, outcome| {
            for (sig, &k) in check.sigs.iter().zip(&outcome.matched_keys) {
                let key = check.keys[k as usize];
                let mut point = [0u8; 33];
                point.copy_from_slice(key.point);
                let mut signature = [0u8; 64];
                signature.copy_from_slice(sig);
                records.push(SignatureRecord {
                    curve: key.curve,
                    key: point,
                    message: message.bytes.to_vec(),
                    signature,
                });
            }
        },
    );
    records
}

fn decode_and_hash<'a>(
    block: usize,
    raw: &'a [u8],
    verified: Option<&VerifiedSet>,
) -> Gathered<'a> {
    let pipelined = rayon::current_num_threads() > 1 && raw.len() >= PIPELINE_BYTES;
    let (decoded, chunks) = if pipelined {
        decode_pipelined(raw)
    } else {
        (decode_block_view(raw), Vec::new())
    };
    match decoded {
        Ok(view) => {
            let (digests, txids, root) = if chunks.is_empty() {
                let (digests, txids) = hash_transactions(raw, &view.transactions);
                let root = merkle_root_parallel(&txids);
                (digests, txids, root)
            } else {
                let n = view.transactions.len();
                let mut digests = Vec::with_capacity(n);
                let mut txids = Vec::with_capacity(n);
                let mut roots = Vec::with_capacity(chunks.len());
                for (d, t, r) in chunks {
                    digests.extend_from_slice(&d);
                    txids.extend_from_slice(&t);
                    roots.push(r);
                }
                debug_assert_eq!(txids.len(), n);
                (digests, txids, merkle_root_in_place(&mut roots))
            };
            let report = BlockReport {
                merkle_root: Some(root),
                merkle_ok: root == view.header.merkle_root,
                txids,
                ..BlockReport::default()
            };
            let local = gather_transactions(block, raw, &view, verified);
            Gathered {
                report,
                view: Some(view),
                digests,
                local,
            }
        }
        Err(e) => Gathered {
            report: report_for_undecodable(raw, &e),
            view: None,
            digests: Vec::new(),
            local: LocalGather::default(),
        },
    }
}

/// What a message's digest is: computed during hashing (a transaction's) or here (a header's, an
/// order's).
enum Digest {
    Tx { block: usize, tx: usize },
    Own([u8; 32]),
}

fn verify_with(
    raws: &[&[u8]],
    expected: &[Option<UInt160>],
    chained: bool,
    previous: Option<ChainTip>,
    verified: Option<&VerifiedSet>,
    mut on_check: impl FnMut(&SigCheck<'_>, &Message<'_>, &CheckOutcome),
) -> Vec<BlockReport> {
    let mut gathered: Vec<Gathered<'_>> = if raws.len() == 1 {
        vec![decode_and_hash(0, raws[0], verified)]
    } else {
        raws.par_iter()
            .enumerate()
            .map(|(b, raw)| decode_and_hash(b, raw, verified))
            .collect()
    };

    // Messages: each block's header, each signed transaction's unsigned bytes, each order's
    // signed form.
    let mut order_bytes: Vec<Vec<u8>> = Vec::new();
    let mut message_bytes: Vec<(usize, std::ops::Range<usize>)> = Vec::new(); // (block, range)
    let mut message_digests: Vec<Digest> = Vec::new();
    let mut message_orders: Vec<(usize, usize)> = Vec::new(); // (message index, order_bytes index)
    let mut pending: Vec<Pending> = Vec::new();

    // (hash, height, NextConsensus) of each decodable block, for chained checks.
    let links: Vec<Option<(UInt256, u32, UInt160)>> = gathered
        .iter()
        .map(|g| {
            g.view
                .as_ref()
                .map(|v| (v.hash, v.header.index, v.header.next_consensus))
        })
        .collect();

    for (b, g) in gathered.iter_mut().enumerate() {
        let Some(view) = g.view.as_ref() else {
            continue;
        };
        let header = &view.header;
        let report = &mut g.report;
        report.height = Some(header.index);
        report.hash = Some(view.hash);
        report.next_consensus = Some(header.next_consensus);
        report.tx_types = view.transactions.iter().map(|t| t.tx_type as u8).collect();
        let root = report.merkle_root.unwrap_or_default();

        let mut expect = expected.get(b).copied().flatten();
        let before = match (b, previous) {
            (0, Some(tip)) => Some(Some((tip.hash, tip.height, tip.next_consensus))),
            (0, None) => None,
            _ => Some(links[b - 1]),
        };
        if let (true, Some(link)) = (chained, before) {
            match link {
                Some((prev_hash, prev_height, prev_next)) => {
                    if header.prev_hash != prev_hash || header.index != prev_height.wrapping_add(1)
                    {
                        report.fail(format!(
                            "block {} (prev {}) does not follow block {} ({})",
                            header.index,
                            header.prev_hash.to_display(),
                            prev_height,
                            prev_hash.to_display()
                        ));
                    }
                    expect = Some(prev_next);
                }
                None => report.fail("follows a block that could not be decoded".to_owned()),
            }
        }
        if !report.merkle_ok {
            report.fail(format!(
                "merkle root mismatch: header has {} but the transactions give {}",
                header.merkle_root.to_display(),
                root.to_display()
            ));
        }

        // Block witness: genesis is exempt (format-1x §2.1).
        if header.index != 0 {
            let witness = header.witness.as_ref();
            let script_hash = witness.script_hash();
            if let Some(expect) = expect {
                report.block_witness_bound = true;
                if script_hash != expect {
                    report.fail(format!(
                        "block witness: script hash {} is not the expected NextConsensus {}",
                        script_hash.to_display(),
                        expect.to_display()
                    ));
                }
            }
            let message = message_bytes.len();
            message_bytes.push((b, 0..HEADER_UNSIGNED_LEN));
            message_digests.push(Digest::Own(sha256(&raws[b][..HEADER_UNSIGNED_LEN])));
            let place = Place::BlockWitness;
            if let Err(reason) = gather_witness(
                report,
                &mut pending,
                b,
                place,
                message,
                witness,
                script_hash,
            ) {
                report.fail(reason);
            }
        }

        // The transactions' witnesses, gathered in the parallel phase: number their messages.
        let local = std::mem::take(&mut g.local);
        let base = message_bytes.len();
        for m in local.messages {
            match m {
                LocalMessage::Tx { tx, bytes } => {
                    message_bytes.push((b, bytes));
                    message_digests.push(Digest::Tx { block: b, tx });
                }
                LocalMessage::Order { bytes, digest } => {
                    message_orders.push((message_bytes.len(), order_bytes.len()));
                    message_bytes.push((b, 0..0));
                    message_digests.push(Digest::Own(digest));
                    order_bytes.push(bytes);
                }
            }
        }
        pending.extend(local.pending.into_iter().map(|mut p| {
            p.message += base;
            p
        }));
        for reason in local.failures {
            report.fail(reason);
        }
        report.signatures_checked += local.counts.signatures_checked;
        report.signatures_reused += local.counts.signatures_reused;
        report.nonstandard_witnesses += local.counts.nonstandard_witnesses;
    }

    // Resolve message bytes and digests (every one was hashed exactly once).
    let mut bytes: Vec<&[u8]> = message_bytes
        .iter()
        .map(|(b, r)| &raws[*b][r.clone()])
        .collect();
    for &(m, o) in &message_orders {
        bytes[m] = &order_bytes[o];
    }
    let messages: Vec<Message<'_>> = bytes
        .iter()
        .zip(&message_digests)
        .map(|(b, d)| Message {
            bytes: b,
            sha256: match d {
                Digest::Tx { block, tx } => &gathered[*block].digests[*tx],
                Digest::Own(d) => d,
            },
        })
        .collect();

    let checks = sig_checks(&pending);
    let outcomes = run_checks(&messages, &checks);

    let mut reports: Vec<BlockReport> = Vec::with_capacity(gathered.len());
    let mut valid = vec![0usize; gathered.len()];
    let mut failures: Vec<Vec<String>> = vec![Vec::new(); gathered.len()];
    for ((p, outcome), check) in pending.iter().zip(&outcomes).zip(&checks) {
        on_check(check, &messages[check.message], outcome);
        valid[p.block] += outcome.matched;
        if !outcome.valid {
            failures[p.block].push(describe_failure(p, outcome));
        }
    }
    drop(messages);
    for ((g, v), f) in gathered.into_iter().zip(valid).zip(failures) {
        let mut report = g.report;
        report.signatures_valid += v;
        for reason in f {
            report.fail(reason);
        }
        reports.push(report);
    }
    reports
}

/// The walker's view of the queued witnesses (borrowing their keys and signatures).
pub(crate) fn sig_checks(pending: &[Pending]) -> Vec<SigCheck<'_>> {
    pending
        .iter()
        .map(|p| SigCheck {
            message: p.message,
            m: p.m,
            keys: p
                .keys
                .iter()
                .map(|k| ScriptKey {
                    curve: curve_of(k),
                    point: &k.point,
                })
                .collect(),
            sigs: p.sigs.iter().map(|s| s.as_slice()).collect(),
            script_id: Some(p.script_id),
        })
        .collect()
}

pub(crate) fn describe_failure(p: &Pending, outcome: &CheckOutcome) -> String {
    let form = if p.keys.len() == 1 && p.m == 1 {
        "single-signature".to_owned()
    } else {
        format!("{}-of-{} multisig", p.m, p.keys.len())
    };
    if p.sigs.len() != p.m {
        return format!(
            "{}: {} signature(s) for a {form}",
            p.place.describe(),
            p.sigs.len()
        );
    }
    match outcome.first_unmatched {
        Some(i) => format!(
            "{}: signature {} of {} matches no remaining key ({form})",
            p.place.describe(),
            i + 1,
            p.m
        ),
        None => format!("{}: signature check failed ({form})", p.place.describe()),
    }
}

/// Queues a witness's signature checks. A non-standard verification script (a NEO 2.x contract)
/// is counted, neither passed nor failed; a standard one must be fed exactly signature pushes
/// (format-1x §4: one `40` ‖ 64-byte signature per signer), else the witness fails here.
pub(crate) fn gather_witness(
    report: &mut BlockReport,
    pending: &mut Vec<Pending>,
    block: usize,
    place: Place,
    message: usize,
    witness: WitnessRef<'_>,
    script_hash: UInt160,
) -> Result<(), String> {
    use antshares_core::ScriptClass;
    let (m, keys) = match antshares_core::classify_verification(witness.verification) {
        ScriptClass::Single(k) => (1, vec![k]),
        ScriptClass::Multi { m, keys } => (m, keys),
        ScriptClass::NonStandard => {
            report.nonstandard_witnesses += 1;
            return Ok(());
        }
    };
    // Anything else would leave a standard script unchecked while the ledger, which only
    // classifies verification scripts, takes the witness as the signer's.
    let Some(sigs) = antshares_core::parse_invocation(witness.invocation) else {
        return Err(format!(
            "{}: the invocation script is not signature pushes (40 ‖ 64 bytes each)",
            place.describe()
        ));
    };
    report.signatures_checked += sigs.len();
    let script_id = script_hash.0;
    pending.push(Pending {
        block,
        place,
        message,
        m,
        keys,
        sigs,
        script_id,
    });
    Ok(())
}
