//! Headers without their blocks (headers-first sync): consecutive headers, each following the one
//! before it and carrying a block witness that hashes to that header's NextConsensus and whose
//! signatures verify. Linkage alone costs a forger nothing; the witness is what makes a header
//! chain as hard to extend as the real one (format-1x §2.1).
use antshares_core::{
    classify_verification, sha256, Header, ScriptClass, UInt160, UInt256, HEADER_UNSIGNED_LEN,
};
use rayon::prelude::*;

use crate::block::{
    describe_failure, gather_witness, sig_checks, BlockReport, ChainTip, Pending, Place,
};
use crate::walk::{run_checks, Message};

/// One header, decoded and hashed (in parallel: each needs nothing of the others).
struct Decoded {
    header: Header,
    hash: UInt256,
    script_hash: UInt160,
    /// SHA-256 of the 104 unsigned bytes: what the block witness signs.
    digest: [u8; 32],
}

fn decode(raw: &[u8]) -> Result<Decoded, String> {
    let header = Header::from_bytes(raw).map_err(|e| format!("decode: {e}"))?;
    Ok(Decoded {
        hash: header.hash(),
        script_hash: header.witness.script_hash(),
        digest: sha256(&raw[..HEADER_UNSIGNED_LEN]),
        header,
    })
}

/// Everything but the signatures: linkage, the witness's script hash, its form. On success the
/// witness's signature check is queued in `pending` (message `at`) and the header is the new tip.
fn check_structure(
    at: usize,
    d: &Decoded,
    tip: &ChainTip,
    counts: &mut BlockReport,
    pending: &mut Vec<Pending>,
) -> Result<ChainTip, String> {
    let header = &d.header;
    // checked_add: a header at index 0 (the genesis) never follows anything.
    if header.prev_hash != tip.hash || tip.height.checked_add(1) != Some(header.index) {
        return Err(format!(
            "(prev {}) does not follow header {} ({})",
            header.prev_hash.to_display(),
            tip.height,
            tip.hash.to_display()
        ));
    }
    if d.script_hash != tip.next_consensus {
        return Err(format!(
            "block witness: script hash {} is not the expected NextConsensus {}",
            d.script_hash.to_display(),
            tip.next_consensus.to_display()
        ));
    }
    // A NextConsensus is always a bookkeepers' multisig; a script that cannot be evaluated here
    // (no VM) must not pass unchecked.
    let witness = header.witness.as_ref();
    if classify_verification(witness.verification) == ScriptClass::NonStandard {
        return Err("block witness: not a standard signature or multisig script".to_owned());
    }
    gather_witness(
        counts,
        pending,
        at,
        Place::BlockWitness,
        at,
        witness,
        d.script_hash,
    )?;
    Ok(ChainTip {
        hash: d.hash,
        height: header.index,
        next_consensus: header.next_consensus,
    })
}

/// Verifies consecutive raw headers (`Header::to_bytes`: unsigned header ‖ `01` ‖ witness)
/// continuing from `previous`, the header before the first. One entry per header up to and
/// including the first invalid one (an `Err`, and the last entry: the headers after it cannot be
/// valid either); an `Ok` is the header as the tip the next one must follow. Every signature of
/// the batch is checked in one parallel run.
pub fn verify_headers(raws: &[&[u8]], previous: ChainTip) -> Vec<Result<ChainTip, String>> {
    let decoded: Vec<Result<Decoded, String>> = raws.par_iter().map(|raw| decode(raw)).collect();

    // Serial: each header is checked against the one before it. Signatures are queued only for
    // the headers up to the first structural failure (nothing after it is worth checking).
    let mut results: Vec<Result<ChainTip, String>> = Vec::with_capacity(raws.len());
    let mut messages: Vec<Message<'_>> = Vec::with_capacity(raws.len());
    let mut pending: Vec<Pending> = Vec::new();
    let mut counts = BlockReport::default(); // `gather_witness`'s counters: not reported here
    let mut tip = previous;
    for (at, (d, raw)) in decoded.iter().zip(raws).enumerate() {
        let d = match d {
            Ok(d) => d,
            Err(e) => {
                results.push(Err(format!("headers[{at}]: {e}")));
                break;
            }
        };
        match check_structure(at, d, &tip, &mut counts, &mut pending) {
            Ok(next) => {
                // Message `at`, the one this header's queued check names.
                messages.push(Message {
                    bytes: &raw[..HEADER_UNSIGNED_LEN],
                    sha256: &d.digest,
                });
                results.push(Ok(next));
                tip = next;
            }
            Err(e) => {
                results.push(Err(format!("header {}: {e}", d.header.index)));
                break;
            }
        }
    }

    let checks = sig_checks(&pending);
    let outcomes = run_checks(&messages, &checks);
    // `pending` is in header order: the first bad witness is the earliest bad header.
    let first_bad = pending
        .iter()
        .zip(&outcomes)
        .find(|(_, outcome)| !outcome.valid);
    if let Some((p, outcome)) = first_bad {
        let index = results[p.block].as_ref().map_or(0, |tip| tip.height);
        results.truncate(p.block);
        results.push(Err(format!(
            "header {index}: {}",
            describe_failure(p, outcome)
        )));
    }
    results
}
