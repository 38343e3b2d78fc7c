//! Module-level functions: hashes, Merkle root, Base58Check, addresses, WIF, standard scripts
//! and var-ints. Each converts its arguments and calls the core.
use super::convert::bytes;
use super::errors::{decode_err, value_err};
use super::uint::{u160, u256, PyUInt160};
use antshares_core::io::{write_var_int, Reader};
use antshares_core::script::{self, KeyRef, ScriptClass};
use antshares_core::{address, base58, hash, merkle, UInt160};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};

/// Inputs above this size are hashed with the GIL released.
const GIL_RELEASE_THRESHOLD: usize = 64 * 1024;

/// Runs `f` with the GIL released when the input is large enough for that to pay off.
fn maybe_detach<T: Send>(py: Python<'_>, len: usize, f: impl FnOnce() -> T + Send) -> T {
    if len > GIL_RELEASE_THRESHOLD {
        py.detach(f)
    } else {
        f()
    }
}

#[pyfunction]
fn sha256<'py>(py: Python<'py>, data: &[u8]) -> Bound<'py, PyBytes> {
    bytes(py, &maybe_detach(py, data.len(), || hash::sha256(data)))
}

#[pyfunction]
fn hash256<'py>(py: Python<'py>, data: &[u8]) -> Bound<'py, PyBytes> {
    bytes(py, &maybe_detach(py, data.len(), || hash::hash256(data)))
}

#[pyfunction]
fn hash160<'py>(py: Python<'py>, data: &[u8]) -> Bound<'py, PyBytes> {
    bytes(py, &hash::hash160(data))
}

/// Below this many leaves waking the thread pool costs more than it saves (measured: 2048 leaves
/// are faster on one core).
const PARALLEL_MERKLE_LEAVES: usize = 8192;

/// merkle_root(hashes: list[bytes]) -> bytes (internal order; 32 zero bytes for an empty list)
#[pyfunction]
fn merkle_root<'py>(py: Python<'py>, hashes: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let mut leaves: Vec<antshares_core::UInt256> = Vec::new();
    for (i, h) in hashes.try_iter()?.enumerate() {
        let h = h?;
        let u =
            u256(&h, "hashes").map_err(|_| value_err(format!("hashes[{i}] must be 32 bytes")))?;
        leaves.push(u);
    }
    // Wide trees are hashed on every core, without the GIL.
    let root = if leaves.len() > PARALLEL_MERKLE_LEAVES {
        py.detach(|| antshares_verify::merkle_root_parallel(&leaves))
    } else {
        merkle::merkle_root(&leaves)
    };
    Ok(bytes(py, &root.0))
}

#[pyfunction]
fn base58check_encode(data: &[u8]) -> String {
    base58::check_encode(data)
}

#[pyfunction]
fn base58check_decode<'py>(py: Python<'py>, s: &str) -> PyResult<Bound<'py, PyBytes>> {
    base58::check_decode(s)
        .map(|b| bytes(py, &b))
        .map_err(|e| value_err(e.to_string()))
}

/// script_hash(script) -> UInt160
#[pyfunction]
fn script_hash(script: &[u8]) -> PyUInt160 {
    PyUInt160(UInt160(hash::hash160(script)))
}

#[pyfunction]
#[pyo3(signature = (h, version = 0x17))]
fn address_from_script_hash(h: &Bound<'_, PyAny>, version: u8) -> PyResult<String> {
    Ok(address::address_from_script_hash(&u160(h, "h")?, version))
}

/// decode_address(addr) -> (version, UInt160)
#[pyfunction]
fn decode_address(addr: &str) -> PyResult<(u8, PyUInt160)> {
    address::decode_address(addr)
        .map(|(v, h)| (v, PyUInt160(h)))
        .map_err(|e| value_err(format!("invalid address {addr:?}: {e}")))
}

#[pyfunction]
fn wif_encode(secret: &[u8]) -> PyResult<String> {
    let s: [u8; 32] = secret
        .try_into()
        .map_err(|_| value_err(format!("a private key is 32 bytes, got {}", secret.len())))?;
    Ok(address::wif_encode(&s))
}

#[pyfunction]
fn wif_decode<'py>(py: Python<'py>, wif: &str) -> PyResult<Bound<'py, PyBytes>> {
    address::wif_decode(wif)
        .map(|s| bytes(py, &s))
        .map_err(|e| value_err(format!("invalid WIF: {e}")))
}

