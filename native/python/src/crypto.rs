//! Binding of `antshares-crypto`: keys, signing, single and batch verification, key ordering.
//!
//! Batch calls borrow the `bytes` buffers (kept alive by strong references held for the call)
//! and release the GIL for the parallel verification.
use std::cmp::Ordering;

use antshares_crypto as c;
use antshares_crypto::{Curve, VerifyItem};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyInt, PyList, PyString, PyTuple};

fn value_err(e: c::Error) -> PyErr {
    PyValueError::new_err(e.to_string())
}

fn parse_curve(name: &str) -> PyResult<Curve> {
    name.parse::<Curve>().map_err(|_| {
        PyValueError::new_err(format!(
            "unknown curve {name:?} (expected 'secp256r1', 'secp256k1' or 'sm2')"
        ))
    })
}

/// A curve given as its name (str) or its packed code (int 0, 1, 2).
fn curve_arg(obj: &Bound<'_, PyAny>) -> PyResult<Curve> {
    if let Ok(s) = obj.cast::<PyString>() {
        return parse_curve(&s.to_cow()?);
    }
    if obj.is_instance_of::<PyInt>() {
        let code: i64 = obj.extract()?;
        return u8::try_from(code)
            .ok()
            .and_then(Curve::from_code)
            .ok_or_else(|| PyValueError::new_err(format!("unknown curve code {code}")));
    }
    Err(PyTypeError::new_err(
        "curve must be a str ('secp256r1', 'secp256k1', 'sm2') or an int code",
    ))
}

/// A `bytes` object, or any other buffer (bytearray, memoryview) copied into a new `bytes`.
fn bytes_arg<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Bound<'py, PyBytes>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.clone());
    }
    let v: Vec<u8> = obj
        .extract()
        .map_err(|_| PyTypeError::new_err(format!("{what} must be bytes")))?;
    Ok(PyBytes::new(obj.py(), &v))
}

/// public_key_from_secret(curve, secret) -> bytes: the 33-byte compressed public key.
#[pyfunction]
fn public_key_from_secret<'py>(
    py: Python<'py>,
    curve: &str,
    secret: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let curve = parse_curve(curve)?;
    let pk = c::public_key_from_secret(curve, secret).map_err(value_err)?;
    Ok(PyBytes::new(py, &pk))
}

/// sign(curve, secret, message) -> bytes: 64-byte r‖s (low-S for the ECDSA curves).
#[pyfunction]
fn sign<'py>(
    py: Python<'py>,
    curve: &str,
    secret: &[u8],
    message: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let curve = parse_curve(curve)?;
    let sig = py
        .detach(|| c::sign(curve, secret, message))
        .map_err(value_err)?;
    Ok(PyBytes::new(py, &sig))
}

/// verify(curve, key, message, signature) -> bool. Malformed keys or signatures give False.
#[pyfunction]
fn verify(
    py: Python<'_>,
    curve: &str,
    key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> PyResult<bool> {
    let curve = parse_curve(curve)?;
    Ok(py.detach(|| c::verify(curve, key, message, signature)))
}

/// Strong references to the buffers of (curve, key, message-or-digest, signature) items, so the
/// borrowed slices stay valid while the GIL is released even if another thread mutates the list.
type HeldItem<'py> = (Curve, [Bound<'py, PyBytes>; 3]);

fn hold_items<'py>(items: &Bound<'py, PyAny>, third: &str) -> PyResult<Vec<HeldItem<'py>>> {
    let mut held: Vec<HeldItem<'py>> = Vec::new();
    if let Ok(n) = items.len() {
        held.reserve(n);
    }
    for (i, item) in items.try_iter()?.enumerate() {
        let item = item?;
        let t = item.cast::<PyTuple>().map_err(|_| {
            PyTypeError::new_err(format!(
                "item {i}: expected a tuple (curve, key, {third}, signature)"
            ))
        })?;
        if t.len() != 4 {
            return Err(PyValueError::new_err(format!(
                "item {i}: expected 4 fields (curve, key, {third}, signature), got {}",
                t.len()
            )));
        }
        let curve = curve_arg(&t.get_item(0)?)?;
        held.push((
            curve,
            [
                bytes_arg(&t.get_item(1)?, "key")?,
                bytes_arg(&t.get_item(2)?, third)?,
                bytes_arg(&t.get_item(3)?, "signature")?,
            ],
        ));
    }
    Ok(held)
}

/// verify_batch(items: list[tuple[str, bytes, bytes, bytes]]) -> list[bool]
/// Items are (curve, key, message, signature); verified in parallel without the GIL.
#[pyfunction]
fn verify_batch(py: Python<'_>, items: &Bound<'_, PyAny>) -> PyResult<Vec<bool>> {
    let held = hold_items(items, "message")?;
    let batch: Vec<VerifyItem<'_>> = held
        .iter()
        .map(|(curve, [k, m, s])| VerifyItem::new(*curve, k.as_bytes(), m.as_bytes(), s.as_bytes()))
        .collect();
    Ok(py.detach(|| c::verify_batch(&batch)))
}

