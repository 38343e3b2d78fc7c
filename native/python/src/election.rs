//! Binding of `antshares_ledger::election`: the bookkeeper election (SPEC §6), the native twin of
//! `antshares.ledger.election`.
//!
//! Malformed input raises ValueError, as the Python reference does. Weights above 2**64-1 are
//! refused (the ANS supply is 10**8 shares, so no real ballot comes near).
use std::collections::HashSet;

use antshares_ledger::election::{self as e, Ballot};

use crate::types::PyUInt160;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyInt, PyList, PyString};

fn value_err(message: impl Into<String>) -> PyErr {
    PyValueError::new_err(message.into())
}

fn election_err(err: e::ElectionError) -> PyErr {
    value_err(err.to_string())
}

fn type_name(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(obj.get_type().name()?.to_string())
}

/// A public key argument: bytes (its length is checked by the election itself).
fn key_arg(obj: &Bound<'_, PyAny>, what: impl FnOnce() -> String) -> PyResult<Vec<u8>> {
    match obj.cast::<PyBytes>() {
        Ok(b) => Ok(b.as_bytes().to_vec()),
        Err(_) => Err(value_err(format!(
            "{}: a public key must be bytes, not {}",
            what(),
            type_name(obj)?
        ))),
    }
}

fn keys_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Vec<u8>>> {
    if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyString>() {
        return Err(value_err(format!(
            "{what} must be a sequence of public keys"
        )));
    }
    let mut keys = Vec::new();
    for (i, key) in obj.try_iter()?.enumerate() {
        keys.push(key_arg(&key?, || format!("{what} {i}"))?);
    }
    Ok(keys)
}

/// One ballot: `(weight, candidates)` with an int weight in 1..2**64-1 and bytes keys.
fn ballot_arg(i: usize, obj: &Bound<'_, PyAny>) -> PyResult<(u64, Vec<Vec<u8>>)> {
    let not_a_pair = || value_err(format!("ballot {i}: expected a (weight, candidates) pair"));
    let fields: Vec<Bound<'_, PyAny>> = match obj.try_iter() {
        Ok(items) => items.collect::<PyResult<_>>().map_err(|_| not_a_pair())?,
        Err(_) => return Err(not_a_pair()),
    };
    let [weight, candidates] = fields.as_slice() else {
        return Err(not_a_pair());
    };
    if !weight.is_instance_of::<PyInt>() || weight.is_instance_of::<PyBool>() {
        return Err(value_err(format!(
            "ballot {i}: weight must be an int, not {}",
            type_name(weight)?
        )));
    }
    let weight: u64 = match weight.extract::<u64>() {
        Ok(w) if w > 0 => w,
        _ if weight.le(0)? => {
            return Err(value_err(format!(
                "ballot {i}: weight must be > 0 whole ANS shares, got {weight}"
            )))
        }
        _ => {
            return Err(value_err(format!(
                "ballot {i}: weight {weight} is above 2**64-1, the most the native election takes"
            )))
        }
    };
    if candidates.is_instance_of::<PyBytes>() || candidates.is_instance_of::<PyString>() {
        return Err(value_err(format!(
            "ballot {i}: candidates must be a sequence of public keys"
        )));
    }
    let mut keys = Vec::new();
    for (j, key) in candidates.try_iter()?.enumerate() {
        keys.push(key_arg(&key?, || format!("ballot {i}, candidate {j}"))?);
    }
    Ok((weight, keys))
}

fn ballots_arg(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(u64, Vec<Vec<u8>>)>> {
    obj.try_iter()?
        .enumerate()
        .map(|(i, ballot)| ballot_arg(i, &ballot?))
        .collect()
}

fn borrow_ballots(owned: &[(u64, Vec<Vec<u8>>)]) -> Vec<Ballot<'_>> {
    owned
        .iter()
        .map(|(w, keys)| Ballot::new(*w, keys))
        .collect()
}

/// election_count(ballots, standby_count) -> int: the number of bookkeepers (SPEC §6).
#[pyfunction]
fn election_count(ballots: &Bound<'_, PyAny>, standby_count: &Bound<'_, PyAny>) -> PyResult<usize> {
    if !standby_count.is_instance_of::<PyInt>() || standby_count.is_instance_of::<PyBool>() {
        return Err(value_err("standby count must be an int"));
    }
    let standby_count: usize = standby_count.extract().map_err(|_| {
        value_err(format!(
            "standby count must be between 1 and {}, got {standby_count}",
            e::MAX_BOOKKEEPERS
        ))
    })?;
    let owned = ballots_arg(ballots)?;
    e::bookkeeper_count(&borrow_ballots(&owned), standby_count).map_err(election_err)
}

/// election_elect(ballots, active, standby) -> list[bytes]: the bookkeepers of the next block.
#[pyfunction]
fn election_elect<'py>(
    py: Python<'py>,
    ballots: &Bound<'py, PyAny>,
    active: &Bound<'py, PyAny>,
    standby: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let owned = ballots_arg(ballots)?;
    let active: HashSet<Vec<u8>> = keys_arg(active, "active candidate")?.into_iter().collect();
    let standby = keys_arg(standby, "standby key")?;
    let chosen = py
        .detach(|| e::elect(&borrow_ballots(&owned), &active, &standby))
        .map_err(election_err)?;
    PyList::new(py, chosen.iter().map(|k| PyBytes::new(py, k)))
}

/// election_next_consensus(keys) -> UInt160: script hash of the consensus multisig of the keys.
#[pyfunction]
fn election_next_consensus(keys: &Bound<'_, PyAny>) -> PyResult<PyUInt160> {
    let keys = keys_arg(keys, "bookkeeper")?;
    e::next_consensus(&keys)
        .map(PyUInt160)
        .map_err(election_err)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(election_count, m)?)?;
    m.add_function(wrap_pyfunction!(election_elect, m)?)?;
    m.add_function(wrap_pyfunction!(election_next_consensus, m)?)?;
    Ok(())
}
