//! Binding of the codec types (antshares-core): immutable wrappers with `to_bytes` / `from_bytes`,
//! hashes, addresses and script helpers. No protocol logic: validation is the core crate's.
//!
//! - `errors`: `DecodeError` and the conversions of core errors;
//! - `convert`: shared argument / return conversions;
//! - `uint`: `UInt160`, `UInt256`;
//! - `parts`: `Witness`, `CoinReference`, `TxOutput`, `TxAttribute`;
//! - `exclusive`: the type-specific transaction data as a dict, both ways;
//! - `transaction`: `Transaction`;
//! - `block`: `Header`, `Block`, headers payload;
//! - `functions`: hashes, Merkle root, Base58Check, addresses, WIF, scripts, var-ints.
use pyo3::prelude::*;

mod block;
mod convert;
mod errors;
mod exclusive;
mod functions;
mod parts;
mod transaction;
mod uint;

/// The key classes and their argument extractors, for the other binding modules (verify, ledger).
pub(crate) use uint::{u160, u256, PyUInt160};

/// Adds every class, exception and function of this module to `_native`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    uint::register(m)?;
    parts::register(m)?;
    transaction::register(m)?;
    block::register(m)?;
    functions::register(m)?;
    Ok(())
}
