//! Loose transactions (what a mempool admits): every witness of many standalone transactions —
//! their own and their Agency orders' — checked in one parallel batch, with the block path's
//! rules (standard scripts, signature pushes, sorted by script hash) and its failure messages,
//! less the `transactions[i].` a block position would add.
use antshares_core::io::Reader;
use antshares_core::{sha256, Transaction};
use rayon::prelude::*;

use crate::block::{describe_failure, gather_tx, sig_checks, LocalGather, LocalMessage};
use crate::walk::{run_checks, Message};

/// What the verifier found in one transaction. `error` is the first failure, `None` when every
/// standard witness verified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxReport {
    pub signatures_checked: usize,
    pub signatures_valid: usize,
    /// Witnesses with a non-standard verification script: neither passed nor failed here (the
    /// ledger rejects them).
    pub nonstandard_witnesses: usize,
    pub error: Option<String>,
}

impl TxReport {
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }
}

/// One transaction decoded and its witnesses gathered, before the batch.
struct Gathered {
    /// SHA-256 of the unsigned bytes: what its own witnesses sign.
    digest: [u8; 32],
    local: LocalGather,
    report: TxReport,
}

fn gather(unit: usize, raw: &[u8]) -> Gathered {
    let mut r = Reader::new(raw);
    let decoded = Transaction::decode_view(&mut r).and_then(|view| {
        if r.is_empty() {
            Ok(view)
        } else {
            r.err(
                "transaction",
                r.pos(),
                format!("{} trailing bytes", r.remaining()),
            )
        }
    });
    let mut g = Gathered {
        digest: [0; 32],
        local: LocalGather::default(),
        report: TxReport::default(),
    };
    match decoded {
        Ok(view) => {
            g.digest = sha256(&raw[view.span.unsigned()]);
            gather_tx(&mut g.local, unit, None, &view);
        }
        Err(e) => g.report.error = Some(format!("decode: {e}")),
    }
    g
}

/// Verifies every witness of each raw transaction (complete serialized bytes, nothing after) in
/// one batch; one report per transaction, in order. Bytes that do not decode are reported with a
/// `decode: …` error. Nothing is shared between the transactions but the batch.
pub fn verify_transactions(raws: &[&[u8]]) -> Vec<TxReport> {
    let mut gathered: Vec<Gathered> = raws
        .par_iter()
        .enumerate()
        .map(|(i, raw)| gather(i, raw))
        .collect();

    // Number the messages across the batch: each transaction's come after the previous ones'.
    let mut pending = Vec::new();
    let mut base = 0;
    for g in &mut gathered {
        pending.extend(
            std::mem::take(&mut g.local.pending)
                .into_iter()
                .map(|mut p| {
                    p.message += base;
                    p
                }),
        );
        base += g.local.messages.len();
        let counts = &g.local.counts;
        g.report.signatures_checked = counts.signatures_checked;
        g.report.nonstandard_witnesses = counts.nonstandard_witnesses;
        if g.report.error.is_none() {
            g.report.error = g.local.failures.first().cloned();
        }
    }
    let messages: Vec<Message<'_>> = gathered
        .iter()
        .zip(raws)
        .flat_map(|(g, raw)| {
            g.local.messages.iter().map(move |m| match m {
                LocalMessage::Tx { bytes, .. } => Message {
                    bytes: &raw[bytes.clone()],
                    sha256: &g.digest,
                },
                LocalMessage::Order { bytes, digest } => Message {
                    bytes,
                    sha256: digest,
                },
            })
        })
        .collect();
    let checks = sig_checks(&pending);
    let outcomes = run_checks(&messages, &checks);

    let mut reports: Vec<TxReport> = gathered.into_iter().map(|g| g.report).collect();
    for (p, outcome) in pending.iter().zip(&outcomes) {
        let report = &mut reports[p.block];
        report.signatures_valid += outcome.matched;
        if !outcome.valid && report.error.is_none() {
            report.error = Some(describe_failure(p, outcome));
        }
    }
    reports
}