/// verify_batch_digests(items: list[tuple[str, bytes, bytes, bytes]]) -> list[bool]
/// Items are (curve, key, sha256 digest of the signed bytes, signature), for callers that already
/// hold the digests (P-256 and secp256k1; SM2 hashes the message itself and is refused).
#[pyfunction]
fn verify_batch_digests(py: Python<'_>, items: &Bound<'_, PyAny>) -> PyResult<Vec<bool>> {
    let held = hold_items(items, "digest")?;
    let mut digests: Vec<[u8; 32]> = Vec::with_capacity(held.len());
    for (i, (curve, [_, d, _])) in held.iter().enumerate() {
        if *curve == Curve::Sm2 {
            return Err(PyValueError::new_err(format!(
                "item {i}: SM2 signs the message itself (SM3 with the signer's Z); use verify_batch"
            )));
        }
        digests.push(d.as_bytes().try_into().map_err(|_| {
            PyValueError::new_err(format!(
                "item {i}: a digest is 32 bytes, not {}",
                d.as_bytes().len()
            ))
        })?);
    }
    let batch: Vec<VerifyItem<'_>> = held
        .iter()
        .zip(&digests)
        .map(|((curve, [k, _, s]), d)| {
            VerifyItem::with_sha256(*curve, k.as_bytes(), &[], d, s.as_bytes())
        })
        .collect();
    Ok(py.detach(|| c::verify_batch(&batch)))
}

/// verify_batch_packed(curves, keys, signatures, messages) -> list[bool]
/// `curves`: one code byte per item (0 secp256r1, 1 secp256k1, 2 sm2); `keys`: 33 × n bytes;
/// `signatures`: 64 × n bytes; `messages`: list of n bytes objects.
#[pyfunction]
fn verify_batch_packed(
    py: Python<'_>,
    curves: &[u8],
    keys: &[u8],
    signatures: &[u8],
    messages: &Bound<'_, PyAny>,
) -> PyResult<Vec<bool>> {
    let n = curves.len();
    if keys.len() != n * c::KEY_LEN {
        return Err(PyValueError::new_err(format!(
            "keys must be 33 × {n} = {} bytes, got {}",
            n * c::KEY_LEN,
            keys.len()
        )));
    }
    if signatures.len() != n * c::SIGNATURE_LEN {
        return Err(PyValueError::new_err(format!(
            "signatures must be 64 × {n} = {} bytes, got {}",
            n * c::SIGNATURE_LEN,
            signatures.len()
        )));
    }
    let mut curve_list = Vec::with_capacity(n);
    for (i, &code) in curves.iter().enumerate() {
        curve_list.push(Curve::from_code(code).ok_or_else(|| {
            PyValueError::new_err(format!("item {i}: unknown curve code {code}"))
        })?);
    }
    let mut held: Vec<Bound<'_, PyBytes>> = Vec::with_capacity(n);
    for m in messages.try_iter()? {
        held.push(bytes_arg(&m?, "message")?);
    }
    if held.len() != n {
        return Err(PyValueError::new_err(format!(
            "expected {n} messages, got {}",
            held.len()
        )));
    }
    let batch: Vec<VerifyItem<'_>> = (0..n)
        .map(|i| {
            VerifyItem::new(
                curve_list[i],
                &keys[i * c::KEY_LEN..(i + 1) * c::KEY_LEN],
                held[i].as_bytes(),
                &signatures[i * c::SIGNATURE_LEN..(i + 1) * c::SIGNATURE_LEN],
            )
        })
        .collect();
    Ok(py.detach(|| c::verify_batch(&batch)))
}

/// compare_keys(a, b) -> int: -1, 0 or 1 in multisig key order (X, then Y; tagged keys: then tag).
#[pyfunction]
fn compare_keys(a: &[u8], b: &[u8]) -> PyResult<i32> {
    Ok(match c::try_compare_keys(a, b).map_err(value_err)? {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    })
}

/// sort_keys(keys) -> list[bytes]: a new list in multisig key order.
#[pyfunction]
fn sort_keys<'py>(py: Python<'py>, keys: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
    let mut held: Vec<Bound<'py, PyBytes>> = Vec::new();
    for k in keys.try_iter()? {
        held.push(bytes_arg(&k?, "key")?);
    }
    let slices: Vec<&[u8]> = held.iter().map(|b| b.as_bytes()).collect();
    for k in &slices {
        let (curve, point) = c::split_key(k).map_err(value_err)?;
        c::validate_key(curve, point).map_err(value_err)?;
    }
    let mut order: Vec<usize> = (0..slices.len()).collect();
    order.sort_by(|&i, &j| c::compare_keys(slices[i], slices[j]));
    PyList::new(py, order.into_iter().map(|i| held[i].clone()))
}

/// key_cache_stats() -> dict: {"hits": int, "misses": int, "size": int, "hot_tables": int}
#[pyfunction]
fn key_cache_stats(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let s = c::key_cache_stats();
    let d = PyDict::new(py);
    d.set_item("hits", s.hits)?;
    d.set_item("misses", s.misses)?;
    d.set_item("size", s.size)?;
    d.set_item("hot_tables", s.hot_tables)?;
    Ok(d)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(public_key_from_secret, m)?)?;
    m.add_function(wrap_pyfunction!(sign, m)?)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(verify_batch, m)?)?;
    m.add_function(wrap_pyfunction!(verify_batch_digests, m)?)?;
    m.add_function(wrap_pyfunction!(verify_batch_packed, m)?)?;
    m.add_function(wrap_pyfunction!(compare_keys, m)?)?;
    m.add_function(wrap_pyfunction!(sort_keys, m)?)?;
    m.add_function(wrap_pyfunction!(key_cache_stats, m)?)?;
    Ok(())
}
