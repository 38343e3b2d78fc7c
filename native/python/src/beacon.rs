//! Binding of `antshares_ledger::beacon`: Feldman secret sharing over P-256 and the beacon value
//! (SPEC §7.7). Scalars are 32 bytes big-endian, points 33-byte compressed; any malformed
//! argument is a ValueError (TypeError for a wrong Python type).
use antshares_ledger::beacon as b;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyInt, PyList, PyTuple};

fn value_err(e: b::BeaconError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// A `bytes` object of exactly `N` bytes.
fn fixed<const N: usize>(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<[u8; N]> {
    let raw = obj
        .cast::<PyBytes>()
        .map_err(|_| PyTypeError::new_err(format!("{what} must be bytes")))?
        .as_bytes();
    raw.try_into()
        .map_err(|_| PyValueError::new_err(format!("{what} needs {N} bytes, got {}", raw.len())))
}

/// An iterable of `bytes` objects of exactly `N` bytes each.
fn fixed_list<const N: usize>(items: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<[u8; N]>> {
    let mut v = Vec::new();
    for (i, item) in items.try_iter()?.enumerate() {
        v.push(fixed::<N>(&item?, &format!("{what}[{i}]"))?);
    }
    Ok(v)
}

/// A share index: an int (not a bool) in 0..65535; 0 is refused by the math itself.
fn x_arg(obj: &Bound<'_, PyAny>) -> PyResult<u16> {
    if !obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "x must be an int, not {}",
            obj.get_type().name()?
        )));
    }
    obj.extract::<u16>()
        .map_err(|_| PyValueError::new_err(format!("x must be in 0..65535, got {obj}")))
}

/// beacon_commitment(secret: bytes) -> bytes: s·G compressed; ValueError for s = 0 or s ≥ n.
#[pyfunction]
fn beacon_commitment<'py>(
    py: Python<'py>,
    secret: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let s = fixed::<32>(secret, "secret")?;
    Ok(PyBytes::new(py, &b::commitment(&s).map_err(value_err)?))
}

/// beacon_deal(coefficients: list[bytes]) -> list[bytes]: the commitments a_i·G.
#[pyfunction]
fn beacon_deal<'py>(
    py: Python<'py>,
    coefficients: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let a = fixed_list::<32>(coefficients, "coefficients")?;
    let commitments = py.detach(|| b::deal(&a)).map_err(value_err)?;
    PyList::new(py, commitments.iter().map(|c| PyBytes::new(py, c)))
}

/// beacon_share(coefficients: list[bytes], x: int) -> bytes: the polynomial at x ≥ 1.
#[pyfunction]
fn beacon_share<'py>(
    py: Python<'py>,
    coefficients: &Bound<'py, PyAny>,
    x: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let a = fixed_list::<32>(coefficients, "coefficients")?;
    let x = x_arg(x)?;
    Ok(PyBytes::new(py, &b::share(&a, x).map_err(value_err)?))
}

/// beacon_verify_share(commitments: list[bytes], x: int, share: bytes) -> bool.
#[pyfunction]
fn beacon_verify_share(
    py: Python<'_>,
    commitments: &Bound<'_, PyAny>,
    x: &Bound<'_, PyAny>,
    share: &Bound<'_, PyAny>,
) -> PyResult<bool> {
    let c = fixed_list::<33>(commitments, "commitments")?;
    let x = x_arg(x)?;
    let s = fixed::<32>(share, "share")?;
    Ok(py.detach(|| b::verify_share(&c, x, &s)))
}

/// beacon_recover(shares: list[tuple[int, bytes]]) -> bytes: Lagrange interpolation at 0.
#[pyfunction]
fn beacon_recover<'py>(
    py: Python<'py>,
    shares: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let mut v = Vec::new();
    for (i, item) in shares.try_iter()?.enumerate() {
        let item = item?;
        let t = item.cast::<PyTuple>().map_err(|_| {
            PyTypeError::new_err(format!("shares[{i}]: expected a tuple (x, share)"))
        })?;
        if t.len() != 2 {
            return Err(PyValueError::new_err(format!(
                "shares[{i}]: expected 2 fields (x, share), got {}",
                t.len()
            )));
        }
        v.push((
            x_arg(&t.get_item(0)?)?,
            fixed::<32>(&t.get_item(1)?, &format!("shares[{i}] share"))?,
        ));
    }
    let secret = py.detach(|| b::recover_secret(&v)).map_err(value_err)?;
    Ok(PyBytes::new(py, &secret))
}

/// beacon_random(secrets: list[bytes]) -> bytes: SHA-256 of the 32-byte secrets concatenated.
#[pyfunction]
fn beacon_random<'py>(
    py: Python<'py>,
    secrets: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let s = fixed_list::<32>(secrets, "secrets")?;
    Ok(PyBytes::new(py, &b::random_value(&s)))
}

/// beacon_header_nonce(r: bytes) -> int: the low 64 bits of R, little-endian.
#[pyfunction]
fn beacon_header_nonce(r: &Bound<'_, PyAny>) -> PyResult<u64> {
    Ok(b::header_nonce(&fixed::<32>(r, "r")?))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(beacon_commitment, m)?)?;
    m.add_function(wrap_pyfunction!(beacon_deal, m)?)?;
    m.add_function(wrap_pyfunction!(beacon_share, m)?)?;
    m.add_function(wrap_pyfunction!(beacon_verify_share, m)?)?;
    m.add_function(wrap_pyfunction!(beacon_recover, m)?)?;
    m.add_function(wrap_pyfunction!(beacon_random, m)?)?;
    m.add_function(wrap_pyfunction!(beacon_header_nonce, m)?)?;
    Ok(())
}
