//! The AntShares block verifier (SPEC §1, §3): decode, txids, Merkle root, and every standard
//! witness — block witness, transaction witnesses, Agency order witnesses — of one or many blocks
//! checked in one parallel batch.
//!
//! [`verify_transactions`] does the same for loose transactions (a mempool's admission),
//! [`verify_chain_reusing`] skips the witnesses of transactions already verified that way, and
//! [`verify_headers`] checks the block witnesses of headers alone (headers-first sync; there a
//! non-standard witness fails, as no NextConsensus names one).
//!
//! Standard witnesses are single-signature (`21 key AC`, `22 tagged-key AC`) and m-of-n multisig
//! scripts with CHECKMULTISIG semantics. Anything else (a NEO 2.x contract) is counted as
//! non-standard: neither passed nor failed; a standard script fed anything but signature pushes
//! fails. Ledger rules (who must sign, double spends) need the
//! UTXO set and are not checked here; the sorted-witness rule is.

mod block;
mod digest;
mod headers;
mod transactions;
mod walk;

pub use block::{
    block_signatures, verify_block, verify_blocks, verify_chain, verify_chain_reusing, BlockReport,
    ChainTip, SignatureRecord, VerifiedSet,
};
pub use digest::merkle_root_parallel;
pub use headers::verify_headers;
pub use transactions::{verify_transactions, TxReport};
pub use walk::{clear_hints, run_checks, CheckOutcome, Message, ScriptKey, SigCheck, SPECULATION};
