//! Block-level verification: collects every witness of every block, runs all signature checks in
//! one batch, and reports per block.
use antshares_core::io::Reader;
use antshares_core::{
    decode_block_indexed, hash160, sha256, KeyRef, DecodeError, Exclusive, Header, IndexedBlock,
    UInt160, UInt256, HEADER_UNSIGNED_LEN,
};
use antshares_crypto::Curve;
use rayon::prelude::*;

use crate::walk::{run_checks, CheckOutcome, Message, ScriptKey, SigCheck};

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

/// Where a witness sits, for error messages.
#[derive(Debug, Clone)]
enum Place {
    BlockWitness,
    Tx { tx: usize, witness: usize },
    Order { tx: usize, order: usize, witness: usize },
}

impl Place {
    fn describe(&self) -> String {
        match self {
            Place::BlockWitness => "block witness".to_owned(),
            Place::Tx { tx, witness } => format!("transactions[{tx}].witnesses[{witness}]"),
            Place::Order { tx, order, witness } => {
                format!("transactions[{tx}].orders[{order}].witnesses[{witness}]")
            }
        }
    }
}

/// One standard witness, decoded: owns its keys and signatures until the batch has run.
struct Pending {
    block: usize,
    place: Place,
    message: usize,
    m: usize,
    keys: Vec<KeyRef>,
    sigs: Vec<[u8; 64]>,
    script_id: [u8; 20],
}

/// Everything gathered from one block before the signature batch.
struct Gathered {
    report: BlockReport,
    indexed: Option<IndexedBlock>,
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
    verify_blocks(&[raw], &[next_consensus], false).pop().unwrap_or_default()
}

/// Verifies many blocks with every signature in one parallel batch. `expected[i]` is what block
/// i's witness must hash to; with `chained`, block i > 0 must follow block i − 1 (previous hash,
/// height) and its witness must match block i − 1's NextConsensus.
pub fn verify_blocks(raws: &[&[u8]], expected: &[Option<UInt160>], chained: bool) -> Vec<BlockReport> {
    verify_with(raws, expected, chained, |_, _, _| {})
}

/// Every signature of a block that verifies, with the key it matched (benchmarks compare the full
/// verifier with a bare batch of exactly these).
pub fn block_signatures(raw: &[u8]) -> Vec<SignatureRecord> {
    let mut records = Vec::new();
    verify_with(&[raw], &[None], false, |check, message, outcome| {
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
    });
    records
}

