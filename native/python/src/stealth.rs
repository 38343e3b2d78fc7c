//! Binding of the stealth-address tweaks of `antshares-crypto` (SPEC §9, `docs/stealth.md`).
//!
//! Curves by name as in `crypto.rs`; keys are 33-byte compressed points, secrets and tweaks
//! 32 bytes big-endian. Any refused input or unusable result is a ValueError with the reason.
use antshares_crypto as c;
use antshares_crypto::Curve;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

fn value_err(e: c::TweakError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

fn parse_curve(name: &str) -> PyResult<Curve> {
    name.parse::<Curve>().map_err(|_| {
        PyValueError::new_err(format!(
            "unknown curve {name:?} (expected 'secp256r1', 'secp256k1' or 'sm2')"
        ))
    })
}

/// tweak_add(curve, key, tweak) -> bytes: key + tweak·G, compressed.
#[pyfunction]
fn tweak_add<'py>(
    py: Python<'py>,
    curve: &str,
    key: &[u8],
    tweak: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let out = c::tweak_add(parse_curve(curve)?, key, tweak).map_err(value_err)?;
    Ok(PyBytes::new(py, &out))
}

/// ecdh(curve, secret, key) -> bytes: secret·key, compressed.
#[pyfunction]
fn ecdh<'py>(
    py: Python<'py>,
    curve: &str,
    secret: &[u8],
    key: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let out = c::ecdh(parse_curve(curve)?, secret, key).map_err(value_err)?;
    Ok(PyBytes::new(py, &out))
}

/// secret_tweak_add(curve, secret, tweak) -> bytes: secret + tweak mod n.
#[pyfunction]
fn secret_tweak_add<'py>(
    py: Python<'py>,
    curve: &str,
    secret: &[u8],
    tweak: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let out = c::secret_tweak_add(parse_curve(curve)?, secret, tweak).map_err(value_err)?;
    Ok(PyBytes::new(py, &out))
}

/// shared_tweak(curve, shared_point) -> bytes: SHA-256(shared_point) mod n, never 0.
#[pyfunction]
fn shared_tweak<'py>(
    py: Python<'py>,
    curve: &str,
    shared_point: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let out = c::shared_tweak(parse_curve(curve)?, shared_point).map_err(value_err)?;
    Ok(PyBytes::new(py, &out))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(tweak_add, m)?)?;
    m.add_function(wrap_pyfunction!(ecdh, m)?)?;
    m.add_function(wrap_pyfunction!(secret_tweak_add, m)?)?;
    m.add_function(wrap_pyfunction!(shared_tweak, m)?)?;
    Ok(())
}
