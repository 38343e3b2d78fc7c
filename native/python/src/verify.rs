//! Binding of the block verifier: whole blocks in, one report dict per block out; the GIL is
//! released for the whole native run.
use antshares_core::{UInt160, UInt256};
use antshares_verify::{block_signatures as native_block_signatures, BlockReport, ChainTip};
use pyo3::exceptions::PyValueError;

use crate::types::{u160, u256, PyUInt160};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

/// An optional `UInt160` argument (a `UInt160` object or 20 raw bytes; None passes).
fn optional_u160(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<UInt160>> {
    match obj {
        Some(o) if !o.is_none() => u160(o, what).map(Some),
        _ => Ok(None),
    }
}

/// Lowercase hex of every byte value, two ASCII digits each.
const HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [DIGITS[i >> 4], DIGITS[i & 15]];
        i += 1;
    }
    t
};

/// The txids in display form (reversed bytes, lowercase hex) as a list of str, formatted on the
/// stack (no intermediate `String` per txid).
fn txids_list<'py>(py: Python<'py>, txids: &[UInt256]) -> PyResult<Bound<'py, PyList>> {
    let mut buf = [0u8; 64];
    PyList::new(
        py,
        txids.iter().map(|t| {
            for (pair, b) in buf.chunks_exact_mut(2).zip(t.0.iter().rev()) {
                pair.copy_from_slice(&HEX_PAIRS[usize::from(*b)]);
            }
            let s = std::str::from_utf8(&buf).expect("hex digits are ASCII");
            PyString::new(py, s)
        }),
    )
}

fn report_dict<'py>(py: Python<'py>, r: &BlockReport) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("height", r.height)?;
    d.set_item("hash", r.hash.map(|h| h.to_display()))?;
    d.set_item("merkle_root", r.merkle_root.map(|h| h.to_display()))?;
    d.set_item("merkle_ok", r.merkle_ok)?;
    d.set_item("txids", txids_list(py, &r.txids)?)?;
    // bytes, as pyo3 converts a Vec<u8> (the stub says list[int]; both iterate as ints).
    d.set_item("tx_types", PyBytes::new(py, &r.tx_types))?;
    d.set_item("signatures_checked", r.signatures_checked)?;
    d.set_item("signatures_valid", r.signatures_valid)?;
    d.set_item("nonstandard_witnesses", r.nonstandard_witnesses)?;
    d.set_item("ok", r.ok())?;
    d.set_item("error", r.error.clone())?;
    let next = match r.next_consensus {
        Some(h) => Some(Bound::new(py, PyUInt160(h))?),
        None => None,
    };
    d.set_item("next_consensus", next)?;
    d.set_item("block_witness_bound", r.block_witness_bound)?;
    Ok(d)
}

/// verify_block(raw, next_consensus=None) -> dict
#[pyfunction]
#[pyo3(signature = (raw, next_consensus=None))]
fn verify_block<'py>(
    py: Python<'py>,
    raw: &Bound<'py, PyBytes>,
    next_consensus: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let expected = optional_u160(next_consensus, "next_consensus")?;
    let data = raw.as_bytes();
    let report = py.detach(|| antshares_verify::verify_block(data, expected));
    report_dict(py, &report)
}

/// verify_blocks(raws, expected, chained) -> list[dict]: every signature in one batch.
#[pyfunction]
#[pyo3(signature = (raws, expected, chained=false))]
fn verify_blocks<'py>(
    py: Python<'py>,
    raws: Vec<Bound<'py, PyBytes>>,
    expected: Vec<Option<Bound<'py, PyAny>>>,
    chained: bool,
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    if expected.len() != raws.len() {
        return Err(PyValueError::new_err(
            "expected must have one entry per block",
        ));
    }
    let expected: Vec<Option<UInt160>> = expected
        .iter()
        .map(|e| optional_u160(e.as_ref(), "expected"))
        .collect::<PyResult<_>>()?;
    let views: Vec<&[u8]> = raws.iter().map(|b| b.as_bytes()).collect();
    let reports = py.detach(|| antshares_verify::verify_blocks(&views, &expected, chained));
    reports.iter().map(|r| report_dict(py, r)).collect()
}

/// verify_chain(raws, previous=None) -> list[dict]: consecutive blocks continuing from
/// `previous` = (hash, height, next_consensus) of the block before the first.
#[pyfunction]
#[pyo3(signature = (raws, previous=None))]
fn verify_chain<'py>(
    py: Python<'py>,
    raws: Vec<Bound<'py, PyBytes>>,
    previous: Option<(Bound<'py, PyAny>, u32, Bound<'py, PyAny>)>,
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let tip = match previous {
        Some((hash, height, next)) => Some(ChainTip {
            hash: u256(&hash, "previous hash")?,
            height,
            next_consensus: u160(&next, "previous next_consensus")?,
        }),
        None => None,
    };
    let views: Vec<&[u8]> = raws.iter().map(|b| b.as_bytes()).collect();
    let reports = py.detach(|| antshares_verify::verify_chain(&views, tip));
    reports.iter().map(|r| report_dict(py, r)).collect()
}

/// verify_headers(headers, previous) -> (valid, error): consecutive raw headers continuing from
/// `previous` = (hash, height, next_consensus) of the header before the first; `valid` leading
/// headers passed, `error` is the first failure (None when all passed).
#[pyfunction]
fn verify_headers<'py>(
    py: Python<'py>,
    headers: Vec<Bound<'py, PyBytes>>,
    previous: (Bound<'py, PyAny>, u32, Bound<'py, PyAny>),
) -> PyResult<(usize, Option<String>)> {
    let (hash, height, next) = previous;
    let tip = ChainTip {
        hash: u256(&hash, "previous hash")?,
        height,
        next_consensus: u160(&next, "previous next_consensus")?,
    };
    let views: Vec<&[u8]> = headers.iter().map(|b| b.as_bytes()).collect();
    let results = py.detach(|| antshares_verify::verify_headers(&views, tip));
    let valid = results.iter().take_while(|r| r.is_ok()).count();
    Ok((valid, results.into_iter().find_map(Result::err)))
}

/// (curve, key, message, signature) as Python objects.
type PySignature<'py> = (
    &'static str,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
);

/// block_signatures(raw) -> list[(curve, key, message, signature)] of every verifying signature.
#[pyfunction]
fn block_signatures<'py>(py: Python<'py>, raw: &Bound<'py, PyBytes>) -> Vec<PySignature<'py>> {
    let data = raw.as_bytes();
    let records = py.detach(|| native_block_signatures(data));
    records
        .iter()
        .map(|r| {
            (
                r.curve.name(),
                PyBytes::new(py, &r.key),
                PyBytes::new(py, &r.message),
                PyBytes::new(py, &r.signature),
            )
        })
        .collect()
}

/// clear_caches(): forget decoded keys and learned signer patterns (cold benchmarks).
#[pyfunction]
fn clear_caches() {
    antshares_crypto::clear_key_cache();
    antshares_verify::clear_hints();
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(verify_block, m)?)?;
    m.add_function(wrap_pyfunction!(verify_blocks, m)?)?;
    m.add_function(wrap_pyfunction!(verify_chain, m)?)?;
    m.add_function(wrap_pyfunction!(verify_headers, m)?)?;
    m.add_function(wrap_pyfunction!(block_signatures, m)?)?;
    m.add_function(wrap_pyfunction!(clear_caches, m)?)?;
    Ok(())
}