fn verify_with(
    raws: &[&[u8]],
    expected: &[Option<UInt160>],
    chained: bool,
    mut on_check: impl FnMut(&SigCheck<'_>, &Message<'_>, &CheckOutcome),
) -> Vec<BlockReport> {
    let mut gathered: Vec<Gathered> = raws
        .par_iter()
        .map(|raw| match decode_block_indexed(raw) {
            Ok(indexed) => Gathered { report: BlockReport::default(), indexed: Some(indexed) },
            Err(e) => Gathered { report: report_for_undecodable(raw, &e), indexed: None },
        })
        .collect();

    // Messages: each block's header, each transaction's unsigned bytes, each order's signed form.
    let mut order_bytes: Vec<Vec<u8>> = Vec::new();
    let mut message_spans: Vec<(usize, std::ops::Range<usize>)> = Vec::new(); // (block, range)
    let mut message_orders: Vec<(usize, usize)> = Vec::new(); // (message index, order_bytes index)
    let mut pending: Vec<Pending> = Vec::new();

    // (hash, height, NextConsensus) of each decodable block, for chained checks.
    let links: Vec<Option<(UInt256, u32, UInt160)>> = gathered
        .iter()
        .map(|g| {
            g.indexed.as_ref().map(|i| (i.hash, i.block.header.index, i.block.header.next_consensus))
        })
        .collect();

    for (b, g) in gathered.iter_mut().enumerate() {
        let Some(indexed) = g.indexed.as_ref() else { continue };
        let header = &indexed.block.header;
        let report = &mut g.report;
        report.height = Some(header.index);
        report.hash = Some(indexed.hash);
        report.next_consensus = Some(header.next_consensus);
        report.txids = indexed.txids.clone();
        report.tx_types = indexed.block.transactions.iter().map(|t| t.tx_type() as u8).collect();
        let root = indexed.compute_merkle_root();
        report.merkle_root = Some(root);
        report.merkle_ok = root == header.merkle_root;

        let mut expect = expected.get(b).copied().flatten();
        if chained && b > 0 {
            match links[b - 1] {
                Some((prev_hash, prev_height, prev_next)) => {
                    if header.prev_hash != prev_hash || header.index != prev_height.wrapping_add(1) {
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
            if let Some(expect) = expect {
                report.block_witness_bound = true;
                let got = header.witness.script_hash();
                if got != expect {
                    report.fail(format!(
                        "block witness: script hash {} is not the expected NextConsensus {}",
                        got.to_display(),
                        expect.to_display()
                    ));
                }
            }
            let message = message_spans.len();
            message_spans.push((b, 0..HEADER_UNSIGNED_LEN));
            gather_witness(report, &mut pending, b, Place::BlockWitness, message, &header.witness);
        }

        for (t, (tx, span)) in indexed.block.transactions.iter().zip(&indexed.spans).enumerate() {
            let message = message_spans.len();
            message_spans.push((b, span.unsigned()));
            let mut last: Option<UInt160> = None;
            for (w, witness) in tx.witnesses.iter().enumerate() {
                if !witness.verification.is_empty() {
                    let h = witness.script_hash();
                    if last.is_some_and(|l| h <= l) {
                        report.fail(format!(
                            "transactions[{t}]: witnesses[{w}] is not sorted after witnesses[{}] \
                             by script hash (format-1x §3.1)",
                            w - 1
                        ));
                    }
                    last = Some(h);
                }
                gather_witness(report, &mut pending, b, Place::Tx { tx: t, witness: w }, message, witness);
            }
            if let Exclusive::Agency(agency) = &tx.exclusive {
                for (o, order) in agency.orders.iter().enumerate() {
                    let message = message_spans.len();
                    message_spans.push((b, 0..0));
                    message_orders.push((message, order_bytes.len()));
                    order_bytes.push(agency.order_signed_bytes(order));
                    for (w, witness) in order.witnesses.iter().enumerate() {
                        let place = Place::Order { tx: t, order: o, witness: w };
                        gather_witness(report, &mut pending, b, place, message, witness);
                    }
                }
            }
        }
    }

    // Resolve message bytes and hash them once each (in parallel).
    let mut bytes: Vec<&[u8]> = message_spans.iter().map(|(b, r)| &raws[*b][r.clone()]).collect();
    for &(m, o) in &message_orders {
        bytes[m] = &order_bytes[o];
    }
    let digests: Vec<[u8; 32]> = bytes.par_iter().map(|m| sha256(m)).collect();
    let messages: Vec<Message<'_>> =
        bytes.iter().zip(&digests).map(|(b, d)| Message { bytes: b, sha256: d }).collect();

    let checks: Vec<SigCheck<'_>> = pending
        .iter()
        .map(|p| SigCheck {
            message: p.message,
            m: p.m,
            keys: p.keys.iter().map(|k| ScriptKey { curve: curve_of(k), point: &k.point }).collect(),
            sigs: p.sigs.iter().map(|s| s.as_slice()).collect(),
            script_id: Some(p.script_id),
        })
        .collect();
    let outcomes = run_checks(&messages, &checks);

    for ((p, outcome), check) in pending.iter().zip(&outcomes).zip(&checks) {
        on_check(check, &messages[check.message], outcome);
        let report = &mut gathered[p.block].report;
        report.signatures_valid += outcome.matched;
        if !outcome.valid {
            report.fail(describe_failure(p, outcome));
        }
    }
    gathered.into_iter().map(|g| g.report).collect()
}

fn describe_failure(p: &Pending, outcome: &CheckOutcome) -> String {
    let form = if p.keys.len() == 1 && p.m == 1 {
        "single-signature".to_owned()
    } else {
        format!("{}-of-{} multisig", p.m, p.keys.len())
    };
    if p.sigs.len() != p.m {
        return format!("{}: {} signature(s) for a {form}", p.place.describe(), p.sigs.len());
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

fn gather_witness(
    report: &mut BlockReport,
    pending: &mut Vec<Pending>,
    block: usize,
    place: Place,
    message: usize,
    witness: &antshares_core::Witness,
) {
    use antshares_core::ScriptClass;
    let (m, keys) = match antshares_core::classify_verification(&witness.verification) {
        ScriptClass::Single(k) => (1, vec![k]),
        ScriptClass::Multi { m, keys } => (m, keys),
        ScriptClass::NonStandard => {
            report.nonstandard_witnesses += 1;
            return;
        }
    };
    let Some(sigs) = antshares_core::parse_invocation(&witness.invocation) else {
        // A standard script fed by something other than plain signature pushes.
        report.nonstandard_witnesses += 1;
        return;
    };
    report.signatures_checked += sigs.len();
    let script_id = hash160(&witness.verification);
    pending.push(Pending { block, place, message, m, keys, sigs, script_id });
}

