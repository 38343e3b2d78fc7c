//! The thin binding layer: every function here converts Python objects to the logic crates'
//! types and back. No protocol logic lives in this crate.
use pyo3::prelude::*;

mod beacon;
mod crypto;
mod election;
mod ledger;
mod state;
mod stealth;
mod types;
mod utxo;
mod verify;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    types::register(m)?;
    crypto::register(m)?;
    verify::register(m)?;
    ledger::register(m)?;
    utxo::register(m)?;
    beacon::register(m)?;
    election::register(m)?;
    state::register(m)?;
    stealth::register(m)?;
    Ok(())
}