/// single_sig_script(key: 33-byte P-256 or 34-byte tagged key) -> bytes
#[pyfunction]
fn single_sig_script<'py>(py: Python<'py>, key: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    let k = KeyRef::from_bytes(key).map_err(value_err)?;
    Ok(bytes(py, &script::single_sig_script(&k)))
}

/// multisig_script_sorted(m, keys) -> bytes; keys must already be in ECPoint order.
#[pyfunction]
fn multisig_script_sorted<'py>(
    py: Python<'py>,
    m: usize,
    keys: Vec<Vec<u8>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let ks = keys
        .iter()
        .enumerate()
        .map(|(i, k)| KeyRef::from_bytes(k).map_err(|e| value_err(format!("keys[{i}]: {e}"))))
        .collect::<PyResult<Vec<_>>>()?;
    let s = script::multisig_script(m, &ks).map_err(value_err)?;
    Ok(bytes(py, &s))
}

/// classify_script(script) -> ("single", key) | ("multisig", m, [keys]) | ("nonstandard",)
#[pyfunction]
fn classify_script<'py>(py: Python<'py>, script: &[u8]) -> PyResult<Bound<'py, PyTuple>> {
    match script::classify_verification(script) {
        ScriptClass::Single(k) => PyTuple::new(
            py,
            [
                "single".into_pyobject(py)?.into_any(),
                bytes(py, &k.to_bytes()).into_any(),
            ],
        ),
        ScriptClass::Multi { m, keys } => {
            let ks = PyList::new(py, keys.iter().map(|k| bytes(py, &k.to_bytes())))?;
            PyTuple::new(
                py,
                [
                    "multisig".into_pyobject(py)?.into_any(),
                    m.into_pyobject(py)?.into_any(),
                    ks.into_any(),
                ],
            )
        }
        ScriptClass::NonStandard => PyTuple::new(py, ["nonstandard"]),
    }
}

/// parse_invocation(script) -> list of 64-byte signatures, or None if not only `40`+64 pushes.
#[pyfunction]
fn parse_invocation<'py>(py: Python<'py>, script: &[u8]) -> PyResult<Option<Bound<'py, PyList>>> {
    match script::parse_invocation(script) {
        None => Ok(None),
        Some(sigs) => Ok(Some(PyList::new(py, sigs.iter().map(|s| bytes(py, s)))?)),
    }
}

/// encode_var_int(n) -> bytes: the minimal var-int encoding (format-1x §1).
#[pyfunction]
fn encode_var_int<'py>(py: Python<'py>, value: u64) -> Bound<'py, PyBytes> {
    let mut out = Vec::with_capacity(9);
    write_var_int(&mut out, value);
    bytes(py, &out)
}

/// decode_var_int(data) -> (value, size): reads a canonical var-int at the start of `data`.
#[pyfunction]
fn decode_var_int(py: Python<'_>, data: &[u8]) -> PyResult<(u64, usize)> {
    let mut r = Reader::new(data);
    let v = r.var_int("var_int").map_err(|e| decode_err(py, &e))?;
    Ok((v, r.pos()))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sha256, m)?)?;
    m.add_function(wrap_pyfunction!(hash256, m)?)?;
    m.add_function(wrap_pyfunction!(hash160, m)?)?;
    m.add_function(wrap_pyfunction!(merkle_root, m)?)?;
    m.add_function(wrap_pyfunction!(base58check_encode, m)?)?;
    m.add_function(wrap_pyfunction!(base58check_decode, m)?)?;
    m.add_function(wrap_pyfunction!(script_hash, m)?)?;
    m.add_function(wrap_pyfunction!(address_from_script_hash, m)?)?;
    m.add_function(wrap_pyfunction!(decode_address, m)?)?;
    m.add_function(wrap_pyfunction!(wif_encode, m)?)?;
    m.add_function(wrap_pyfunction!(wif_decode, m)?)?;
    m.add_function(wrap_pyfunction!(single_sig_script, m)?)?;
    m.add_function(wrap_pyfunction!(multisig_script_sorted, m)?)?;
    m.add_function(wrap_pyfunction!(classify_script, m)?)?;
    m.add_function(wrap_pyfunction!(parse_invocation, m)?)?;
    m.add_function(wrap_pyfunction!(encode_var_int, m)?)?;
    m.add_function(wrap_pyfunction!(decode_var_int, m)?)?;
    Ok(())
}
